import FazhiModel

/// Fazhi's Mustache: a compiled template, rendered straight into UTF-8 bytes.
///
/// The templates under `Templates/` are Mustache (https://mustache.github.io/mustache.5.html). Supported:
/// `{{name}}` (HTML-escaped), `{{{name}}}` and `{{&name}}` (as is), dotted names (`{{a.b}}`), `{{.}}`,
/// sections `{{#name}}…{{/name}}` (a list repeats the body for each item; `false`, an empty list or a missing
/// name skip it; any other value becomes the innermost context), inverted sections `{{^name}}…{{/name}}`,
/// partials `{{>name}}` (a partial alone on its line is indented like its tag), comments `{{! … }}`, and the
/// standalone-line rule (a section, partial or comment tag alone on its line takes the line with it).
/// Not supported, and reported as errors with their line: set-delimiter tags, template inheritance,
/// lambdas and transforms.
///
/// Values are the page contexts the program builds: `[String: Any]` dictionaries holding strings, numbers,
/// booleans, lists and dictionaries. Names are looked up from the innermost context outwards.
///
/// Why not a library: page rendering is the largest cost of a build, and a general engine spent most of it
/// on dynamic casts and reflection for every name and `Character`-by-`Character` escaping.
///
/// A class: a partial is looked up by name for each use, and a copy of a struct retained each of its six arrays.
final class PageTemplate: Sendable {
    indirect enum Node: Sendable {
        case text([UInt8])
        /// A value: its name's parts (empty for `.`), whether only the innermost context is searched (`.name`).
        case value(Name, escaped: Bool)
        case section(Name, inverted: Bool, body: [Node])
        /// A partial; `indentation` when its tag stood alone on its line.
        case partial(String, indentation: [UInt8]?, line: Int)
    }

    struct Name: Sendable {
        var parts: [String]
        /// `.name`: look only in the innermost context.
        var anchored: Bool
    }

    struct SyntaxError: Error, CustomStringConvertible {
        var line: Int
        var column: Int
        var message: String
        var description: String { message }
    }

    /// One step of the flat program `TemplateRenderer` runs: payloads are positions in `texts`, `names` and
    /// `partialNames`, so running a step copies no text or list (walking the nodes' nested arrays retained and
    /// released each of them at every step, a fifth of the rendering).
    enum Op: Sendable {
        case text(Int)
        case value(Int, escaped: Bool)
        /// The section's body is the steps after it, up to `end`.
        case section(Int, inverted: Bool, end: Int)
        /// `indentation`: a position in `texts`, or -1 when the tag did not stand alone.
        case partial(Int, indentation: Int)
    }

    let nodes: [Node]
    let ops: [Op]
    /// Every text of the template in one buffer, and where each is in it: a text step copies from the buffer
    /// without retaining a text of its own (the templates are shared by both threads rendering pages). With
    /// frames and names read in place too (`TemplateRenderer.lookup`), template rendering in a profile of a
    /// 5,000-report build went from 0.75 to 0.59 s of CPU.
    let text: [UInt8]
    let textRanges: [Range<Int>]
    let names: [Name]
    let partialNames: [String]

    init(_ source: String) throws {
        var parser = TemplateParser(Array(source.utf8))
        nodes = try parser.parseAll()
        var ops: [Op] = [], texts: [[UInt8]] = [], names: [Name] = [], partialNames: [String] = []
        func flatten(_ nodes: [Node]) {
            for node in nodes {
                switch node {
                case .text(let bytes):
                    texts.append(bytes)
                    ops.append(.text(texts.count - 1))
                case .value(let name, let escaped):
                    names.append(name)
                    ops.append(.value(names.count - 1, escaped: escaped))
                case .section(let name, let inverted, let body):
                    names.append(name)
                    let nameIndex = names.count - 1, at = ops.count
                    ops.append(.text(0)) // replaced below, once the body's end is known
                    flatten(body)
                    ops[at] = .section(nameIndex, inverted: inverted, end: ops.count)
                case .partial(let name, let indentation, _):
                    partialNames.append(name)
                    if let indentation { texts.append(indentation) }
                    ops.append(.partial(partialNames.count - 1, indentation: indentation == nil ? -1 : texts.count - 1))
                }
            }
        }
        flatten(nodes)
        self.ops = ops
        var text: [UInt8] = [], ranges: [Range<Int>] = []
        for t in texts { ranges.append(text.count..<(text.count + t.count)); text += t }
        self.text = text
        self.textRanges = ranges
        self.names = names
        self.partialNames = partialNames
    }

