import FazhiModel
import Foundation

extension SitePages {
    // MARK: - Home

    func home() -> [UInt8] {
        let m = model
        let newest = m.newestFirst.prefix(12).map { reportLink($0) }
        let ctx: [String: Any] = [
            "reports": m.reports.count, "localities": m.localities.count, "years_count": m.years.count,
            "year_range": m.years.isEmpty ? "" : (m.years.first! == m.years.last! ? "\(m.years.first!)" : "\(m.years.first!)–\(m.years.last!)"),
            "themes_count": m.catalog.themes.count, "indicators_count": m.catalog.indicators.count,
            "newest": newest, "has_reports": !m.reports.isEmpty,
            "localities_href": base.url("localities/"), "years_href": base.url("years/"),
            "themes_href": base.url("themes/"), "indicators_href": base.url("indicators/"),
            "data_href": base.url("data/"), "review_href": base.url("review/"),
            "warnings": m.reports.reduce(0) { $0 + $1.meta.warnings.count + $1.problems.count },
            "years": m.years.reversed().map { ["year": String($0), "href": m.yearURL($0), "count": m.reportsByYear[$0]?.count ?? 0] as [String: Any] },
            "themes": m.catalog.themes.map { ["name": $0.name, "href": m.themeURL($0.id)] as [String: Any] },
        ]
        return page("home", title: m.config.title, section: .home, crumbs: [], path: "index.html", ctx)
    }

    // MARK: - Report

