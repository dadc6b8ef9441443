import FazhiModel

/// Finds every quantity in a report's blocks and matches them to the catalog's indicators.
///
/// The catalog's rules are compiled once in `init`; `extract` scans unicode scalars (no regular expressions).
public struct FactExtractor: Sendable {
    public let catalog: Catalog
    let grammar: NumberGrammar
    let words: WordIndex
    let indicators: [CompiledIndicator]
    /// The catalog's indicator ids, in its order (`indicators[k].id`): the loops that need only ids copy no
    /// definitions (copying each definition per report was a tenth of extraction).
    let indicatorIDs: [String]
    /// The rates to check against their parts: indicator, the indicator it is the share of, those it is a share of.
    let rateChecks: [(id: String, of: String, per: [String])]
    let themeKeywords: [[Int]]
    let subsetIDs: [Int]
    let narrowIDs: [Int]
    let breakdownIDs: [Int]
    let totalIDs: [Int]
    /// For each word id, the themes whose keyword lists hold it (a theme once per time it is listed).
    let themesOfWord: [[Int32]]
    /// For each unit, the indices of the indicators that accept it, in catalog order.
    let indicatorsByUnit: [String: [Int]]
    /// Below this confidence a match is not an indicator value.
    public var minimumConfidence = 0.5

    struct CompiledRule: Sendable {
        /// All of these groups must occur in the sentence; a group is satisfied by any of its words.
        var context: [[Int]]
        var before: [Int]
        var after: [Int]
        var exclude: [Int]
    }

    struct CompiledIndicator: Sendable {
        var id: String
        var units: Set<String>
        var rules: [CompiledRule]
        var exclude: [Int]
    }

    public init(catalog: Catalog) {
        self.catalog = catalog
        self.grammar = NumberGrammar(notQuantities: catalog.notQuantities)
        var w = WordIndex()
        func alts(_ item: String) -> [Int] { item.split(separator: "|").map { w.add(String($0)) } }
        func flat(_ list: [String]) -> [Int] { list.flatMap(alts) }
        var compiled: [CompiledIndicator] = []
        for def in catalog.indicators {
            let rules = def.match.map { r in
                CompiledRule(context: r.context.map(alts), before: flat(r.before), after: flat(r.after), exclude: flat(r.exclude))
            }
            compiled.append(CompiledIndicator(id: def.id, units: Set(def.units.isEmpty ? [def.unit] : def.units),
                                              rules: rules, exclude: flat(def.exclude)))
        }
        self.indicators = compiled
        self.indicatorIDs = compiled.map(\.id)
        self.rateChecks = catalog.indicators.compactMap { d in d.rateOf.map { (d.id, $0, d.ratePer) } }
        self.themeKeywords = catalog.themes.map { flat($0.keywords) }
        self.subsetIDs = flat(catalog.subsetWords)
        self.narrowIDs = flat(catalog.narrowWords)
        self.breakdownIDs = flat(catalog.breakdownWords)
        self.totalIDs = flat(["共", "累计", "合计", "总计", "总数"])
        w.compile()
        self.words = w
        var themesOfWord = [[Int32]](repeating: [], count: w.count)
        for (ti, kws) in themeKeywords.enumerated() { for id in kws { themesOfWord[id].append(Int32(ti)) } }
        self.themesOfWord = themesOfWord
        var byUnit: [String: [Int]] = [:]
        for (ii, ind) in compiled.enumerated() { for u in ind.units { byUnit[u, default: []].append(ii) } }
        self.indicatorsByUnit = byUnit
    }

    /// Reads the catalog file (themes, indicators and their matching rules).
    public init(catalogYAML: String, file: String) throws {
        self.init(catalog: try Catalog.load(yaml: catalogYAML, file: file))
    }

    /// The quantities of a text with the grammar this extractor uses (for tests and tools).
    public func quantities(in text: String) -> [(text: String, quantity: Quantity)] { grammar.quantities(in: text) }

    // MARK: - Extraction

    typealias S = Unicode.Scalar

    struct Sentence {
        var block: Int
        var start: Int
        var end: Int
        var anchor: String? = nil
        var text: String = ""
    }

    /// Per fact, what the matcher needs.
    struct FactSite {
        var fact: Fact
        var block: Int
        var sentence: Int
        var quantity: Quantity
        var position: Int
    }

    struct Candidate {
        var site: Int
        var confidence: Double
        var rule: String
        var total: Bool
        /// Index of the indicator's rule that matched: earlier rules are preferred phrasings.
        var ruleIndex: Int
        /// A `before` match after a breakdown word (其中…).
        var breakdown: Bool
    }

