import ArgumentParser
import FazhiModel
import FazhiIndicators
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct FactsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "facts",
        abstract: "Print a report's facts and indicators as a table, for checking by eye.",
        discussion: """
        <report> is a Markdown file written by convert (content/markdown/x.md) or a report id \
        (looked up as <content>/markdown/<id>.md). Raw reports must be converted first.
        """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A report id or a Markdown file.")
    var report: String

    @Flag(name: .long, help: "Also print each fact's sentence.")
    var sentences = false

    func run() throws {
        let path = try resolve()
        guard let text = FileText.read(path) else {
            throw ValidationError("cannot read \(path)")
        }
        let doc: ReportDocument
        do { doc = try FrontMatterReader.document(text, file: path) } catch let d as Diagnostic {
            throw ValidationError(d.description)
        }
        let fm = doc.frontMatter
        // Indicator names from the catalog, when there is one.
        var names: [String: String] = [:]
        if let yaml = FileText.read(global.layout.catalog) {
            if let c = try? Catalog.load(yaml: yaml, file: global.layout.catalog) {
                for i in c.indicators { names[i.id] = i.name }
            }
        }
        var out = ""
        let title = fm.title.isEmpty ? path : fm.title
        out += "\(title)\(fm.id.isEmpty ? "" : "  (\(fm.id))")\n\n"
        out += "Facts (\(fm.facts.count))\n"
        var rows: [[String]] = [["value", "unit", "qualifier", "subject", "part", "anchor"]]
        for f in fm.facts {
            rows.append([FactsCommand.number(f.value), f.unit, f.qualifier.rawValue, FactsCommand.clip(f.subject, 30), f.part.rawValue, f.anchor])
            if sentences { rows.append(["        " + f.sentence]) }
        }
        out += Table.render(rows, rightAligned: [0])
        out += "\nIndicators (\(fm.indicators.count))\n"
        var irows: [[String]] = [["indicator", "name", "value", "unit", "qualifier", "confidence", "rule", "anchor"]]
        for i in fm.indicators {
            irows.append([i.indicator, names[i.indicator] ?? "", FactsCommand.number(i.value), i.unit, i.qualifier.rawValue,
                          FactsCommand.number((i.confidence * 100).rounded() / 100), i.rule, i.anchor])
        }
        out += Table.render(irows, rightAligned: [2, 5])
        if !fm.warnings.isEmpty {
            out += "\nWarnings (\(fm.warnings.count))\n"
            for w in fm.warnings { out += "  - \(w)\n" }
        }
        print(out, terminator: "")
    }

    /// The Markdown file for an argument: a path to a .md file, or a report id.
    func resolve() throws -> String {
        let lower = report.lowercased()
        for ext in [".txt", ".html", ".htm", ".pdf", ".doc", ".docx", ".xhtml"] where lower.hasSuffix(ext) {
            throw ValidationError("\(report) is a raw report: run fazhi convert first, then give its Markdown file or id")
        }
        if lower.hasSuffix(".md") || report.contains("/") {
            guard FactsCommand.exists(report) else { throw ValidationError("no such file: \(report)") }
            if report.hasPrefix(global.layout.reports + "/") {
                throw ValidationError("\(report) is a raw report: run fazhi convert first, then give its Markdown file or id")
            }
            return report
        }
        let path = global.layout.markdown + "/" + report + ".md"
        guard FactsCommand.exists(path) else {
            throw ValidationError("no report '\(report)': \(path) does not exist (run fazhi convert first?)")
        }
        return path
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func number(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }

    static func clip(_ s: String, _ width: Int) -> String {
        var out = ""
        var w = 0
        for ch in s {
            let cw = Table.width(of: ch)
            if w + cw > width - 1 { return out + "…" }
            out.append(ch); w += cw
        }
        return out
    }
}

/// Plain-text tables whose columns line up in a terminal: CJK and other wide characters take 2 columns.
enum Table {
    static func width(of ch: Character) -> Int {
        guard let v = ch.unicodeScalars.first?.value else { return 0 }
        let wide: [ClosedRange<UInt32>] = [0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF,
                                           0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD]
        return wide.contains { $0.contains(v) } ? 2 : 1
    }

    static func width(_ s: String) -> Int { s.reduce(0) { $0 + width(of: $1) } }

    /// Rows of one cell are notes: printed as they are, not aligned.
    static func render(_ rows: [[String]], rightAligned: Set<Int> = []) -> String {
        guard let cols = rows.map(\.count).max() else { return "" }
        var widths = Array(repeating: 0, count: cols)
        for r in rows where r.count > 1 || cols == 1 { for (i, c) in r.enumerated() { widths[i] = max(widths[i], width(c)) } }
        var out = ""
        for (ri, r) in rows.enumerated() {
            if r.count == 1, cols > 1 { out += r[0] + "\n"; continue }
            var line = ""
            for i in 0..<cols {
                let c = i < r.count ? r[i] : ""
                let pad = String(repeating: " ", count: widths[i] - width(c))
                line += rightAligned.contains(i) && ri > 0 ? pad + c : c + pad
                if i < cols - 1 { line += "  " }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
            if ri == 0 { out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
        }
        return out
    }
}
