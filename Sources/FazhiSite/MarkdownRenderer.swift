import FazhiModel
import CCmarkGFM

/// Renders a report body (CommonMark + GFM tables, with `{#id}` anchor markers) to HTML.
///
/// Raw HTML in the body is omitted (CMARK_OPT_DEFAULT, never CMARK_OPT_UNSAFE). Anchor markers become
/// private-use placeholders before parsing and HTML after rendering: a marker at the end of a heading gives
/// the heading its `id`; a marker before a sentence wraps that sentence in `<span class="sentence" id="…">`.
public enum MarkdownRenderer {
    /// Call once before rendering from several threads (cmark-gfm's extension registry is not thread-safe).
    public static func prepare() {
        _ = registered
    }

    private static let registered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    /// Placeholder delimiters: U+E000 opens, U+E001 closes (UTF-8 EE 80 80 / EE 80 81).
    static let open = "\u{E000}"
    static let close = "\u{E001}"

    public struct Result: Sendable {
        /// The HTML as UTF-8 (kept as bytes from cmark's buffer to the page: a body went through four copies and
        /// two validations as a String).
        public var htmlBytes: [UInt8]
        /// Every anchor id given to an element, in order.
        public var ids: [String]
        public var html: String { String(decoding: htmlBytes, as: UTF8.self) }
    }

    public static func render(_ body: String) -> Result {
        prepare()
        // Input may not forge a placeholder: drop every private-use character first.
        let clean = stripPrivateUse(body)
        let (marked, _) = Anchors.replaceMarkers(in: clean) { open + $0 + close }
        let html = cmarkHTML(marked)
        return postProcess(html)
    }

    static func stripPrivateUse(_ s: String) -> String {
        // U+E000…U+F8FF encode as EE 80 80 … EF A3 BF.
        // Lead byte EE, or EF followed by 80…A3 (EF is also the lead byte of the fullwidth punctuation every
        // Chinese text has: only a real private-use character takes the slow path below).
        var has = false
        var previousWasEF = false
        for b in s.utf8 {
            if b == 0xEE || (previousWasEF && b >= 0x80 && b <= 0xA3) { has = true; break }
            previousWasEF = b == 0xEF
        }
        if !has { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars where !(0xE000...0xF8FF).contains(u.value) { out.append(u) }
        return String(out)
    }

    static func cmarkHTML(_ markdown: String) -> [UInt8] {
        let options = CMARK_OPT_DEFAULT
        guard let parser = cmark_parser_new(options) else { return [] }
        defer { cmark_parser_free(parser) }
        if let table = cmark_find_syntax_extension("table") {
            cmark_parser_attach_syntax_extension(parser, table)
        }
        let bytes = Array(markdown.utf8)
        bytes.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress, buf.count > 0 else { return }
            base.withMemoryRebound(to: CChar.self, capacity: buf.count) { p in
                cmark_parser_feed(parser, p, buf.count)
            }
        }
        guard let doc = cmark_parser_finish(parser) else { return [] }
        defer { cmark_node_free(doc) }
        guard let cstr = cmark_render_html(doc, options, cmark_parser_get_syntax_extensions(parser)) else { return [] }
        defer { free(cstr) }
        return Array(UnsafeRawBufferPointer(start: cstr, count: strlen(cstr)))
    }

