import ArgumentParser
import FazhiModel

struct FactsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "facts",
        abstract: "Print a report's facts and indicators as a table, for checking by eye.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A report id, a Markdown file, or a raw report file.")
    var report: String

    func run() throws {
        throw ValidationError("facts is not implemented yet")
    }
}
