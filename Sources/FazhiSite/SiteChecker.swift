import FazhiModel
import Foundation

/// `fazhi check`: validates the content and the built site's internal links and fragment anchors.
public struct SiteChecker: Sendable {
    public let layout: ProjectLayout
    public let baseURL: String?

    public init(layout: ProjectLayout, baseURL: String? = nil) {
        self.layout = layout; self.baseURL = baseURL
    }

    // MARK: - Content

    /// Config, catalog and every Markdown file: front matter, ids, indicator ids, anchors.
    public func checkContent() -> [Diagnostic] {
        var out: [Diagnostic] = []
        let loader = ContentLoader(layout: layout)
        do { _ = try loader.config() } catch let d as Diagnostic { out.append(d) } catch { out.append(Diagnostic(file: layout.config, "\(error)")) }
        var catalog = Catalog(themes: [], indicators: [])
        if !FileManager.default.fileExists(atPath: layout.catalog) {
            out.append(Diagnostic(.warning, file: layout.catalog, "no catalog: the site will have no themes or indicators"))
        } else {
            do { catalog = try loader.catalog() } catch let d as Diagnostic { out.append(d) } catch { out.append(Diagnostic(file: layout.catalog, "\(error)")) }
        }
        let themeIDs = Set(catalog.themes.map(\.id))
        let files = loader.markdownFiles()
        let cat = catalog
        let perFile = ParallelMap.map(files) { file in Self.checkFile(file, catalog: cat, themeIDs: themeIDs) }
        var seen: [String: String] = [:]
        for (file, r) in zip(files, perFile) {
            out += r.problems
            guard let id = r.id else { continue }
            if let first = seen[id] {
                out.append(Diagnostic(file: file, line: r.idLine, "duplicate id '\(id)', already used by \(first)"))
            } else {
                seen[id] = file
            }
        }
        return out
    }

    struct FileResult: Sendable { var id: String?; var idLine: Int?; var problems: [Diagnostic] }

