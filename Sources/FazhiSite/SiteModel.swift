import FazhiModel
import Foundation

/// One report as the site needs it. The body and the facts are not kept (they are read again when the
/// report's own page is rendered), so the model stays small for a national corpus. A class, and immutable:
/// pages look reports up by index thousands of times a build, and a struct of this many strings and sets was
/// copied (a retain and release per field) each time.
public final class ReportEntry: Sendable {
    /// The Markdown file, as found (path under `<content>/markdown`).
    public let file: String
    /// Front matter with `facts` emptied.
    public let meta: ReportFrontMatter
    public let factCount: Int
    /// Anchors of indicator values that exist in the body: only these are linked.
    public let linkedAnchors: Set<String>
    /// Heading anchors of the body (for theme passages).
    public let headingAnchors: Set<String>
    /// Problems the build found (an indicator whose sentence is not in the body, an unknown indicator…).
    public let problems: [String]
    /// The report page's rendered body and facts table, stored while loading (see FragmentRef); nil for an entry
    /// taken from the build cache.
    public let fragment: FragmentRef?

    public init(file: String, meta: ReportFrontMatter, factCount: Int, linkedAnchors: Set<String>, headingAnchors: Set<String>,
                problems: [String] = [], fragment: FragmentRef? = nil) {
        self.file = file; self.meta = meta; self.factCount = factCount; self.linkedAnchors = linkedAnchors
        self.headingAnchors = headingAnchors; self.problems = problems; self.fragment = fragment
    }

    public var id: String { meta.id }
    public var year: Int? { meta.year }
    public var adcode: String { meta.adcode }

    /// Display name of the locality, with its chain: 邵阳市武冈市.
    public var placeName: String {
        let n = meta.locality.isEmpty ? meta.publisher : meta.locality
        return n.isEmpty ? meta.id : n
    }
    public var titleOrID: String { meta.title.isEmpty ? meta.id : meta.title }
}

/// One value in a comparison: the value of an indicator for a locality in a year, from one report. A class,
/// and immutable, for the reason ReportEntry is one: tables and indexes pass observations around by the
/// hundred thousand.
public final class Observation: Sendable {
    public let report: Int
    public let adcode: String
    public let year: Int
    public let value: IndicatorValue
    /// Whether the report's body has the value's sentence anchor (its cells link there), found once here: every
    /// table with the value asked the report's set of anchors again.
    public let linked: Bool

    init(report: Int, adcode: String, year: Int, value: IndicatorValue, linked: Bool) {
        self.report = report; self.adcode = adcode; self.year = year; self.value = value; self.linked = linked
    }
}

public struct Locality: Sendable {
    public var adcode: String
    public var name: String
    public var prefecture: String
    public var province: String
    public var level: DivisionLevel?
    /// Report indices, by year then id.
    public var reports: [Int]
}

/// Everything pages are rendered from; built once, read from many threads.
public final class SiteModel: Sendable {
    public let config: SiteConfig
    public let base: BaseURL
    public let catalog: Catalog
    /// Sorted by id.
    public let reports: [ReportEntry]
    public let byID: [String: Int]
    /// Sorted by adcode.
    public let localities: [Locality]
    public let localityIndex: [String: Int]
    /// Ascending.
    public let years: [Int]
    public let reportsByYear: [Int: [Int]]
    /// Theme → year → the sections of that year's reports classified under the theme (with a heading anchor in
    /// the body), by report, the reports by locality code, then id: the passages of a theme's year page, gathered
    /// in one pass over the reports instead of once per theme and year.
    let themePassages: [String: [Int: [(report: Int, sections: [SectionInfo])]]]
    /// Per indicator: one observation per (adcode, year), sorted by adcode then year.
    public let observations: [String: [Observation]]
    /// Per adcode: its observations, sorted by indicator (catalog order), then year.
    public let observationsByLocality: [String: [Observation]]
    /// Indicator ids that have at least one observation, in catalog order.
    public let indicatorsWithData: [String]
    /// Indicator → the `observationKey`s of `observations[indicator]`, in the same (ascending) order.
    let observationKeys: [String: [ObservationKey]]
    /// Indicator → the numbers of `observations[indicator]` (`value.value`), in the same order: read in place, not
    /// through two objects each (the indicator CSVs and rankings read thousands).
    let observationNumbers: [String: [Double]]
    /// "province/prefecture" → indices of its localities (in `localities` order).
    let localitiesByPrefecture: [String: [Int]]

