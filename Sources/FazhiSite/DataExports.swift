import FazhiModel
import Foundation

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

    /// Each report's digest (its Markdown path and bytes, `SiteBuilder.reportDigests`), by model index: what
    /// names its rows in an `ExportLayout`. Empty: no layouts are kept.
    let reportKeys: [ContentHash.Digest]
    /// The previous build's export files and their layouts, and this build's layouts.
    let memory: ExportMemory

    public init(model: SiteModel, reportKeys: [ContentHash.Digest] = [], memory: ExportMemory = ExportMemory()) {
        self.model = model
        self.reportKeys = reportKeys.count == model.reports.count ? reportKeys : []
        self.memory = memory
    }

    /// Every indicator value of every report (not only the ones chosen for comparisons), by report id then
    /// catalog order, written into `sink` as it is made (`exportByReport`). A row is a report's fields (0–4), its
    /// indicator's (5–7) and the value's (8–11); each report's and each indicator's fields are encoded once, not
    /// once per row (the export has ~18 rows a report).
    func indicatorExport(_ format: ExportFormat, path: String, into sink: FileSink) {
        let m = model
        let encoder = ExportEncoder(format: format, columns: Self.indicatorColumns)
        // Catalog order of each indicator, and its fields encoded.
        var order: [String: Int] = [:]
        var indicatorFields: [[UInt8]] = [] // by catalog order
        for (i, d) in m.catalog.indicators.enumerated() {
            indicatorFields.append(encoder.encode([d.theme, d.id, d.name], from: 5))
            if order[d.id] == nil { order[d.id] = i }
        }
        exportByReport(encoder, path: path, into: sink) { i, firstRow, out in
            let r = m.reports[i]
            // The values' positions, in catalog order (each value's order looked up once, not per comparison).
            let all = r.meta.indicators
            var keyed: [(order: Int, at: Int)] = []
            for k in all.indices where all[k].value.isFinite { keyed.append((order[all[k].indicator] ?? Int.max, k)) }
            keyed.sort { a, b in
                if a.order != b.order { return a.order < b.order }
                let x = all[a.at].indicator, y = all[b.at].indicator
                return x != y ? x < y : a.at < b.at
            }
            if keyed.isEmpty { return 0 }
            let reportFields = encoder.encode([r.id, r.adcode, r.meta.locality, r.meta.province, r.year.map(String.init) ?? ""], from: 0)
            // The report page's address, made once per report (as `sourceURL` makes it).
            let page = m.reportURL(r.id)
            for (k, (o, at)) in keyed.enumerated() {
                let v = all[at]
                encoder.beginRow(firstRow + k, into: &out)
                out += reportFields
                if o < indicatorFields.count { out += indicatorFields[o] } else { out += encoder.encode(["", v.indicator, ""], from: 5) }
                encoder.append(NumberFormat.plain(v.value), column: 8, into: &out)
                encoder.append(v.unit, column: 9, into: &out)
                encoder.append(v.qualifier.rawValue, column: 10, into: &out)
                encoder.append(r.linkedAnchors.contains(v.anchor) ? page + "#" + v.anchor : page, column: 11, into: &out)
                encoder.endRow(into: &out)
            }
            return keyed.count
        }
    }

    /// Each report's row, written into `sink` as it is made (`exportByReport`).
    func reportExport(_ format: ExportFormat, path: String, into sink: FileSink) {
        let m = model
        let encoder = ExportEncoder(format: format, columns: Self.reportColumns)
        exportByReport(encoder, path: path, into: sink) { i, firstRow, out in
            let f = m.reports[i].meta
            encoder.beginRow(firstRow, into: &out)
            encoder.append([f.id, f.title, f.year.map(String.init) ?? "", f.locality, f.prefecture, f.province, f.adcode,
                            f.level?.rawValue ?? "", f.kind?.rawValue ?? "", f.published, f.publisher, m.reportURL(f.id)],
                           from: 0, into: &out)
            encoder.endRow(into: &out)
            return 1
        }
    }

    /// An export whose rows come report by report, in model order: `rows` appends report `i`'s rows to `out`
    /// (numbered from `firstRow`) and says how many. Written into `sink` as it is made, a mebibyte at a time.
    ///
    /// A report's rows depend on nothing but its Markdown file and the build's settings, config and catalog
    /// (which the build cache checks before it hands over `memory`): an unchanged report's rows are copied from
    /// the previous build's file (`path`) where its layout says they are, instead of being made again; the rows
    /// of reports that stood together there are copied at once, with the separators between them.
    private func exportByReport(_ encoder: ExportEncoder, path: String, into sink: FileSink,
                                rows: (_ report: Int, _ firstRow: Int, _ out: inout [UInt8]) -> Int) {
        let previous = reportKeys.isEmpty ? nil : memory.previousFile(path)
        var out = SpliceWriter(into: sink, copyingFrom: previous?.file.fd, bytes: encoder.header())
        out.bytes.reserveCapacity(FileSink.chunk + 65536)
        var blocks: [ContentHash.Digest: ExportLayout.Block] = [:]
        // A block holds its rows without the separator before its first one.
        let separator = encoder.rowSeparator.count
        var count = 0
        for i in model.reports.indices {
            if let previous, let b = previous.layout.blocks[reportKeys[i]] {
                if let end = out.copyEnd, count > 0, end + separator == b.start {
                    // Next to the previous copied block there: copied with the separator between them.
                    out.copy(end..<b.end)
                } else {
                    out.endCopy()
                    if count > 0 { encoder.separateRows(into: &out.bytes) }
                    out.copy(b.start..<b.end)
                }
                blocks[reportKeys[i]] = .init(start: out.position - (b.end - b.start), end: out.position, rows: b.rows)
                count += b.rows
                continue
            }
            // (A report without rows ends a copied span early: the same bytes, in two copies.)
            out.endCopy()
            let start = out.position + (count > 0 ? separator : 0)
            let made = rows(i, count, &out.bytes)
            if made == 0 { continue }
            count += made
            if !reportKeys.isEmpty { blocks[reportKeys[i]] = .init(start: start, end: out.position, rows: made) }
            out.handOverIfFull()
        }
        out.endCopy()
        encoder.footer(rows: count, into: &out.bytes)
        out.finish()
        if !reportKeys.isEmpty { memory.made(path, ExportLayout(size: Int64(sink.count), blocks: blocks)) }
    }

    public func reportsCSV(into sink: FileSink) { reportExport(.csv, path: Self.reportsCSVPath, into: sink) }
    public func reportsJSON(into sink: FileSink) { reportExport(.json, path: Self.reportsJSONPath, into: sink) }
    public func indicatorsCSV(into sink: FileSink) { indicatorExport(.csv, path: Self.indicatorsCSVPath, into: sink) }
    public func indicatorsJSON(into sink: FileSink) { indicatorExport(.json, path: Self.indicatorsJSONPath, into: sink) }
    public static let reportsCSVPath = "data/reports.csv", reportsJSONPath = "data/reports.json"
    public static let indicatorsCSVPath = "data/indicators.csv", indicatorsJSONPath = "data/indicators.json"
    /// The exports whose rows the next build may copy (their layouts are kept in the build cache).
    public static let copyablePaths = [reportsCSVPath, reportsJSONPath, indicatorsCSVPath, indicatorsJSONPath]
}

