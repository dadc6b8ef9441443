/// Writes front matter as YAML, deterministically: fixed field order, every string double-quoted,
/// numbers in their shortest exact form. The output is valid YAML 1.2 that any YAML library reads.
public enum FrontMatterWriter {
    public static func yaml(_ fm: ReportFrontMatter) -> String {
        var out = YAMLBytes()
        out.bytes.reserveCapacity(4096 + fm.facts.count * 320)
        write(fm, to: &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// A whole Markdown file: `---`, front matter, `---`, a blank line, the body.
    public static func document(_ doc: ReportDocument) -> String {
        String(decoding: documentBytes(doc), as: UTF8.self)
    }

    /// `document(doc)` as UTF-8 bytes (what convert writes), made without an intermediate String.
    public static func documentBytes(_ doc: ReportDocument) -> [UInt8] {
        var out = YAMLBytes()
        out.bytes.reserveCapacity(4096 + doc.frontMatter.facts.count * 320 + doc.body.utf8.count)
        out.raw("---\n")
        write(doc.frontMatter, to: &out)
        out.raw("---\n\n")
        out.bytes += doc.body.utf8
        // As String's hasSuffix decides (a body ending in "\r\n" does not end with the Character "\n").
        if !doc.body.hasSuffix("\n") { out.bytes.append(0x0A) }
        return out.bytes
    }

    /// The bytes of a front matter, built by appending (every report of a corpus passes here on convert).
    struct YAMLBytes {
        var bytes: [UInt8] = []
        mutating func raw(_ s: StaticString) { bytes.append(literal: s) }
        mutating func text(_ s: String) { bytes += s.utf8 }
        mutating func quoted(_ s: String) { FrontMatterWriter.appendQuoted(s, to: &bytes) }
        mutating func number(_ v: Double) { text(FrontMatterWriter.number(v)) }
        mutating func int(_ v: Int) { text(String(v)) }
        mutating func flowList(_ items: [String]) {
            raw("[")
            for (k, item) in items.enumerated() { if k > 0 { raw(", ") }; quoted(item) }
            raw("]")
        }
        /// `key: "value"` and a line end.
        mutating func field(_ key: StaticString, quoted value: String) { raw(key); raw(": "); quoted(value); raw("\n") }
        /// `key: value` (as is) and a line end.
        mutating func field(_ key: StaticString, plain value: String) { raw(key); raw(": "); text(value); raw("\n") }
    }

    static func write(_ fm: ReportFrontMatter, to out: inout YAMLBytes) {
        out.field("id", quoted: fm.id)
        out.field("title", quoted: fm.title)
        out.field("year", plain: fm.year.map(String.init) ?? "null")
        out.field("published", quoted: fm.published)
        out.field("publisher", quoted: fm.publisher)
        out.field("index_number", quoted: fm.indexNumber)
        out.field("doc_number", quoted: fm.docNumber)
        out.field("kind", plain: fm.kind?.rawValue ?? "null")
        out.field("locality", quoted: fm.locality)
        out.field("prefecture", quoted: fm.prefecture)
        out.field("province", quoted: fm.province)
        out.field("adcode", quoted: fm.adcode)
        out.field("level", plain: fm.level?.rawValue ?? "null")
        out.field("source", quoted: fm.source)
        out.field("source_sha256", quoted: fm.sourceSHA256)
        out.field("converter", plain: String(fm.converter))
        out.field("locked", plain: fm.locked ? "true" : "false")
        if fm.warnings.isEmpty { out.raw("warnings: []\n") } else {
            out.raw("warnings:\n")
            for w in fm.warnings { out.raw("  - "); out.quoted(w); out.raw("\n") }
        }
        if fm.sections.isEmpty { out.raw("sections: []\n") } else {
            out.raw("sections:\n")
            for s in fm.sections {
                out.raw("  - anchor: "); out.quoted(s.anchor)
                out.raw("\n    heading: "); out.quoted(s.heading)
                out.raw("\n    level: "); out.int(s.level)
                out.raw("\n    part: "); out.text(s.part.rawValue)
                out.raw("\n    themes: "); out.flowList(s.themes); out.raw("\n")
            }
        }
        if fm.facts.isEmpty { out.raw("facts: []\n") } else {
            out.raw("facts:\n")
            for f in fm.facts {
                out.raw("  - value: "); out.number(f.value)
                out.raw("\n    unit: "); out.quoted(f.unit)
                out.raw("\n    qualifier: "); out.text(f.qualifier.rawValue)
                out.raw("\n    text: "); out.quoted(f.text)
                out.raw("\n    subject: "); out.quoted(f.subject)
                out.raw("\n    part: "); out.text(f.part.rawValue)
                out.raw("\n    section: "); out.flowList(f.section)
                out.raw("\n    anchor: "); out.quoted(f.anchor)
                out.raw("\n    sentence: "); out.quoted(f.sentence); out.raw("\n")
            }
        }
        if fm.indicators.isEmpty { out.raw("indicators: []\n") } else {
            out.raw("indicators:\n")
            for i in fm.indicators {
                out.raw("  - indicator: "); out.quoted(i.indicator)
                out.raw("\n    value: "); out.number(i.value)
                out.raw("\n    unit: "); out.quoted(i.unit)
                out.raw("\n    qualifier: "); out.text(i.qualifier.rawValue)
                out.raw("\n    anchor: "); out.quoted(i.anchor)
                out.raw("\n    confidence: "); out.number(i.confidence)
                out.raw("\n    rule: "); out.quoted(i.rule); out.raw("\n")
                if i.alternatives.isEmpty { out.raw("    alternatives: []\n") } else {
                    out.raw("    alternatives:\n")
                    for a in i.alternatives {
                        out.raw("      - {value: "); out.number(a.value); out.raw(", anchor: "); out.quoted(a.anchor); out.raw("}\n")
                    }
                }
            }
        }
    }

    /// A YAML double-quoted scalar: escapes `\`, `"`, and every control character.
    public static func quoted(_ s: String) -> String {
        var out: [UInt8] = []
        appendQuoted(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `quoted(s)`, appended as UTF-8 bytes.
    static func appendQuoted(_ s: String, to bytes: inout [UInt8]) {
        // Most values need no escape: the quotes go around the text as it is.
        if !needsEscape(s) {
            bytes.append(0x22); bytes += s.utf8; bytes.append(0x22)
            return
        }
        bytes += escapedQuoted(s).utf8
    }

    /// `quoted(s)` made scalar by scalar, escaping what needs it (`needsEscape` lets the rest go straight through).
    static func escapedQuoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                    || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0xFEFF {
                    out += "\\u" + hex4(scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
        return out
    }

    /// Whether `quoted` escapes any scalar of `s`, judged on its UTF-8 bytes: `"`, `\`, C0 controls and DEL,
    /// C1 controls (C2 80–C2 9F), U+2028/U+2029 (E2 80 A8/A9) and U+FEFF (EF BB BF).
    static func needsEscape(_ s: String) -> Bool {
        var s = s
        // On the contiguous bytes, looking ahead only from the three lead bytes that can start an escaped
        // character (a byte iterator keeping the two bytes before made a twentieth of convert's time).
        return s.withUTF8 { u in
            withUnsafeBytes(of: escapeLeads) { words in
                let leads = words.assumingMemoryBound(to: UInt64.self).baseAddress!
                let n = u.count
                var i = 0
                while i < n {
                    let b = u[i]
                    // Most bytes are none of the kinds looked at below: one test rules them out.
                    if !isEscapeLead(b, leads) { i += 1; continue }
                    if b < 0x80 {
                        if b < 0x20 || b == 0x22 || b == 0x5C || b == 0x7F { return true }
                    } else if b == 0xC2 {
                        if i + 1 < n, u[i + 1] >= 0x80, u[i + 1] <= 0x9F { return true }
                    } else if b == 0xE2 {
                        if i + 2 < n, u[i + 1] == 0x80, u[i + 2] == 0xA8 || u[i + 2] == 0xA9 { return true }
                    } else if b == 0xEF {
                        if i + 2 < n, u[i + 1] == 0xBB, u[i + 2] == 0xBF { return true }
                    }
                    i += 1
                }
                return false
            }
        }
    }

    /// The bytes `needsEscape` looks at, one bit each (byte b is bit b % 64 of word b / 64): the C0 controls and
    /// `"`; `\\` and DEL; none of 80–BF; the lead bytes C2, E2 and EF.
    static let escapeLeads: (UInt64, UInt64, UInt64, UInt64) = (0x0000_0004_FFFF_FFFF, 0x8000_0000_1000_0000, 0, 0x0000_8004_0000_0004)

    @inline(__always) static func isEscapeLead(_ b: UInt8, _ leads: UnsafePointer<UInt64>) -> Bool {
        leads[Int(b >> 6)] >> UInt64(b & 63) & 1 != 0
    }

    /// The shortest text that reads back as the same Double; integers without a decimal point.
    public static func number(_ v: Double) -> String {
        if v.isFinite, v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return v.isFinite ? String(v) : "null"
    }

    public static func flowList(_ items: [String]) -> String {
        "[" + items.map(quoted).joined(separator: ", ") + "]"
    }

    private static func hex4(_ v: UInt32) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(v >> 12 & 0xF)], digits[Int(v >> 8 & 0xF)], digits[Int(v >> 4 & 0xF)], digits[Int(v & 0xF)]])
    }
}