    public func extract(_ blocks: [OutlineBlock]) -> Extraction {
        var result = Extraction()
        var taken = Set<String>()
        let reportYear = blocks.first { if case .heading(1) = $0.kind { return true } else { return false } }.flatMap { Self.year(in: $0.text) }

        // Parts and section paths.
        var headingRank = 0
        var headingRanks: [Int?] = Array(repeating: nil, count: blocks.count)
        var parts: [ReportPart] = []
        var paths: [[String]] = []
        var stack: [(level: Int, text: String)] = []
        var part: ReportPart = .results
        var seenLevel2 = false
        // The level whose headings name the parts: 2 (一、), or the highest level below the title when a
        // report has no 一、 headings.
        let topLevel = blocks.compactMap { if case .heading(let l) = $0.kind, l > 1 { return l } else { return nil } }.min() ?? 2
        for (bi, b) in blocks.enumerated() {
            switch b.kind {
            case .heading(let level):
                headingRank += 1
                headingRanks[bi] = headingRank
                while let last = stack.last, last.level >= level { stack.removeLast() }
                if level > 1 { stack.append((level, b.text)) }
                if level == topLevel {
                    if let p = Self.part(forHeading: b.text, reportYear: reportYear) { part = p } else if !seenLevel2 { part = .results }
                    seenLevel2 = true
                } else if level == 1 {
                    part = .results
                }
            case .paragraph:
                if (stack.last?.level ?? 1) <= topLevel, let p = Self.part(forParagraph: b.text, current: part, reportYear: reportYear) {
                    part = p
                }
            }
            parts.append(part)
            paths.append(stack.map(\.text))
        }

        // Facts.
        var sentences: [Sentence] = []
        var sites: [FactSite] = []
        var blockScalars: [[S]] = []
        var blockHits: [WordIndex.Hits] = []
        var blockSpans: [[Range<Int>]] = []
        // Keyword hits per block and theme (row-major, blocks × themes), for the sections' themes below.
        let themeCount = themeKeywords.count
        var themeHits = [Int32](repeating: 0, count: blocks.count * themeCount)
        var position = 0
        for (bi, b) in blocks.enumerated() {
            let s = Self.scalars(of: b.text)
            blockScalars.append(s)
            var packed: [UInt64] = []
            s.withUnsafeBufferPointer { buf in
                words.scan(buf, 0..<buf.count) { id, start in
                    packed.append(UInt64(id) << 32 | UInt64(start))
                    for t in themesOfWord[id] { themeHits[bi * themeCount + Int(t)] += 1 }
                }
            }
            packed.sort()
            blockHits.append(WordIndex.Hits(packed: packed))
            let (quantities, warns) = grammar.scan(s)
            for w in warns { result.warnings.append(w + Self.place(paths[bi])) }
            let spans = quantities.isEmpty ? [] : Self.sentences(s)
            blockSpans.append(spans)
            if quantities.isEmpty { continue }
            var sentenceIndexOfSpan = [Int](repeating: -1, count: spans.count)
            // UTF-8 offsets of sentence starts, counted forward (spans are in order).
            var utf8Scalar = 0, utf8Offset = 0
            for q in quantities {
                guard let si = spans.firstIndex(where: { $0.lowerBound <= q.start && q.end <= $0.upperBound }) else { continue }
                let span = spans[si]
                var gi = sentenceIndexOfSpan[si]
                if gi < 0 {
                    var sent = Sentence(block: bi, start: span.lowerBound, end: span.upperBound, text: Self.string(s, span))
                    if let rank = headingRanks[bi] {
                        sent.anchor = Anchors.headingID(index: rank)
                    } else {
                        let id = Anchors.sentenceID(for: sent.text, taken: &taken)
                        sent.anchor = id
                        if span.lowerBound < utf8Scalar { utf8Scalar = 0; utf8Offset = 0 }
                        while utf8Scalar < span.lowerBound { utf8Offset += UTF8.width(s[utf8Scalar]); utf8Scalar += 1 }
                        result.sentenceAnchors.append(SentenceAnchor(block: bi, utf8Offset: utf8Offset, id: id))
                    }
                    sentences.append(sent)
                    gi = sentences.count - 1
                    sentenceIndexOfSpan[si] = gi
                }
                let prevEnd = sites.last.flatMap { $0.block == bi && $0.sentence == gi ? $0.quantity.end : nil } ?? span.lowerBound
                let next = quantities.first { $0.start >= q.end }?.start
                let subject = Self.subject(s, lead: max(prevEnd, Self.clauseStart(s, span.lowerBound, q.start))..<q.start,
                                           tail: q.end..<Self.tailEnd(s, q.end, span.upperBound, next: next))
                let fact = Fact(value: q.value, unit: q.unit, qualifier: q.qualifier, text: Self.string(s, q.start..<q.end),
                                subject: subject, part: parts[bi], section: paths[bi], anchor: sentences[gi].anchor ?? "",
                                sentence: sentences[gi].text)
                sites.append(FactSite(fact: fact, block: bi, sentence: gi, quantity: q, position: position))
                position += 1
            }
        }
        result.facts = sites.map(\.fact)

        // Indicators.
        // The quantity before and after each fact in its sentence (sites of one sentence may lie anywhere in
        // `sites`: found by sentence index).
        var previousInSentence = [Int](repeating: -1, count: sites.count)
        var nextInSentence = [Int](repeating: -1, count: sites.count)
        do {
            var lastOfSentence = [Int](repeating: -1, count: sentences.count)
            for (fi, site) in sites.enumerated() {
                let p = lastOfSentence[site.sentence]
                if p >= 0 { previousInSentence[fi] = p; nextInSentence[p] = fi }
                lastOfSentence[site.sentence] = fi
            }
        }
        var lookup = WordIndex.Lookup(words)
        var loadedBlock = -1
        var candidates: [Int: [Candidate]] = [:]   // indicator index → candidates
        for (fi, site) in sites.enumerated() where site.fact.part != .plan {
            let s = blockScalars[site.block]
            if site.block != loadedBlock { lookup.load(blockHits[site.block]); loadedBlock = site.block }
            let sent = sentences[site.sentence]
            let q = site.quantity
            let sentRange = sent.start..<sent.end
            let clauseLo = Self.clauseStart(s, sent.start, q.start)
            let lead = clauseLo..<q.start
            let prev = previousInSentence[fi] >= 0 ? sites[previousInSentence[fi]].quantity.end : sent.start
            let nearLead = max(clauseLo, prev)..<q.start
            let next: Int? = nextInSentence[fi] >= 0 ? sites[nextInSentence[fi]].quantity.start : nil
            let tail = q.end..<Self.tailEnd(s, q.end, sent.end, next: next)
            // Words inside book titles (《…行政诉讼应诉工作办法》) name documents: they veto nothing.
            let titles = Self.titleRanges(s, sentRange)
            func vetoed(_ ids: [Int]) -> Bool {
                for id in ids where lookup.occurs(id, in: lead, outside: titles) || lookup.occurs(id, in: tail, outside: titles) { return true }
                return false
            }
            if subsetIDs.contains(where: { lookup.occurs($0, in: lead) }) { continue }
            let narrow = narrowIDs.contains { lookup.occurs($0, in: sentRange) }
            let total = totalIDs.contains { lookup.occurs($0, in: lead) }
            let breakdown = breakdownIDs.contains { lookup.occurs($0, in: lead) }
            var best: (ind: Int, conf: Double, spec: Int, ruleIndex: Int, breakdown: Bool)?
            // The sentence before, in the same paragraph: context found there counts, with lower confidence.
            let previousSentence: Range<Int> = {
                let spans = blockSpans[site.block]
                guard let k = spans.firstIndex(where: { $0.lowerBound == sent.start }), k > 0 else { return sent.start..<sent.start }
                return spans[k - 1]
            }()
            /// The longest word of `ids` in `range` (the first of the longest).
            func longest(_ ids: [Int], in range: Range<Int>) -> Int? {
                var found: Int? = nil
                for id in ids where lookup.occurs(id, in: range) {
                    if let f = found, words.length(f) >= words.length(id) { continue }
                    found = id
                }
                return found
            }
            for ii in indicatorsByUnit[q.unit] ?? [] {
                if vetoed(indicators[ii].exclude) { continue }
                for (ri, rule) in indicators[ii].rules.enumerated() {
                    if vetoed(rule.exclude) { continue }
                    var spec = 0
                    var conf = 0.0
                    var usedBefore = false
                    if !rule.before.isEmpty {
                        usedBefore = true
                        guard let w = longest(rule.before, in: lead) else { continue }
                        spec += words.length(w) * 2
                        conf = lookup.occurs(w, in: nearLead) ? 0.9 : 0.8
                    }
                    if !rule.after.isEmpty {
                        guard let w = longest(rule.after, in: tail) else { continue }
                        spec += words.length(w) * 2
                        conf = max(conf, 0.85)
                    }
                    var contextOK = true
                    var contextInParagraph = false
                    for group in rule.context {
                        if let w = group.first(where: { lookup.occurs($0, in: sentRange) }) {
                            spec += words.length(w)
                        } else if let w = group.first(where: { lookup.occurs($0, in: previousSentence) }) {
                            // in the sentence before: weaker
                            contextInParagraph = true
                            spec += words.length(w)
                        } else { contextOK = false; break }
                    }
                    if !contextOK { continue }
                    if contextInParagraph { conf -= 0.15 }
                    conf -= 0.03 * Double(ri)
                    if q.chinese { conf -= 0.1 }
                    if narrow { conf -= 0.25 }
                    if site.fact.part == .shortcomings { conf -= 0.3 }
                    if total { conf += 0.03 }
                    conf = min(0.99, max(0, conf))
                    if best == nil || conf > best!.conf + 1e-9 || (abs(conf - best!.conf) < 1e-9 && spec > best!.spec) {
                        best = (ii, conf, spec, ri, usedBefore && breakdown)
                    }
                }
            }
            if let best, best.conf >= minimumConfidence {
                // How the best rule matched, in words (the same lookups as above, for this one rule).
                let rule = indicators[best.ind].rules[best.ruleIndex]
                var desc: [String] = []
                if !rule.before.isEmpty, let w = longest(rule.before, in: lead) { desc.append("before:" + Self.string(words.words[w])) }
                if !rule.after.isEmpty, let w = longest(rule.after, in: tail) { desc.append("after:" + Self.string(words.words[w])) }
                for group in rule.context {
                    if let w = group.first(where: { lookup.occurs($0, in: sentRange) }) {
                        desc.append("context:" + Self.string(words.words[w]))
                    } else if let w = group.first(where: { lookup.occurs($0, in: previousSentence) }) {
                        desc.append("previous-sentence:" + Self.string(words.words[w]))
                    }
                }
                candidates[best.ind, default: []].append(Candidate(site: fi, confidence: (best.conf * 100).rounded() / 100, rule: desc.joined(separator: " "),
                                                                   total: total, ruleIndex: best.ruleIndex, breakdown: best.breakdown))
            }
        }
        var chosen: [String: IndicatorValue] = [:]
        for ii in indicators.indices {
            guard var cands = candidates[ii], !cands.isEmpty else { continue }
            // Several different values for one indicator in one sentence: a breakdown after 其中 loses to the
            // total before it; a preferred phrasing (earlier rule) beats a weaker one; what is left with
            // different values is an enumeration of parts (10个…, 188个…), and unless exactly one is marked
            // as the total (共, 累计), none of them is the report's value.
            var bySentence: [Int: [Candidate]] = [:]
            for c in cands { bySentence[sites[c.site].sentence, default: []].append(c) }
            var dropped = Set<Int>()
            for (_, group0) in bySentence where Set(group0.map { sites[$0.site].fact.value }).count > 1 {
                var group = group0.sorted { sites[$0.site].position < sites[$1.site].position }
                for (k, c) in group.enumerated() where c.breakdown && k > 0 { dropped.insert(c.site) }
                group = group.filter { !dropped.contains($0.site) }
                let bestRule = group.map(\.ruleIndex).min() ?? 0
                for c in group where c.ruleIndex != bestRule { dropped.insert(c.site) }
                group = group.filter { !dropped.contains($0.site) }
                guard Set(group.map { sites[$0.site].fact.value }).count > 1 else { continue }
                let totals = group.filter(\.total)
                for c in group where !(totals.count == 1 && totals[0].site == c.site) { dropped.insert(c.site) }
            }
            let keptAll = cands
            cands = cands.filter { !dropped.contains($0.site) }
            guard !cands.isEmpty else { continue }
            cands.sort { a, b in
                if a.confidence != b.confidence { return a.confidence > b.confidence }
                let pa = Self.partRank(sites[a.site].fact.part), pb = Self.partRank(sites[b.site].fact.part)
                if pa != pb { return pa < pb }
                return sites[a.site].position < sites[b.site].position
            }
            let top = sites[cands[0].site].fact
            let alternatives = (cands.dropFirst() + keptAll.filter { dropped.contains($0.site) })
                .map { IndicatorValue.Alternative(value: sites[$0.site].fact.value, anchor: sites[$0.site].fact.anchor) }
            chosen[indicatorIDs[ii]] = IndicatorValue(indicator: indicatorIDs[ii], value: top.value, unit: top.unit, qualifier: top.qualifier,
                                            anchor: top.anchor, confidence: cands[0].confidence, rule: cands[0].rule,
                                            alternatives: alternatives)
        }
        result.indicators = indicatorIDs.compactMap { chosen[$0] }

        // Rates against their parts.
        for def in rateChecks {
            guard let rate = chosen[def.id], rate.qualifier == .exact, let num = chosen[def.of], num.qualifier == .exact else { continue }
            let of = def.of
            let dens = def.per.compactMap { chosen[$0] }.filter { $0.qualifier == .exact && $0.value > 0 }
            guard !dens.isEmpty else { continue }
            let unitPlace = Self.lastPlace(rate.value)
            let ok = dens.contains { abs(100 * num.value / $0.value - rate.value) <= unitPlace + 1e-9 }
            if !ok {
                let d = dens[0]
                result.warnings.append("rate does not match its parts: \(def.id) \(Self.format(rate.value))% but \(of) \(Self.format(num.value)) / \(d.indicator) \(Self.format(d.value)) = \(Self.format((10000 * num.value / d.value).rounded() / 100))% (\(rate.anchor))")
            }
        }

        // Sections and their themes.
        for (bi, b) in blocks.enumerated() {
            guard case .heading(let level) = b.kind, let rank = headingRanks[bi] else { continue }
            var themes: [String] = []
            if level > 1 {
                var end = bi + 1
                while end < blocks.count {
                    if case .heading(let l) = blocks[end].kind, l <= level { break }
                    end += 1
                }
                var scores: [(Int, Int)] = []
                for ti in 0..<themeCount {
                    var score = 3 * Int(themeHits[bi * themeCount + ti])
                    for k in (bi + 1)..<max(bi + 1, end) { score += Int(themeHits[k * themeCount + ti]) }
                    if score > 0 { scores.append((ti, score)) }
                }
                scores.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
                if let top = scores.first?.1 {
                    themes = scores.filter { $0.1 >= 3 && Double($0.1) >= 0.35 * Double(top) }.prefix(3).map { catalog.themes[$0.0].id }
                }
            }
            result.sections.append(SectionInfo(anchor: Anchors.headingID(index: rank), heading: b.text, level: level,
                                               part: parts[bi], themes: themes))
        }
        return result
    }