    /// The names of the partials this template uses, with their lines.
    var partials: [(name: String, line: Int)] {
        var found: [(String, Int)] = []
        func walk(_ nodes: [Node]) {
            for n in nodes {
                switch n {
                case .partial(let name, _, let line): found.append((name, line))
                case .section(_, _, let body): walk(body)
                default: break
                }
            }
        }
        walk(nodes)
        return found
    }
}

/// HTML made by the program (a rendered page body, a table's rows), escaped where it had to be: `{{{name}}}`
/// writes its bytes as they are, with no conversion to and from `String`.
public struct HTMLBytes: Sendable {
    public var bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
}

/// Renders compiled templates with a context. Partials are looked up by name in `templates`.
struct TemplateRenderer {
    let templates: [String: PageTemplate]

    /// A context on the stack, its kind found once when it is pushed: names are looked up in every context of
    /// the stack, and finding the kind of an `Any` again for each (a dynamic cast) cost more than the lookups.
    enum Frame {
        case dictionary([String: Any])
        case strings([String: String])
        case value(Any)

        init(_ v: Any) {
            if let d = v as? [String: Any] { self = .dictionary(d) } else if let d = v as? [String: String] { self = .strings(d) } else { self = .value(v) }
        }

        func child(_ name: String) -> Any? {
            switch self {
            case .dictionary(let d): d[name]
            case .strings(let d): d[name]
            case .value: nil
            }
        }

        var value: Any {
            switch self {
            case .dictionary(let d): d
            case .strings(let d): d
            case .value(let v): v
            }
        }
    }

    func render(_ template: PageTemplate, _ context: [String: Any]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32 * 1024)
        var stack: [Frame] = [.dictionary(context)]
        run(template, 0..<template.ops.count, &stack, &out, indentation: nil)
        return out
    }

    /// Runs the steps in `range` of `t` (a template's top level or a section's body). Inside an indented partial,
    /// a step whose output starts a line (in this call's output) is indented first; a section counts as one step.
    private func run(_ t: PageTemplate, _ range: Range<Int>, _ stack: inout [Frame], _ out: inout [UInt8], indentation: [UInt8]?) {
        let indent = indentation.map { !$0.isEmpty } ?? false
        let start = out.count
        var i = range.lowerBound
        while i < range.upperBound {
            let atLineStart = indent && out.count > start && out[out.count - 1] == 0x0A
            let before = out.count
            i = step(t, i, &stack, &out, indentation: indentation)
            if atLineStart, out.count > before { out.insert(contentsOf: indentation!, at: before) }
        }
    }

    /// Runs step `i` of `t` (with its body, for a section) and returns the position of the next one.
    private func step(_ t: PageTemplate, _ i: Int, _ stack: inout [Frame], _ out: inout [UInt8], indentation: [UInt8]?) -> Int {
        switch t.ops[i] {
        case .text(let k):
            Self.appendText(t, k, to: &out)
        case .value(let k, let escaped):
            guard let v = t.names.withUnsafeBufferPointer({ Self.lookup($0[k], stack) }) else { break }
            Self.append(v, escaped: escaped, to: &out)
        case .section(let k, let inverted, let end):
            let body = (i + 1)..<end
            let v = t.names.withUnsafeBufferPointer { Self.lookup($0[k], stack) }
            if inverted {
                if Self.isEmpty(v) { run(t, body, &stack, &out, indentation: indentation) }
                return end
            }
            switch v {
            case nil: break
            case let list as [[String: Any]]:
                for item in list {
                    stack.append(.dictionary(item))
                    run(t, body, &stack, &out, indentation: indentation)
                    stack.removeLast()
                }
            case let list as [Any]:
                for item in list {
                    stack.append(Frame(item))
                    run(t, body, &stack, &out, indentation: indentation)
                    stack.removeLast()
                }
            case let flag as Bool:
                if flag { run(t, body, &stack, &out, indentation: indentation) }
            case let value?:
                stack.append(Frame(value))
                run(t, body, &stack, &out, indentation: indentation)
                stack.removeLast()
            }
            return end
        case .partial(let k, let own):
            guard let partial = templates[t.partialNames[k]] else { break }
            let inner: [UInt8]? = own >= 0 ? (indentation ?? []) + t.text[t.textRanges[own]] : indentation
            run(partial, 0..<partial.ops.count, &stack, &out, indentation: inner)
        }
        return i + 1
    }

    /// Whether an inverted section shows: a missing name, `false`, an empty list.
    private static func isEmpty(_ v: Any?) -> Bool {
        switch v {
        case nil: true
        case let list as [[String: Any]]: list.isEmpty
        case let list as [Any]: list.isEmpty
        case let flag as Bool: !flag
        default: false
        }
    }

    /// Appends text `k` of `t`.
    @inline(__always)
    private static func appendText(_ t: PageTemplate, _ k: Int, to out: inout [UInt8]) {
        t.text.withUnsafeBufferPointer { bytes in
            t.textRanges.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[$0[k]])) }
        }
    }

    private static func lookup(_ name: PageTemplate.Name, _ stack: [Frame]) -> Any? {
        // The frames are looked at where they are (indexing the array, or `last`, copied each, retaining its
        // dictionary).
        var found: Any? = stack.withUnsafeBufferPointer { frames -> Any? in
            guard let last = frames.indices.last else { return nil }
            guard let first = name.parts.first else { return frames[last].value }
            if name.anchored { return frames[last].child(first) }
            var k = last
            while k >= 0 {
                if let v = frames[k].child(first) { return v }
                k -= 1
            }
            return nil
        }
        for part in name.parts.dropFirst() {
            guard let v = found else { return nil }
            found = Frame(v).child(part)
        }
        return found
    }

    private static func append(_ v: Any, escaped: Bool, to out: inout [UInt8]) {
        let text: String
        switch v {
        case let s as String: text = s
        case let html as HTMLBytes:
            if escaped { text = String(decoding: html.bytes, as: UTF8.self) } else { out.append(contentsOf: html.bytes); return }
        case let i as Int: text = String(i)
        case let b as Bool: text = b ? "true" : "false"
        default: text = String(describing: v)
        }
        if escaped { Escape.appendHTML(text, to: &out) } else { out.append(contentsOf: text.utf8) }
    }
}

