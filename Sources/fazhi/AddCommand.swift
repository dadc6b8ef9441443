import ArgumentParser
import Foundation
import FazhiModel
import FazhiCorpus
import FazhiSite

struct AddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Copy new report files into <content>/reports under a canonical name, then rebuild.",
        discussion: """
        Each file is read, its locality and year detected, and copied to \
        <content>/reports/<province>/<adcode>-<locality>-<year>.<ext> (未归类/ when the locality is unknown). \
        A file whose bytes are already in the corpus is refused, naming the report it duplicates. Nothing in \
        the corpus is overwritten. The exit status is non-zero when any file was not added.
        """)

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Only copy the files in; do not rebuild the site.")
    var noBuild = false

    @Argument(help: "Report files (.txt, .html, .htm, .md).")
    var files: [String]

    func run() throws {
        let outcomes = ReportIntake(layout: global.layout).add(files)
        var added = 0
        for o in outcomes {
            switch o.result {
            case .added(let path): print("added \(o.file) → \(path)"); added += 1
            case .duplicate(let existing): printErr("\(o.file): error: duplicate of \(existing); not added")
            case .refused(let d): printErr(d.description)
            }
        }
        if added > 0 && !noBuild {
            var builder = SiteBuilder(layout: global.layout)
            builder.prefetchCache()
            var converter = Converter(layout: global.layout)
            converter.startAhead(&builder, reportsAdded: true)
            let converted = try converter.run()
            for d in converted.failed { printErr(d.description) }
            let built = try builder.build()
            print("built \(global.layout.output): \(built.pagesWritten) pages")
        }
        if added < outcomes.count { throw ExitCode.failure }
    }
}
