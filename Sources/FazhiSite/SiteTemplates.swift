import FazhiModel
import Foundation

/// The Mustache templates of `<templates>/`, compiled once (PageTemplate says what they may hold). Every
/// `*.mustache` file is registered under its name without the extension (`layout`, `report`, `partials/table`
/// → `table`), so pages and partials are edited without recompiling.
public struct SiteTemplates: Sendable {
    let renderer: TemplateRenderer
    public let names: [String]
    /// The file of each template, by name (for error messages).
    public let files: [String: String]

    public static let required = ["layout", "home", "report", "locality", "localities", "year", "years", "theme", "theme-year", "themes",
                                  "indicator", "indicator-province", "indicators", "review", "review-year", "data", "404", "table"]

    public init(directory: String) throws {
        let fm = FileManager.default
        var compiled: [String: PageTemplate] = [:]
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
                compiled[name] = try PageTemplate(text)
            } catch let e as PageTemplate.SyntaxError {
                throw Diagnostic(file: path, line: e.line, column: e.column, "template error: \(e.message)")
            }
            names.append(name)
            files[name] = path
        }
        for r in Self.required where files[r] == nil {
            throw Diagnostic(file: base + r + ".mustache", "required template is missing")
        }
        // A partial that does not exist is a mistake in the templates, not an empty string.
        for name in names {
            for use in compiled[name]!.partials where compiled[use.name] == nil {
                throw Diagnostic(file: files[name]!, line: use.line, "template error: no partial named \(use.name) (no \(use.name).mustache under \(base))")
            }
        }
        // A partial that includes itself, directly or through others, would never finish rendering.
        var state: [String: Bool] = [:] // false: being visited, true: done
        func visit(_ name: String, _ path: [String]) throws {
            if state[name] == true { return }
            if state[name] == false {
                let cycle = (path.drop { $0 != name } + [name]).joined(separator: " → ")
                throw Diagnostic(file: files[name]!, "template error: partials include each other in a circle: \(cycle)")
            }
            state[name] = false
            for use in compiled[name]!.partials { try visit(use.name, path + [name]) }
            state[name] = true
        }
        for name in names { try visit(name, []) }
        self.renderer = TemplateRenderer(templates: compiled)
        self.names = names
        self.files = files
    }

    public func render(_ name: String, _ context: [String: Any]) -> [UInt8] {
        guard let template = renderer.templates[name] else { return [] }
        return renderer.render(template, context)
    }
}