    // MARK: - Helpers

    static func string(_ s: [S], _ r: Range<Int>) -> String { string(s, r, s, 0..<0) }

    /// `s[r] + t[u]` as one String (`Graphemes.string`).
    static func string(_ s: [S], _ r: Range<Int>, _ t: [S], _ u: Range<Int>) -> String { Graphemes.string(s[r], t[u]) }

    /// A scalar that is a whole grapheme cluster next to any other such scalar, and compares equal only to
    /// itself (ASCII but CR, Latin-1, general and CJK punctuation, CJK ideographs, full-width forms). Over text
    /// made of these, String's character operations (hasPrefix, count, drop, contains) are scalar operations.
    @inline(__always) static func isSimple(_ c: S) -> Bool {
        let v = c.value
        switch v {
        case 0x4E00...0x9FFF, 0x20...0x7E, 0xFF01...0xFF65, 0x3000...0x3029, 0x3030...0x303F, 0x2010...0x2027,
             0x2030...0x205E, 0x3400...0x4DBF, 0xA0...0xFF, 0x09, 0x0A:
            return true
        default:
            return false
        }
    }

    static func allSimple(_ s: [S], _ r: Range<Int>) -> Bool {
        for i in r where !isSimple(s[i]) { return false }
        return true
    }

    /// Does `w` occur in `s[r]`?
    static func find(_ s: [S], _ r: Range<Int>, _ w: [S]) -> Bool {
        Occurrence.first(w, in: s, from: r.lowerBound, to: r.upperBound) != nil
    }