    /// The other localities of the same prefecture, in code order; none for a locality without one.
    public func neighbours(of l: Locality) -> [Locality] {
        guard !l.prefecture.isEmpty else { return [] }
        return (localitiesByPrefecture[l.province + "/" + l.prefecture] ?? []).map { localities[$0] }.filter { $0.adcode != l.adcode }
    }

    /// Indicator id → how many localities have a value.
    public let localityCount: [String: Int]
    /// Indicator id → the years it has a value in, ascending.
    public let observationYears: [String: [Int]]
    /// Indicator id → the localities with a value (indices into `localities`), in code order.
    public let observationLocalities: [String: [Int]]
    /// Each report's locality (index into `localities`), nil for a report without a division code.
    public let localityOfReport: [Int?]

    /// The content folder as given, to show Markdown paths relative to it.
    public let contentPath: String

    public init(config: SiteConfig, base: BaseURL, catalog: Catalog, reports unsorted: [ReportEntry], contentPath: String = "") {
        self.config = config; self.base = base; self.catalog = catalog; self.contentPath = contentPath
        let reports = unsorted.sorted { $0.id < $1.id }
        self.reports = reports
        // The observation tables (most of a model's time) on a thread of their own, beside the rest.
        let tables = BackgroundWork { ObservationTables(reports: reports, catalog: catalog) }
        self.reportURLs = reports.map { base.url(SearchIndex.reportPage(Escape.pathSegment($0.id))) }
        self.newestFirst = Self.newestFirst(reports)
        var byID: [String: Int] = [:]
        for (i, r) in reports.enumerated() { byID[r.id] = i }
        self.byID = byID

        // Localities: named after their newest report.
        var groups: [String: [Int]] = [:]
        for (i, r) in reports.enumerated() where SiteModel.isAdcode(r.adcode) { groups[r.adcode, default: []].append(i) }
        var locs: [Locality] = []
        for code in groups.keys.sorted() {
            let idx = groups[code]!.sorted { SiteModel.yearThenID(reports[$0], reports[$1]) }
            let newest = reports[idx.last!].meta
            locs.append(Locality(adcode: code, name: newest.locality.isEmpty ? code : newest.locality,
                                 prefecture: newest.prefecture, province: newest.province, level: newest.level, reports: idx))
        }
        self.localities = locs
        var li: [String: Int] = [:]
        for (i, l) in locs.enumerated() { li[l.adcode] = i }
        var near: [String: [Int]] = [:]
        for (i, l) in locs.enumerated() where !l.prefecture.isEmpty { near[l.province + "/" + l.prefecture, default: []].append(i) }
        self.localitiesByPrefecture = near
        self.localityIndex = li
        var localityOf = [Int?](repeating: nil, count: reports.count)
        for (k, l) in locs.enumerated() { for i in l.reports { localityOf[i] = k } }
        self.localityOfReport = localityOf

        var byYear: [Int: [Int]] = [:]
        for (i, r) in reports.enumerated() { if let y = r.year { byYear[y, default: []].append(i) } }
        // Per report, its sections with a heading anchor in the body, by each theme they are classified under (a
        // theme listed twice counts once): the passages the counts and the theme year pages both use.
        let sectionsByTheme: [[String: [SectionInfo]]] = reports.map { r in
            var byTheme: [String: [SectionInfo]] = [:]
            for section in r.meta.sections where r.headingAnchors.contains(section.anchor) {
                for (k, t) in section.themes.enumerated() where !section.themes[..<k].contains(t) { byTheme[t, default: []].append(section) }
            }
            return byTheme
        }
        var passages: [String: [Int: Int]] = [:]
        var passageTotals: [String: Int] = [:]
        for (i, r) in reports.enumerated() {
            for (t, sections) in sectionsByTheme[i] {
                passageTotals[t, default: 0] += sections.count
                if let y = r.year { passages[t, default: [:]][y, default: 0] += sections.count }
            }
        }
        self.themePassageCounts = passages
        self.themePassageTotals = passageTotals
        self.years = byYear.keys.sorted()
        self.reportsByYear = byYear
        var themePassages: [String: [Int: [(report: Int, sections: [SectionInfo])]]] = [:]
        for (y, list) in byYear {
            // The year's reports by locality code, then id.
            let inCodeOrder = list.sorted { a, b in
                let ra = reports[a], rb = reports[b]
                return ra.adcode != rb.adcode ? ra.adcode < rb.adcode : ra.id < rb.id
            }
            for i in inCodeOrder {
                for (t, sections) in sectionsByTheme[i] { themePassages[t, default: [:]][y, default: []].append((i, sections)) }
            }
        }
        self.themePassages = themePassages

        let t = try! tables.wait()
        self.observations = t.observations
        self.localityCount = t.localityCount
        self.observationYears = t.years
        self.observationLocalities = t.runs.mapValues { $0.compactMap { localityOf[$0] } }
        self.observationKeys = t.keys
        self.observationNumbers = t.numbers
        self.observationsByLocality = t.byLocality
        self.indicatorsWithData = t.withData
    }

