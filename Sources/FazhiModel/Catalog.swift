import Yams

/// The indicator catalog (`content/catalog.yaml`): themes and the indicators grouped under them.
/// This model holds what every stage needs (ids, names, units); the matching rules in the same file
/// are read by the FazhiIndicators module.
public struct Catalog: Sendable, Equatable {
    public var themes: [Theme] { didSet { themePositions = Self.positions(themes.map(\.id)) } }
    public var indicators: [IndicatorDefinition] { didSet { indicatorPositions = Self.positions(indicators.map(\.id)) } }
    /// Where the first theme and the first indicator of each id is (pages look indicators up by the thousand).
    private var themePositions: [String: Int]
    private var indicatorPositions: [String: Int]
    /// Phrases whose numerals are part of a name, never a quantity (三项制度, 八项规定…): `not_quantities`.
    public var notQuantities: [String] = []
    /// Words that, just before a number (in its clause), mark it as a part or a per-unit figure, never a
    /// report's total (涉企, 第一批, 平均, 各村…): `subsets`. Such a number is never an indicator value.
    public var subsetWords: [String] = []
    /// Words that, anywhere in the sentence, suggest the figure concerns a subgroup (企业…): `narrowers`.
    /// They lower the confidence of an indicator match.
    public var narrowWords: [String] = []
    /// Words that open a breakdown of a total (其中, 包括): `breakdowns`. A number after one, matched by a
    /// rule's `before` words, loses to a value of the same indicator earlier in the sentence.
    public var breakdownWords: [String] = []

    public init(themes: [Theme], indicators: [IndicatorDefinition]) {
        self.themes = themes; self.indicators = indicators
        themePositions = Self.positions(themes.map(\.id))
        indicatorPositions = Self.positions(indicators.map(\.id))
    }

    public func theme(_ id: String) -> Theme? { themePositions[id].map { themes[$0] } }
    public func indicator(_ id: String) -> IndicatorDefinition? { indicatorPositions[id].map { indicators[$0] } }
    /// Where the indicator is in `indicators` (its first place): for a caller that needs a field or two, or only
    /// whether it is there, without copying the whole definition (a dozen fields, each retained and released).
    public func position(ofIndicator id: String) -> Int? { indicatorPositions[id] }

    private static func positions(_ ids: [String]) -> [String: Int] {
        var found: [String: Int] = [:]
        for (i, id) in ids.enumerated() where found[id] == nil { found[id] = i }
        return found
    }
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
    /// Units a matching fact may have (`units:`); defaults to `[unit]`.
    public var units: [String] = []
    /// Phrasings that express this indicator (`match:`); one must hold.
    public var match: [MatchRule] = []
    /// Words that, in the clause around the number, veto every rule of this indicator (`exclude:`).
    public var exclude: [String] = []
    /// For a rate: the indicator it is the share of, and the indicators it is a share of, in order of
    /// preference (`rate_of:` and `rate_per:`). Used to check a rate against its parts.
    public var rateOf: String?
    public var ratePer: [String] = []
    /// 1-based line in the catalog file where this indicator starts (0 when built in code).
    public var line: Int = 0
    public init(id: String, name: String, theme: String, unit: String, description: String, key: Bool) {
        self.id = id; self.name = name; self.theme = theme; self.unit = unit; self.description = description; self.key = key
    }
}

/// One phrasing of an indicator. Each word list item may give alternatives separated by `|`.
///
/// - `context`: every item must occur somewhere in the sentence.
/// - `before`: one item must occur in the words just before the number, in its clause.
/// - `after`: one item must occur in the words just after the number and its unit, in its clause.
/// - `exclude`: none may occur in the clause around the number.
/// A rule needs `before` or `after`.
public struct MatchRule: Sendable, Equatable {
    public var context: [String]
    public var before: [String]
    public var after: [String]
    public var exclude: [String]
    /// 1-based line in the catalog file.
    public var line: Int
    public init(context: [String] = [], before: [String] = [], after: [String] = [], exclude: [String] = [], line: Int = 0) {
        self.context = context; self.before = before; self.after = after; self.exclude = exclude; self.line = line
    }

