import Yams

/// The indicator catalog (`content/catalog.yaml`): themes and the indicators grouped under them.
/// This model holds what every stage needs (ids, names, units); the matching rules in the same file
/// are read by the FazhiIndicators module.
public struct Catalog: Sendable, Equatable {
    public var themes: [Theme]
    public var indicators: [IndicatorDefinition]

    public init(themes: [Theme], indicators: [IndicatorDefinition]) {
        self.themes = themes; self.indicators = indicators
    }

    public func theme(_ id: String) -> Theme? { themes.first { $0.id == id } }
    public func indicator(_ id: String) -> IndicatorDefinition? { indicators.first { $0.id == id } }
}

public struct Theme: Sendable, Equatable {
    /// ASCII slug, used in URLs (`/themes/<id>/`).
    public var id: String
    public var name: String
    public var description: String
    /// Words that mark a passage as speaking to this theme.
    public var keywords: [String]
    public init(id: String, name: String, description: String, keywords: [String]) {
        self.id = id; self.name = name; self.description = description; self.keywords = keywords
    }
}

public struct IndicatorDefinition: Sendable, Equatable {
    /// ASCII slug, used in URLs (`/indicators/<id>/`).
    public var id: String
    public var name: String
    public var theme: String
    public var unit: String
    public var description: String
    /// Shown in the year pages' comparison table.
    public var key: Bool
    public init(id: String, name: String, theme: String, unit: String, description: String, key: Bool) {
        self.id = id; self.name = name; self.theme = theme; self.unit = unit; self.description = description; self.key = key
    }
}

extension Catalog {
    /// Reads the display part of a catalog file. Errors carry the file and line.
    public static func load(yaml: String, file: String) throws -> Catalog {
        let root: Node?
        do { root = try Yams.compose(yaml: yaml) } catch let e as YamlError {
            throw FrontMatterReader.diagnostic(for: e, file: file, offset: 0)
        }
        guard let root, case .mapping(let map) = root else {
            throw Diagnostic(file: file, line: 1, "a catalog is a mapping with 'themes' and 'indicators'")
        }
        let r = NodeReader(file: file, offset: 0)
        var themes: [Theme] = []
        var indicators: [IndicatorDefinition] = []
        if let t = map["themes"] {
            themes = try r.list(t, "themes") { node in
                let m = try r.mapping(node, "themes")
                return Theme(id: try r.string(r.required(m, "id", in: node, "themes"), "id"),
                             name: try r.string(r.required(m, "name", in: node, "themes"), "name"),
                             description: try m["description"].map { try r.string($0, "description") } ?? "",
                             keywords: try m["keywords"].map { try r.list($0, "keywords") { try r.string($0, "keywords") } } ?? [])
            }
        }
        if let t = map["indicators"] {
            indicators = try r.list(t, "indicators") { node in
                let m = try r.mapping(node, "indicators")
                return IndicatorDefinition(
                    id: try r.string(r.required(m, "id", in: node, "indicators"), "id"),
                    name: try r.string(r.required(m, "name", in: node, "indicators"), "name"),
                    theme: try r.string(r.required(m, "theme", in: node, "indicators"), "theme"),
                    unit: try m["unit"].map { try r.string($0, "unit") } ?? "",
                    description: try m["description"].map { try r.string($0, "description") } ?? "",
                    key: try m["key"].map { try r.bool($0, "key") } ?? false)
            }
        }
        var seen = Set<String>()
        for (node, id) in zip(map["themes"]?.array() ?? [], themes.map(\.id)) where !seen.insert("theme:" + id).inserted {
            throw r.error(node, "duplicate theme id '\(id)'")
        }
        let themeIDs = Set(themes.map(\.id))
        for (node, ind) in zip(map["indicators"]?.array() ?? [], indicators) {
            if !seen.insert("indicator:" + ind.id).inserted { throw r.error(node, "duplicate indicator id '\(ind.id)'") }
            if !themeIDs.contains(ind.theme) { throw r.error(node, "indicator '\(ind.id)' names unknown theme '\(ind.theme)'") }
        }
        for id in themeIDs.union(indicators.map(\.id)) where !Anchors.isValidID(Substring(id)) {
            throw Diagnostic(file: file, line: 1, "id '\(id)' must be lowercase ASCII letters, digits and '-', starting with a letter")
        }
        return Catalog(themes: themes, indicators: indicators)
    }
}
