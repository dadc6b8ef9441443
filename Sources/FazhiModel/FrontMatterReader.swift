import Yams

/// Reads a Markdown report file: front matter between `---` lines, then the body.
/// Every problem is a `Diagnostic` with the file and the line in that file.
public enum FrontMatterReader {
    /// Splits a file into its YAML front matter and body. `bodyLine` is the 1-based line where the body starts.
    public static func split(_ text: String) -> (yaml: String?, body: String, bodyLine: Int) {
        var text = text
        text.makeContiguousUTF8()
        let u = text.utf8
        let skip = u.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        // Scanned as a buffer of bytes (a scan through String.UTF8View's indices was a tenth of a build's reading).
        let found = text.withUTF8 { buf in bounds(buf, from: skip).map { ($0.yaml.lowerBound, $0.yaml.upperBound, $0.body, $0.bodyLine) } }
        func at(_ offset: Int) -> String.Index { u.index(u.startIndex, offsetBy: offset) }
        guard let (yamlStart, yamlEnd, body, bodyLine) = found else { return (nil, String(text[at(skip)...]), 1) }
        return (String(text[at(yamlStart)..<at(yamlEnd)]), String(text[at(body)...]), bodyLine)
    }

    /// Where the front matter is in a file's UTF-8 bytes, starting at `start` (after a byte-order mark): the
    /// YAML between the fences, where the body starts and its 1-based line; nil without front matter. Lines end
    /// with "\n" or "\r\n" (a lone "\r" is not a line end); the fence lines are `---` (or `...` to close), and
    /// one blank line after the closing fence belongs to the format. On bytes: every report of every build, and
    /// every Markdown file convert looks at, passes here. Inlinable, so that each caller's module specializes
    /// it for its collection: unspecialized (through protocol witnesses), convert's scan of 5,000 Markdown
    /// files after they were written took 6 s instead of a fraction of one.
    @inlinable
    public static func bounds<C: BidirectionalCollection>(_ u: C, from start: C.Index)
        -> (yaml: Range<C.Index>, body: C.Index, bodyLine: Int)? where C.Element == UInt8 {
        let lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        /// The line starting at `i`: its end (excluding "\r\n" / "\n") and where the next line starts.
        func line(from i: C.Index) -> (end: C.Index, next: C.Index, hasEnd: Bool) {
            guard let nl = u[i...].firstIndex(of: lf) else { return (u.endIndex, u.endIndex, false) }
            var end = nl
            if end > i, u[u.index(before: end)] == cr { end = u.index(before: end) }
            return (end, u.index(after: nl), true)
        }
        let first = line(from: start)
        guard first.hasEnd, u[start..<first.end].elementsEqual("---".utf8) else { return nil }
        var lineNo = 2
        var cursor = first.next
        while cursor < u.endIndex {
            let l = line(from: cursor)
            let t = u[cursor..<l.end]
            // (Most lines of a report's front matter are its facts: the first byte rules them out.)
            if let f = t.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "."),
               t.elementsEqual("---".utf8) || t.elementsEqual("---\r".utf8) || t.elementsEqual("...".utf8) {
                var body = l.next
                var bodyLine = lineNo + 1
                if body < u.endIndex {
                    if u[body] == lf {
                        body = u.index(after: body); bodyLine += 1
                    } else if u[body] == cr, u.index(after: body) < u.endIndex, u[u.index(after: body)] == lf {
                        body = u.index(body, offsetBy: 2); bodyLine += 1
                    }
                }
                return (first.next..<cursor, body, bodyLine)
            }
            lineNo += 1
            cursor = l.next
        }
        return nil
    }

    /// Parses a whole Markdown report file. Throws a `Diagnostic` on malformed front matter.
    public static func document(_ text: String, file: String) throws -> ReportDocument {
        let parts = split(text)
        guard let yaml = parts.yaml else {
            return ReportDocument(frontMatter: ReportFrontMatter(), body: parts.body)
        }
        let fm = try frontMatter(yaml, file: file, firstLine: 2)
        return ReportDocument(frontMatter: fm, body: parts.body)
    }

    /// Parses front matter YAML. `firstLine` is the file line of the YAML's first line (2 after a `---` line).
    /// Files in `FrontMatterWriter`'s layout are read by `CanonicalFrontMatter` (fast, same result); any other
    /// text by Yams.
    public static func frontMatter(_ yaml: String, file: String, firstLine: Int = 1) throws -> ReportFrontMatter {
        if let fm = CanonicalFrontMatter.parse(yaml) { return fm }
        return try yamsFrontMatter(yaml, file: file, firstLine: firstLine)
    }

    /// Parses front matter with the general YAML reader, with located errors.
    static func yamsFrontMatter(_ yaml: String, file: String, firstLine: Int = 1) throws -> ReportFrontMatter {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw diagnostic(for: error, file: file, offset: firstLine - 1)
        } catch {
            throw Diagnostic(file: file, line: firstLine, "front matter is not valid YAML: \(error)")
        }
        guard let root = node else { return ReportFrontMatter() }
        let r = NodeReader(file: file, offset: firstLine - 1)
        guard case .mapping(let map) = root else {
            throw r.error(root, "front matter must be a mapping of field: value")
        }
        var fm = ReportFrontMatter()
        for (keyNode, value) in map {
            guard let key = keyNode.string else { throw r.error(keyNode, "field names must be text") }
            switch key {
            case "id": fm.id = try r.string(value, key)
            case "title": fm.title = try r.string(value, key)
            case "year": fm.year = try r.optionalInt(value, key)
            case "published": fm.published = try r.string(value, key)
            case "publisher": fm.publisher = try r.string(value, key)
            case "index_number": fm.indexNumber = try r.string(value, key)
            case "doc_number": fm.docNumber = try r.string(value, key)
            case "kind": fm.kind = try r.optionalEnum(value, key, ReportKind.self)
            case "locality": fm.locality = try r.string(value, key)
            case "prefecture": fm.prefecture = try r.string(value, key)
            case "province": fm.province = try r.string(value, key)
            case "adcode": fm.adcode = try r.string(value, key)
            case "level": fm.level = try r.optionalEnum(value, key, DivisionLevel.self)
            case "source": fm.source = try r.string(value, key)
            case "source_sha256": fm.sourceSHA256 = try r.string(value, key)
            case "converter": fm.converter = try r.optionalInt(value, key) ?? 0
            case "locked": fm.locked = try r.bool(value, key)
            case "warnings": fm.warnings = try r.list(value, key) { try r.string($0, key) }
            case "sections": fm.sections = try r.list(value, key) { try r.section($0) }
            case "facts": fm.facts = try r.list(value, key) { try r.fact($0) }
            case "indicators": fm.indicators = try r.list(value, key) { try r.indicator($0) }
            default:
                // Unknown fields are kept out of the model but are not an error: people annotate files.
                continue
            }
        }
        return fm
    }

    static func diagnostic(for error: YamlError, file: String, offset: Int) -> Diagnostic {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let ctx = context.map { " \($0.text)" } ?? ""
            return Diagnostic(file: file, line: mark.line + offset, column: mark.column,
                              "front matter is not valid YAML: \(problem)\(ctx)")
        default:
            return Diagnostic(file: file, line: offset + 1, "front matter is not valid YAML: \(error)")
        }
    }
}

