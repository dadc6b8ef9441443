import ArgumentParser
import FazhiModel

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert every report under <content>/reports into Markdown under <content>/markdown.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        throw ValidationError("convert is not implemented yet")
    }
}
