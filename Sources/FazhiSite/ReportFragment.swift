import FazhiModel
import Foundation

/// The parts of a report page that come from the report's own file only: its rendered body and its facts
/// table. Made while the file is parsed for the model and kept in the build's scratch file (FragmentRef) until the page is
/// rendered.
public struct ReportFragment: Sendable {
    public var bodyHTML: [UInt8]
    public var factsTbody: [UInt8]
    public var factCount: Int

    public static func make(_ doc: ReportDocument) -> ReportFragment {
        let rendered = MarkdownRenderer.render(doc.body)
        let facts = doc.frontMatter.facts
        return ReportFragment(bodyHTML: rendered.htmlBytes, factsTbody: factsTbody(facts, linked: Set(rendered.ids)),
                              factCount: facts.count)
    }

    /// The facts table's body, a row per fact, as `DataTable.tbodyHTML` writes it for these rows and
    /// `factColumns`, without building the rows first (a report has dozens of facts, and this runs for every
    /// report of a build): each row is made in one reused array and written at once.
    static func factsTbody(_ facts: [Fact], linked ids: Set<String>) -> [UInt8] {
        var h = HTMLWriter()
        h.bytes.reserveCapacity(facts.count * factColumns.count * 80)
        h.raw("<tbody>\n")
        var row: [DataTable.Cell] = []
        row.reserveCapacity(factColumns.count)
        for f in facts {
            row.removeAll(keepingCapacity: true)
            row.append(DataTable.Cell(f.subject.isEmpty ? "（未识别）" : f.subject))
            row.append(DataTable.Cell(NumberFormat.withQualifier(f.value, unit: f.unit, qualifier: f.qualifier),
                                      href: ids.contains(f.anchor) ? "#" + f.anchor : nil, title: f.text,
                                      sort: NumberFormat.plain(f.value)))
            row.append(DataTable.Cell(f.text))
            row.append(DataTable.Cell(SitePages.partName(f.part)))
            row.append(DataTable.Cell(f.section.last ?? ""))
            row.withUnsafeBufferPointer { DataTable.appendRow(&h, $0, columns: factColumns) }
        }
        h.raw("</tbody>")
        return h.bytes
    }

    static let factColumns: [DataTable.Column] = [.init("事项"), .init("数值", numeric: true), .init("原文"), .init("部分"), .init("章节")]

    /// Makes the fragment of `doc` and appends it to `file`; nil when it could not be written.
    static func store(_ doc: ReportDocument, in file: ScratchFile) -> FragmentRef? {
        file.append(make(doc).encoded).map { FragmentRef(file: file, range: $0) }
    }

    var encoded: [UInt8] { bodyHTML + [0] + factsTbody + [0] + Array(String(factCount).utf8) }

    static func decode(_ bytes: [UInt8]) -> ReportFragment? {
        // Two NUL separators (NUL never occurs in the HTML: Escape.html drops control characters).
        guard let a = bytes.firstIndex(of: 0), let b = bytes[(a + 1)...].firstIndex(of: 0),
              let n = Int(String(decoding: bytes[(b + 1)...], as: UTF8.self)) else { return nil }
        return ReportFragment(bodyHTML: Array(bytes[..<a]), factsTbody: Array(bytes[(a + 1)..<b]), factCount: n)
    }

    /// The fragment for an entry: from the store, or made from the Markdown file when it has none.
    static func load(_ r: ReportEntry) throws -> ReportFragment {
        if let ref = r.fragment, let bytes = ref.read(), let f = decode(bytes) {
            return f
        }
        let text: String
        do { text = try String(contentsOfFile: r.file, encoding: .utf8) } catch {
            throw Diagnostic(file: r.file, "cannot read: \(error.localizedDescription)")
        }
        return make(try FrontMatterReader.document(text, file: r.file))
    }
}

/// Where a report's fragment is: a range of the build's scratch file (a `ScratchFile` made in the staging folder
/// and unlinked at once), read back when the report's page is rendered.
public struct FragmentRef: Sendable {
    let file: ScratchFile
    let range: Range<Int>

    func read() -> [UInt8]? { file.read(range) }
}