    func report(_ i: Int) throws -> [UInt8] {
        let m = model
        let r = m.reports[i]
        // The body and facts table were rendered when the file was read (see ReportFragment).
        let fragment = try ReportFragment.load(r)
        let bodyIDs = r.linkedAnchors.union(r.headingAnchors)
        let fm = r.meta
        let loc = m.locality(r.adcode)

        var meta: [[String: Any]] = []
        func row(_ label: String, _ value: String, _ href: String? = nil) {
            guard !value.isEmpty else { return }
            var d: [String: Any] = ["label": label, "value": value]
            if let href { d["href"] = href }
            meta.append(d)
        }
        row("标题", fm.title)
        if let y = fm.year { row("年度", "\(y)年", m.yearURL(y)) }
        row("地区", fm.locality, loc != nil ? m.localityURL(r.adcode) : nil)
        row("所属地级", fm.prefecture)
        row("所属省级", fm.province)
        row("行政区划代码", fm.adcode)
        row("层级", Self.levelName(fm.level))
        row("类型", Self.kindName(fm.kind))
        row("发布日期", fm.published)
        row("发布机构", fm.publisher)
        row("索引号", fm.indexNumber)
        row("文号", fm.docNumber)
        row("来源文件", fm.source)
        row("报告编号", fm.id)
        if fm.locked { row("人工校订", "是（转换不会覆盖此文件）") }

        // Indicators.
        let indRows: [[DataTable.Cell]] = fm.indicators.map { v in
            let known = m.catalog.position(ofIndicator: v.indicator)
            let knownName = known.map { m.catalog.indicators[$0].name }
            let name = DataTable.Cell(knownName ?? v.indicator, href: known != nil ? m.indicatorURL(v.indicator) : nil,
                                      title: v.indicator, sort: knownName ?? v.indicator)
            let linked = bodyIDs.contains(v.anchor)
            let value = DataTable.Cell(m.shown(v), href: linked ? "#" + v.anchor : nil,
                                       title: v.qualifier == .exact ? (linked ? "查看原句" : "原句未找到") : NumberFormat.qualifierText(v.qualifier),
                                       sort: NumberFormat.plain(v.value), csv: NumberFormat.plain(v.value))
            let theme: DataTable.Cell = known.map { m.catalog.indicators[$0].theme }.map { DataTable.Cell(m.themeName($0), href: m.themeURL($0)) } ?? DataTable.Cell("")
            let conf = DataTable.Cell(NumberFormat.plain((v.confidence * 100).rounded() / 100), sort: NumberFormat.plain(v.confidence))
            let alts = v.alternatives.map { NumberFormat.display($0.value) + v.unit }.joined(separator: "、")
            return [name, value, theme, conf, DataTable.Cell(v.rule == "manual" ? "人工" : v.rule), DataTable.Cell(alts)]
        }
        let indTable = DataTable(id: "indicators", caption: "本报告的指标（\(fm.indicators.count)项）",
                                 columns: [.init("指标"), .init("数值", numeric: true), .init("主题"), .init("置信度", numeric: true),
                                           .init("匹配规则"), .init("其他候选")],
                                 rows: indRows, note: "点击数值跳到报告中的原句。")

        var factTable = DataTable(id: "facts", caption: "文中的数字（\(fragment.factCount)处）", columns: ReportFragment.factColumns, rows: []).context
        factTable["tbody"] = HTMLBytes(fragment.factsTbody)

        // Previous / next year of the same locality.
        var prev: [String: Any]? = nil, next: [String: Any]? = nil
        var others: [[String: Any]] = []
        if let loc {
            let list = loc.reports
            if let pos = list.firstIndex(of: i) {
                if let p = list[..<pos].last(where: { m.reports[$0].year != r.year }) { prev = reportLink(p) }
                if let n = list[(pos + 1)...].first(where: { m.reports[$0].year != r.year }) { next = reportLink(n) }
            }
            others = list.filter { $0 != i }.map { reportLink($0) }
        }

        // Themes: from sections and indicators.
        var themeIDs = Set<String>()
        for s in fm.sections { themeIDs.formUnion(s.themes) }
        for v in fm.indicators { if let p = m.catalog.position(ofIndicator: v.indicator) { themeIDs.insert(m.catalog.indicators[p].theme) } }
        let themes = m.catalog.themes.filter { themeIDs.contains($0.id) }.map { ["name": $0.name, "href": m.themeURL($0.id)] as [String: Any] }
        let indicatorLinks = m.catalog.indicators.filter { d in fm.indicators.contains { $0.indicator == d.id } }
            .map { ["name": $0.name, "href": m.indicatorURL($0.id)] as [String: Any] }

        let toc: [[String: Any]] = fm.sections.filter { r.headingAnchors.contains($0.anchor) }.map { s in
            ["heading": s.heading, "href": "#" + s.anchor, "level": s.level, "part": Self.partName(s.part),
             "themes": s.themes.filter { m.catalog.theme($0) != nil }.map { ["name": m.themeName($0), "href": m.themeURL($0)] as [String: Any] }]
        }
        let warnings = fm.warnings + r.problems

        var ctx: [String: Any] = [
            "report_title": r.titleOrID, "meta": meta, "body": HTMLBytes(fragment.bodyHTML),
            "indicator_table": indTable.context, "has_indicators": !fm.indicators.isEmpty,
            "fact_table": factTable, "has_facts": fragment.factCount > 0,
            "warnings": warnings, "has_warnings": !warnings.isEmpty,
            "themes": themes, "indicators": indicatorLinks, "has_themes": !themes.isEmpty, "has_indicator_links": !indicatorLinks.isEmpty, "toc": toc, "has_toc": !toc.isEmpty,
            "others": others, "has_others": !others.isEmpty,
        ]
        ctx["prev"] = prev ?? false
        ctx["next"] = next ?? false
        ctx["locality"] = loc.map { localityLink($0) as Any } ?? false
        ctx["year"] = opt(r.year.map(String.init))
        ctx["year_href"] = opt(r.year.map { m.yearURL($0) })
        ctx["search"] = searchFilters(r)
        var crumbs: [(String, String?)] = [("地区", base.url("localities/"))]
        if let loc { crumbs.append((loc.name, m.localityURL(loc.adcode))) }
        crumbs.append((r.year.map { "\($0)年报告" } ?? r.id, nil))
        return page("report", title: r.titleOrID, section: nil, crumbs: crumbs, path: SearchIndex.reportPage(r.id),
                    description: "\(r.placeName)\(r.year.map { "\($0)年" } ?? "")法治政府建设年度报告全文、指标与数据", ctx)
    }

    // MARK: - Review

    /// The review lists: one for each year (`review/2024/`), and one for the reports without a year
    /// (`review/undated/`, when there are any). Every year has its list, empty or not, so the page list does not
    /// depend on the problems. Split by year so that adding a report makes its year's list again, not a list of
    /// every report's problems (2 MB for 5,000 synthetic reports, the slowest page of an add-one build).
    func reviewGroups() -> [(key: String, label: String, reports: [Int])] {
        let m = model
        var groups = m.years.map { y in (key: String(y), label: "\(y)年", reports: m.reportsByYear[y] ?? []) }
        let undated = m.reports.indices.filter { m.reports[$0].year == nil }
        if !undated.isEmpty { groups.append((key: "undated", label: "年度不详", reports: undated)) }
        return groups
    }

