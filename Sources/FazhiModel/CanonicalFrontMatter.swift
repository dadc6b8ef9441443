/// Reads front matter written by `FrontMatterWriter` — exactly that layout — straight from its UTF-8 bytes.
///
/// Why: every build reads the front matter of every changed report, and a general YAML parser (Yams: tag
/// resolution by regular expression, duplicate-key checks) was about 40% of a clean build's CPU. Files convert
/// wrote have one fixed layout (field order, every string double-quoted, the same escapes), so they need no
/// general parser.
///
/// The contract is narrow on purpose: `parse` returns the front matter only when the text is byte for byte
/// in the writer's layout, and nil at the first deviation (a field edited by hand, a comment, another quote
/// style, an unknown field, an escape the writer never writes, a raw control character). The caller then
/// reads it with Yams, which also gives the located error messages. So for any text, `parse` either returns
/// nil or what Yams would read (tested on the seeds, on synthetic reports and on mutated texts).
public enum CanonicalFrontMatter {
    public static func parse(_ yaml: String) -> ReportFrontMatter? {
        var yaml = yaml
        return yaml.withUTF8 { buf in
            var c = Cursor(bytes: buf)
            return c.frontMatter()
        }
    }

    /// The four fields convert looks at in a Markdown file it may have written (`source`, `source_sha256`,
    /// `converter`, `locked`), from those lines alone, one after the other as `FrontMatterWriter` writes them;
    /// nil at any deviation (the caller then reads them with Yams). Yams on these four lines was most of a
    /// convert that could not trust its files' times (the first one after a clean build): 0.2 s at 5,000 reports.
    public static func convertFields(_ lines: String) -> (source: String, sourceSHA256: String, converter: Int, locked: Bool)? {
        var lines = lines + "\n"
        return lines.withUTF8 { buf in
            var c = Cursor(bytes: buf)
            guard let source = c.stringField("source"), let sha = c.stringField("source_sha256"),
                  let converter = c.plainField("converter").flatMap(Cursor.integer), let locked = c.plainField("locked"),
                  c.atEnd else { return nil }
            switch locked {
            case "true": return (source, sha, converter, true)
            case "false": return (source, sha, converter, false)
            default: return nil
            }
        }
    }

    struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0

        var atEnd: Bool { at == bytes.count }

        /// Consumes `literal` if the text continues with it.
        mutating func take(_ literal: StaticString) -> Bool {
            let n = literal.utf8CodeUnitCount
            guard at + n <= bytes.count else { return false }
            let p = literal.utf8Start
            for k in 0..<n where bytes[at + k] != p[k] { return false }
            at += n
            return true
        }

        /// `key: "…"\n`
        mutating func stringField(_ key: StaticString) -> String? {
            guard take(key), take(": "), let s = quoted(), take("\n") else { return nil }
            return s
        }

        /// The bytes up to (not including) the next `stop` byte or line end, consumed.
        mutating func token(until stop: UInt8 = 0x0A) -> UnsafeBufferPointer<UInt8> {
            let start = at
            while at < bytes.count, bytes[at] != 0x0A, bytes[at] != stop { at += 1 }
            return UnsafeBufferPointer(rebasing: bytes[start..<at])
        }

        /// `key: <plain token>\n`
        mutating func plainField(_ key: StaticString) -> String? {
            guard take(key), take(": ") else { return nil }
            let t = token()
            guard take("\n"), !t.isEmpty else { return nil }
            return String(decoding: t, as: UTF8.self)
        }

        /// A whole number as the writer writes it: `-?[1-9][0-9]*` or `0`.
        static func integer(_ t: String) -> Int? {
            var digits = Substring(t)
            if digits.hasPrefix("-") { digits = digits.dropFirst() }
            guard let first = digits.utf8.first, first >= 0x30, first <= 0x39, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  first != 0x30 || digits.utf8.count == 1 else { return nil }
            return Int(t)
        }

