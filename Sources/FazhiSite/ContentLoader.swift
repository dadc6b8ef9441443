import FazhiModel
import Foundation

/// Reads the site's inputs: config, catalog and every Markdown report (in parallel).
public struct ContentLoader: Sendable {
    public let layout: ProjectLayout

    public init(layout: ProjectLayout) { self.layout = layout }

    public func config() throws -> SiteConfig {
        guard let text = try? String(contentsOfFile: layout.config, encoding: .utf8) else { return SiteConfig() }
        return try SiteConfig.load(yaml: text, file: layout.config)
    }

    /// A missing catalog is an empty one (reports still render; there are no comparisons).
    public func catalog() throws -> Catalog {
        guard FileManager.default.fileExists(atPath: layout.catalog) else { return Catalog(themes: [], indicators: []) }
        return try Self.catalog(FileManager.default.contents(atPath: layout.catalog), file: layout.catalog)
    }

    /// The catalog from the bytes of its file (nil: the file cannot be read).
    static func catalog(_ bytes: Data?, file: String) throws -> Catalog {
        guard let bytes, let text = String(data: bytes, encoding: .utf8) else {
            throw Diagnostic(file: file, "cannot read the catalog (not UTF-8?)")
        }
        return try Catalog.load(yaml: text, file: file)
    }

    /// Markdown files under `<content>/markdown`, sorted.
    public func markdownFiles() -> [String] {
        let root = layout.markdown
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return FileWalk.files(under: root, skipHidden: true).filter { $0.hasSuffix(".md") }.map { prefix + $0 }.sorted()
    }