    static func checkFile(_ file: String, catalog: Catalog, themeIDs: Set<String>) -> FileResult {
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            return FileResult(problems: [Diagnostic(file: file, line: 1, "cannot read as UTF-8 text")])
        }
        if FrontMatterReader.split(text).yaml == nil {
            return FileResult(problems: [Diagnostic(file: file, line: 1, "no front matter: a report file starts with a '---' line")])
        }
        let doc: ReportDocument
        do { doc = try FrontMatterReader.document(text, file: file) } catch let d as Diagnostic {
            return FileResult(problems: [d])
        } catch {
            return FileResult(problems: [Diagnostic(file: file, line: 1, "\(error)")])
        }
        let fm = doc.frontMatter
        var p: [Diagnostic] = []
        let line = { (needle: String) in ContentLoader.line(of: needle, in: text) }
        let idLine = line("id:")
        if fm.id.isEmpty { p.append(Diagnostic(file: file, line: 2, "front matter lacks 'id'")) }
        else if !ContentLoader.isValidReportID(fm.id) {
            p.append(Diagnostic(file: file, line: idLine, "id '\(fm.id)' must be ASCII letters, digits, '-', '_' or '.'"))
        }
        if fm.year == nil { p.append(Diagnostic(.warning, file: file, line: line("year:"), "no year: the report is on no year page")) }
        if !SiteModel.isAdcode(fm.adcode) {
            p.append(Diagnostic(.warning, file: file, line: line("adcode:"), "adcode '\(fm.adcode)' is not 6 digits: the report is on no locality page"))
        }
        let (_, found) = Anchors.replaceMarkers(in: doc.body) { _ in "" }
        var anchors = Set<String>()
        let bodyLine = FrontMatterReader.split(text).bodyLine
        for f in found {
            if !anchors.insert(f.id).inserted {
                p.append(Diagnostic(file: file, line: bodyLine + f.line - 1, "anchor '\(f.id)' appears twice in the body"))
            }
        }
        func needAnchor(_ a: String, _ what: String) {
            if !anchors.contains(a) {
                p.append(Diagnostic(file: file, line: line("anchor: \"\(a)\"") ?? line(a), "\(what) refers to anchor '\(a)', which the body does not have"))
            }
        }
        for s in fm.sections {
            needAnchor(s.anchor, "section '\(s.heading)'")
            for t in s.themes where !themeIDs.contains(t) {
                p.append(Diagnostic(file: file, line: line("\"\(t)\""), "section '\(s.heading)' names theme '\(t)', which the catalog does not have"))
            }
        }
        for f in fm.facts where !f.anchor.isEmpty { needAnchor(f.anchor, "fact '\(f.text)'") }
        for v in fm.indicators {
            if catalog.position(ofIndicator: v.indicator) == nil {
                p.append(Diagnostic(file: file, line: line("indicator: \"\(v.indicator)\"") ?? line(v.indicator),
                                    "indicator '\(v.indicator)' is not in the catalog"))
            }
            needAnchor(v.anchor, "indicator '\(v.indicator)'")
            if !v.value.isFinite { p.append(Diagnostic(file: file, line: line("indicator: \"\(v.indicator)\""), "indicator '\(v.indicator)' has no finite value")) }
        }
        return FileResult(id: fm.id.isEmpty ? nil : fm.id, idLine: idLine, problems: p)
    }

    // MARK: - Built site

    /// Every `href` and `src` of every HTML file under the output: internal ones must name an existing file
    /// and, with a `#fragment`, an element with that id.
    public func checkOutput() -> [Diagnostic] {
        let root = OutputTree(layout.output).output
        guard FileManager.default.fileExists(atPath: root) else {
            return [Diagnostic(file: root, "no built site here: run `fazhi build` first")]
        }
        let base: BaseURL
        if let baseURL { base = BaseURL(baseURL) } else {
            base = BaseURL((try? ContentLoader(layout: layout).config())?.baseURL ?? "/")
        }
        return Self.checkLinks(root: root, basePath: base.path)
    }

    /// The link check on a folder of HTML files served at `basePath`.
    public static func checkLinks(root: String, basePath: String) -> [Diagnostic] {
        let html = OutputTree.files(under: root).filter { $0.hasSuffix(".html") }
        let ids = IDCache(root: root)
        let results = ParallelMap.map(html) { rel -> [Diagnostic] in
            guard let data = FileManager.default.contents(atPath: root + "/" + rel) else { return [] }
            let bytes = [UInt8](data)
            var out: [Diagnostic] = []
            let fileURLPath = basePath + rel
            let shown = root + "/" + rel
            for link in HTMLScan.links(bytes) {
                let v = link.value
                if v.isEmpty { out.append(Diagnostic(file: shown, line: link.line, "empty \(link.attribute)")); continue }
                if HTMLScan.isExternal(v) { continue }
                var pathPart = v, fragment: String? = nil
                if let h = v.firstIndex(of: "#") { fragment = String(v[v.index(after: h)...]); pathPart = String(v[..<h]) }
                if let q = pathPart.firstIndex(of: "?") { pathPart = String(pathPart[..<q]) }
                var target: String
                if pathPart.isEmpty {
                    target = rel
                } else {
                    let absolute = pathPart.hasPrefix("/") ? pathPart : HTMLScan.resolve(pathPart, against: fileURLPath)
                    let decoded = HTMLScan.percentDecode(absolute)
                    guard decoded.hasPrefix(basePath) else {
                        out.append(Diagnostic(file: shown, line: link.line, "link '\(v)' points outside the site's base path \(basePath)"))
                        continue
                    }
                    target = String(decoded.dropFirst(basePath.count))
                    if target.isEmpty || target.hasSuffix("/") { target += "index.html" }
                    var isDir: ObjCBool = false
                    if FileManager.default.fileExists(atPath: root + "/" + target, isDirectory: &isDir), isDir.boolValue { target += "/index.html" }
                    if target.split(separator: "/").contains("..") || !FileManager.default.fileExists(atPath: root + "/" + target) {
                        out.append(Diagnostic(file: shown, line: link.line, "broken link: '\(v)' (no file \(target))"))
                        continue
                    }
                }
                if let fragment, !fragment.isEmpty, target.hasSuffix(".html") {
                    let frag = HTMLScan.percentDecode(fragment)
                    if !ids.ids(target).contains(frag) {
                        out.append(Diagnostic(file: shown, line: link.line, "broken anchor: '\(v)' (\(target) has no id '\(frag)')"))
                    }
                }
            }
            return out
        }
        return results.flatMap { $0 }
    }
}

/// Ids of HTML files, read once each.
final class IDCache: @unchecked Sendable {
    let root: String
    private let lock = NSLock()
    private var cache: [String: Set<String>] = [:]
    init(root: String) { self.root = root }
    func ids(_ rel: String) -> Set<String> {
        lock.lock()
        if let c = cache[rel] { lock.unlock(); return c }
        lock.unlock()
        let bytes = [UInt8](FileManager.default.contents(atPath: root + "/" + rel) ?? Data())
        let s = Set(HTMLScan.attributes(bytes, names: ["id", "name"]).map(\.value))
        lock.lock(); cache[rel] = s; lock.unlock()
        return s
    }
}

