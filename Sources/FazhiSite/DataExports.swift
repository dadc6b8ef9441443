import FazhiModel

/// `/data/reports.{csv,json}` and `/data/indicators.{csv,json}`. CSV: UTF-8 with a byte-order mark (so Excel
/// reads Chinese), RFC 4180 quoting, CRLF line ends. JSON: an array of objects with the same fields, in the
/// same order, values as text except `year` and `value` (numbers). Columns are documented in docs/data.md.
public struct DataExports: Sendable {
    public let model: SiteModel

    public struct ColumnDoc: Sendable {
        public var name: String
        public var doc: String
        public var numeric: Bool
    }

    public static let reportColumns: [ColumnDoc] = [
        .init(name: "id", doc: "报告编号：行政区划代码-年度（部门报告等另加后缀），稳定不变", numeric: false),
        .init(name: "title", doc: "报告标题", numeric: false),
        .init(name: "year", doc: "报告所述年度（不是发布年份）", numeric: true),
        .init(name: "locality", doc: "地区名称", numeric: false),
        .init(name: "prefecture", doc: "所属地级行政区（无则为空）", numeric: false),
        .init(name: "province", doc: "所属省级行政区", numeric: false),
        .init(name: "adcode", doc: "6位行政区划代码", numeric: false),
        .init(name: "level", doc: "层级：province / prefecture / county", numeric: false),
        .init(name: "kind", doc: "类型：government（政府）/ department（部门）", numeric: false),
        .init(name: "published", doc: "发布日期 YYYY-MM-DD", numeric: false),
        .init(name: "publisher", doc: "发布机构", numeric: false),
        .init(name: "url", doc: "本站报告页面的地址", numeric: false),
    ]

    public static let indicatorColumns: [ColumnDoc] = [
        .init(name: "report_id", doc: "报告编号", numeric: false),
        .init(name: "adcode", doc: "6位行政区划代码", numeric: false),
        .init(name: "locality", doc: "地区名称", numeric: false),
        .init(name: "province", doc: "所属省级行政区", numeric: false),
        .init(name: "year", doc: "报告所述年度", numeric: true),
        .init(name: "theme", doc: "主题编号（见 /themes/）", numeric: false),
        .init(name: "indicator", doc: "指标编号（见 /indicators/）", numeric: false),
        .init(name: "indicator_name", doc: "指标名称", numeric: false),
        .init(name: "value", doc: "数值，基本单位（万、亿已换算）", numeric: true),
        .init(name: "unit", doc: "单位，如 件、%、人", numeric: false),
        .init(name: "qualifier", doc: "exact 确数 / at_least 下限（余、多、以上）/ about 约数 / at_most 上限", numeric: false),
        .init(name: "source_url", doc: "原句在本站报告页面中的地址（含 #锚点）", numeric: false),
    ]

    public init(model: SiteModel) {
        self.model = model
    }

    /// Each report's row, in model order.
    func reportRows(_ each: ([String]) -> Void) {
        for r in model.reports {
            let f = r.meta
            each([f.id, f.title, f.year.map(String.init) ?? "", f.locality, f.prefecture, f.province, f.adcode,
                  f.level?.rawValue ?? "", f.kind?.rawValue ?? "", f.published, f.publisher, model.reportURL(f.id)])
        }
    }

    /// Every indicator value of every report (not only the ones chosen for comparisons), by report id then
    /// catalog order.
    func indicatorRows(_ each: ([String]) -> Void) {
        let m = model
        // Catalog order, theme and name of each indicator, looked up once.
        var known: [String: (order: Int, theme: String, name: String)] = [:]
        for (i, d) in m.catalog.indicators.enumerated() where known[d.id] == nil { known[d.id] = (i, d.theme, d.name) }
        for r in m.reports {
            // The report page's address, made once per report (`sourceURL`, without a lookup per value).
            let page = m.reportURL(r.id)
            let year = r.year.map(String.init) ?? ""
            let vals = r.meta.indicators.filter { $0.value.isFinite }.sorted {
                let a = known[$0.indicator]?.order ?? Int.max, b = known[$1.indicator]?.order ?? Int.max
                return a != b ? a < b : $0.indicator < $1.indicator
            }
            for v in vals {
                let d = known[v.indicator]
                each([r.id, r.adcode, r.meta.locality, r.meta.province, year, d?.theme ?? "",
                      v.indicator, d?.name ?? "", NumberFormat.plain(v.value), v.unit, v.qualifier.rawValue,
                      r.linkedAnchors.contains(v.anchor) ? page + "#" + v.anchor : page])
            }
        }
    }

    /// The rows as CSV, written as bytes as they come (the indicator export is tens of megabytes).
    static func csv(_ columns: [ColumnDoc], _ rows: (([String]) -> Void) -> Void) -> String {
        var out = Array("\u{FEFF}".utf8)
        func line(_ fields: [String], numeric: (Int) -> Bool) {
            for (j, v) in fields.enumerated() {
                if j > 0 { out.append(UInt8(ascii: ",")) }
                Escape.appendCSV(v, text: !numeric(j), to: &out)
            }
            out.append(0x0D); out.append(0x0A)
        }
        line(columns.map(\.name)) { _ in false }
        rows { line($0) { columns[$0].numeric } }
        return String(decoding: out, as: UTF8.self)
    }