    /// A short description of the rule, e.g. `before 审结|办结, context 行政复议`.
    public var summary: String {
        var parts: [String] = []
        if !before.isEmpty { parts.append("before " + before.joined(separator: "|")) }
        if !after.isEmpty { parts.append("after " + after.joined(separator: "|")) }
        if !context.isEmpty { parts.append("context " + context.joined(separator: " & ")) }
        return parts.joined(separator: ", ")
    }
}

extension Catalog {
    /// Reads a catalog file: themes, indicators with their matching rules, and the word lists.
    /// Every problem is a `Diagnostic` with the file and line.
    public static func load(yaml: String, file: String) throws -> Catalog {
        let root: Node?
        do { root = try Yams.compose(yaml: yaml) } catch let e as YamlError {
            throw FrontMatterReader.diagnostic(for: e, file: file, offset: 0)
        }
        guard let root, case .mapping(let map) = root else {
            throw Diagnostic(file: file, line: 1, "a catalog is a mapping with 'themes' and 'indicators'")
        }
        let r = NodeReader(file: file, offset: 0)
        for (k, _) in map {
            guard let key = k.string, ["themes", "indicators", "not_quantities", "subsets", "narrowers", "breakdowns"].contains(key) else {
                throw r.error(k, "unknown catalog field '\(k.string ?? "?")' (known: themes, indicators, not_quantities, subsets, narrowers, breakdowns)")
            }
        }
        func line(_ node: Node) -> Int { (node.mark?.line ?? 0) }
        func checkKeys(_ node: Node, _ known: [String], _ what: String) throws {
            guard case .mapping(let m) = node else { return }
            for (k, _) in m {
                guard let ks = k.string, known.contains(ks) else {
                    throw r.error(k, "unknown field '\(k.string ?? "?")' in \(what) (known: \(known.joined(separator: ", ")))")
                }
            }
        }
        /// A list of words; each word non-empty, alternatives (`a|b`) non-empty.
        func words(_ node: Node?, _ key: String) throws -> [String] {
            guard let node else { return [] }
            let list: [String]
            if case .scalar = node, !r.isNull(node) { list = [try r.string(node, key)] } else {
                list = try r.list(node, key) { try r.string($0, key) }
            }
            for w in list {
                let alts = w.split(separator: "|", omittingEmptySubsequences: false)
                if alts.contains(where: { $0.allSatisfy(\.isWhitespace) }) {
                    throw r.error(node, "'\(key)' has an empty word or alternative in '\(w)'")
                }
                if w.unicodeScalars.contains(where: { $0.properties.isWhitespace }) {
                    throw r.error(node, "'\(key)' word '\(w)' contains a space; write words without spaces")
                }
            }
            return list
        }
        var themes: [Theme] = []
        var indicators: [IndicatorDefinition] = []
        if let t = map["themes"] {
            themes = try r.list(t, "themes") { node in
                try checkKeys(node, ["id", "name", "description", "keywords"], "a theme")
                let m = try r.mapping(node, "themes")
                return Theme(id: try r.string(r.required(m, "id", in: node, "themes"), "id"),
                             name: try r.string(r.required(m, "name", in: node, "themes"), "name"),
                             description: try m["description"].map { try r.string($0, "description") } ?? "",
                             keywords: try words(m["keywords"], "keywords"))
            }
        }
        if let t = map["indicators"] {
            indicators = try r.list(t, "indicators") { node in
                try checkKeys(node, ["id", "name", "theme", "unit", "units", "description", "key", "match", "exclude", "rate_of", "rate_per"], "an indicator")
                let m = try r.mapping(node, "indicators")
                var def = IndicatorDefinition(
                    id: try r.string(r.required(m, "id", in: node, "indicators"), "id"),
                    name: try r.string(r.required(m, "name", in: node, "indicators"), "name"),
                    theme: try r.string(r.required(m, "theme", in: node, "indicators"), "theme"),
                    unit: try m["unit"].map { try r.string($0, "unit") } ?? "",
                    description: try m["description"].map { try r.string($0, "description") } ?? "",
                    key: try m["key"].map { try r.bool($0, "key") } ?? false)
                def.line = line(node)
                def.units = try words(m["units"], "units")
                if def.units.isEmpty, !def.unit.isEmpty { def.units = [def.unit] }
                def.exclude = try words(m["exclude"], "exclude")
                def.rateOf = try m["rate_of"].map { try r.string($0, "rate_of") }
                def.ratePer = try words(m["rate_per"], "rate_per")
                if def.rateOf != nil, def.ratePer.isEmpty {
                    throw r.error(node, "indicator '\(def.id)' has 'rate_of' without 'rate_per'")
                }
                // No `match` at all: an indicator filled only by hand (never matched automatically).
                guard let matchNode = m["match"] else { return def }
                if r.isNull(matchNode) { throw r.error(matchNode, "indicator '\(def.id)' has an empty 'match' list") }
                def.match = try r.list(matchNode, "match") { rn in
                    try checkKeys(rn, ["context", "before", "after", "exclude"], "a match rule")
                    let rm = try r.mapping(rn, "match")
                    let rule = MatchRule(context: try words(rm["context"], "context"),
                                         before: try words(rm["before"], "before"),
                                         after: try words(rm["after"], "after"),
                                         exclude: try words(rm["exclude"], "exclude"),
                                         line: line(rn))
                    if rule.before.isEmpty && rule.after.isEmpty {
                        throw r.error(rn, "a match rule of '\(def.id)' needs 'before' or 'after' words")
                    }
                    return rule
                }
                if def.match.isEmpty { throw r.error(matchNode, "indicator '\(def.id)' has an empty 'match' list") }
                if def.units.isEmpty { throw r.error(node, "indicator '\(def.id)' has match rules but no 'unit'") }
                return def
            }
        }
        var seen = Set<String>()
        for (node, id) in zip(map["themes"]?.array() ?? [], themes.map(\.id)) where !seen.insert("theme:" + id).inserted {
            throw r.error(node, "duplicate theme id '\(id)'")
        }
        let themeIDs = Set(themes.map(\.id))
        let indicatorIDs = Set(indicators.map(\.id))
        for (node, ind) in zip(map["indicators"]?.array() ?? [], indicators) {
            if !seen.insert("indicator:" + ind.id).inserted { throw r.error(node, "duplicate indicator id '\(ind.id)'") }
            if !themeIDs.contains(ind.theme) { throw r.error(node, "indicator '\(ind.id)' names unknown theme '\(ind.theme)'") }
            for ref in ([ind.rateOf].compactMap { $0 } + ind.ratePer) where !indicatorIDs.contains(ref) {
                throw r.error(node, "indicator '\(ind.id)' refers to unknown indicator '\(ref)' in rate_of/rate_per")
            }
        }
        for (node, id) in Array(zip(map["themes"]?.array() ?? [], themes.map(\.id))) + Array(zip(map["indicators"]?.array() ?? [], indicators.map(\.id)))
        where !Anchors.isValidID(Substring(id)) {
            throw r.error(node, "id '\(id)' must be lowercase ASCII letters, digits and '-', starting with a letter")
        }
        var catalog = Catalog(themes: themes, indicators: indicators)
        catalog.notQuantities = try words(map["not_quantities"], "not_quantities")
        catalog.subsetWords = try words(map["subsets"], "subsets")
        catalog.narrowWords = try words(map["narrowers"], "narrowers")
        catalog.breakdownWords = try words(map["breakdowns"], "breakdowns")
        return catalog
    }
}
