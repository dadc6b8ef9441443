import ArgumentParser
import FazhiModel
#if canImport(Glibc)
import Glibc
#endif

@main
struct Fazhi: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fazhi",
        abstract: "Build a website that compares China's annual rule-of-law government reports (法治政府建设年度报告).",
        discussion: """
        Pipeline: content/reports (raw .txt/.html/.md, any encoding) → convert → content/markdown \
        (front matter + Markdown, hand-correctable) → build → public/ (the site).
        """,
        subcommands: [ConvertCommand.self, BuildCommand.self, ServeCommand.self, AddCommand.self, FactsCommand.self, CheckCommand.self, GenCorpusCommand.self]
    )

    static func main() async {
        #if canImport(Glibc)
        // glibc grows a thread's heap 128 KiB at a time, each step an mprotect call: an add-one build of 5,000
        // reports, which reads its cache and model into new memory, made 16,500 of them (an eighth of its
        // system time). 64 MiB steps instead (76 calls); pages of a step that are never touched cost nothing.
        // (mallopt is declared in malloc.h, which Swift's Glibc module leaves out; M_TOP_PAD is -2 there.)
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") {
            let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
            _ = mallopt(-2, 64 << 20)
        }
        #endif
        await main(nil)
    }
}

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The content folder: reports/, markdown/, catalog.yaml, config.yaml.")
    var content: String = "content"

    @Option(name: .long, help: "The templates folder (mustache templates and assets).")
    var templates: String = "Templates"

    @Option(name: .long, help: "The output folder for the built site.")
    var output: String = "public"

    var layout: ProjectLayout { ProjectLayout(content: content, templates: templates, output: output) }
}