    static func hasPrefix(_ s: [S], _ r: Range<Int>, _ w: [S]) -> Bool {
        guard r.count >= w.count else { return false }
        for k in 0..<w.count where s[r.lowerBound + k] != w[k] { return false }
        return true
    }

    static func hasSuffix(_ s: [S], _ r: Range<Int>, _ w: [S]) -> Bool {
        guard r.count >= w.count else { return false }
        let a = r.upperBound - w.count
        for k in 0..<w.count where s[a + k] != w[k] { return false }
        return true
    }

    static func scalars(_ list: [String]) -> [[S]] { list.map { Array($0.unicodeScalars) } }

    /// The unicode scalars of `text`, decoded from its UTF-8 in one pass (a String's UTF-8 is always valid).
    static func scalars(of text: String) -> [S] {
        var t = text
        return t.withUTF8 { u in
            [S](unsafeUninitializedCapacity: u.count) { buf, count in
                var i = 0, k = 0
                let n = u.count
                while i < n {
                    let b0 = UInt32(u[i])
                    var v: UInt32
                    if b0 < 0x80 {
                        v = b0; i += 1
                    } else if b0 < 0xE0 {
                        v = (b0 & 0x1F) << 6 | UInt32(u[i + 1] & 0x3F); i += 2
                    } else if b0 < 0xF0 {
                        v = (b0 & 0x0F) << 12 | UInt32(u[i + 1] & 0x3F) << 6 | UInt32(u[i + 2] & 0x3F); i += 3
                    } else {
                        v = (b0 & 0x07) << 18 | UInt32(u[i + 1] & 0x3F) << 12 | UInt32(u[i + 2] & 0x3F) << 6 | UInt32(u[i + 3] & 0x3F); i += 4
                    }
                    buf[k] = Unicode.Scalar(v) ?? "\u{FFFD}"
                    k += 1
                }
                count = k
            }
        }
    }
    static func string(_ s: [S]) -> String { string(s, 0..<s.count) }

