import FazhiModel

/// Finds every quantity in a report's blocks and matches them to the catalog's indicators.
///
/// The catalog's rules are compiled once in `init`; `extract` scans unicode scalars (no regular expressions).
public struct FactExtractor: Sendable {
    public let catalog: Catalog
    let grammar: NumberGrammar
    let words: WordIndex
    let indicators: [CompiledIndicator]
    let themeKeywords: [[Int]]
    let subsetIDs: [Int]
    let narrowIDs: [Int]
    let breakdownIDs: [Int]
    let totalIDs: [Int]
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
        self.themeKeywords = catalog.themes.map { flat($0.keywords) }
        self.subsetIDs = flat(catalog.subsetWords)
        self.narrowIDs = flat(catalog.narrowWords)
        self.breakdownIDs = flat(catalog.breakdownWords)
        self.totalIDs = flat(["共", "累计", "合计", "总计", "总数"])
        self.words = w
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
        var position = 0
        for (bi, b) in blocks.enumerated() {
            let s = Array(b.text.unicodeScalars)
            blockScalars.append(s)
            blockHits.append(words.hits(s, 0..<s.count))
            let (quantities, warns) = grammar.scan(s)
            for w in warns { result.warnings.append(w + Self.place(paths[bi])) }
            let spans = quantities.isEmpty ? [] : Self.sentences(s)
            blockSpans.append(spans)
            if quantities.isEmpty { continue }
            var utf8Prefix: [Int] = [0]
            utf8Prefix.reserveCapacity(s.count + 1)
            for c in s { utf8Prefix.append(utf8Prefix.last! + UTF8.width(c)) }
            var sentenceIndexOfSpan: [Int: Int] = [:]
            for q in quantities {
                guard let si = spans.firstIndex(where: { $0.lowerBound <= q.start && q.end <= $0.upperBound }) else { continue }
                let span = spans[si]
                let sentenceText = Self.string(s, span)
                let gi: Int
                if let g = sentenceIndexOfSpan[si] { gi = g } else {
                    var sent = Sentence(block: bi, start: span.lowerBound, end: span.upperBound)
                    if let rank = headingRanks[bi] {
                        sent.anchor = Anchors.headingID(index: rank)
                    } else {
                        let id = Anchors.sentenceID(for: sentenceText, taken: &taken)
                        sent.anchor = id
                        result.sentenceAnchors.append(SentenceAnchor(block: bi, utf8Offset: utf8Prefix[span.lowerBound], id: id))
                    }
                    sentences.append(sent)
                    gi = sentences.count - 1
                    sentenceIndexOfSpan[si] = gi
                }
                let prevEnd = sites.last.flatMap { $0.block == bi && $0.sentence == gi ? $0.quantity.end : nil } ?? span.lowerBound
                let subject = Self.subject(s, lead: max(prevEnd, Self.clauseStart(s, span.lowerBound, q.start))..<q.start,
                                           tail: q.end..<Self.tailEnd(s, q.end, span.upperBound, next: quantities.first { $0.start >= q.end }?.start))
                let fact = Fact(value: q.value, unit: q.unit, qualifier: q.qualifier, text: Self.string(s, q.start..<q.end),
                                subject: subject, part: parts[bi], section: paths[bi], anchor: sentences[gi].anchor ?? "",
                                sentence: sentenceText)
                sites.append(FactSite(fact: fact, block: bi, sentence: gi, quantity: q, position: position))
                position += 1
            }
        }
        result.facts = sites.map(\.fact)