    /// A report id is used in a URL path: ASCII letters, digits, `-`, `_`, `.`, not starting with `.`.
    public static func isValidReportID(_ id: String) -> Bool {
        guard let f = id.utf8.first, f != UInt8(ascii: "."), id.utf8.count <= 100 else { return false }
        return id.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }
    }

    /// 1-based line of the first line of `text` that contains `needle`.
    static func line(of needle: String, in text: String) -> Int? {
        var line = 1
        var start = text.startIndex
        while start < text.endIndex {
            let end = text[start...].firstIndex(of: "\n") ?? text.endIndex
            if text[start..<end].contains(needle) { return line }
            line += 1
            start = end < text.endIndex ? text.index(after: end) : end
        }
        return nil
    }

    public struct Loaded: Sendable {
        public var entries: [ReportEntry] = []
        /// Files skipped (invalid front matter, missing or duplicate id).
        public var failed: [Diagnostic] = []
        /// Things that still render but should be fixed (unknown indicator, anchor not in the body).
        public var problems: [Diagnostic] = []
    }

    /// Reads one Markdown file into an entry, with the problems found in it.
    /// `fragment`, when given, receives the parsed document (facts and body included) and returns where it
    /// stored the report page's heavy parts, so the page need not parse the file again.
    public static func read(file: String, catalog: Catalog,
                            fragment: (@Sendable (ReportDocument) -> FragmentRef?)? = nil) -> Result<(ReportEntry, [Diagnostic]), Diagnostic> {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
            return .failure(Diagnostic(file: file, "cannot read: \(error.localizedDescription)"))
        }
        return read(file: file, bytes: data, catalog: catalog, fragment: fragment)
    }

    /// `read(file:…)` of a file's bytes, when the caller has them (convert has just written them).
    public static func read(file: String, bytes: some Collection<UInt8>, catalog: Catalog,
                            fragment: (@Sendable (ReportDocument) -> FragmentRef?)? = nil) -> Result<(ReportEntry, [Diagnostic]), Diagnostic> {
        guard let text = String(validating: bytes, as: UTF8.self) else { return .failure(Diagnostic(file: file, line: 1, "not UTF-8 text")) }
        // Split once: the front matter is required here.
        let parts = FrontMatterReader.split(text)
        guard let yaml = parts.yaml else {
            return .failure(Diagnostic(file: file, line: 1, "no front matter: a report file starts with a '---' line"))
        }
        let doc: ReportDocument
        do { doc = ReportDocument(frontMatter: try FrontMatterReader.frontMatter(yaml, file: file, firstLine: 2), body: parts.body) }
        catch let d as Diagnostic {
            return .failure(d)
        } catch {
            return .failure(Diagnostic(file: file, line: 1, "\(error)"))
        }
        let fm = doc.frontMatter
        if fm.id.isEmpty { return .failure(Diagnostic(file: file, line: 2, "front matter lacks 'id'")) }
        if !isValidReportID(fm.id) {
            return .failure(Diagnostic(file: file, line: line(of: "id:", in: text) ?? 2,
                                       "id '\(fm.id)' must be ASCII letters, digits, '-', '_' or '.' (it is a URL path)"))
        }
        let checked = Checked(doc, catalog: catalog)
        var problems: [Diagnostic] = []
        for issue in checked.issues {
            switch issue {
            case .unknownIndicator(let id):
                problems.append(Diagnostic(.warning, file: file, line: line(of: "indicator: \"\(id)\"", in: text) ?? line(of: id, in: text),
                                           "indicator '\(id)' is not in the catalog"))
            case .missingAnchor(let id, let anchor):
                problems.append(Diagnostic(.warning, file: file, line: line(of: "anchor: \"\(anchor)\"", in: text),
                                           "indicator '\(id)' refers to anchor '\(anchor)', which the body does not have"))
            }
        }
        return .success((checked.entry(file: file, meta: fm, fragment: fragment?(doc)), problems))
    }

    /// What the build checks in a parsed report, before it has a file name (convert hands reports over before
    /// their files are written: `ConvertedReports`): which indicator sentences and headings the body has
    /// anchors for, and what is wrong.
    struct Checked: Sendable {
        enum Issue: Sendable { case unknownIndicator(String), missingAnchor(indicator: String, anchor: String) }
        var linked = Set<String>()
        var headings = Set<String>()
        var issues: [Issue] = []
        /// The issues as the report page lists them.
        var messages: [String] = []
        var factCount: Int

        init(_ doc: ReportDocument, catalog: Catalog) {
            let fm = doc.frontMatter
            let found = Set(Anchors.replaceMarkers(in: doc.body) { _ in "" }.found.map(\.id))
            for v in fm.indicators {
                if catalog.position(ofIndicator: v.indicator) == nil {
                    issues.append(.unknownIndicator(v.indicator))
                    messages.append("指标编号“\(v.indicator)”不在指标目录中")
                }
                if found.contains(v.anchor) { linked.insert(v.anchor) } else {
                    issues.append(.missingAnchor(indicator: v.indicator, anchor: v.anchor))
                    messages.append("指标“\(catalog.indicator(v.indicator)?.name ?? v.indicator)”的原句锚点 #\(v.anchor) 不在正文中")
                }
            }
            headings = Set(fm.sections.map(\.anchor)).intersection(found)
            factCount = fm.facts.count
        }

        /// The entry of the report in `file` with front matter `meta` (its facts are dropped: see ReportEntry).
        func entry(file: String, meta: ReportFrontMatter, fragment: FragmentRef?) -> ReportEntry {
            var meta = meta
            meta.facts = []
            return ReportEntry(file: file, meta: meta, factCount: factCount, linkedAnchors: linked, headingAnchors: headings,
                               problems: messages, fragment: fragment)
        }
    }

    /// Entries from the read results of `files` (in the same order): failures listed, duplicate ids skipped.
    static func merge(files: [String], results: [Result<(ReportEntry, [Diagnostic]), Diagnostic>]) -> Loaded {
        var loaded = Loaded()
        var seen: [String: String] = [:]
        for (file, r) in zip(files, results) {
            switch r {
            case .failure(let d): loaded.failed.append(d)
            case .success(let (entry, problems)):
                if let first = seen[entry.id] {
                    let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
                    loaded.failed.append(Diagnostic(file: file, line: Self.line(of: "id:", in: text) ?? 2,
                                                    "duplicate id '\(entry.id)', already used by \(first); this file is skipped"))
                    continue
                }
                seen[entry.id] = file
                loaded.entries.append(entry)
                loaded.problems += problems
            }
        }
        return loaded
    }
}

/// `DispatchQueue.concurrentPerform` over an array, results in input order.
enum ParallelMap {
    static func map<T: Sendable, R: Sendable>(_ items: [T], _ f: @Sendable (T) -> R) -> [R] {
        if items.isEmpty { return [] }
        let box = ResultBox<R>(count: items.count)
        DispatchQueue.concurrentPerform(iterations: items.count) { i in
            box.set(i, f(items[i]))
        }
        return box.values.map { $0! }
    }
}

final class ResultBox<R>: @unchecked Sendable {
    private let lock = NSLock()
    var values: [R?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ v: R) { lock.lock(); values[i] = v; lock.unlock() }
}
