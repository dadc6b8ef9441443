import FazhiModel
import Foundation
import Mustache

/// The mustache templates of `<templates>/`, compiled once. Every `*.mustache` file is registered under its
/// name without the extension (`layout`, `report`, `partials/table` → `table`), so pages and partials are
/// edited without recompiling.
public struct SiteTemplates: Sendable {
    let library: MustacheLibrary
    public let names: [String]
    /// Template files, for a future dependency graph (`template:<name>` inputs).
    public let files: [String: String]

    public static let required = ["layout", "home", "report", "locality", "localities", "year", "years", "theme", "theme-year", "themes",
                                  "indicator", "indicator-province", "indicators", "review", "data", "404", "table"]

    public init(directory: String) throws {
        let fm = FileManager.default
        var lib = MustacheLibrary()
        var names: [String] = []
        var files: [String: String] = [:]
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        let all = (fm.enumerator(atPath: base)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".mustache") }.sorted()
        for rel in all {
            let path = base + rel
            guard let data = fm.contents(atPath: path) else { throw Diagnostic(file: path, "cannot read template") }
            let text = String(decoding: data, as: UTF8.self)
            var name = String(rel.dropLast(".mustache".count))
            if let slash = name.lastIndex(of: "/") { name = String(name[name.index(after: slash)...]) }
            do {
                try lib.register(MustacheTemplate(string: text), named: name)
            } catch let e as MustacheTemplate.ParserError {
                throw Diagnostic(file: path, line: e.context.lineNumber, column: e.context.columnNumber, "template error: \(e.error)")
            } catch {
                throw Diagnostic(file: path, "template error: \(error)")
            }
            names.append(name)
            files[name] = path
        }
        for r in Self.required where files[r] == nil {
            throw Diagnostic(file: base + r + ".mustache", "required template is missing")
        }
        self.library = lib
        self.names = names
        self.files = files
    }

    public func render(_ name: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: name) ?? ""
    }
}