/// Reads a template's bytes into nodes. Lines and columns in errors count from 1.
private struct TemplateParser {
    let s: [UInt8]
    var i = 0

    init(_ s: [UInt8]) { self.s = s }

    mutating func parseAll() throws -> [PageTemplate.Node] {
        try parseBody(closing: nil, newLine: true).nodes
    }

    func error(_ message: String, at offset: Int) -> PageTemplate.SyntaxError {
        var line = 1, lineStart = 0
        for k in 0..<min(offset, s.count) where s[k] == 0x0A { line += 1; lineStart = k + 1 }
        let column = String(decoding: s[lineStart..<min(offset, s.count)], as: UTF8.self).count + 1
        return PageTemplate.SyntaxError(line: line, column: column, message: message)
    }

    func line(at offset: Int) -> Int { error("", at: offset).line }

    /// Whether the tag just read ends its line: only spaces or tabs up to a line end (consumed) or the end.
    /// With `newLine` (the tag began its line, after spaces or tabs), the tag is standalone.
    mutating func takeRestOfLine(newLine: Bool) -> Bool {
        guard newLine else { return false }
        if i >= s.count { return true }
        var k = i
        while k < s.count, s[k] == 0x20 || s[k] == 0x09 { k += 1 }
        if k < s.count, s[k] == 0x0A { i = k + 1; return true }
        if k + 1 < s.count, s[k] == 0x0D, s[k + 1] == 0x0A { i = k + 2; return true }
        return false
    }

