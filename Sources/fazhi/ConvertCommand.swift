import ArgumentParser
import Foundation
import FazhiModel
import FazhiCorpus
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert every report under <content>/reports into Markdown under <content>/markdown.",
        discussion: """
        Reads every .txt, .html, .htm and .md file under <content>/reports (any folder depth; UTF-8, UTF-16, \
        GB18030/GBK or Big5, detected), drops web-page debris and the page's metadata block, reads the title, \
        year, publication date, publisher, index and document numbers, resolves the locality against the bundled \
        gazetteer, rebuilds the outline as Markdown headings, and writes one file per report to \
        <content>/markdown/<id>.md (id: <adcode>-<year>, -d for a department report, -2… for a second report).

        Incremental: an input whose Markdown is up to date is not converted again (use --force to redo all). \
        A Markdown file with `locked: true` in its front matter is never overwritten. Markdown whose source is \
        gone is removed. A file that cannot be read as a report is named with an error and skipped; the exit \
        status is non-zero if any input failed.
        """)

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Convert every report again, even when its Markdown is up to date (locked files are still kept).")
    var force = false

    func run() throws {
        let stderrIsTTY = isatty(2) != 0
        var converter = Converter(layout: global.layout, progress: { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        })
        converter.progressAlways = stderrIsTTY
        let summary: ConvertSummary
        do {
            summary = try converter.run(force: force)
        } catch let d as Diagnostic {
            FileHandle.standardError.write(Data((d.description + "\n").utf8))
            throw ExitCode.failure
        }
        for note in summary.notes { FileHandle.standardError.write(Data(("note: " + note + "\n").utf8)) }
        for d in summary.failed { FileHandle.standardError.write(Data((d.description + "\n").utf8)) }
        print(summary.line)
        if !summary.failed.isEmpty { throw ExitCode.failure }
    }
}
