import Foundation

/// A compiled regular expression (NSRegularExpression), immutable and shared between threads.
struct Pattern: @unchecked Sendable {
    let re: NSRegularExpression
    let source: String

    init(_ pattern: String) {
        source = pattern
        do { re = try NSRegularExpression(pattern: pattern, options: []) } catch {
            fatalError("bad pattern \(pattern): \(error)")
        }
    }

    func matches(_ s: String) -> Bool {
        re.firstMatch(in: s, options: [], range: NSRange(s.startIndex..., in: s)) != nil
    }

    /// Capture groups of the first match (index 0 is the whole match); nil groups become nil.
    func firstMatch(_ s: String) -> [String?]? {
        guard let m = re.firstMatch(in: s, options: [], range: NSRange(s.startIndex..., in: s)) else { return nil }
        return groups(m, s)
    }

    func allMatches(_ s: String) -> [(range: Range<String.Index>, groups: [String?])] {
        re.matches(in: s, options: [], range: NSRange(s.startIndex..., in: s)).compactMap { m in
            guard let r = Range(m.range, in: s) else { return nil }
            return (r, groups(m, s))
        }
    }

    private func groups(_ m: NSTextCheckingResult, _ s: String) -> [String?] {
        (0..<m.numberOfRanges).map { i in
            let r = m.range(at: i)
            guard r.location != NSNotFound, let rr = Range(r, in: s) else { return nil }
            return String(s[rr])
        }
    }
}

