import FazhiModel
import Foundation

/// One output file: where it goes and how to make it. Rendering happens on demand, on any thread, and the
/// result is written at once: the site is never held in memory. What a page is made from is decided by
/// `SiteBuilder.keys`, from its path.
public struct PageJob: Sendable {
    public enum Body: Sendable {
        /// The file's bytes, made whole.
        case bytes(@Sendable () throws -> [UInt8])
        /// For a file too large to hold (the corpus-wide exports): its bytes written into a sink as they are made.
        case stream(@Sendable (FileSink) -> Void)
    }

    public var path: String
    public var body: Body

    public init(path: String, render: @escaping @Sendable () throws -> [UInt8]) {
        self.path = path; body = .bytes(render)
    }

    public init(path: String, stream: @escaping @Sendable (FileSink) -> Void) {
        self.path = path; body = .stream(stream)
    }
}

/// Builds the list of pages for a model, and renders each one.
public struct SitePages: Sendable {
    public let model: SiteModel
    public let templates: SiteTemplates
    /// What the corpus-wide exports may copy from the previous build (see `DataExports`).
    let exports: DataExports
    /// Each report's `reportLink`, made once.
    let reportLinks: ReportLinks

    public init(model: SiteModel, templates: SiteTemplates, reportKeys: [ContentHash.Digest] = [], exportMemory: ExportMemory = ExportMemory()) {
        self.model = model; self.templates = templates
        exports = DataExports(model: model, reportKeys: reportKeys, memory: exportMemory)
        reportLinks = ReportLinks(count: model.reports.count)
    }

    var base: BaseURL { model.base }

    // MARK: - The page list

    public func jobs() -> [PageJob] {
        var jobs: [PageJob] = []
        let m = model
        jobs.append(PageJob(path: "index.html") { self.home() })
        for i in m.reports.indices {
            jobs.append(PageJob(path: SearchIndex.reportPage(m.reports[i].id)) { try self.report(i) })
        }
        jobs.append(PageJob(path: "localities/index.html") { self.localitiesIndex() })
        for (i, l) in m.localities.enumerated() {
            jobs.append(PageJob(path: "localities/\(l.adcode)/index.html") { self.locality(i) })
            jobs.append(PageJob(path: "data/localities/\(l.adcode).csv") { self.localityTable(m.localities[i], forCSV: true).csv })
        }
        jobs.append(PageJob(path: "years/index.html") { self.yearsIndex() })
        for y in m.years {
            jobs.append(PageJob(path: "years/\(y)/index.html") { self.year(y) })
            jobs.append(PageJob(path: "data/years/\(y).csv") { self.yearTable(y, forCSV: true).csv })
        }
        jobs.append(PageJob(path: "themes/index.html") { self.themesIndex() })
        for t in m.catalog.themes {
            jobs.append(PageJob(path: "themes/\(t.id)/index.html") { self.theme(t) })
            let pageYears = themePageYears(t), dataYears = themeYears(t)
            for y in pageYears {
                let hasData = dataYears.contains(y)
                jobs.append(PageJob(path: "themes/\(t.id)/\(y)/index.html") {
                    self.themeYear(t, year: y, years: pageYears, hasData: hasData)
                })
            }
            for y in dataYears {
                jobs.append(PageJob(path: "data/themes/\(t.id)/\(y).csv") { self.themeTable(t, year: y, forCSV: true).csv })
            }
        }
        jobs.append(PageJob(path: "indicators/index.html") { self.indicatorsIndex() })
        for d in m.catalog.indicators {
            let groups = provinceGroups(d)
            jobs.append(PageJob(path: "indicators/\(d.id)/index.html") { self.indicator(d, provinces: groups) })
            for g in groups {
                jobs.append(PageJob(path: "indicators/\(d.id)/\(g.code)/index.html") { self.indicatorProvince(d, g) })
            }
            jobs.append(PageJob(path: "data/indicators/\(d.id).csv") { self.indicatorCSV(d) })
        }
        jobs.append(PageJob(path: "review/index.html") { self.review() })
        for g in reviewGroups() {
            jobs.append(PageJob(path: "review/\(g.key)/index.html") { self.reviewGroup(key: g.key, label: g.label, reports: g.reports) })
        }
        jobs.append(PageJob(path: "data/index.html") { self.dataPage() })
        jobs.append(PageJob(path: "404.html") { self.notFound() })
        let exports = self.exports
        jobs.append(PageJob(path: DataExports.reportsCSVPath, stream: exports.reportsCSV(into:)))
        jobs.append(PageJob(path: DataExports.reportsJSONPath, stream: exports.reportsJSON(into:)))
        jobs.append(PageJob(path: DataExports.indicatorsCSVPath, stream: exports.indicatorsCSV(into:)))
        jobs.append(PageJob(path: DataExports.indicatorsJSONPath, stream: exports.indicatorsJSON(into:)))
        let feeds = Feeds(model: m)
        jobs.append(PageJob(path: "feed.xml") { Array(feeds.atom().utf8) })
        jobs.append(PageJob(path: "robots.txt") { Array(feeds.robots().utf8) })
        // The sitemap lists the HTML pages of this very list.
        let htmlPaths = jobs.map(\.path).filter { $0.hasSuffix(".html") && $0 != "404.html" }
        jobs.append(PageJob(path: "sitemap.xml") { Array(feeds.sitemap(htmlPaths).utf8) })
        return jobs
    }