    static func isAdcode(_ s: String) -> Bool { s.utf8.count == 6 && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }

    static func yearThenID(_ a: ReportEntry, _ b: ReportEntry) -> Bool {
        let ya = a.year ?? 0, yb = b.year ?? 0
        return ya != yb ? ya < yb : a.id < b.id
    }

    // MARK: lookups

    public func locality(_ adcode: String) -> Locality? { localityIndex[adcode].map { localities[$0] } }

    /// An indicator's observations with their keys, taken from the tables once for a table's column of cells (a
    /// look-up per cell hashed the indicator's id twice and read the locality's code again).
    struct ObservationColumn {
        let keys: [ObservationKey]
        let observations: [Observation]

        /// Binary search in the sorted keys.
        func find(_ key: ObservationKey) -> Observation? {
            var lo = 0, hi = keys.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if keys[mid] < key { lo = mid + 1 } else { hi = mid }
            }
            return lo < keys.count && keys[lo] == key ? observations[lo] : nil
        }
    }

    func observationColumn(_ indicator: String) -> ObservationColumn {
        ObservationColumn(keys: observationKeys[indicator] ?? [], observations: observations[indicator] ?? [])
    }

    /// Whether the indicator has a value in the year.
    func hasObservations(_ indicator: String, year: Int) -> Bool { observationYears[indicator]?.contains(year) ?? false }

    /// A six-digit adcode and a year, ordered by adcode then year; nil for any other adcode (such reports have
    /// no observations).
    struct ObservationKey: Hashable, Comparable {
        var code: Int
        var year: Int
        static func < (a: Self, b: Self) -> Bool { a.code != b.code ? a.code < b.code : a.year < b.year }
    }

    static func observationKey(adcode: String, year: Int) -> ObservationKey? {
        guard isAdcode(adcode), let code = Int(adcode) else { return nil }
        return ObservationKey(code: code, year: year)
    }

    /// Theme id → year → how many sections of that year's reports are classified under the theme and are in
    /// their report's body (the passages a theme's year page lists), counted once for every theme page.
    let themePassageCounts: [String: [Int: Int]]
    /// Theme id → the same passages in all reports, dated or not (the themes overview's counts).
    let themePassageTotals: [String: Int]

    /// Each report's page address (`reportURL(id)`), made once.
    let reportURLs: [String]

    /// Newest first: year, then published date, then id.
    public let newestFirst: [Int]

    static func newestFirst(_ reports: [ReportEntry]) -> [Int] {
        reports.indices.sorted { a, b in
            let ra = reports[a], rb = reports[b]
            if (ra.year ?? 0) != (rb.year ?? 0) { return (ra.year ?? 0) > (rb.year ?? 0) }
            if ra.meta.published != rb.meta.published { return ra.meta.published > rb.meta.published }
            return ra.id < rb.id
        }
    }

    // MARK: URLs (all built from the base path)

    public func reportURL(_ id: String, anchor: String? = nil) -> String {
        let page = byID[id].map { reportURLs[$0] } ?? base.url(SearchIndex.reportPage(Escape.pathSegment(id)))
        return anchor.map { page + "#" + $0 } ?? page
    }
    public func localityURL(_ adcode: String) -> String { base.url("localities/\(adcode)/") }
    public func yearURL(_ y: Int) -> String { base.url("years/\(y)/") }
    public func themeURL(_ id: String) -> String { base.url("themes/\(id)/") }
    public func themeYearURL(_ id: String, _ year: Int) -> String { base.url("themes/\(id)/\(year)/") }
    public func indicatorURL(_ id: String) -> String { base.url("indicators/\(id)/") }

    /// The province of a division code: its first two digits and `0000` (`430581` → `430000`).
    public static func provinceCode(of adcode: String) -> String { String(adcode.prefix(2)) + "0000" }

    /// The link to an indicator value's sentence, or to the report when its anchor is not in the body.
    public func sourceURL(_ o: Observation) -> String {
        guard o.linked else { return reportURLs[o.report] }
        var url = reportURLs[o.report]
        url.reserveCapacity(url.utf8.count + 1 + o.value.anchor.utf8.count)
        url += "#"
        url += o.value.anchor
        return url
    }

    /// The value as shown: `≥400次`.
    public func shown(_ v: IndicatorValue) -> String {
        NumberFormat.withQualifier(v.value, unit: v.unit, qualifier: v.qualifier)
    }

    public func indicatorName(_ id: String) -> String { catalog.position(ofIndicator: id).map { catalog.indicators[$0].name } ?? id }
    public func themeName(_ id: String) -> String { catalog.theme(id)?.name ?? id }

    /// Province / prefecture / locality, for locality tables.
    public func fullName(_ l: Locality) -> String {
        var parts: [String] = []
        if !l.province.isEmpty, l.province != l.name { parts.append(l.province) }
        if !l.prefecture.isEmpty, l.prefecture != l.name, l.prefecture != l.province { parts.append(l.prefecture) }
        parts.append(l.name)
        return parts.joined(separator: " ")
    }
}