    /// How many problems (convert's warnings and the build's) a report has.
    func problemCount(_ i: Int) -> Int { model.reports[i].meta.warnings.count + model.reports[i].problems.count }

    /// The overview: how many problems each year's list has.
    func review() -> [UInt8] {
        var total = 0, reports = 0
        var groups: [[String: Any]] = []
        for g in reviewGroups() {
            let counts = g.reports.map(problemCount).filter { $0 > 0 }
            let items = counts.reduce(0, +)
            total += items; reports += counts.count
            groups.append(["label": g.label, "href": base.url("review/\(g.key)/"), "items": items,
                           "reports": counts.count, "has_items": !counts.isEmpty])
        }
        let ctx: [String: Any] = ["groups": groups, "total": total, "report_count": reports, "has_reports": reports > 0]
        return page("review", title: "待核查事项", section: .review, crumbs: [("待核查", nil)], path: "review/index.html", ctx)
    }

    /// A year's list: each of its reports with problems, and the problems.
    func reviewGroup(key: String, label: String, reports: [Int]) -> [UInt8] {
        let m = model
        var items: [[String: Any]] = []
        for i in reports {
            let r = m.reports[i]
            let all = r.meta.warnings.map { ($0, "转换") } + r.problems.map { ($0, "构建") }
            guard !all.isEmpty else { continue }
            var d = reportLink(i)
            d["items"] = all.map { ["text": $0.0, "source": $0.1] as [String: Any] }
            d["file"] = displayPath(r.file)
            items.append(d)
        }
        let total = reports.reduce(0) { $0 + problemCount($1) }
        let ctx: [String: Any] = ["label": label, "reports": items, "total": total, "has_reports": !items.isEmpty,
                                  "report_count": items.count, "overview_href": base.url("review/")]
        return page("review-year", title: "待核查事项 · \(label)", section: .review, crumbs: [("待核查", base.url("review/")), (label, nil)],
                    path: "review/\(key)/index.html", ctx)
    }

    /// A Markdown file's path as shown on pages: from the content folder's name on (`content/markdown/x.md`),
    /// so the site does not depend on where the content folder lies.
    func displayPath(_ file: String) -> String {
        let content = model.contentPath
        guard !content.isEmpty, file.hasPrefix(content) else { return file }
        let name = content.split(separator: "/").last.map(String.init) ?? content
        let rest = file.dropFirst(content.count).drop { $0 == "/" }
        return name + "/" + rest
    }

    // MARK: - Data page and 404

    func dataPage() -> [UInt8] {
        let m = model
        let files: [[String: Any]] = [
            ["name": "reports.csv", "href": base.url("data/reports.csv"), "what": "每份报告一行"],
            ["name": "reports.json", "href": base.url("data/reports.json"), "what": "同上，JSON 格式"],
            ["name": "indicators.csv", "href": base.url("data/indicators.csv"), "what": "每份报告的每个指标一行"],
            ["name": "indicators.json", "href": base.url("data/indicators.json"), "what": "同上，JSON 格式"],
        ]
        func cols(_ c: [DataExports.ColumnDoc]) -> [[String: Any]] { c.map { ["name": $0.name, "what": $0.doc] } }
        let perIndicator = m.catalog.indicators.map { ["name": $0.name, "href": base.url("data/indicators/\($0.id).csv")] as [String: Any] }
        let perYear = m.years.map { ["name": "\($0)年", "href": base.url("data/years/\($0).csv")] as [String: Any] }
        let ctx: [String: Any] = ["files": files, "report_columns": cols(DataExports.reportColumns),
                                  "indicator_columns": cols(DataExports.indicatorColumns),
                                  "per_indicator": perIndicator, "per_year": perYear]
        return page("data", title: "数据下载", section: .data, crumbs: [("数据下载", nil)], path: "data/index.html", ctx)
    }

    func notFound() -> [UInt8] {
        page("404", title: "页面不存在", section: nil, crumbs: [("页面不存在", nil)], path: "404.html",
             ["localities_href": base.url("localities/"), "years_href": base.url("years/")])
    }
}