    /// The rows as a JSON array of objects, one per line, written as bytes as they come.
    static func json(_ columns: [ColumnDoc], _ rows: (([String]) -> Void) -> Void) -> String {
        var out = Array("[\n".utf8)
        let keys = columns.enumerated().map { j, c in Array(((j > 0 ? ", " : "") + Escape.json(c.name) + ": ").utf8) }
        var first = true
        rows { row in
            out.append(contentsOf: (first ? "  {" : ",\n  {").utf8)
            first = false
            for (j, v) in row.enumerated() where j < columns.count {
                out.append(contentsOf: keys[j])
                if !columns[j].numeric {
                    JSONText.appendQuoted(v, to: &out)
                } else if v.isEmpty {
                    out.append(contentsOf: "null".utf8)
                } else {
                    out.append(contentsOf: v.utf8)
                }
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: (first ? "]\n" : "\n]\n").utf8)
        return String(decoding: out, as: UTF8.self)
    }

    public func reportsCSV() -> String { Self.csv(Self.reportColumns, reportRows) }
    public func reportsJSON() -> String { Self.json(Self.reportColumns, reportRows) }
    public func indicatorsCSV() -> String { Self.csv(Self.indicatorColumns, indicatorRows) }
    public func indicatorsJSON() -> String { Self.json(Self.indicatorColumns, indicatorRows) }
}

/// The Atom feed, the sitemap and robots.txt. Dates come from the reports, never from the clock.
public struct Feeds: Sendable {
    public let model: SiteModel
    public static let feedLimit = 50

    public init(model: SiteModel) { self.model = model }

    /// `2025-03-13` → `2025-03-13T00:00:00Z`; a report without a valid date uses 1 January after its year.
    static func timestamp(_ r: ReportEntry) -> String {
        let p = r.meta.published.utf8
        if p.count == 10, Array(p)[4] == UInt8(ascii: "-"), Array(p)[7] == UInt8(ascii: "-"),
           p.enumerated().allSatisfy({ $0.offset == 4 || $0.offset == 7 || ($0.element >= 0x30 && $0.element <= 0x39) }) {
            return r.meta.published + "T00:00:00Z"
        }
        return "\((r.year ?? 1999) + 1)-01-01T00:00:00Z"
    }

    /// Atom ids: the absolute URL when the base URL has a host, else a stable URN.
    func id(_ relative: String) -> String {
        guard model.base.origin.isEmpty else { return model.base.absolute(relative) }
        return relative.isEmpty ? "urn:fazhi:site" : "urn:fazhi:" + relative.split(separator: "/").joined(separator: ":")
    }

    public func atom() -> String {
        let m = model
        let entries = m.newestFirst.prefix(Self.feedLimit).map { m.reports[$0] }
        let updated = entries.map(Self.timestamp).max() ?? "2000-01-01T00:00:00Z"
        var s = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"\(Escape.xml(m.config.language))\">\n"
        s += "  <title>\(Escape.xml(m.config.title))</title>\n"
        if !m.config.description.isEmpty { s += "  <subtitle>\(Escape.xml(m.config.description))</subtitle>\n" }
        s += "  <id>\(Escape.xml(id("")))</id>\n"
        s += "  <link rel=\"self\" href=\"\(Escape.xml(m.base.absolute("feed.xml")))\"/>\n"
        s += "  <link href=\"\(Escape.xml(m.base.absolute("")))\"/>\n"
        s += "  <updated>\(updated)</updated>\n"
        s += "  <author><name>\(Escape.xml(m.config.title))</name></author>\n"
        for r in entries {
            let rel = "reports/\(Escape.pathSegment(r.id))/"
            s += "  <entry>\n"
            s += "    <title>\(Escape.xml(r.titleOrID))</title>\n"
            s += "    <id>\(Escape.xml(id(rel)))</id>\n"
            s += "    <link href=\"\(Escape.xml(m.base.absolute(rel)))\"/>\n"
            s += "    <updated>\(Self.timestamp(r))</updated>\n"
            if !r.meta.publisher.isEmpty { s += "    <author><name>\(Escape.xml(r.meta.publisher))</name></author>\n" }
            var summary = r.placeName
            if let y = r.year { summary += " \(y)年度" }
            summary += "，\(r.meta.indicators.count)项指标"
            s += "    <summary>\(Escape.xml(summary))</summary>\n"
            s += "  </entry>\n"
        }
        s += "</feed>\n"
        return s
    }

    public func sitemap(_ paths: [String]) -> String {
        var s = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        for p in paths.sorted() {
            let rel = p.hasSuffix("index.html") ? String(p.dropLast("index.html".count)) : p
            s += "  <url><loc>\(Escape.xml(model.base.absolute(rel)))</loc></url>\n"
        }
        s += "</urlset>\n"
        return s
    }

    public func robots() -> String {
        "User-agent: *\nAllow: /\nSitemap: \(model.base.absolute("sitemap.xml"))\n"
    }
}