/// A small scanner for attribute values in HTML the site generator wrote (not a general HTML parser).
public enum HTMLScan {
    public struct Attribute: Sendable { public var attribute: String; public var value: String; public var line: Int }

    public static func links(_ bytes: [UInt8]) -> [Attribute] { attributes(bytes, names: ["href", "src"]) }

    /// Values of `name="…"` / `name='…'` inside tags, entity-decoded, with their line.
    public static func attributes(_ b: [UInt8], names: Set<String>) -> [Attribute] {
        var out: [Attribute] = []
        var line = 1
        var i = 0
        var inTag = false
        var inComment = false
        let n = b.count
        while i < n {
            let c = b[i]
            if c == 0x0A { line += 1; i += 1; continue }
            if inComment {
                if c == UInt8(ascii: "-"), i + 2 < n, b[i + 1] == UInt8(ascii: "-"), b[i + 2] == UInt8(ascii: ">") { inComment = false; i += 3; continue }
                i += 1; continue
            }
            if !inTag {
                if c == UInt8(ascii: "<") {
                    if i + 3 < n, b[i + 1] == UInt8(ascii: "!"), b[i + 2] == UInt8(ascii: "-"), b[i + 3] == UInt8(ascii: "-") { inComment = true; i += 4; continue }
                    inTag = true
                }
                i += 1; continue
            }
            if c == UInt8(ascii: ">") { inTag = false; i += 1; continue }
            // An attribute name starts after whitespace.
            if c == 0x20 || c == 0x09 || c == 0x0D {
                var j = i + 1
                while j < n, b[j] == 0x20 || b[j] == 0x09 || b[j] == 0x0D { j += 1 }
                let nameStart = j
                while j < n, (b[j] >= 0x61 && b[j] <= 0x7A) || (b[j] >= 0x41 && b[j] <= 0x5A) || b[j] == UInt8(ascii: "-") || b[j] == UInt8(ascii: ":") { j += 1 }
                let name = String(decoding: b[nameStart..<j], as: UTF8.self).lowercased()
                if j < n, b[j] == UInt8(ascii: "="), j + 1 < n, b[j + 1] == 0x22 || b[j + 1] == 0x27 {
                    let quote = b[j + 1]
                    var k = j + 2
                    let vStart = k
                    var lines = 0
                    while k < n, b[k] != quote { if b[k] == 0x0A { lines += 1 }; k += 1 }
                    if names.contains(name) {
                        out.append(Attribute(attribute: name, value: decodeEntities(String(decoding: b[vStart..<k], as: UTF8.self)), line: line))
                    }
                    line += lines
                    i = k + 1
                    continue
                }
                i = max(j, i + 1)
                continue
            }
            if c == 0x22 || c == 0x27 { // a stray quoted value: skip it
                var k = i + 1
                while k < n, b[k] != c { if b[k] == 0x0A { line += 1 }; k += 1 }
                i = k + 1; continue
            }
            i += 1
        }
        return out
    }

    static func decodeEntities(_ s: String) -> String {
        guard s.contains("&") else { return s }
        return s.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// A scheme (`https:`, `mailto:`, `data:`) or a network-path reference (`//host`).
    static func isExternal(_ v: String) -> Bool {
        if v.hasPrefix("//") { return true }
        for ch in v.utf8 {
            if ch == UInt8(ascii: ":") { return true }
            if ch == UInt8(ascii: "/") || ch == UInt8(ascii: "#") || ch == UInt8(ascii: "?") { return false }
        }
        return false
    }

    /// Resolves a relative reference against a document's absolute path (RFC 3986 merge + dot removal).
    static func resolve(_ ref: String, against doc: String) -> String {
        var dir = doc.split(separator: "/", omittingEmptySubsequences: false).dropLast().map(String.init)
        for seg in ref.split(separator: "/", omittingEmptySubsequences: false) {
            if seg == "." { continue }
            if seg == ".." { if dir.count > 1 { dir.removeLast() }; continue }
            dir.append(String(seg))
        }
        if ref.hasSuffix("/.") || ref.hasSuffix("/..") || ref == "." || ref == ".." { dir.append("") }
        let joined = dir.joined(separator: "/")
        return joined.hasPrefix("/") ? joined : "/" + joined
    }

    static func percentDecode(_ s: String) -> String {
        guard s.contains("%") else { return s }
        var out: [UInt8] = []
        let b = Array(s.utf8)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "%"), i + 2 < b.count, let h = hex(b[i + 1]), let l = hex(b[i + 2]) {
                out.append(h << 4 | l); i += 3
            } else { out.append(b[i]); i += 1 }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }
}