    /// Turns placeholders into ids and sentence spans, scanning UTF-8 bytes once.
    static func postProcess(_ src: [UInt8]) -> Result {
        var out: [UInt8] = []
        out.reserveCapacity(src.count + src.count / 8)
        var ids: [String] = []
        // Position in `out` just after `<hN` of the most recent heading start tag.
        var lastHeadingTagEnd: Int? = nil
        var i = 0
        let n = src.count
        // Inside a tag (between `<` and `>`): cmark escapes `>` in attribute values, so this is exact.
        var inTag = false

        @inline(__always) func isOpen(_ k: Int) -> Bool { k + 2 < n && src[k] == 0xEE && src[k + 1] == 0x80 && src[k + 2] == 0x80 }
        @inline(__always) func isClose(_ k: Int) -> Bool { k + 2 < n && src[k] == 0xEE && src[k + 1] == 0x80 && src[k + 2] == 0x81 }

        // Bytes that stay as they are are copied a run at a time: `run` is the first not yet copied.
        var run = 0
        while i < n {
            let b = src[i]
            if b == UInt8(ascii: "<"), i + 2 < n, src[i + 1] == UInt8(ascii: "h"), src[i + 2] >= UInt8(ascii: "1"), src[i + 2] <= UInt8(ascii: "6"),
               i + 3 < n, src[i + 3] == UInt8(ascii: ">") || src[i + 3] == UInt8(ascii: " ") {
                out.append(contentsOf: src[run..<(i + 3)])
                lastHeadingTagEnd = out.count
                inTag = true
                i += 3
                run = i
                continue
            }
            if b != 0xEE {
                if b == UInt8(ascii: "<") { inTag = true } else if b == UInt8(ascii: ">") { inTag = false }
                i += 1
                continue
            }
            out.append(contentsOf: src[run..<i])
            run = i
            if isOpen(i), inTag {
                // A marker inside an attribute (an image's alt text, a link title) cannot wrap anything: drop it.
                var j = i + 3
                while j < n, !isClose(j) { j += 1 }
                i = min(j + 3, n)
                run = i
                continue
            }
            if isOpen(i) {
                var j = i + 3
                while j < n, !isClose(j), src[j] != UInt8(ascii: "<") { j += 1 }
                guard j < n, isClose(j) else { i += 3; run = i; continue } // broken placeholder: drop the opener
                let id = String(decoding: src[(i + 3)..<j], as: UTF8.self)
                var k = j + 3
                // Heading marker: only spaces, then `</hN>`.
                var t = k
                while t < n, src[t] == UInt8(ascii: " ") { t += 1 }
                if t + 3 < n, src[t] == UInt8(ascii: "<"), src[t + 1] == UInt8(ascii: "/"), src[t + 2] == UInt8(ascii: "h"),
                   let at = lastHeadingTagEnd {
                    while let last = out.last, last == UInt8(ascii: " ") { out.removeLast() }
                    let attr = Array(" id=\"\(Escape.html(id))\"".utf8)
                    out.insert(contentsOf: attr, at: at)
                    lastHeadingTagEnd = nil
                    ids.append(id)
                    i = t
                    run = i
                    continue
                }
                // Sentence marker: wrap up to and including the terminator, or up to the next tag or marker.
                out.append(contentsOf: "<span class=\"sentence\" id=\"".utf8)
                out.append(contentsOf: Escape.html(id).utf8)
                out.append(contentsOf: "\">".utf8)
                ids.append(id)
                // (The sentence's end is found first and its bytes copied at once.)
                var inEntity = false
                let sentenceStart = k
                while k < n {
                    let c = src[k]
                    if c == UInt8(ascii: "<") || isOpen(k) { break }
                    if c == UInt8(ascii: "&") { inEntity = true }
                    // 。！？； (E3 80 82, EF BC 81, EF BC 9F, EF BC 9B)
                    if c == 0xE3, k + 2 < n, src[k + 1] == 0x80, src[k + 2] == 0x82 { k += 3; break }
                    if c == 0xEF, k + 2 < n, src[k + 1] == 0xBC, src[k + 2] == 0x81 || src[k + 2] == 0x9F || src[k + 2] == 0x9B {
                        k += 3; break
                    }
                    if c == UInt8(ascii: ";") {
                        k += 1
                        if inEntity { inEntity = false; continue }
                        break
                    }
                    if !inEntity, c == UInt8(ascii: "!") || c == UInt8(ascii: "?") { k += 1; break }
                    if inEntity, !(c == UInt8(ascii: "#") || c == UInt8(ascii: "&") || (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A)) {
                        inEntity = false
                    }
                    k += 1
                }
                out.append(contentsOf: src[sentenceStart..<k])
                out.append(contentsOf: "</span>".utf8)
                i = k
                run = i
                continue
            }
            if isClose(i) { i += 3; run = i; continue }
            i += 1 // another character that starts with EE: kept
        }
        out.append(contentsOf: src[run..<n])
        return Result(htmlBytes: out, ids: ids)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