    static func place(_ path: [String]) -> String { path.isEmpty ? "" : " (in " + path.joined(separator: " › ") + ")" }

    static func partRank(_ p: ReportPart) -> Int {
        switch p { case .results: 0; case .duties: 1; case .other: 2; case .shortcomings: 3; case .plan: 4 }
    }

    /// 1 in the last decimal place of a rate as written (96.9 → 0.1, 90 → 1).
    static func lastPlace(_ v: Double) -> Double {
        var p = 1.0
        for _ in 0..<4 {
            let x = v / p
            if abs(x - x.rounded()) < 1e-6 { return p }
            p /= 10
        }
        return p
    }

    static func format(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        let r = (v * 100).rounded() / 100
        return String(r)
    }

    /// The year in a title: the first 19xx/20xx followed by 年.
    static func year(in text: String) -> Int? {
        let s = Array(text.unicodeScalars)
        var i = 0
        while i + 4 < s.count {
            if (0..<4).allSatisfy({ NumberGrammar.isDigit(s[i + $0]) }), s[i + 4] == "年", i == 0 || !NumberGrammar.isDigit(s[i - 1]) {
                let y = (0..<4).reduce(0) { $0 * 10 + Int(s[i + $1].value - 0x30) }
                if (1990...2099).contains(y) { return y }
            }
            i += 1
        }
        return nil
    }

