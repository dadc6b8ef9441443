import ArgumentParser
import FazhiModel
import FazhiSite

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the content (front matter, ids, catalog, anchors) and the built site's internal links and anchors.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("base-url"), help: "The base URL the site was built with (default: config.yaml's).")
    var baseURL: String?

    @Flag(name: .customLong("content-only"), help: "Check the content only, not the built site.")
    var contentOnly = false

    func run() throws {
        let checker = SiteChecker(layout: global.layout, baseURL: baseURL)
        var problems = checker.checkContent()
        if !contentOnly { problems += checker.checkOutput() }
        for d in problems { print(d.description) }
        let errors = problems.filter { $0.severity == .error }.count
        let warnings = problems.count - errors
        print("check: \(errors) errors, \(warnings) warnings")
        if errors > 0 { throw ExitCode(1) }
    }
}