    /// Parses until the end, or until the closing tag of the section named `closing` (opened at `opened`).
    /// Returns the nodes and whether the closing tag stood alone on its line.
    mutating func parseBody(closing: (name: String, opened: Int)?, newLine startsLine: Bool) throws -> (nodes: [PageTemplate.Node], standalone: Bool) {
        var nodes: [PageTemplate.Node] = []
        var newLine = startsLine
        var pending: [UInt8] = [] // spaces and tabs that began the line, not yet written
        func flush() { if !pending.isEmpty { nodes.append(.text(pending)); pending = [] } }
        while i < s.count {
            if newLine {
                let st = i
                while i < s.count, s[i] == 0x20 || s[i] == 0x09 { i += 1 }
                pending = Array(s[st..<i])
            }
            let st = i
            var lineEnd = 0
            while i < s.count {
                if s[i] == 0x0A { lineEnd = 1; break }
                if s[i] == 0x0D, i + 1 < s.count, s[i + 1] == 0x0A { lineEnd = 2; break }
                if s[i] == 0x7B, i + 1 < s.count, s[i + 1] == 0x7B { break }
                i += 1
            }
            if lineEnd > 0 {
                nodes.append(.text(pending + s[st..<(i + lineEnd)]))
                pending = []
                i += lineEnd
                newLine = true
                continue
            }
            if i > st {
                nodes.append(.text(pending + s[st..<i]))
                pending = []
                newLine = false
            }
            if i >= s.count { break }
            let tagStart = i
            i += 2
            let kind: UInt8 = i < s.count ? s[i] : 0
            switch kind {
            case UInt8(ascii: "#"), UInt8(ascii: "^"):
                i += 1
                let name = try readName(tagStart)
                let standalone = takeRestOfLine(newLine: newLine)
                if !standalone { flush() }
                pending = []
                let body = try parseBody(closing: (name.parts.joined(separator: "."), tagStart), newLine: standalone)
                nodes.append(.section(name, inverted: kind == UInt8(ascii: "^"), body: body.nodes))
                newLine = body.standalone
            case UInt8(ascii: "/"):
                i += 1
                let name = try readName(tagStart).parts.joined(separator: ".")
                guard let closing else { throw error("{{/\(name)}} closes a section that is not open", at: tagStart) }
                guard name == closing.name else {
                    throw error("{{/\(name)}} does not close {{#\(closing.name)}} (line \(line(at: closing.opened)))", at: tagStart)
                }
                let standalone = takeRestOfLine(newLine: newLine)
                if !standalone { flush() }
                return (nodes, standalone)
            case UInt8(ascii: "!"):
                guard let end = find("}}", from: i) else { throw error("comment is not closed with }}", at: tagStart) }
                i = end + 2
                let standalone = takeRestOfLine(newLine: newLine)
                if !standalone { flush() }
                pending = []
                newLine = standalone
            case UInt8(ascii: "{"):
                flush()
                i += 1
                let name = try readName(tagStart, closer: "}}}")
                nodes.append(.value(name, escaped: false))
                newLine = false
            case UInt8(ascii: "&"):
                flush()
                i += 1
                nodes.append(.value(try readName(tagStart), escaped: false))
                newLine = false
            case UInt8(ascii: ">"):
                i += 1
                let name = try readName(tagStart, partial: true).parts.joined(separator: ".")
                // The spaces before a partial are written; when the tag stands alone they also indent the
                // partial's later lines.
                let indentation = pending
                flush()
                let standalone = takeRestOfLine(newLine: newLine)
                nodes.append(.partial(name, indentation: standalone ? indentation : nil, line: line(at: tagStart)))
                newLine = standalone
            case UInt8(ascii: "="), UInt8(ascii: "<"), UInt8(ascii: "$"), UInt8(ascii: "%"):
                let what = kind == UInt8(ascii: "=") ? "set-delimiter tags" : kind == UInt8(ascii: "%") ? "pragmas" : "template inheritance"
                throw error("\(what) ({{\(String(UnicodeScalar(kind)))…}}) are not supported", at: tagStart)
            default:
                flush()
                nodes.append(.value(try readName(tagStart), escaped: true))
                newLine = false
            }
        }
        if let closing { throw error("{{#\(closing.name)}} is not closed", at: closing.opened) }
        return (nodes, false)
    }

    func find(_ needle: String, from start: Int) -> Int? {
        Occurrence.first(Array(needle.utf8), in: s, from: start)
    }

    /// Reads a tag's name up to its closing braces: letters, digits, `_`, `-`, `?`, `.` (and `/` for partials).
    mutating func readName(_ tagStart: Int, closer: String = "}}", partial: Bool = false) throws -> PageTemplate.Name {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        while i < s.count, isSpace(s[i]) { i += 1 }
        let st = i
        while i < s.count {
            let b = s[i]
            let ok = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") || b == UInt8(ascii: "?") || b == UInt8(ascii: ".")
                || (partial && b == UInt8(ascii: "/"))
            if !ok { break }
            i += 1
        }
        let text = String(decoding: s[st..<i], as: UTF8.self)
        while i < s.count, isSpace(s[i]) { i += 1 }
        let c = Array(closer.utf8)
        guard i + c.count <= s.count, Array(s[i..<(i + c.count)]) == c, !text.isEmpty else {
            if i < s.count, s[i] == UInt8(ascii: "(") { throw error("transforms such as {{f(x)}} are not supported", at: tagStart) }
            throw error(text.isEmpty ? "a tag without a name" : "tag {{\(text) is not closed with \(closer)", at: tagStart)
        }
        i += c.count
        if text == "." { return PageTemplate.Name(parts: [], anchored: false) }
        let anchored = text.hasPrefix(".")
        let parts = text.split(separator: ".", omittingEmptySubsequences: true).map(String.init)
        return PageTemplate.Name(parts: parts, anchored: anchored)
    }
}
