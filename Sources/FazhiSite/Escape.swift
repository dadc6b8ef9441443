import FazhiModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Escaping for every output format the site writes. Everything user-supplied passes through one of these.
public enum Escape {
    /// Text for HTML element content or a double-quoted attribute value: `& < > " '` escaped, and ASCII control
    /// characters other than tab, LF and CR dropped (HTML does not allow them in text).
    public static func html(_ s: String) -> String {
        var needs = false
        for b in s.utf8 where isHTMLSpecial(b) { needs = true; break }
        if !needs { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 16)
        appendHTML(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether two strings have the same UTF-8 bytes. What a table leaves out when it repeats the cell's text (a
    /// tooltip, a sort key) is decided on bytes: `==` compares Chinese text by canonical equivalence, a slower
    /// path that was a tenth of a table's time.
    @inline(__always)
    public static func sameBytes(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        var a = a, b = b
        return a.withUTF8 { x in b.withUTF8 { y in x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 } }
    }

    /// `html(s)`, appended to `out` as UTF-8 bytes (how templates write `{{value}}`).
    public static func appendHTML(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { u in
            var run = 0 // start of the bytes not yet copied
            var k = 0
            while k < u.count {
                // Eight bytes at a time while all eight are above ASCII (Chinese text): none needs escaping.
                if k + 8 <= u.count, u.eightAboveASCII(at: k) { k += 8; continue }
                let b = u[k]
                // (One test per byte for the rest, a Chinese or plain ASCII byte.)
                guard isHTMLSpecial(b) else { k += 1; continue }
                let replacement: StaticString
                switch b {
                case 0x26: replacement = "&amp;"
                case 0x3C: replacement = "&lt;"
                case 0x3E: replacement = "&gt;"
                case 0x22: replacement = "&quot;"
                case 0x27: replacement = "&#39;"
                default: replacement = "" // a control character
                }
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(u)[run..<k]))
                out.append(literal: replacement)
                k += 1
                run = k
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(u)[run...]))
        }
    }

    /// An ASCII control character that HTML text may not hold: C0 but tab, LF, CR; and DEL.
    @inline(__always) static func isControl(_ b: UInt8) -> Bool { (b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D) || b == 0x7F }

    /// Whether `appendHTML` replaces or drops byte `b`: `isControl(b)` or one of `" & ' < >`. Below 0x40, one
    /// bit per byte: the C0 controls but tab, LF and CR (bits 0–31), and 0x22, 0x26, 0x27, 0x3C, 0x3E.
    @inline(__always) static func isHTMLSpecial(_ b: UInt8) -> Bool {
        b < 0x40 ? (0x5000_00C4_FFFF_D9FF as UInt64) >> UInt64(b) & 1 != 0 : b == 0x7F
    }

    /// Text for XML (feed, sitemap): like `html` (which already drops the C0 controls XML 1.0 forbids), and
    /// the noncharacters U+FFFE and U+FFFF dropped too.
    public static func xml(_ s: String) -> String {
        // Most texts (every address of the sitemap) have nothing to replace or drop: returned as they are.
        var plain = true
        var bytes = s
        bytes.withUTF8 { u in
            var k = 0
            while k < u.count {
                let b = u[k]
                if b == 0x26 || b == 0x3C || b == 0x3E || b == 0x22 || b == 0x27 || isControl(b)
                    || (b == 0xEF && k + 2 < u.count && u[k + 1] == 0xBF && (u[k + 2] == 0xBE || u[k + 2] == 0xBF)) {
                    plain = false
                    return
                }
                k += 1
            }
        }
        if plain { return s }
        var clean = ""
        clean.unicodeScalars.reserveCapacity(s.unicodeScalars.count)
        for u in s.unicodeScalars where u.value != 0xFFFE && u.value != 0xFFFF { clean.unicodeScalars.append(u) }
        return html(clean).replacingOccurrences(of: "&#39;", with: "&apos;")
    }

    /// One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF; quotes doubled.
    /// Text fields that a spreadsheet would run as a formula (leading `=`, `+`, `-`, `@`, tab, CR) get a leading `'`.
    public static func csv(_ s: String, text: Bool = true) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 2)
        appendCSV(s, text: text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `csv(s, text:)`, appended to `out` as UTF-8 bytes (the data exports write hundreds of thousands of fields).
    public static func appendCSV(_ s: String, text: Bool = true, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { u in
            let formula = text && !u.isEmpty && (u[0] == UInt8(ascii: "=") || u[0] == UInt8(ascii: "+") || u[0] == UInt8(ascii: "-")
                || u[0] == UInt8(ascii: "@") || u[0] == 0x09 || u[0] == 0x0D)
            var needs = false
            for b in u where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D { needs = true; break }
            if needs { out.append(0x22) }
            if formula { out.append(UInt8(ascii: "'")) }
            if needs {
                for b in u {
                    if b == 0x22 { out.append(0x22) }
                    out.append(b)
                }
                out.append(0x22)
            } else {
                out.append(contentsOf: u)
            }
        }
    }

    /// A JSON string literal, safe to embed in HTML (`JSONText.quoted`).
    public static func json(_ s: String) -> String { JSONText.quoted(s) }

    /// A URL path segment: unreserved ASCII kept, everything else percent-encoded.
    public static func pathSegment(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            if (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x2E || b == 0x5F || b == 0x7E {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                out += "%" + String(b, radix: 16, uppercase: true).leftPadded(2)
            }
        }
        return out
    }

}