    static func contains(_ text: String, _ words: [String]) -> Bool { words.contains { text.contains($0) } }

    static let planHeadingWords = scalars(["安排", "工作计划", "下一步", "工作思路", "打算", "下一年", "明年", "今后", "展望"])
    static let shortcomingHeadingWords = scalars(["不足", "存在的问题", "存在问题", "主要问题", "短板", "差距", "薄弱环节"])
    static let dutyHeadingWords = scalars(["第一责任人", "党政主要负责人", "主要负责人履行"])
    static let otherHeadingWords = scalars(["其他", "其它", "生效裁判", "需要报告"])
    static let resultHeadingWords = scalars(["工作情况", "举措", "成效", "做法", "主要工作", "工作开展", "进展"])

    static func yearWord(_ y: Int) -> [S] { Array("\(y)年".unicodeScalars) }

    /// The part a level-2 heading opens, when its words say so.
    static func part(forHeading text: String, reportYear: Int? = nil) -> ReportPart? {
        let s = Array(text.unicodeScalars)
        guard allSimple(s, 0..<s.count) else { return partSlow(forHeading: text, reportYear: reportYear) }
        let all = 0..<s.count
        func any(_ words: [[S]]) -> Bool { words.contains { find(s, all, $0) } }
        if any(planHeadingWords) { return .plan }
        if let y = reportYear, find(s, all, yearWord(y + 1)) { return .plan }
        if any(shortcomingHeadingWords) { return .shortcomings }
        if any(dutyHeadingWords) { return .duties }
        if any(otherHeadingWords) { return .other }
        if any(resultHeadingWords) { return .results }
        return nil
    }

    /// `part(forHeading:)` with String operations, for text with combining marks and the like.
    static func partSlow(forHeading text: String, reportYear: Int? = nil) -> ReportPart? {
        if contains(text, ["安排", "工作计划", "下一步", "工作思路", "打算", "下一年", "明年", "今后", "展望"]) { return .plan }
        if let y = reportYear, text.contains("\(y + 1)年") { return .plan }
        if contains(text, ["不足", "存在的问题", "存在问题", "主要问题", "短板", "差距", "薄弱环节"]) { return .shortcomings }
        if contains(text, ["第一责任人", "党政主要负责人", "主要负责人履行"]) { return .duties }
        if contains(text, ["其他", "其它", "生效裁判", "需要报告"]) { return .other }
        if contains(text, ["工作情况", "举措", "成效", "做法", "主要工作", "工作开展", "进展"]) { return .results }
        return nil
    }

    static let planOpenings = scalars(["下一步", "今后", "明年", "新的一年"])
    static let stillWords = scalars(["仍存在", "还存在", "也存在", "尚存在", "仍有", "存在一些", "存在不少"])
    static let problemWords = scalars(["问题", "不足", "短板", "差距", "薄弱"])

    /// Unnumbered paragraphs that open a part (武冈: "2023年,我市…仍存在一些问题和不足" then "2024年,我市将…").
    static func part(forParagraph text: String, current: ReportPart, reportYear: Int?) -> ReportPart? {
        // Only the first 60 characters count (61 scalars checked: a mark after the 60th would join it).
        var s: [S] = []
        s.reserveCapacity(61)
        for c in text.unicodeScalars {
            s.append(c)
            if s.count == 61 { break }
        }
        guard allSimple(s, 0..<s.count) else { return partSlow(forParagraph: text, current: current, reportYear: reportYear) }
        let head = 0..<min(60, s.count)
        var a = 0
        while a < head.upperBound, s[a] == " " || s[a] == "\u{3000}" { a += 1 }
        let stripped = a..<head.upperBound
        if planOpenings.contains(where: { hasPrefix(s, stripped, $0) }) { return .plan }
        if let y = reportYear, hasPrefix(s, stripped, yearWord(y + 1)), find(s, 0..<min(30, head.upperBound), ["将"]) { return .plan }
        if current == .results {
            // the first run without 。；; (leading ones skipped), or the whole head when there is none
            var lo = 0
            while lo < head.upperBound, s[lo] == "。" || s[lo] == "；" || s[lo] == ";" { lo += 1 }
            var hi = lo
            while hi < head.upperBound, !(s[hi] == "。" || s[hi] == "；" || s[hi] == ";") { hi += 1 }
            let first = lo < hi ? lo..<hi : head
            if stillWords.contains(where: { find(s, first, $0) }), problemWords.contains(where: { find(s, first, $0) }) { return .shortcomings }
        }
        return nil
    }