/// Reads typed values out of a YAML node tree, turning every mismatch into a located `Diagnostic`.
struct NodeReader {
    let file: String
    let offset: Int

    func error(_ node: Node, _ message: String) -> Diagnostic {
        Diagnostic(file: file, line: node.mark.map { $0.line + offset }, column: node.mark?.column, message)
    }

    func isNull(_ node: Node) -> Bool {
        if case .scalar(let s) = node { return s.string == "null" || s.string == "~" || (s.string.isEmpty && s.style == .plain) }
        return false
    }

    func string(_ node: Node, _ key: String) throws -> String {
        if isNull(node) { return "" }
        guard case .scalar(let s) = node else { throw error(node, "'\(key)' must be text") }
        return s.string
    }

    func bool(_ node: Node, _ key: String) throws -> Bool {
        if isNull(node) { return false }
        guard let b = node.bool else { throw error(node, "'\(key)' must be true or false") }
        return b
    }

    func optionalInt(_ node: Node, _ key: String) throws -> Int? {
        if isNull(node) { return nil }
        guard let i = node.int else { throw error(node, "'\(key)' must be a whole number, not '\(node.string ?? "?")'") }
        return i
    }

    func double(_ node: Node, _ key: String) throws -> Double {
        guard !isNull(node), let d = node.float ?? node.int.map(Double.init) else {
            throw error(node, "'\(key)' must be a number, not '\(node.string ?? "?")'")
        }
        return d
    }

