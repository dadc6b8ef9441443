/// Writes front matter as YAML, deterministically: fixed field order, every string double-quoted,
/// numbers in their shortest exact form. The output is valid YAML 1.2 that any YAML library reads.
public enum FrontMatterWriter {
    public static func yaml(_ fm: ReportFrontMatter) -> String {
        var out = ""
        out.reserveCapacity(4096 + fm.facts.count * 320)
        func line(_ key: String, _ value: String) { out += key; out += ": "; out += value; out += "\n" }
        line("id", quoted(fm.id))
        line("title", quoted(fm.title))
        line("year", fm.year.map(String.init) ?? "null")
        line("published", quoted(fm.published))
        line("publisher", quoted(fm.publisher))
        line("index_number", quoted(fm.indexNumber))
        line("doc_number", quoted(fm.docNumber))
        line("kind", fm.kind?.rawValue ?? "null")
        line("locality", quoted(fm.locality))
        line("prefecture", quoted(fm.prefecture))
        line("province", quoted(fm.province))
        line("adcode", quoted(fm.adcode))
        line("level", fm.level?.rawValue ?? "null")
        line("source", quoted(fm.source))
        line("source_sha256", quoted(fm.sourceSHA256))
        line("converter", String(fm.converter))
        line("locked", fm.locked ? "true" : "false")
        if fm.warnings.isEmpty { line("warnings", "[]") } else {
            out += "warnings:\n"
            for w in fm.warnings { out += "  - "; out += quoted(w); out += "\n" }
        }
        if fm.sections.isEmpty { line("sections", "[]") } else {
            out += "sections:\n"
            for s in fm.sections {
                out += "  - anchor: \(quoted(s.anchor))\n"
                out += "    heading: \(quoted(s.heading))\n"
                out += "    level: \(s.level)\n"
                out += "    part: \(s.part.rawValue)\n"
                out += "    themes: \(flowList(s.themes))\n"
            }
        }
        if fm.facts.isEmpty { line("facts", "[]") } else {
            out += "facts:\n"
            for f in fm.facts {
                out += "  - value: \(number(f.value))\n"
                out += "    unit: \(quoted(f.unit))\n"
                out += "    qualifier: \(f.qualifier.rawValue)\n"
                out += "    text: \(quoted(f.text))\n"
                out += "    subject: \(quoted(f.subject))\n"
                out += "    part: \(f.part.rawValue)\n"
                out += "    section: \(flowList(f.section))\n"
                out += "    anchor: \(quoted(f.anchor))\n"
                out += "    sentence: \(quoted(f.sentence))\n"
            }
        }
        if fm.indicators.isEmpty { line("indicators", "[]") } else {
            out += "indicators:\n"
            for i in fm.indicators {
                out += "  - indicator: \(quoted(i.indicator))\n"
                out += "    value: \(number(i.value))\n"
                out += "    unit: \(quoted(i.unit))\n"
                out += "    qualifier: \(i.qualifier.rawValue)\n"
                out += "    anchor: \(quoted(i.anchor))\n"
                out += "    confidence: \(number(i.confidence))\n"
                out += "    rule: \(quoted(i.rule))\n"
                if i.alternatives.isEmpty { out += "    alternatives: []\n" } else {
                    out += "    alternatives:\n"
                    for a in i.alternatives {
                        out += "      - {value: \(number(a.value)), anchor: \(quoted(a.anchor))}\n"
                    }
                }
            }
        }
        return out
    }

    /// A whole Markdown file: `---`, front matter, `---`, a blank line, the body.
    public static func document(_ doc: ReportDocument) -> String {
        var body = doc.body
        if !body.hasSuffix("\n") { body += "\n" }
        return "---\n" + yaml(doc.frontMatter) + "---\n\n" + body
    }

    /// A YAML double-quoted scalar: escapes `\`, `"`, and every control character.
    public static func quoted(_ s: String) -> String {
        // Most values need no escape: the quotes go around the text as it is.
        if !needsEscape(s) { return "\"" + s + "\"" }
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
        var utf8 = s.utf8.makeIterator()
        var previous: (UInt8, UInt8) = (0, 0)
        while let b = utf8.next() {
            if b < 0x20 || b == 0x22 || b == 0x5C || b == 0x7F { return true }
            if previous.1 == 0xC2, b >= 0x80, b <= 0x9F { return true }
            if previous == (0xE2, 0x80), b == 0xA8 || b == 0xA9 { return true }
            if previous == (0xEF, 0xBB), b == 0xBF { return true }
            previous = (previous.1, b)
        }
        return false
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