    /// `part(forParagraph:)` with String operations, for text with combining marks and the like.
    static func partSlow(forParagraph text: String, current: ReportPart, reportYear: Int?) -> ReportPart? {
        let head = String(text.prefix(60))
        let stripped = head.drop { $0 == " " || $0 == "\u{3000}" }
        if stripped.hasPrefix("下一步") || stripped.hasPrefix("今后") || stripped.hasPrefix("明年") || stripped.hasPrefix("新的一年") { return .plan }
        if let y = reportYear, stripped.hasPrefix("\(y + 1)年"), head.prefix(30).contains("将") { return .plan }
        if current == .results {
            let firstSentence = head.split(whereSeparator: { "。；;".contains($0) }).first.map(String.init) ?? head
            if contains(firstSentence, ["仍存在", "还存在", "也存在", "尚存在", "仍有", "存在一些", "存在不少"]),
               contains(firstSentence, ["问题", "不足", "短板", "差距", "薄弱"]) { return .shortcomings }
        }
        return nil
    }

    static let terminators: Set<S> = ["。", "！", "？", "；", ";", "!", "?"]
    static let closers: Set<S> = ["”", "’", "」", "』", "）", ")", "】", "》"]
    static let delimiters: Set<S> = ["，", ",", "、", "；", ";", "：", ":", "。", "！", "？", "!", "?"]

    // The sets above as switches (no hashing in the scans).
    @inline(__always) static func isTerminator(_ c: S) -> Bool {
        switch c { case "。", "！", "？", "；", ";", "!", "?": return true; default: return false }
    }
    @inline(__always) static func isCloser(_ c: S) -> Bool {
        switch c { case "”", "’", "」", "』", "）", ")", "】", "》": return true; default: return false }
    }
    @inline(__always) static func isDelimiter(_ c: S) -> Bool {
        switch c { case "，", ",", "、", "；", ";", "：", ":", "。", "！", "？", "!", "?": return true; default: return false }
    }

    /// Sentence spans of a block: split after 。！？；; (with closing quotes); leading spaces dropped.
    static func sentences(_ s: [S]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = 0
        var i = 0
        func push(_ end: Int) {
            var a = start
            while a < end, NumberGrammar.isSpace(s[a]) { a += 1 }
            var b = end
            while b > a, NumberGrammar.isSpace(s[b - 1]) { b -= 1 }
            if a < b { out.append(a..<b) }
        }
        while i < s.count {
            if isTerminator(s[i]) {
                var e = i + 1
                while e < s.count, isCloser(s[e]) { e += 1 }
                push(e)
                start = e; i = e
            } else { i += 1 }
        }
        push(s.count)
        return out
    }

    /// Start of the clause that contains position `pos` (not before `lower`). Short brackets without digits
    /// (社区) are part of the clause; longer ones bound it.
    static func clauseStart(_ s: [S], _ lower: Int, _ pos: Int) -> Int {
        var k = pos - 1
        while k >= lower {
            let c = s[k]
            if isDelimiter(c) || c == "(" || c == "（" { return k + 1 }
            if c == ")" || c == "）" {
                var m = k - 1
                var ok = false
                while m >= lower, k - m <= 8 {
                    if NumberGrammar.isDigit(s[m]) { break }
                    if s[m] == "(" || s[m] == "（" { ok = true; break }
                    m -= 1
                }
                if ok { k = m - 1; continue }
                return k + 1
            }
            k -= 1
        }
        return lower
    }

    /// End of the words after a number: the clause end, or the next number.
    static func tailEnd(_ s: [S], _ from: Int, _ upper: Int, next: Int?) -> Int {
        let limit = min(upper, next ?? upper)
        var k = from
        while k < limit {
            let c = s[k]
            if isDelimiter(c) || c == ")" || c == "）" { return k }
            if c == "(" || c == "（" {
                var m = k + 1
                var ok = false
                while m < limit, m - k <= 8 {
                    if NumberGrammar.isDigit(s[m]) { break }
                    if s[m] == ")" || s[m] == "）" { ok = true; break }
                    m += 1
                }
                if ok { k = m + 1; continue }
                return k
            }
            k += 1
        }
        return max(from, limit)
    }

    /// Spans inside 《…》 within `range`.
    static func titleRanges(_ s: [S], _ range: Range<Int>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var open: Int?
        for i in range {
            if s[i] == "《" { open = i } else if s[i] == "》", let o = open { out.append(o..<(i + 1)); open = nil }
        }
        return out
    }

    static let subjectPrefixes: [String] = ["今年以来", "今年", "全年", "年内", "目前", "同时", "其中", "累计", "共计", "合计", "总计", "共", "已", "先后", "并", "还", "均", "我区", "我市", "我县"]
    static let subjectSuffixes: [String] = ["达到", "共计", "合计", "累计", "总计", "达", "为", "共", "计", "有", "了", "总数"]

    static let subjectPrefixScalars = scalars(subjectPrefixes)
    static let subjectSuffixScalars = scalars(subjectSuffixes)