        /// A number as `FrontMatterWriter.number` writes it: an integer, or Swift's shortest Double text
        /// (`12.5`, `1e-05`). `null` (a non-finite value) is left to Yams, which reports it.
        static func number(_ t: String) -> Double? {
            var sawDigit = false
            for b in t.utf8 {
                switch b {
                case 0x30...0x39: sawDigit = true
                case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "e"): continue
                default: return nil
                }
            }
            guard sawDigit, let first = t.utf8.first, first == UInt8(ascii: "-") || (first >= 0x30 && first <= 0x39) else { return nil }
            guard let v = Double(t), v.isFinite else { return nil }
            return v
        }

        /// A double-quoted scalar with only the writer's escapes (`\"`, `\\`, `\n`, `\t`, `\r`, `\uXXXX`); nil
        /// for a raw control character or any character the writer would have escaped.
        mutating func quoted() -> String? {
            guard take("\"") else { return nil }
            var out: [UInt8] = []
            var plainStart = at
            while at < bytes.count {
                let b = bytes[at]
                if b == UInt8(ascii: "\"") {
                    defer { at += 1 }
                    // Without escapes (most strings) straight from the bytes, with no buffer of its own.
                    if out.isEmpty { return String(decoding: UnsafeBufferPointer(rebasing: bytes[plainStart..<at]), as: UTF8.self) }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[plainStart..<at]))
                    return String(decoding: out, as: UTF8.self)
                }
                if b < 0x20 || b == 0x7F { return nil }
                // C1 controls (C2 80–C2 9F), U+2028/2029 (E2 80 A8/A9) and U+FEFF (EF BB BF) are escaped by the writer.
                if b == 0xC2, at + 1 < bytes.count, bytes[at + 1] >= 0x80, bytes[at + 1] <= 0x9F { return nil }
                if b == 0xE2, at + 2 < bytes.count, bytes[at + 1] == 0x80, bytes[at + 2] == 0xA8 || bytes[at + 2] == 0xA9 { return nil }
                if b == 0xEF, at + 2 < bytes.count, bytes[at + 1] == 0xBB, bytes[at + 2] == 0xBF { return nil }
                if b == UInt8(ascii: "\\") {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[plainStart..<at]))
                    guard at + 1 < bytes.count else { return nil }
                    switch bytes[at + 1] {
                    case UInt8(ascii: "\""): out.append(UInt8(ascii: "\"")); at += 2
                    case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); at += 2
                    case UInt8(ascii: "n"): out.append(0x0A); at += 2
                    case UInt8(ascii: "t"): out.append(0x09); at += 2
                    case UInt8(ascii: "r"): out.append(0x0D); at += 2
                    case UInt8(ascii: "u"):
                        guard at + 6 <= bytes.count else { return nil }
                        var v: UInt32 = 0
                        for k in 2..<6 {
                            let h = bytes[at + k]
                            switch h {
                            case 0x30...0x39: v = v << 4 | UInt32(h - 0x30)
                            case 0x41...0x46: v = v << 4 | UInt32(h - 0x41 + 10)
                            default: return nil // the writer writes upper-case hex only
                            }
                        }
                        guard let scalar = Unicode.Scalar(v) else { return nil }
                        out.append(contentsOf: Array(String(scalar).utf8))
                        at += 6
                    default: return nil
                    }
                    plainStart = at
                    continue
                }
                at += 1
            }
            return nil
        }

        /// `[]` or `["a", "b"]`.
        mutating func flowList() -> [String]? {
            guard take("[") else { return nil }
            var items: [String] = []
            if take("]") { return items }
            while true {
                guard let s = quoted() else { return nil }
                items.append(s)
                if take("]") { return items }
                guard take(", ") else { return nil }
            }
        }

        /// `key: []\n`, or `key:\n` followed by items, each read by `item` (which consumes from `  - `).
        mutating func block<T>(_ key: StaticString, _ item: (inout Cursor) -> T?) -> [T]? {
            guard take(key) else { return nil }
            if take(": []\n") { return [] }
            guard take(":\n") else { return nil }
            var items: [T] = []
            while take("  - ") {
                guard let v = item(&self) else { return nil }
                items.append(v)
            }
            return items.isEmpty ? nil : items
        }

        mutating func enumField<E: RawRepresentable>(_ key: StaticString, _ type: E.Type) -> E? where E.RawValue == String {
            plainField(key).flatMap(E.init(rawValue:))
        }

        mutating func frontMatter() -> ReportFrontMatter? {
            var fm = ReportFrontMatter()
            guard let id = stringField("id"), let title = stringField("title"), let year = plainField("year"),
                  let published = stringField("published"), let publisher = stringField("publisher"),
                  let indexNumber = stringField("index_number"), let docNumber = stringField("doc_number"),
                  let kind = plainField("kind"), let locality = stringField("locality"),
                  let prefecture = stringField("prefecture"), let province = stringField("province"),
                  let adcode = stringField("adcode"), let level = plainField("level"),
                  let source = stringField("source"), let sourceSHA = stringField("source_sha256"),
                  let converter = plainField("converter").flatMap(Self.integer), let locked = plainField("locked")
            else { return nil }
            fm.id = id; fm.title = title; fm.published = published; fm.publisher = publisher
            fm.indexNumber = indexNumber; fm.docNumber = docNumber; fm.locality = locality
            fm.prefecture = prefecture; fm.province = province; fm.adcode = adcode; fm.source = source
            fm.sourceSHA256 = sourceSHA; fm.converter = converter
            if year == "null" { fm.year = nil } else { guard let y = Self.integer(year) else { return nil }; fm.year = y }
            if kind == "null" { fm.kind = nil } else { guard let k = ReportKind(rawValue: kind) else { return nil }; fm.kind = k }
            if level == "null" { fm.level = nil } else { guard let l = DivisionLevel(rawValue: level) else { return nil }; fm.level = l }
            switch locked { case "true": fm.locked = true; case "false": fm.locked = false; default: return nil }

            guard let warnings = block("warnings", { c -> String? in
                guard let s = c.quoted(), c.take("\n") else { return nil }
                return s
            }) else { return nil }
            fm.warnings = warnings

            guard let sections = block("sections", { c -> SectionInfo? in
                guard let anchor = c.stringField("anchor"), c.take("    "), let heading = c.stringField("heading"),
                      c.take("    "), let level = c.plainField("level").flatMap(Self.integer),
                      c.take("    "), let part = c.enumField("part", ReportPart.self),
                      c.take("    themes: "), let themes = c.flowList(), c.take("\n") else { return nil }
                return SectionInfo(anchor: anchor, heading: heading, level: level, part: part, themes: themes)
            }) else { return nil }
            fm.sections = sections

            guard let facts = block("facts", { c -> Fact? in
                guard let value = c.plainField("value").flatMap(Self.number),
                      c.take("    "), let unit = c.stringField("unit"),
                      c.take("    "), let qualifier = c.enumField("qualifier", Qualifier.self),
                      c.take("    "), let text = c.stringField("text"),
                      c.take("    "), let subject = c.stringField("subject"),
                      c.take("    "), let part = c.enumField("part", ReportPart.self),
                      c.take("    section: "), let section = c.flowList(), c.take("\n"),
                      c.take("    "), let anchor = c.stringField("anchor"),
                      c.take("    "), let sentence = c.stringField("sentence") else { return nil }
                return Fact(value: value, unit: unit, qualifier: qualifier, text: text, subject: subject,
                            part: part, section: section, anchor: anchor, sentence: sentence)
            }) else { return nil }
            fm.facts = facts

            guard let indicators = block("indicators", { c -> IndicatorValue? in
                guard let indicator = c.stringField("indicator"),
                      c.take("    "), let value = c.plainField("value").flatMap(Self.number),
                      c.take("    "), let unit = c.stringField("unit"),
                      c.take("    "), let qualifier = c.enumField("qualifier", Qualifier.self),
                      c.take("    "), let anchor = c.stringField("anchor"),
                      c.take("    "), let confidence = c.plainField("confidence").flatMap(Self.number),
                      c.take("    "), let rule = c.stringField("rule"),
                      c.take("    alternatives") else { return nil }
                var alternatives: [IndicatorValue.Alternative] = []
                if !c.take(": []\n") {
                    guard c.take(":\n") else { return nil }
                    while c.take("      - {value: ") {
                        guard let v = Self.number(String(decoding: c.token(until: UInt8(ascii: ",")), as: UTF8.self)),
                              c.take(", anchor: "), let a = c.quoted(), c.take("}\n") else { return nil }
                        alternatives.append(.init(value: v, anchor: a))
                    }
                    if alternatives.isEmpty { return nil }
                }
                return IndicatorValue(indicator: indicator, value: value, unit: unit, qualifier: qualifier, anchor: anchor,
                                      confidence: confidence, rule: rule, alternatives: alternatives)
            }) else { return nil }
            fm.indicators = indicators
            return atEnd ? fm : nil
        }
    }
}
