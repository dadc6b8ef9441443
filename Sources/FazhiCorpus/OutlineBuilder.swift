import FazhiModel

/// Rebuilds a report's outline from its lines: 一、 → level 2, (一)/（一） → level 3, 1./1、 → level 4.
///
/// Decisions (tested in OutlineTests):
/// - A marked line is a heading when it is at most 60 characters (80 for 一、) and has no 。 before its end.
/// - A longer marked line whose first 。 comes within its first 40 characters is split: the part up to and
///   including that 。 is the heading, the rest a paragraph ("1.推进重大事项依法决策。完善政府…").
///   Otherwise it stays one paragraph (no text is ever dropped or reworded).
/// - "三)…" and ")…" (a level-3 heading that lost its opening bracket, or bracket and number) count as level 3
///   only inside a level-2 section that has a well-formed (一)-style marker, and "三)" only where 三 follows (二)
///   or precedes (四); they get a "looks damaged" warning.
/// - "一是…", "(1)…" and every other line are paragraphs.
enum OutlineBuilder {
    struct Result {
        var blocks: [OutlineBlock]
        var warnings: [String]
    }

    enum Marker: Equatable { case two, three, threeLostBracket, threeLostNumber, four }

    /// The marker a line opens with. Each test is the regular expression in its comment, scanned by hand.
    static func marker(_ t: String) -> Marker? {
        // The tests below look at the first 8 scalars at most: a paragraph's other scalars are not copied.
        let s = Array(t.unicodeScalars.prefix(16))[...]
        if isTwo(s) { return .two }
        if isThree(s) { return .three }
        if isFour(s) { return .four }
        if isThreeLostBracket(s) { return .threeLostBracket }
        if isThreeLostNumber(s) { return .threeLostNumber }
        return nil
    }

    static let listPunctuation = Scan.scalarSet("、.．")
    static let partEndings = Scan.scalars(["部分", "章"])
    static let afterPart = Scan.scalarSet("、,， ")
    static let openBrackets = Scan.scalarSet("(（")
    static let closeBrackets = Scan.scalarSet(")）")
    static let brackets = Scan.scalarSet(")）(（")

    /// 1–3 Chinese numerals from the start: their count, 0 when there are none or more than three
    /// (`[一二三四五六七八九十]{1,3}` followed by something that is not a numeral).
    static func numeralCount(_ s: Scalars, from i: Int) -> Int {
        let n = Scan.run(in: s, from: i, limit: 4, Scan.isHanNumeral)
        return n <= 3 ? n : 0
    }

    /// `^(?:[一二三四五六七八九十]{1,3}[、.．]|第[一二三四五六七八九十]{1,3}(?:部分|章)[、,， ]?)(?=\S)`
    static func isTwo(_ s: Scalars) -> Bool {
        let start = s.startIndex
        let n = numeralCount(s, from: start)
        if n > 0 {
            return Scan.isOne(of: listPunctuation, in: s, at: start + n) && Scan.nonSpace(s, at: start + n + 1)
        }
        guard s.first == "第" else { return false }
        let m = numeralCount(s, from: start + 1)
        guard m > 0, let part = partEndings.first(where: { Scan.has($0, in: s, at: start + 1 + m) }) else { return false }
        let k = start + 1 + m + part.count
        // The optional punctuation is taken only when a non-space follows it; else the lookahead reads it.
        if Scan.isOne(of: afterPart, in: s, at: k), Scan.nonSpace(s, at: k + 1) { return true }
        return Scan.nonSpace(s, at: k)
    }

    /// `^[(（][一二三四五六七八九十]{1,3}[)）] ?(?=\S)`
    static func isThree(_ s: Scalars) -> Bool {
        let start = s.startIndex
        guard Scan.isOne(of: openBrackets, in: s, at: start) else { return false }
        let n = numeralCount(s, from: start + 1)
        guard n > 0, Scan.isOne(of: closeBrackets, in: s, at: start + 1 + n) else { return false }
        return Scan.nonSpace(s, at: Scan.skipSpace(s, start + 2 + n))
    }

    /// `^[一二三四五六七八九十]{1,3}[)）](?=\S)`
    static func isThreeLostBracket(_ s: Scalars) -> Bool {
        let n = numeralCount(s, from: s.startIndex)
        return n > 0 && Scan.isOne(of: closeBrackets, in: s, at: s.startIndex + n) && Scan.nonSpace(s, at: s.startIndex + n + 1)
    }

    /// `^[)）](?=[^\s)）(（])`
    static func isThreeLostNumber(_ s: Scalars) -> Bool {
        let k = s.startIndex + 1
        return Scan.isOne(of: closeBrackets, in: s, at: s.startIndex) && Scan.nonSpace(s, at: k) && !brackets.contains(s[k])
    }

    /// `^\d{1,2}[.、．](?!\d)(?=\S)`
    static func isFour(_ s: Scalars) -> Bool {
        let n = Scan.run(in: s, from: s.startIndex, limit: 3, Scan.isDigit)
        guard n >= 1, n <= 2, Scan.isOne(of: listPunctuation, in: s, at: s.startIndex + n) else { return false }
        let k = s.startIndex + n + 1
        return Scan.nonSpace(s, at: k) && !Scan.isDigit(s[k])
    }

    static func level(_ m: Marker) -> Int {
        switch m { case .two: 2; case .three, .threeLostBracket, .threeLostNumber: 3; case .four: 4 }
    }