    /// The phrase a number counts: the words before it in its clause, trimmed, and the words after its unit.
    static func subject(_ s: [S], lead: Range<Int>, tail: Range<Int>) -> String {
        // Start after the last year in the words before (…工作办法》2024年审结行政复议申请 → 审结行政复议申请).
        var lo = lead.lowerBound
        var k = lead.lowerBound
        while k + 4 < lead.upperBound {
            if isDigit4Year(s, k) {
                lo = k + 5
                if lo < lead.upperBound, s[lo] == "度" { lo += 1 }
            }
            k += 1
        }
        guard allSimple(s, lo..<lead.upperBound) else { return subjectSlow(s, lead: lead, tail: tail) }
        // The same steps as `subjectSlow`, on scalar ranges (every scalar here is its own character).
        var a = lo..<lead.upperBound
        var changed = true
        while changed {
            changed = false
            if a.count >= 5, isDigit4Year(s, a.lowerBound) {
                a = (a.lowerBound + (a.count > 5 && s[a.lowerBound + 5] == "度" ? 6 : 5))..<a.upperBound; changed = true
            }
            while !a.isEmpty, s[a.lowerBound] == " " || s[a.lowerBound] == "," || s[a.lowerBound] == "，" || s[a.lowerBound] == "\u{3000}" {
                a = (a.lowerBound + 1)..<a.upperBound
            }
            for p in subjectPrefixScalars where hasPrefix(s, a, p) && a.count > p.count { a = (a.lowerBound + p.count)..<a.upperBound; changed = true; break }
            for p in subjectSuffixScalars where hasSuffix(s, a, p) && a.count > p.count { a = a.lowerBound..<(a.upperBound - p.count); changed = true; break }
        }
        if subjectPrefixScalars.contains(where: { $0.count == a.count && hasPrefix(s, a, $0) })
            || subjectSuffixScalars.contains(where: { $0.count == a.count && hasPrefix(s, a, $0) }) { a = a.lowerBound..<a.lowerBound }
        var t = tail
        while !t.isEmpty, NumberGrammar.isSpace(s[t.lowerBound]) { t = (t.lowerBound + 1)..<t.upperBound }
        while !t.isEmpty, NumberGrammar.isSpace(s[t.upperBound - 1]) { t = t.lowerBound..<(t.upperBound - 1) }
        while !a.isEmpty, NumberGrammar.isSpace(s[a.lowerBound]) { a = (a.lowerBound + 1)..<a.upperBound }
        while !a.isEmpty, NumberGrammar.isSpace(s[a.upperBound - 1]) { a = a.lowerBound..<(a.upperBound - 1) }
        return string(s, a, s, t)
    }

    /// Four ASCII digits then 年 at `k`.
    @inline(__always) static func isDigit4Year(_ s: [S], _ k: Int) -> Bool {
        k + 4 < s.count && NumberGrammar.isDigit(s[k]) && NumberGrammar.isDigit(s[k + 1]) && NumberGrammar.isDigit(s[k + 2])
            && NumberGrammar.isDigit(s[k + 3]) && s[k + 4] == "年"
    }

    /// `subject` with String operations, for text with combining marks and the like.
    static func subjectSlow(_ s: [S], lead: Range<Int>, tail: Range<Int>) -> String {
        // Start after the last year in the words before (…工作办法》2024年审结行政复议申请 → 审结行政复议申请).
        var lo = lead.lowerBound
        var k = lead.lowerBound
        while k + 4 < lead.upperBound {
            // (a year glued to digits, 6472024年, counts too: what stands before it is damaged)
            if (0..<4).allSatisfy({ NumberGrammar.isDigit(s[k + $0]) }), s[k + 4] == "年" {
                lo = k + 5
                if lo < lead.upperBound, s[lo] == "度" { lo += 1 }
            }
            k += 1
        }
        var a = string(s, lo..<lead.upperBound)
        // a leading year: 2024年, 2024年度
        var changed = true
        while changed {
            changed = false
            let sc = Array(a.unicodeScalars)
            if sc.count >= 5, (0..<4).allSatisfy({ NumberGrammar.isDigit(sc[$0]) }), sc[4] == "年" {
                a = string(sc, (sc.count > 5 && sc[5] == "度" ? 6 : 5)..<sc.count); changed = true
            }
            a = String(a.drop { $0 == " " || $0 == "," || $0 == "，" || $0 == "\u{3000}" })
            for p in subjectPrefixes where a.hasPrefix(p) && a.count > p.count { a = String(a.dropFirst(p.count)); changed = true; break }
            for p in subjectSuffixes where a.hasSuffix(p) && a.count > p.count { a = String(a.dropLast(p.count)); changed = true; break }
        }
        let t = string(s, tail).trimmingSpaces
        if subjectPrefixes.contains(a) || subjectSuffixes.contains(a) { a = "" }
        return (a.trimmingSpaces + t)
    }
}

extension String {
    var trimmingSpaces: String {
        let sc = Array(unicodeScalars)
        var a = 0, b = sc.count
        while a < b, NumberGrammar.isSpace(sc[a]) { a += 1 }
        while b > a, NumberGrammar.isSpace(sc[b - 1]) { b -= 1 }
        return FactExtractor.string(sc, a..<b)
    }
}