/// Character-level clean-up of decoded text.
enum TextNormalizer {
    /// Line breaks to LF; full-width digits and letters to ASCII; ％﹪ after a digit to %; ．between digits to .;
    /// every kind of space to an ASCII space; NUL, other control characters, zero-width characters and
    /// private-use characters (U+E000–U+F8FF) removed. Chinese punctuation in prose is kept.
    /// Returns the text, how many private-use or control characters were removed, and how many scalars the
    /// text has.
    ///
    /// On the UTF-8 bytes: runs of bytes that stay as they are are copied at once, and a scalar is decoded only
    /// when its lead byte can start one of the characters above (C2, E1, E2, E3, EE, EF; ideographs never do).
    /// Decoding the whole text into an array of scalars and writing them back one by one was a tenth of
    /// convert's time. `ScannerEquivalenceTests` holds the scalar-by-scalar version this must agree with.
    static func normalize(_ text: String) -> (text: String, removed: Int, scalars: Int) {
        /// What `normalize` makes of a scalar.
        enum Change: Equatable { case keep, drop, byte(UInt8) }
        var text = text
        var removed = 0
        var out: [UInt8] = []
        text.withUTF8 { u in
            let n = u.count
            out.reserveCapacity(n)
            /// The scalar whose lead byte is at `i` (the text is valid UTF-8): its value and length in bytes.
            func scalar(at i: Int) -> (value: UInt32, length: Int) {
                let b0 = UInt32(u[i])
                if b0 < 0x80 { return (b0, 1) }
                if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(u[i + 1] & 0x3F), 2) }
                if b0 < 0xF0 { return ((b0 & 0x0F) << 12 | UInt32(u[i + 1] & 0x3F) << 6 | UInt32(u[i + 2] & 0x3F), 3) }
                return ((b0 & 0x07) << 18 | UInt32(u[i + 1] & 0x3F) << 12 | UInt32(u[i + 2] & 0x3F) << 6 | UInt32(u[i + 3] & 0x3F), 4)
            }
            func isDigit(_ v: UInt32) -> Bool { (0x30...0x39).contains(v) || (0xFF10...0xFF19).contains(v) }
            var run = 0 // the first byte not yet written
            var i = 0
            while i < n {
                let b = u[i]
                if b < 0x80 {
                    if (b >= 0x20 && b != 0x7F) || b == 0x0A { i += 1; continue }
                } else if b != 0xC2, b != 0xE1, b != 0xE2, b != 0xE3, b != 0xEE, b != 0xEF {
                    i += b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
                    continue
                }
                let (v, length) = scalar(at: i)
                var next = i + length
                var change = Change.keep
                switch v {
                case 0x0D:
                    change = .byte(0x0A)
                    if next < n, u[next] == 0x0A { next += 1 }
                case 0x09, 0x0B, 0x0C, 0x3000, 0x00A0, 0x2000...0x200A, 0x202F, 0x205F, 0x1680: change = .byte(0x20)
                case 0x200B...0x200D, 0x2060, 0xFEFF, 0x00AD: change = .drop
                case 0x00...0x1F, 0x7F, 0x80...0x9F, 0xE000...0xF8FF: change = .drop; removed += 1
                case 0x2028, 0x2029: change = .byte(0x0A)
                case 0xFF10...0xFF19: change = .byte(UInt8(v - 0xFF10 + 0x30))
                case 0xFF21...0xFF3A, 0xFF41...0xFF5A: change = .byte(UInt8(v - 0xFEE0))
                case 0xFF05, 0xFE6A: // ％ ﹪ after a digit
                    let previous: UInt8? = run < i ? u[i - 1] : out.last
                    if let p = previous, p >= 0x30, p <= 0x39 { change = .byte(0x25) }
                case 0xFF0E: // ． between digits
                    let previous: UInt8? = run < i ? u[i - 1] : out.last
                    if let p = previous, p >= 0x30, p <= 0x39, next < n, isDigit(scalar(at: next).value) { change = .byte(0x2E) }
                default: break
                }
                if change != .keep {
                    if run < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: u[run..<i])) }
                    if case .byte(let byte) = change { out.append(byte) }
                    run = next
                }
                i = next
            }
            if run < n { out.append(contentsOf: UnsafeBufferPointer(rebasing: u[run..<n])) }
        }
        var scalars = 0
        for b in out where b & 0xC0 != 0x80 { scalars += 1 }
        return (String(decoding: out, as: UTF8.self), removed, scalars)
    }

    /// The lines of a normalized text (LF line ends only): split at its "\n" bytes, empty lines kept. The same as
    /// splitting at "\n" Characters when the text has no CR (a CR LF is one Character), without grapheme breaking.
    static func lines(_ text: String) -> [Substring] {
        let u = text.utf8
        if u.contains(0x0D) { return text.split(separator: "\n", omittingEmptySubsequences: false) }
        var out: [Substring] = []
        var start = u.startIndex
        var i = u.startIndex
        while i < u.endIndex {
            if u[i] == 0x0A {
                out.append(text[start..<i])
                start = u.index(after: i)
            }
            i = u.index(after: i)
        }
        out.append(text[start...])
        return out
    }

    /// Collapses runs of spaces to one and trims the line. One space survives, so "537 件" stays readable.
    static func tidyLine(_ line: Substring) -> String {
        // Without a space there is nothing to collapse or trim (a Character equal to " " is the space itself).
        if !(line.utf8.withContiguousStorageIfAvailable { $0.contains(0x20) } ?? line.utf8.contains(0x20)) { return String(line) }
        var out = ""
        out.reserveCapacity(line.utf8.count)
        var pendingSpace = false
        for ch in line {
            if ch == " " { pendingSpace = !out.isEmpty; continue }
            if pendingSpace { out.append(" "); pendingSpace = false }
            out.append(ch)
        }
        return out
    }

    static let traditionalOnly: Set<UInt32> = Set("們會國區縣與發設這為實際說對經進過時關學將體點機處調審權資產務義議讓門東車長見問間報結動們當開幾總紀從實現".unicodeScalars.map(\.value))
    static let simplifiedOnly: Set<UInt32> = Set("们会国区县与发设这为实际说对经进过时关学将体点机处调审权资产务义议让门东车长见问间报结动们当开几总纪从实现".unicodeScalars.map(\.value))

    /// Text in traditional script: more traditional-only than simplified-only characters, and at least five.
    static func looksTraditional(_ text: String) -> Bool {
        var t = 0, s = 0
        let table = scriptOnly
        var seen = 0 // the first 20,000 scalars (a prefix of the scalars walked them all once more, to find its end)
        for u in text.unicodeScalars {
            seen += 1
            if seen > 20000 { break }
            guard u.value >= 0x4E00 else { continue }
            let kind: UInt8
            if u.value <= 0x9FFF { kind = table[Int(u.value - 0x4E00)] } else {
                kind = traditionalOnly.contains(u.value) ? 1 : simplifiedOnly.contains(u.value) ? 2 : 0
            }
            if kind == 1 { t += 1 } else if kind == 2 { s += 1 }
        }
        return t >= 5 && t > s * 2
    }

    /// For U+4E00–U+9FFF: 1 traditional-only, 2 simplified-only, 0 neither (a table instead of two set
    /// look-ups per character: hashing each ideograph was most of `looksTraditional`).
    static let scriptOnly: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 0xA000 - 0x4E00)
        for v in simplifiedOnly where (0x4E00...0x9FFF).contains(v) { table[Int(v - 0x4E00)] = 2 }
        for v in traditionalOnly where (0x4E00...0x9FFF).contains(v) { table[Int(v - 0x4E00)] = 1 }
        return table
    }()

    /// Traditional → simplified (ICU transform "Hant-Hans").
    static func simplified(_ text: String) -> String? {
        text.applyingTransform(StringTransform("Hant-Hans"), reverse: false)
    }

    /// Han characters (CJK unified ideographs and extensions).
    static func isHan(_ ch: Character) -> Bool {
        guard let s = ch.unicodeScalars.first else { return false }
        switch s.value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3134F: return true
        default: return false
        }
    }

    static func hanCount(_ s: String) -> Int { s.reduce(0) { $0 + (isHan($1) ? 1 : 0) } }

    /// Han characters in `s`, counting stops at `limit`.
    static func hanCount(_ s: String, upTo limit: Int) -> Int {
        var n = 0
        for ch in s where isHan(ch) { n += 1; if n >= limit { break } }
        return n
    }

    /// Watermarks that mirrors insert mid-sentence: a URL glued between Chinese characters.
    /// A URL a report cites (after a colon or in brackets) is left alone.
    static let watermark = Pattern(
        #"(?<=[\p{Han}，。、；,;])(?:https?://|www\.)(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?::\d+)?(?:/[A-Za-z0-9._~/?#=&%+-]*)?(?![A-Za-z.-])(?=[\p{Han}\d，。、；！？,;!?]|$)"#)

    /// Whether a line has `://` or `www.`, without which the watermark pattern cannot match: the
    /// regular expression then runs only on the rare lines with a URL.
    static func mayHaveURL(_ line: String) -> Bool {
        var previous: (UInt8, UInt8, UInt8) = (0, 0, 0)
        for b in line.utf8 {
            if b == 0x2F, previous.1 == 0x3A, previous.2 == 0x2F { return true }      // "://"
            if b == 0x2E, previous == (0x77, 0x77, 0x77) { return true }             // "www."
            previous = (previous.1, previous.2, b)
        }
        return false
    }

    static func removeWatermarks(_ line: String) -> (String, [String]) {
        guard mayHaveURL(line) else { return (line, []) }
        let found = watermark.allMatches(line)
        guard !found.isEmpty else { return (line, []) }
        var out = line
        for m in found.reversed() { out.removeSubrange(m.range) }
        return (out, found.map { String(line[$0.range]) })
    }
}