extension String {
    func leftPadded(_ n: Int, with c: Character = "0") -> String {
        count >= n ? self : String(repeating: c, count: n - count) + self
    }
}

/// How numbers are shown and written.
public enum NumberFormat {
    /// `plain(v)` appended as UTF-8 bytes; a whole number is written digit by digit, without a String (the
    /// indicator CSVs hold hundreds of thousands).
    public static func appendPlain(_ v: Double, to out: inout [UInt8]) {
        guard v.isFinite, v == v.rounded(), abs(v) < 1e15 else { out.append(contentsOf: plain(v).utf8); return }
        var n = Int64(v)
        if n < 0 { out.append(UInt8(ascii: "-")); n = -n }
        var digits: (UInt64, UInt64) = (0, 0) // up to 16 digits, most significant last
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(n % 10)
                n /= 10
                count += 1
            } while n > 0
            for k in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[k]) }
        }
    }

    /// Shortest exact text: `358`, `96.9`, `0.125`. Never exponent notation for ordinary magnitudes.
    public static func plain(_ v: Double) -> String {
        guard v.isFinite else { return "" }
        if v == v.rounded() { return abs(v) < 1e15 ? String(Int64(v)) : largeWholeNumber(v) }
        let s = String(v)
        if s.utf8.contains(UInt8(ascii: "e")) { // (String.contains(_: String) goes through Foundation's range(of:))
            // Fixed notation with enough digits, trailing zeros trimmed.
            var digits = 0
            var x = abs(v)
            while x != x.rounded() && digits < 12 { x *= 10; digits += 1 }
            return trimZeros(formatFixed(v, digits))
        }
        return s
    }

    /// For display: large values in 万 / 亿 as Chinese texts write them (`1.33亿`, `11.34万`).
    public static func display(_ v: Double) -> String {
        let a = abs(v)
        if a >= 1e8 { return round4(v / 1e8) + "亿" }
        if a >= 1e5 { return round4(v / 1e4) + "万" }
        return plain(v)
    }

    /// A value with its qualifier and unit: `≥400次`, `约1.2万件`, `96.9%`.
    public static func withQualifier(_ v: Double, unit: String, qualifier: Qualifier) -> String {
        prefix(qualifier) + display(v) + unit
    }

    public static func prefix(_ q: Qualifier) -> String {
        switch q {
        case .exact: return ""
        case .atLeast: return "≥"
        case .about: return "约"
        case .atMost: return "≤"
        }
    }

    /// Qualifier names for titles: 不少于 / 约 / 不超过.
    public static func qualifierText(_ q: Qualifier) -> String {
        switch q {
        case .exact: return "确数"
        case .atLeast: return "下限（不少于）"
        case .about: return "约数"
        case .atMost: return "上限（不超过）"
        }
    }

    static func round4(_ v: Double) -> String {
        let r = (v * 10000).rounded() / 10000
        return plain(r)
    }

    /// A whole number of 10¹⁵ or more, in full. (Such numbers went through `formatFixed`, whose Int64 overflowed
    /// from 9.2·10¹⁸ on: a Markdown file edited to hold `value: 1.33e23` stopped the whole build with a crash.)
    static func largeWholeNumber(_ v: Double) -> String {
        var text = [CChar](repeating: 0, count: 400) // the largest Double has 309 digits
        _ = withVaList([v]) { vsnprintf(&text, text.count, "%.0f", $0) }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func formatFixed(_ v: Double, _ digits: Int) -> String {
        let scale = pow10(digits)
        let scaled = (abs(v) * scale).rounded()
        let intPart = Int64(scaled / scale)
        let frac = Int64(scaled - Double(intPart) * scale)
        let sign = v < 0 ? "-" : ""
        if digits == 0 { return sign + String(intPart) }
        return sign + String(intPart) + "." + String(frac).leftPadded(digits)
    }

    static func trimZeros(_ s: String) -> String {
        guard s.utf8.contains(UInt8(ascii: ".")) else { return s }
        var t = Substring(s)
        while t.hasSuffix("0") { t = t.dropLast() }
        if t.hasSuffix(".") { t = t.dropLast() }
        return String(t)
    }

    static func pow10(_ n: Int) -> Double { var r = 1.0; for _ in 0..<n { r *= 10 }; return r }

    /// A change between two values: `+12`, `-3.5`; and the relative change `+3.4%` when the base is not zero.
    public static func change(from a: Double, to b: Double) -> (absolute: String, relative: String?) {
        let d = b - a
        let abs = (d > 0 ? "+" : "") + display((d * 10000).rounded() / 10000)
        guard a != 0 else { return (abs, nil) }
        let pct = (d / a * 1000).rounded() / 10
        return (abs, (pct > 0 ? "+" : "") + plain(pct) + "%")
    }
}