        // Indicators.
        var candidates: [Int: [Candidate]] = [:]   // indicator index → candidates
        for (fi, site) in sites.enumerated() where site.fact.part != .plan {
            let s = blockScalars[site.block]
            let hits = blockHits[site.block]
            let sent = sentences[site.sentence]
            let q = site.quantity
            let sentRange = sent.start..<sent.end
            let clauseLo = Self.clauseStart(s, sent.start, q.start)
            let lead = clauseLo..<q.start
            let prev = sites[..<fi].last { $0.block == site.block && $0.sentence == site.sentence }?.quantity.end ?? sent.start
            let nearLead = max(clauseLo, prev)..<q.start
            let next = sites[(fi + 1)...].first { $0.block == site.block && $0.sentence == site.sentence }?.quantity.start
            let tail = q.end..<Self.tailEnd(s, q.end, sent.end, next: next)
            // Words inside book titles (《…行政诉讼应诉工作办法》) name documents: they veto nothing.
            let titles = Self.titleRanges(s, sentRange)
            func vetoed(_ ids: [Int]) -> Bool {
                ids.contains { hits.occurs($0, in: lead, outside: titles) || hits.occurs($0, in: tail, outside: titles) }
            }
            if subsetIDs.contains(where: { hits.occurs($0, in: lead) }) { continue }
            let narrow = narrowIDs.contains { hits.occurs($0, in: sentRange) }
            let total = totalIDs.contains { hits.occurs($0, in: lead) }
            let breakdown = breakdownIDs.contains { hits.occurs($0, in: lead) }
            var best: (ind: Int, conf: Double, spec: Int, rule: String, ruleIndex: Int, breakdown: Bool)?
            // The sentence before, in the same paragraph: context found there counts, with lower confidence.
            let previousSentence: Range<Int> = {
                let spans = blockSpans[site.block]
                guard let k = spans.firstIndex(where: { $0.lowerBound == sent.start }), k > 0 else { return sent.start..<sent.start }
                return spans[k - 1]
            }()
            for (ii, ind) in indicators.enumerated() where ind.units.contains(q.unit) {
                if vetoed(ind.exclude) { continue }
                for (ri, rule) in ind.rules.enumerated() {
                    if vetoed(rule.exclude) { continue }
                    var spec = 0
                    var desc: [String] = []
                    var conf = 0.0
                    var usedBefore = false
                    if !rule.before.isEmpty {
                        usedBefore = true
                        guard let w = rule.before.filter({ hits.occurs($0, in: lead) }).max(by: { words.length($0) < words.length($1) }) else { continue }
                        spec += words.length(w) * 2
                        desc.append("before:" + Self.string(words.words[w]))
                        conf = hits.occurs(w, in: nearLead) ? 0.9 : 0.8
                    }
                    if !rule.after.isEmpty {
                        guard let w = rule.after.filter({ hits.occurs($0, in: tail) }).max(by: { words.length($0) < words.length($1) }) else { continue }
                        spec += words.length(w) * 2
                        desc.append("after:" + Self.string(words.words[w]))
                        conf = max(conf, 0.85)
                    }
                    var contextOK = true
                    var contextInParagraph = false
                    for group in rule.context {
                        if let w = group.first(where: { hits.occurs($0, in: sentRange) }) {
                            spec += words.length(w)
                            desc.append("context:" + Self.string(words.words[w]))
                        } else if let w = group.first(where: { hits.occurs($0, in: previousSentence) }) {
                            // in the sentence before: weaker
                            contextInParagraph = true
                            spec += words.length(w)
                            desc.append("previous-sentence:" + Self.string(words.words[w]))
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
                        best = (ii, conf, spec, desc.joined(separator: " "), ri, usedBefore && breakdown)
                    }
                }
            }
            if let best, best.conf >= minimumConfidence {
                candidates[best.ind, default: []].append(Candidate(site: fi, confidence: (best.conf * 100).rounded() / 100, rule: best.rule,
                                                                   total: total, ruleIndex: best.ruleIndex, breakdown: best.breakdown))
            }
        }
        var chosen: [String: IndicatorValue] = [:]
        for (ii, ind) in indicators.enumerated() {
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
            chosen[ind.id] = IndicatorValue(indicator: ind.id, value: top.value, unit: top.unit, qualifier: top.qualifier,
                                            anchor: top.anchor, confidence: cands[0].confidence, rule: cands[0].rule,
                                            alternatives: alternatives)
        }
        result.indicators = catalog.indicators.compactMap { chosen[$0.id] }

        // Rates against their parts.
        for def in catalog.indicators {
            guard let of = def.rateOf, let rate = chosen[def.id], rate.qualifier == .exact,
                  let num = chosen[of], num.qualifier == .exact else { continue }
            let dens = def.ratePer.compactMap { chosen[$0] }.filter { $0.qualifier == .exact && $0.value > 0 }
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
                for (ti, kws) in themeKeywords.enumerated() {
                    var score = 0
                    for w in kws {
                        score += 3 * blockHits[bi].count(w)
                        for k in (bi + 1)..<max(bi + 1, end) { score += blockHits[k].count(w) }
                    }
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

    static func string(_ s: [S], _ r: Range<Int>) -> String {
        var u = String.UnicodeScalarView(); u.append(contentsOf: s[r]); return String(u)
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

    /// The part a level-2 heading opens, when its words say so.
    static func part(forHeading text: String, reportYear: Int? = nil) -> ReportPart? {
        if contains(text, ["安排", "工作计划", "下一步", "工作思路", "打算", "下一年", "明年", "今后", "展望"]) { return .plan }
        if let y = reportYear, text.contains("\(y + 1)年") { return .plan }
        if contains(text, ["不足", "存在的问题", "存在问题", "主要问题", "短板", "差距", "薄弱环节"]) { return .shortcomings }
        if contains(text, ["第一责任人", "党政主要负责人", "主要负责人履行"]) { return .duties }
        if contains(text, ["其他", "其它", "生效裁判", "需要报告"]) { return .other }
        if contains(text, ["工作情况", "举措", "成效", "做法", "主要工作", "工作开展", "进展"]) { return .results }
        return nil
    }

    /// Unnumbered paragraphs that open a part (武冈: "2023年,我市…仍存在一些问题和不足" then "2024年,我市将…").
    static func part(forParagraph text: String, current: ReportPart, reportYear: Int?) -> ReportPart? {
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
            if terminators.contains(s[i]) {
                var e = i + 1
                while e < s.count, closers.contains(s[e]) { e += 1 }
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
            if delimiters.contains(c) || c == "(" || c == "（" { return k + 1 }
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
            if delimiters.contains(c) || c == ")" || c == "）" { return k }
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

    /// The phrase a number counts: the words before it in its clause, trimmed, and the words after its unit.
    static func subject(_ s: [S], lead: Range<Int>, tail: Range<Int>) -> String {
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
