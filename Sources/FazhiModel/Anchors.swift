/// Anchors in a Markdown body, so a page can link a number to the sentence it was said in.
///
/// Syntax (documented in the README): `{#id}` immediately before a sentence marks that sentence;
/// a heading line ending in ` {#id}` gives the heading that id. An id is `[a-z][a-z0-9-]*` (at most 64
/// characters). A `{` preceded by a backslash is literal text, and the converter escapes every `{` of
/// report text, so no report text can forge an anchor.
public enum Anchors {
    /// `s-` and the first 8 hex digits of the SHA-256 of the sentence; `-2`, `-3`… when the same sentence recurs.
    public static func sentenceID(for sentence: String, taken: inout Set<String>) -> String {
        // The first digest word, in hex, without building the whole digest: extraction calls this per sentence.
        var text = sentence
        let word = text.withUTF8 { SHA256.words($0).0 }
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        let base = String(unsafeUninitializedCapacity: 10) { buf in
            buf[0] = UInt8(ascii: "s"); buf[1] = UInt8(ascii: "-")
            for k in 0..<8 { buf[2 + k] = digits[Int((word >> UInt32(28 - 4 * k)) & 0xF)] }
            return 10
        }
        var id = base
        if taken.contains(id) {
            // The first free suffix, found by galloping then bisecting: a sentence repeated k times costs
            // O(log k) lookups, not O(k) (a page that repeats one sentence 30,000 times took minutes).
            // Suffixes this function hands out are contiguous (2, 3, …), so this is the same id a linear
            // search gives.
            var lo = 1, hi = 2 // lo: taken (1 stands for the bare base), hi: the candidate
            while taken.contains("\(base)-\(hi)") { lo = hi; hi *= 2 }
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2
                if taken.contains("\(base)-\(mid)") { lo = mid } else { hi = mid }
            }
            id = "\(base)-\(hi)"
        }
        taken.insert(id)
        return id
    }

    /// Headings are numbered in order: `h-1`, `h-2`, …
    public static func headingID(index: Int) -> String { "h-\(index)" }

    public static func marker(_ id: String) -> String { "{#\(id)}" }

    public static func isValidID(_ id: Substring) -> Bool {
        guard let first = id.utf8.first, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z"), id.utf8.count <= 64 else { return false }
        return id.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
    }

    public struct Found: Sendable, Equatable {
        /// The id inside the marker.
        public var id: String
        /// 1-based line of the body the marker stands on.
        public var line: Int
    }

    /// Replaces every marker in `body` by what `replacement` returns for its id, and lists the markers found.
    public static func replaceMarkers(in body: String, _ replacement: (String) -> String) -> (text: String, found: [Found]) {
        let bytes = Array(body.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var found: [Found] = []
        var line = 1
        var i = 0
        var run = 0 // the first byte not yet copied: text between markers is copied a run at a time
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\n") { line += 1 }
            if b == UInt8(ascii: "\\"), i + 1 < bytes.count { i += 2; continue }
            if b == UInt8(ascii: "{"), i + 2 < bytes.count, bytes[i + 1] == UInt8(ascii: "#") {
                var j = i + 2
                while j < bytes.count, j - i < 70, bytes[j] != UInt8(ascii: "}"), bytes[j] != UInt8(ascii: "\n") { j += 1 }
                if j < bytes.count, bytes[j] == UInt8(ascii: "}") {
                    let id = String(decoding: bytes[(i + 2)..<j], as: UTF8.self)
                    if isValidID(Substring(id)) {
                        found.append(Found(id: id, line: line))
                        out.append(contentsOf: bytes[run..<i])
                        out.append(contentsOf: replacement(id).utf8)
                        i = j + 1
                        run = i
                        continue
                    }
                }
            }
            i += 1
        }
        out.append(contentsOf: bytes[run...])
        return (String(decoding: out, as: UTF8.self), found)
    }
}

