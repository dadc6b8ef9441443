import FazhiModel

/// A comparison table: one model renders as an accessible, sortable HTML table (through the `table` partial)
/// and as a CSV download with the same rows and columns.
public struct DataTable: Sendable {
    public struct Column: Sendable {
        public var label: String
        /// Right-aligned, sorted as numbers.
        public var numeric: Bool
        /// CSV header; defaults to the label.
        public var csvLabel: String?
        public init(_ label: String, numeric: Bool = false, csv: String? = nil) {
            self.label = label; self.numeric = numeric; self.csvLabel = csv
        }
    }

    public struct Cell: Sendable {
        /// Shown text (escaped when rendered).
        public var text: String
        public var href: String?
        /// Tooltip.
        public var title: String?
        /// Sort key for sort.js; numbers as plain decimals.
        public var sortKey: String?
        /// CSV text; defaults to `text`.
        public var csv: String?
        public var missing: Bool = false
        /// Extra CSS class (e.g. `up`, `down` for changes).
        public var cssClass: String?

        public init(_ text: String, href: String? = nil, title: String? = nil, sort: String? = nil, csv: String? = nil, cssClass: String? = nil) {
            self.text = text; self.href = href; self.title = title; self.sortKey = sort; self.csv = csv; self.cssClass = cssClass
        }

        /// The marker for a value the report does not give: never 0.
        public static let missingValue: Cell = {
            var c = Cell("—", title: "无数据", sort: "", csv: "")
            c.missing = true
            return c
        }()
    }

    public var id: String
    public var caption: String
    public var csvHref: String?
    public var columns: [Column]
    /// The first cell of each row is its header (`<th scope="row">`).
    public var rows: [[Cell]]
    /// Shown under the table.
    public var note: String?

    public init(id: String, caption: String, csvHref: String? = nil, columns: [Column], rows: [[Cell]], note: String? = nil) {
        self.id = id; self.caption = caption; self.csvHref = csvHref; self.columns = columns; self.rows = rows; self.note = note
    }

    /// The context the `table` partial reads: `id`, `caption`, `csv`, `note`, and the header and body rows as
    /// HTML built here with escaping (`thead`, `tbody`: use them with triple braces). Rows are built in code,
    /// not in the template, because comparison tables have thousands of cells.
    public var context: [String: Any] {
        ["id": id, "caption": caption, "csv": opt(csvHref), "note": opt(note), "empty": rows.isEmpty,
         "thead": HTMLBytes(theadHTML), "tbody": HTMLBytes(tbodyHTML)]
    }

    public var theadHTML: [UInt8] {
        var h = HTMLWriter()
        h.raw("<thead>\n<tr>")
        for c in columns {
            h.raw(c.numeric ? "<th scope=\"col\" class=\"num\" data-type=\"number\">" : "<th scope=\"col\">")
            h.text(c.label)
            h.raw("</th>")
        }
        h.raw("</tr>\n</thead>")
        return h.bytes
    }

    public var tbodyHTML: [UInt8] {
        var h = HTMLWriter()
        h.bytes.reserveCapacity(rows.count * max(columns.count, 1) * 80)
        h.raw("<tbody>\n")
        // (Cells are read where they are, through a buffer pointer: by `enumerated()`, or by index into the
        // array, each cell was copied, a retain and a release per string. In one pair of profiles of a
        // 5,000-report render, this getter's samples went from 848 to 735.)
        for r in rows.indices {
            rows[r].withUnsafeBufferPointer { Self.appendRow(&h, $0, columns: columns) }
        }
        h.raw("</tbody>")
        return h.bytes
    }

    /// One body row: `<tr>`, with the tooltip most of its cells share (`sharedTitle`), and its cells, the
    /// first as the row's header.
    static func appendRow(_ h: inout HTMLWriter, _ row: UnsafeBufferPointer<Cell>, columns: [Column]) {
        let shared = sharedTitle(row)
        if let shared { h.raw("<tr title=\""); h.text(shared); h.raw("\">") } else { h.raw("<tr>") }
        for i in row.indices {
            let numeric = i < columns.count ? columns[i].numeric : false
            appendCell(&h, row[i], numeric: numeric, header: i == 0, rowTitle: shared)
        }
        h.raw("</tr>\n")
    }