public enum ExportFormat: Sendable { case csv, json }

/// Where each report's rows lie in an export file as written, so that the next build copies an unchanged
/// report's rows from that file instead of encoding them again (adding one report to 5,000 encoded 40 MB of
/// `indicators.{csv,json}` again). Kept in the build cache with the file's stamp, taken once the site is in place.
public struct ExportLayout: Sendable, Equatable {
    /// The file's size, and (`stamped`) its modification time and inode in the site: its rows are copied only
    /// from the very file that was written.
    public var size: Int64
    public var mtime: Int64 = 0
    public var inode: UInt64 = 0
    /// By report digest: the byte range of its rows (without the separator before the first) and their count.
    public var blocks: [ContentHash.Digest: Block]

    public struct Block: Sendable, Equatable {
        public var start: Int
        public var end: Int
        public var rows: Int
    }

    /// This layout with the stamp of `file`, nil when the file is not there or not of this size.
    func stamped(_ file: String) -> ExportLayout? {
        guard let st = FileStamp.look(file), st.size == size else { return nil }
        var l = self
        l.mtime = st.mtime; l.inode = st.inode
        return l
    }
}

/// What the exports remember between builds: the layouts of the previous build's files (from the build cache,
/// given only when its settings, config, catalog and templates are the ones of this build) and the folder
/// holding those files; and the layouts of the files this build makes.
public final class ExportMemory: @unchecked Sendable {
    let site: String?
    let previous: [String: ExportLayout]
    private let lock = NSLock()
    private var layouts: [String: ExportLayout] = [:]