    // MARK: - Layout

    enum Section: String { case home, localities, years, themes, indicators, data, review }

    func page(_ template: String, title: String, section: Section?, crumbs: [(String, String?)], path: String,
              description: String? = nil, _ context: [String: Any]) -> [UInt8] {
        let m = model
        var ctx = context
        ctx["lang"] = m.config.language
        ctx["site_title"] = m.config.title
        ctx["base"] = base.path
        ctx["title"] = title
        ctx["head_title"] = title == m.config.title ? title : title + " · " + m.config.title
        ctx["description"] = opt(description ?? m.config.description)
        ctx["site_description"] = opt(m.config.description)
        ctx["css"] = base.url("assets/style.css")
        ctx["js"] = base.url("assets/sort.js")
        ctx["feed"] = base.url("feed.xml")
        ctx["canonical"] = base.absolute(path.hasSuffix("index.html") ? String(path.dropLast("index.html".count)) : path)
        let navItems: [(Section, String, String)] = [
            (.localities, "地区", "localities/"), (.years, "年度", "years/"), (.themes, "主题", "themes/"),
            (.indicators, "指标", "indicators/"), (.data, "数据下载", "data/"), (.review, "待核查", "review/"),
        ]
        ctx["nav"] = navItems.map { (s, label, rel) -> [String: Any] in
            ["label": label, "href": base.url(rel), "current": s == section]
        }
        ctx["home"] = base.url("")
        var bc: [[String: Any]] = [["label": "首页", "href": base.url("")]]
        for (label, href) in crumbs {
            bc.append(["label": label, "href": opt(href)])
        }
        if crumbs.isEmpty { bc = [["label": "首页", "href": false]] }
        ctx["breadcrumbs"] = bc
        ctx["has_breadcrumbs"] = !crumbs.isEmpty
        ctx["content"] = HTMLBytes(templates.render(template, ctx))
        return templates.render("layout", ctx)
    }

    // MARK: - Names

    static func levelName(_ l: DivisionLevel?) -> String {
        switch l { case .province: "省级"; case .prefecture: "地级"; case .county: "县级"; case nil: "" }
    }
    static func kindName(_ k: ReportKind?) -> String {
        switch k { case .government: "政府报告"; case .department: "部门报告"; case nil: "" }
    }
    static func partName(_ p: ReportPart) -> String {
        switch p {
        case .results: "主要举措和成效"; case .shortcomings: "存在的不足"; case .duties: "第一责任人职责"
        case .plan: "下一年度安排"; case .other: "其他"
        }
    }

    func reportLink(_ i: Int) -> [String: Any] {
        reportLinks.link(i) { makeReportLink(i) }
    }

