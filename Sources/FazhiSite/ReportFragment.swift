import FazhiModel
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The parts of a report page that come from the report's own file only: its rendered body and its facts
/// table. Made while the file is parsed for the model and kept in the build's FragmentStore until the page is
/// rendered.
public struct ReportFragment: Sendable {
    public var bodyHTML: String
    public var factsTbody: String
    public var factCount: Int

    static let separator: Character = "\u{0}"

    public static func make(_ doc: ReportDocument, base: BaseURL) -> ReportFragment {
        let rendered = MarkdownRenderer.render(doc.body)
        let ids = Set(rendered.ids)
        let facts = doc.frontMatter.facts
        let url = base.url("reports/\(Escape.pathSegment(doc.frontMatter.id))/")
        let rows: [[DataTable.Cell]] = facts.map { f in
            let linked = ids.contains(f.anchor)
            return [DataTable.Cell(f.subject.isEmpty ? "（未识别）" : f.subject),
                    DataTable.Cell(NumberFormat.withQualifier(f.value, unit: f.unit, qualifier: f.qualifier),
                                   href: linked ? url + "#" + f.anchor : nil, title: f.text, sort: NumberFormat.plain(f.value)),
                    DataTable.Cell(f.text),
                    DataTable.Cell(SitePages.partName(f.part)),
                    DataTable.Cell(f.section.last ?? "")]
        }
        let table = DataTable(id: "facts", caption: "", columns: factColumns, rows: rows)
        return ReportFragment(bodyHTML: rendered.html, factsTbody: table.tbodyHTML, factCount: facts.count)
    }

    static let factColumns: [DataTable.Column] = [.init("事项"), .init("数值", numeric: true), .init("原文"), .init("部分"), .init("章节")]

    var encoded: String { bodyHTML + String(Self.separator) + factsTbody + String(Self.separator) + String(factCount) }

    static func decode(_ bytes: [UInt8]) -> ReportFragment? {
        // Two NUL separators (NUL never occurs in the HTML: Escape.html drops control characters).
        guard let a = bytes.firstIndex(of: 0), let b = bytes[(a + 1)...].firstIndex(of: 0),
              let n = Int(String(decoding: bytes[(b + 1)...], as: UTF8.self)) else { return nil }
        return ReportFragment(bodyHTML: String(decoding: bytes[..<a], as: UTF8.self),
                              factsTbody: String(decoding: bytes[(a + 1)..<b], as: UTF8.self), factCount: n)
    }

    /// The fragment for an entry: from the store, or made from the Markdown file when it has none.
    static func load(_ r: ReportEntry, base: BaseURL) throws -> ReportFragment {
        if let ref = r.fragment, let bytes = ref.read(), let f = decode(bytes) {
            return f
        }
        let text: String
        do { text = try String(contentsOfFile: r.file, encoding: .utf8) } catch {
            throw Diagnostic(file: r.file, "cannot read: \(error.localizedDescription)")
        }
        return make(try FrontMatterReader.document(text, file: r.file), base: base)
    }
}

/// The report fragments of one build, appended to one scratch file in the staging folder and read back by
/// offset. One file, not one per report: on ext4, creating (and then deleting) thousands of small files was
/// a large part of a full build (perf: `__ext4_new_inode` about 30% of a clean build's samples).
public final class FragmentStore: @unchecked Sendable {
    /// Where one fragment is.
    public struct Ref: Sendable {
        let store: FragmentStore
        let offset: Int
        let length: Int

        func read() -> [UInt8]? { store.read(offset: offset, length: length) }
    }

    let path: String
    private let fd: Int32
    private let lock = NSLock()
    private var end = 0

    init?(path: String) {
        self.path = path
        unlink(path)
        fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0o600)
        if fd < 0 { return nil }
    }

    deinit { close(fd) }

    /// Stores bytes; nil when they cannot be written (the page is then made from its Markdown file).
    func append(_ bytes: [UInt8]) -> Ref? {
        lock.lock()
        let offset = end
        end += bytes.count
        lock.unlock()
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, bytes.count - done, off_t(offset + done)) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            done += n
        }
        return Ref(store: self, offset: offset, length: bytes.count)
    }

    func read(offset: Int, length: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: length)
        var done = 0
        while done < length {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, length - done, off_t(offset + done)) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { return nil }
            done += n
        }
        return out
    }

    /// Removes the scratch file (what is stored stays readable until the store is released).
    func remove() { unlink(path) }
}