/// The observations of a model (see `SiteModel.observations` and the tables after it), made from its sorted
/// reports and the catalog.
struct ObservationTables: Sendable {
    var observations: [String: [Observation]]
    var localityCount: [String: Int]
    var years: [String: [Int]]
    /// Per indicator, a report of each locality with a value (the first of its run in `observations`).
    var runs: [String: [Int]]
    /// Per indicator, the keys of `observations[indicator]`, in the same (ascending) order.
    var keys: [String: [SiteModel.ObservationKey]]
    /// Per indicator, the numbers of `observations[indicator]`, in the same order.
    var numbers: [String: [Double]]
    var byLocality: [String: [Observation]]
    var withData: [String]

    init(reports: [ReportEntry], catalog: Catalog) {
        // For each (adcode, year, indicator) the first report, government reports before department reports,
        // then by id, that gives a value. Every candidate is listed under its indicator's position in the catalog
        // (its first, for an id given twice) with its report's rank in that order; sorting by key then rank puts
        // the chosen one first. One string lookup per value and no dictionary: this runs on every build.
        var position: [String: Int] = [:]
        for (k, d) in catalog.indicators.enumerated() where position[d.id] == nil { position[d.id] = k }
        var rank = [Int](repeating: 0, count: reports.count)
        let order = reports.indices.sorted { a, b in
            let ka = reports[a].meta.kind == .department ? 1 : 0, kb = reports[b].meta.kind == .department ? 1 : 0
            return ka != kb ? ka < kb : reports[a].id < reports[b].id
        }
        for (r, i) in order.enumerated() { rank[i] = r }
        // The candidates, gathered from two halves of the reports on both cores.
        let ranking = rank, positions = position, count = catalog.indicators.count
        let half = (reports.count + 1) / 2
        let gathered: [[[ObservationCandidate]]] = ParallelMap.map([0..<half, half..<reports.count]) { range in
            var candidates = [[ObservationCandidate]](repeating: [], count: count)
            for i in range {
                let r = reports[i]
                guard let y = r.year, let key = SiteModel.observationKey(adcode: r.adcode, year: y) else { continue }
                let adcode = r.adcode
                for v in r.meta.indicators where v.value.isFinite {
                    guard let p = positions[v.indicator] else { continue }
                    candidates[p].append(ObservationCandidate(key: key, rank: ranking[i], report: i, adcode: adcode, value: v, number: v.value,
                                                              linked: r.linkedAnchors.contains(v.anchor)))
                }
            }
            return candidates
        }
        // Each indicator's chosen observations, their keys and how many localities they cover, on both cores.
        let chosenByPosition: [(observations: [Observation], keys: [SiteModel.ObservationKey], numbers: [Double], runs: [Int], years: [Int])] =
            ParallelMap.map(Array(0..<count)) { p in
                var list = gathered.flatMap { $0[p] }
                list.sort { $0.key != $1.key ? $0.key < $1.key : $0.rank < $1.rank }
                var chosen: [Observation] = []
                var keys: [SiteModel.ObservationKey] = []
                var numbers: [Double] = []
                var runs: [Int] = []
                var years = Set<Int>()
                // From the candidates alone: the two threads each take their own indicators, and looking the values up
                // in the reports again had both retain and release the same reports (a quarter of the tables' time).
                for c in list where keys.last != c.key {
                    if keys.last?.code != c.key.code { runs.append(c.report) }
                    keys.append(c.key)
                    numbers.append(c.number)
                    years.insert(c.key.year)
                    chosen.append(Observation(report: c.report, adcode: c.adcode, year: c.key.year, value: c.value, linked: c.linked))
                }
                return (chosen, keys, numbers, runs, years.sorted())
            }
        var obs: [String: [Observation]] = [:]
        var keyLists: [String: [SiteModel.ObservationKey]] = [:]
        var numberLists: [String: [Double]] = [:]
        var counts: [String: Int] = [:]
        var runLists: [String: [Int]] = [:]
        var yearLists: [String: [Int]] = [:]
        var byCode: [Int: [Observation]] = [:]
        var withData: [String] = []
        for ind in catalog.indicators {
            let chosen = chosenByPosition[position[ind.id]!]
            if chosen.observations.isEmpty { continue }
            obs[ind.id] = chosen.observations
            keyLists[ind.id] = chosen.keys
            numberLists[ind.id] = chosen.numbers
            counts[ind.id] = chosen.runs.count
            runLists[ind.id] = chosen.runs
            yearLists[ind.id] = chosen.years
            withData.append(ind.id)
            for (o, key) in zip(chosen.observations, chosen.keys) { byCode[key.code, default: []].append(o) }
        }
        observations = obs
        keys = keyLists
        numbers = numberLists
        localityCount = counts
        runs = runLists
        years = yearLists
        byLocality = Dictionary(uniqueKeysWithValues: byCode.values.map { ($0[0].adcode, $0) })
        self.withData = withData
    }
}

/// A report's value of an indicator that may become its locality's observation for the year (see
/// ObservationTables), with the report's rank in the choosing order.
private struct ObservationCandidate: Sendable {
    var key: SiteModel.ObservationKey
    var rank: Int
    var report: Int
    var adcode: String
    var value: IndicatorValue
    var number: Double
    /// Whether the report's body has the value's sentence anchor (found here, where the report is at hand).
    var linked: Bool
}
