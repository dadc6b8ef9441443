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
        public static var missingValue: Cell {
            var c = Cell("—", title: "无数据", sort: "", csv: "")
            c.missing = true
            return c
        }
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

    /// The context the `table` partial reads.
    public var context: [String: Any] {
        var head: [[String: Any]] = []
        for (i, c) in columns.enumerated() {
            head.append(["label": c.label, "class": c.numeric ? "num" : "text", "index": i, "type": c.numeric ? "number" : "text"])
        }
        var body: [[String: Any]] = []
        body.reserveCapacity(rows.count)
        for row in rows {
            guard let first = row.first else { continue }
            var cells: [[String: Any]] = []
            cells.reserveCapacity(row.count)
            for (i, cell) in row.dropFirst().enumerated() {
                let numeric = i + 1 < columns.count ? columns[i + 1].numeric : false
                cells.append(Self.cellContext(cell, numeric: numeric))
            }
            body.append(["th": Self.cellContext(first, numeric: false), "cells": cells])
        }
        return ["id": id, "caption": caption, "head": head, "rows": body, "empty": rows.isEmpty, "csv": opt(csvHref), "note": opt(note)]
    }

    static func cellContext(_ c: Cell, numeric: Bool) -> [String: Any] {
        var classes: [String] = [numeric ? "num" : "text"]
        if c.missing { classes.append("missing") }
        if let extra = c.cssClass { classes.append(extra) }
        // Every key is present (false when absent): mustache would otherwise look it up in enclosing contexts.
        return ["text": c.text, "class": classes.joined(separator: " "), "href": opt(c.href), "title": opt(c.title),
                "sort": c.sortKey.map { $0 as Any } ?? false]
    }

    /// The table as CSV: UTF-8 with a byte-order mark, RFC 4180, CRLF line ends.
    public var csv: String {
        var out = "\u{FEFF}"
        out += Escape.csvLine(columns.map { Escape.csv($0.csvLabel ?? $0.label) })
        for row in rows {
            var fields: [String] = []
            fields.reserveCapacity(row.count)
            for (i, c) in row.enumerated() {
                let numeric = i < columns.count ? columns[i].numeric : false
                fields.append(Escape.csv(c.csv ?? c.text, text: !numeric))
            }
            out += Escape.csvLine(fields)
        }
        return out
    }
}

/// A template value that is false when absent or empty, so `{{#x}}` sections skip it and never fall back
/// to a same-named key of an enclosing context.
func opt(_ s: String?) -> Any {
    guard let s, !s.isEmpty else { return false }
    return s
}