/// Writing plain text into CommonMark so that it renders literally.
public enum MarkdownText {
    /// Escapes what CommonMark (with the GFM table extension) could read as markup in a line of plain text.
    /// Block markers are escaped only at the start of the line; inline markers everywhere.
    public static func escapeLine(_ line: String) -> String {
        Graphemes.scalarsAreCharacters(line) ? escapeLineBytes(line) : escapeLineByCharacters(line)
    }

    /// `escapeLine` for a line whose Characters are its scalars (`Graphemes`): on its UTF-8 bytes. Every
    /// character it looks at is ASCII, and a byte of a multi-byte character is never ASCII.
    static func escapeLineBytes(_ line: String) -> String {
        var line = line
        return line.withUTF8 { u -> String in
            let n = u.count
            var out: [UInt8] = []
            out.reserveCapacity(n + 8)
            let backslash = UInt8(ascii: "\\")
            // The start of the line: digits then `.` or `)` (an ordered list item), or one block marker.
            var i = 0
            while i < n, u[i] >= 0x30, u[i] <= 0x39 { i += 1 }
            if i > 0 {
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(u)[0..<i]))
                if i < n, u[i] == UInt8(ascii: ".") || u[i] == UInt8(ascii: ")") { out.append(backslash) }
            } else if n > 0 {
                switch u[0] {
                case UInt8(ascii: "#"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "="), UInt8(ascii: ">"), UInt8(ascii: ":"):
                    out.append(backslash); out.append(u[0]); i = 1
                default: break
                }
            }
            // Inline markers anywhere: runs of other bytes are copied whole, Chinese text eight bytes at a step.
            var run = i
            while i < n {
                if i + 8 <= n, u.eightAboveASCII(at: i) { i += 8; continue }
                let b = u[i]
                if isInlineMarker(b) {
                    out.append(contentsOf: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(u)[run..<i]))
                    out.append(backslash); out.append(b)
                    run = i + 1
                }
                i += 1
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(u)[run..<n]))
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Whether `b` is one of the inline markers `escapeLine` escapes everywhere: `` \ ` * _ { } [ ] < > | ~ & ! $ ``,
    /// one bit per ASCII byte.
    @inline(__always) static func isInlineMarker(_ b: UInt8) -> Bool {
        b < 0x40 ? (0x5000_0452_0000_0000 as UInt64) >> UInt64(b) & 1 != 0
            : b < 0x80 && (0x7800_0001_B800_0000 as UInt64) >> UInt64(b - 0x40) & 1 != 0
    }

    /// `escapeLine` for any line, Character by Character.
    static func escapeLineByCharacters(_ line: String) -> String {
        var out = ""
        out.reserveCapacity(line.utf8.count + 8)
        var atStart = true
        var pendingDigits = ""
        for ch in line {
            // The punctuation below is ASCII: a character of another script, or an ASCII one carrying a
            // combining mark, is never one of them (comparing it with each literal was most of the cost).
            // U+1FEF GREEK VARIA is the one non-ASCII character equal to one of them (to "`").
            if !atStart, let first = ch.unicodeScalars.first, first.value >= 0x80, first.value != 0x1FEF { out.append(ch); continue }
            if atStart {
                if ch.isASCII, ch.isNumber { pendingDigits.append(ch); continue }
                if !pendingDigits.isEmpty {
                    out += pendingDigits
                    if ch == "." || ch == ")" { out += "\\" }
                    pendingDigits = ""
                    atStart = false
                } else {
                    atStart = false
                    switch ch {
                    case "#", "+", "-", "=", ">", ":":
                        out += "\\"; out.append(ch); continue
                    default: break
                    }
                }
            }
            switch ch {
            case "\\", "`", "*", "_", "{", "}", "[", "]", "<", ">", "|", "~", "&", "!", "$":
                out += "\\"; out.append(ch)
            default:
                out.append(ch)
            }
        }
        out += pendingDigits
        return out
    }
}