    /// Splits a marked line into heading and rest, or nil when it is a paragraph.
    static func split(_ t: String, limit: Int = 60) -> (heading: String, rest: String?)? {
        let chars = Array(t)
        let stop = chars.firstIndex(of: "。")
        if chars.count <= limit, stop == nil || stop == chars.count - 1 { return (t, nil) }
        if let k = stop, k + 1 <= 40 {
            let rest = String(chars[(k + 1)...]).trimmingCharacters(in: .whitespaces)
            return (String(chars[...k]), rest.isEmpty ? nil : rest)
        }
        return nil
    }

    static func build(_ lines: [SourceLine]) -> Result {
        let markers = lines.map { marker($0.text) }
        // Level-2 section of each line, and whether that section has a well-formed level-3 marker.
        var section = 0
        var sectionOf: [Int] = []
        var hasThree: Set<Int> = []
        for m in markers {
            if m == .two { section += 1 }
            sectionOf.append(section)
            if m == .three { hasThree.insert(section) }
        }
        // The number of each level-3 item, (三) → 3, for checking that "三)" stands where 三 belongs (read only
        // for lines marked level 3, so only theirs are worked out).
        let numbers: [Int?] = lines.indices.map { i in
            guard markers[i] == .three || markers[i] == .threeLostBracket else { return nil }
            let digits = lines[i].text.drop { $0 == "(" || $0 == "（" }.prefix { "一二三四五六七八九十".contains($0) }
            return MetadataParser.hanNumber(String(digits))
        }
        func inSequence(_ i: Int) -> Bool {
            guard let n = numbers[i] else { return false }
            let prev = (0..<i).last { sectionOf[$0] == sectionOf[i] && markers[$0] == .three }
            let next = ((i + 1)..<lines.count).first { sectionOf[$0] == sectionOf[i] && markers[$0] == .three }
            return prev.flatMap { numbers[$0] }.map { $0 + 1 == n } == true || next.flatMap { numbers[$0] }.map { $0 - 1 == n } == true
        }
        var blocks: [OutlineBlock] = []
        var warnings: [String] = []
        for (i, line) in lines.enumerated() {
            var m = markers[i]
            if m == .threeLostBracket || m == .threeLostNumber, !hasThree.contains(sectionOf[i]) { m = nil }
            if m == .threeLostBracket, !inSequence(i) { m = nil }
            // Top-level parts of the report have long names ("三、党政主要负责人履行…的有关情况"): 80 characters.
            guard let mk = m, let parts = split(line.text, limit: mk == .two ? 80 : 60) else {
                blocks.append(OutlineBlock(kind: .paragraph, text: line.text, sourceLine: line.number))
                continue
            }
            if mk == .threeLostBracket || mk == .threeLostNumber {
                let what = mk == .threeLostBracket ? "its opening bracket" : "its opening bracket and number"
                let place = line.number > 0 ? " (line \(line.number))" : ""
                warnings.append("text looks damaged: the heading '\(String(parts.heading.prefix(24)))' lost \(what)\(place)")
            }
            blocks.append(OutlineBlock(kind: .heading(level: level(mk)), text: parts.heading, sourceLine: line.number))
            if let rest = parts.rest {
                blocks.append(OutlineBlock(kind: .paragraph, text: rest, sourceLine: line.number))
            }
        }
        return Result(blocks: blocks, warnings: warnings)
    }
}

/// Writes the Markdown body: `# title`, then each block as its own paragraph or heading, blank lines between.
/// Text is escaped with `MarkdownText.escapeLine`, so it renders literally; headings get ` {#h-N}` and
/// sentences the `{#id}` markers fact extraction asked for.
enum MarkdownBodyWriter {
    static func body(title: String, blocks: [OutlineBlock], anchors: [SentenceAnchor], warnings: inout [String]) -> String {
        var byBlock: [Int: [SentenceAnchor]] = [:]
        for a in anchors { byBlock[a.block, default: []].append(a) }
        var out = ""
        if !title.isEmpty { out += "# " + MarkdownText.escapeLine(title) + "\n\n" }
        var rank = 0
        for (i, b) in blocks.enumerated() {
            let text = render(b.text, (byBlock[i] ?? []).sorted { $0.utf8Offset < $1.utf8Offset }, warnings: &warnings)
            switch b.kind {
            case .heading(let level):
                rank += 1
                out += String(repeating: "#", count: max(1, min(6, level))) + " " + text + " " + Anchors.marker(Anchors.headingID(index: rank)) + "\n\n"
            case .paragraph:
                out += text + "\n\n"
            }
        }
        while out.hasSuffix("\n\n") { out.removeLast() }
        return out
    }

    /// Escapes the text pieces between anchor insertion points; a piece after a marker is not at line start.
    static func render(_ text: String, _ anchors: [SentenceAnchor], warnings: inout [String]) -> String {
        guard !anchors.isEmpty else { return MarkdownText.escapeLine(text) }
        let bytes = Array(text.utf8)
        var out = ""
        var prev = 0
        func piece(_ from: Int, _ to: Int) -> String {
            let s = String(decoding: bytes[from..<to], as: UTF8.self)
            return from == 0 ? MarkdownText.escapeLine(s) : String(MarkdownText.escapeLine("x" + s).dropFirst())
        }
        for a in anchors {
            let off = a.utf8Offset
            guard off >= prev, off <= bytes.count, off == bytes.count || (bytes[off] & 0xC0) != 0x80,
                  Anchors.isValidID(Substring(a.id)) else {
                warnings.append("anchor '\(a.id)' at byte \(off) of block \(a.block) is not at a character boundary; left out")
                continue
            }
            out += piece(prev, off)
            out += Anchors.marker(a.id)
            prev = off
        }
        out += piece(prev, bytes.count)
        return out
    }
}