    public init(site: String? = nil, previous: [String: ExportLayout] = [:]) {
        self.site = site
        self.previous = site == nil ? [:] : previous
    }

    /// The previous build's file for `path` and its layout, when the site still has that very file (same size,
    /// time and inode; a file changed by hand is encoded again).
    func previousFile(_ path: String) -> (file: FileText.OpenFile, layout: ExportLayout)? {
        guard let site, let layout = previous[path], let file = FileText.OpenFile(site + "/" + path),
              file.size == layout.size, file.mtime == layout.mtime, file.inode == layout.inode else { return nil }
        return (file, layout)
    }

    func made(_ path: String, _ layout: ExportLayout) {
        lock.lock(); layouts[path] = layout; lock.unlock()
    }

    /// The layout of the file made for `path` in this build, if it was made.
    public func layout(_ path: String) -> ExportLayout? {
        lock.lock(); defer { lock.unlock() }
        return layouts[path]
    }
}

/// Writes the rows of an export as UTF-8 bytes. CSV: a byte-order mark and a header line, fields quoted as RFC
/// 4180 says, CRLF line ends. JSON: an array with one object a line, the columns as keys in order, numeric
/// columns as numbers (`null` when empty).
struct ExportEncoder {
    let format: ExportFormat
    let columns: [DataExports.ColumnDoc]
    /// JSON: `"name": ` of each column, with the `, ` before all but the first.
    private let keys: [[UInt8]]

    init(format: ExportFormat, columns: [DataExports.ColumnDoc]) {
        self.format = format
        self.columns = columns
        keys = columns.enumerated().map { j, c in Array(((j > 0 ? ", " : "") + Escape.json(c.name) + ": ").utf8) }
    }

    func header() -> [UInt8] {
        switch format {
        case .json: return Array("[\n".utf8)
        case .csv:
            var out = Array("\u{FEFF}".utf8)
            for (j, c) in columns.enumerated() {
                if j > 0 { out.append(UInt8(ascii: ",")) }
                Escape.appendCSV(c.name, to: &out)
            }
            out.append(0x0D); out.append(0x0A)
            return out
        }
    }

    /// What stands between two rows and not before the first (JSON's `,\n`; nothing in CSV).
    var rowSeparator: [UInt8] { format == .json ? Array(",\n".utf8) : [] }

    /// Starts row number `index` (from 0).
    func beginRow(_ index: Int, into out: inout [UInt8]) {
        if index > 0 { separateRows(into: &out) }
        if format == .json { out.append(contentsOf: "  {".utf8) }
    }

    /// Writes `rowSeparator`.
    func separateRows(into out: inout [UInt8]) {
        out.append(contentsOf: rowSeparator)
    }

    /// The fields `first…` of a row, as they stand in it.
    func append(_ values: [String], from first: Int, into out: inout [UInt8]) {
        for (k, v) in values.enumerated() { append(v, column: first + k, into: &out) }
    }

    /// Field `j` of a row.
    func append(_ v: String, column j: Int, into out: inout [UInt8]) {
        switch format {
        case .csv:
            if j > 0 { out.append(UInt8(ascii: ",")) }
            Escape.appendCSV(v, text: !columns[j].numeric, to: &out)
        case .json:
            out.append(contentsOf: keys[j])
            if !columns[j].numeric {
                JSONText.appendQuoted(v, to: &out)
            } else if v.isEmpty {
                out.append(contentsOf: "null".utf8)
            } else {
                out.append(contentsOf: v.utf8)
            }
        }
    }

    func encode(_ values: [String], from first: Int) -> [UInt8] {
        var out: [UInt8] = []
        append(values, from: first, into: &out)
        return out
    }

    func endRow(into out: inout [UInt8]) {
        switch format {
        case .csv: out.append(0x0D); out.append(0x0A)
        case .json: out.append(UInt8(ascii: "}"))
        }
    }

    func footer(rows: Int, into out: inout [UInt8]) {
        if format == .json { out.append(contentsOf: (rows == 0 ? "]\n" : "\n]\n").utf8) }
    }
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
            let rel = SearchIndex.reportPage(Escape.pathSegment(r.id))
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