    func optionalEnum<E: RawRepresentable & CaseIterable>(_ node: Node, _ key: String, _ type: E.Type) throws -> E? where E.RawValue == String {
        if isNull(node) { return nil }
        let s = try string(node, key)
        guard let v = E(rawValue: s) else {
            throw error(node, "'\(key)' must be one of \(E.allCases.map(\.rawValue).joined(separator: ", ")), not '\(s)'")
        }
        return v
    }

    func enumValue<E: RawRepresentable & CaseIterable>(_ node: Node, _ key: String, _ type: E.Type) throws -> E where E.RawValue == String {
        guard let v = try optionalEnum(node, key, type) else { throw error(node, "'\(key)' is required") }
        return v
    }

    func list<T>(_ node: Node, _ key: String, _ item: (Node) throws -> T) throws -> [T] {
        if isNull(node) { return [] }
        guard case .sequence(let seq) = node else { throw error(node, "'\(key)' must be a list") }
        return try seq.map(item)
    }

    func mapping(_ node: Node, _ what: String) throws -> [String: Node] {
        guard case .mapping(let map) = node else { throw error(node, "each item of '\(what)' must be a mapping") }
        var out: [String: Node] = [:]
        for (k, v) in map { if let ks = k.string { out[ks] = v } }
        return out
    }

    func required(_ map: [String: Node], _ key: String, in parent: Node, _ what: String) throws -> Node {
        guard let v = map[key] else { throw error(parent, "an item of '\(what)' lacks '\(key)'") }
        return v
    }

    func section(_ node: Node) throws -> SectionInfo {
        let m = try mapping(node, "sections")
        return SectionInfo(
            anchor: try string(required(m, "anchor", in: node, "sections"), "anchor"),
            heading: try m["heading"].map { try string($0, "heading") } ?? "",
            level: try m["level"].flatMap { try optionalInt($0, "level") } ?? 2,
            part: try m["part"].map { try enumValue($0, "part", ReportPart.self) } ?? .other,
            themes: try m["themes"].map { try list($0, "themes") { try string($0, "themes") } } ?? [])
    }

    func fact(_ node: Node) throws -> Fact {
        let m = try mapping(node, "facts")
        return Fact(
            value: try double(required(m, "value", in: node, "facts"), "value"),
            unit: try m["unit"].map { try string($0, "unit") } ?? "",
            qualifier: try m["qualifier"].map { try enumValue($0, "qualifier", Qualifier.self) } ?? .exact,
            text: try m["text"].map { try string($0, "text") } ?? "",
            subject: try m["subject"].map { try string($0, "subject") } ?? "",
            part: try m["part"].map { try enumValue($0, "part", ReportPart.self) } ?? .other,
            section: try m["section"].map { try list($0, "section") { try string($0, "section") } } ?? [],
            anchor: try m["anchor"].map { try string($0, "anchor") } ?? "",
            sentence: try m["sentence"].map { try string($0, "sentence") } ?? "")
    }

    func indicator(_ node: Node) throws -> IndicatorValue {
        let m = try mapping(node, "indicators")
        let alternatives: [IndicatorValue.Alternative] = try m["alternatives"].map {
            try list($0, "alternatives") { alt in
                let am = try mapping(alt, "alternatives")
                return IndicatorValue.Alternative(
                    value: try double(required(am, "value", in: alt, "alternatives"), "value"),
                    anchor: try am["anchor"].map { try string($0, "anchor") } ?? "")
            }
        } ?? []
        return IndicatorValue(
            indicator: try string(required(m, "indicator", in: node, "indicators"), "indicator"),
            value: try double(required(m, "value", in: node, "indicators"), "value"),
            unit: try m["unit"].map { try string($0, "unit") } ?? "",
            qualifier: try m["qualifier"].map { try enumValue($0, "qualifier", Qualifier.self) } ?? .exact,
            anchor: try m["anchor"].map { try string($0, "anchor") } ?? "",
            confidence: try m["confidence"].map { try double($0, "confidence") } ?? 1,
            rule: try m["rule"].map { try string($0, "rule") } ?? "manual",
            alternatives: alternatives)
    }
}