    /// The tooltip that most of a row's cells give, when at least two do: written once on the row (`<tr title>`,
    /// which the cells inherit) instead of on each. In a year's or a theme's table a row is one report, and
    /// every value names it: that was half of those pages' bytes. The row's header cell keeps its own.
    static func sharedTitle(_ row: UnsafeBufferPointer<Cell>) -> String? {
        var counts: [(title: String, count: Int)] = []
        for i in row.indices.dropFirst() {
            guard !row[i].missing, let t = row[i].title, !Escape.sameBytes(t, row[i].text) else { continue }
            if let k = counts.firstIndex(where: { Escape.sameBytes($0.title, t) }) { counts[k].count += 1 } else { counts.append((t, 1)) }
        }
        guard let best = counts.max(by: { $0.count < $1.count }), best.count >= 2 else { return nil }
        return counts.first { $0.count == best.count }?.title
    }

    /// One cell. Only what differs from the defaults is written: a class for numbers, missing values and
    /// extras (text cells have none); `data-sort` and `title` only when they differ from the cell's text
    /// (sort.js sorts by the text without one) and from the row's (`sharedTitle`). Tables are most of a site's
    /// bytes.
    static func appendCell(_ h: inout HTMLWriter, _ c: Cell, numeric: Bool, header: Bool, rowTitle: String? = nil) {
        h.raw(header ? "<th scope=\"row\"" : "<td")
        if numeric || c.missing || c.cssClass != nil {
            h.raw(" class=\"")
            var first = true
            func add(_ s: String) { if !first { h.raw(" ") }; h.text(s); first = false }
            if numeric { add("num") }
            if c.missing { add("missing") }
            if let extra = c.cssClass { add(extra) }
            h.raw("\"")
        }
        if let s = c.sortKey, !Escape.sameBytes(s, c.text) { h.raw(" data-sort=\""); h.text(s); h.raw("\"") }
        var title = c.title
        if let t = title, Escape.sameBytes(t, c.text) || (!header && rowTitle.map { Escape.sameBytes(t, $0) } ?? false) { title = nil }
        if let href = c.href {
            h.raw("><a href=\""); h.text(href); h.raw("\"")
            if let t = title { h.raw(" title=\""); h.text(t); h.raw("\"") }
            h.raw(">"); h.text(c.text); h.raw("</a>")
        } else {
            if let t = title { h.raw(" title=\""); h.text(t); h.raw("\"") }
            h.raw(">"); h.text(c.text)
        }
        h.raw(header ? "</th>" : "</td>")
    }

    /// The byte-order mark and the header line of a table's CSV.
    static func csvHeader(_ columns: [Column]) -> [UInt8] {
        var out = Array("\u{FEFF}".utf8)
        for (j, c) in columns.enumerated() {
            if j > 0 { out.append(UInt8(ascii: ",")) }
            Escape.appendCSV(c.csvLabel ?? c.label, to: &out)
        }
        out.append(0x0D); out.append(0x0A)
        return out
    }

    /// The table as CSV: UTF-8 with a byte-order mark, RFC 4180, CRLF line ends.
    public var csv: [UInt8] {
        var out = Self.csvHeader(columns)
        for row in rows {
            for (i, c) in row.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                let numeric = i < columns.count ? columns[i].numeric : false
                Escape.appendCSV(c.csv ?? c.text, text: !numeric, to: &out)
            }
            out.append(0x0D); out.append(0x0A)
        }
        return out
    }
}

/// HTML written as UTF-8 bytes: markup as given, text escaped (`Escape.appendHTML`).
struct HTMLWriter {
    var bytes: [UInt8] = []
    mutating func raw(_ markup: StaticString) {
        bytes.append(literal: markup)
    }
    mutating func text(_ s: String) { Escape.appendHTML(s, to: &bytes) }
    /// Text known to need no escaping (a number), as it is.
    mutating func plain(_ s: String) { bytes.append(contentsOf: s.utf8) }
}

/// A template value that is false when absent or empty, so `{{#x}}` sections skip it and never fall back
/// to a same-named key of an enclosing context.
func opt(_ s: String?) -> Any {
    guard let s, !s.isEmpty else { return false }
    return s
}
