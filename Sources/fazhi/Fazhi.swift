import ArgumentParser
import FazhiModel

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