    private func makeReportLink(_ i: Int) -> [String: Any] {
        let r = model.reports[i]
        var d: [String: Any] = ["title": r.titleOrID, "href": model.reportURL(r.id), "id": r.id, "place": r.placeName,
                                "published": opt(r.meta.published), "kind": opt(Self.kindName(r.meta.kind)),
                                "year": opt(r.year.map(String.init)), "year_href": opt(r.year.map { model.yearURL($0) }),
                                "place_href": opt(model.locality(r.adcode) != nil ? model.localityURL(r.adcode) : nil)]
        d["warnings"] = r.meta.warnings.count + r.problems.count
        d["has_warnings"] = !(r.meta.warnings.isEmpty && r.problems.isEmpty)
        return d
    }

    func localityLink(_ l: Locality) -> [String: Any] {
        // A locality's reports are in year order: its years, once each, are the changes along them.
        var years = ""
        var last: Int? = nil
        for i in l.reports {
            guard let y = model.reports[i].year, y != last else { continue }
            if last != nil { years += "、" }
            years += String(y)
            last = y
        }
        return ["name": l.name, "full": model.fullName(l), "href": model.localityURL(l.adcode), "adcode": l.adcode,
                "count": l.reports.count, "level": opt(Self.levelName(l.level)), "years": years]
    }

    func indicatorLink(_ d: IndicatorDefinition) -> [String: Any] {
        ["name": d.name, "href": model.indicatorURL(d.id), "id": d.id, "unit": opt(d.unit), "description": opt(d.description),
         "theme": model.themeName(d.theme), "theme_href": model.themeURL(d.theme),
         "localities": model.localityCount[d.id] ?? 0,
         "values": (model.observations[d.id] ?? []).count]
    }

    func themeYears(_ t: Theme) -> [Int] {
        var ys = Set<Int>()
        for d in model.catalog.indicators where d.theme == t.id { ys.formUnion(model.observationYears[d.id] ?? []) }
        return ys.sorted()
    }

    /// A value cell linking to the sentence it came from; "—" when missing. `forCSV`: the cell of a table made
    /// only for its CSV, which reads a cell's `csv` or else its text: the plain number alone (the link, tooltip and
    /// shown value were most of making a theme's or a year's CSV).
    func valueCell(_ o: Observation?, forCSV: Bool = false) -> DataTable.Cell {
        guard let o else { return .missingValue }
        if forCSV { return DataTable.Cell(NumberFormat.plain(o.value.value)) }
        // Its plain number is made once, for the sort key and the CSV.
        let m = model
        var title = m.reports[o.report].titleOrID
        if o.value.qualifier != .exact { title += "（" + NumberFormat.qualifierText(o.value.qualifier) + "）" }
        let plain = NumberFormat.plain(o.value.value)
        return DataTable.Cell(m.shown(o.value), href: m.sourceURL(o), title: title,
                              sort: plain, csv: plain)
    }

    func localityCell(_ l: Locality, forCSV: Bool = false) -> DataTable.Cell {
        forCSV ? DataTable.Cell(l.name) : DataTable.Cell(l.name, href: model.localityURL(l.adcode), title: model.fullName(l), sort: l.adcode, csv: l.name)
    }
}

/// The link context of each report (`SitePages.reportLink`), made the first time a page asks for it: a report is
/// listed by its year's page and each of its year's theme pages, by its locality's other reports' pages and by
/// the review pages, and making the context again for each was a tenth of a theme page's time.
final class ReportLinks: @unchecked Sendable {
    private let lock = NSLock()
    private var links: [[String: Any]?]

    init(count: Int) { links = Array(repeating: nil, count: count) }

    func link(_ i: Int, make: () -> [String: Any]) -> [String: Any] {
        lock.lock()
        if let known = links[i] { lock.unlock(); return known }
        lock.unlock()
        let made = make()
        lock.lock(); defer { lock.unlock() }
        if let known = links[i] { return known }
        links[i] = made
        return made
    }
}
