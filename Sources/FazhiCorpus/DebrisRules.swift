/// Web-page debris: lines of a scraped copy that are the page, not the report.
///
/// Every rule describes a whole line (after normalisation: ASCII digits, single spaces, trimmed), so a report
/// sentence that merely mentions 打印 or 分享 is never dropped. Most rules are "a label, then a little text":
/// a `.labelled` rule says which labels open the line, what may follow the label (a colon, required or not)
/// and how many characters may follow after that. The few other shapes are spelled out below, each with the
/// regular expression it implements (the rules were regular expressions; the scanning is the same language).
/// Add rules here; nowhere else.
struct DebrisRule: Sendable {
    /// What the rule removes (used in tests and when explaining a drop).
    let name: String
    let shape: DebrisShape

    init(_ name: String, _ shape: DebrisShape) {
        self.name = name
        self.shape = shape
    }

    func matches(_ line: Scalars) -> Bool { shape.matches(line) }
}

/// What may follow a rule's label.
enum AfterLabel: Sendable {
    /// `label.{0,n}`: the text goes straight on.
    case text
    /// `label ?[:：]?.{0,n}`: an optional space and colon.
    case optionalColon
    /// `label ?[:：].{0,n}`: a colon (after an optional space) is required.
    case colon
    /// `label(?: ?[:：].{0,n})?`: the label alone, or a colon and text.
    case aloneOrColon
    /// `label ?[>＞»/] ?.{0,n}`: a breadcrumb separator is required, optional spaces around it.
    case breadcrumbSeparator
}

/// A list of words (labels, markers), kept as scalars for scanning; written as an array of strings.
struct Words: Sendable, ExpressibleByArrayLiteral {
    let list: [[Unicode.Scalar]]
    init(arrayLiteral words: String...) { list = Scan.scalars(words) }
}

enum DebrisShape: Sendable {
    /// A line opening with one of `labels`, then `after`, then at most `tail` characters (nil: any number).
    case labelled(Words, AfterLabel, tail: Int?)
    /// `"中国政府网 | 山西省政府网 | 长治市政府网"`: two or more names ending in 网 (1–16 characters each,
    /// without a bar), separated by bars: `[^|｜]{1,16}网(?: ?[|｜] ?[^|｜]{1,16}网)+ ?[|｜]?`.
    case siteLinkBar
    /// `中国政府网`, or up to 10 non-space characters then 省/市/区/县政府网: `(?:中国政府网|\S{1,10}(?:省|市|区|县)政府网)`.
    case governmentSite
    /// Three size buttons, bracketed or not: `(?:[【\[]?[大中小][】\]]? ?){3}`.
    case fontSizeButtons
    /// One or more of `words`, each followed by an optional space: `(?:(?:word|…) ?)+`.
    case wordRun(Words)
    /// One of `words`, then more of them, each after a bar with optional spaces around it:
    /// `(?:word|…)(?: ?[|｜] ?(?:word|…)){min-1,}`.
    case barList(Words, min: Int)
    /// One of the labels, then any number of `words`, each after an optional space, bar and space:
    /// `label(?: ?[|｜]? ?(?:word|…))*`.
    case labelThenWords(Words, Words)
    /// A marker anywhere, with at most `around` characters before and after it: `.{0,n}(?:marker|…).{0,n}`.
    case markerWithin(Words, around: Int)
    /// A marker, optionally in 【】: `【?(?:marker|…)】?`.
    case optionallyBracketed(Words)
    /// A page date line: `(?:发布|更新|发表)?(?:时间|日期) ?[:：] ?\d{4} ?[-年./] ?\d{1,2} ?[-月./] ?\d{1,2}.{0,100}`.
    case pageDate
    /// A line that is only a URL: `(?:https?://|www\.)\S+`.
    case url

    func matches(_ s: Scalars) -> Bool {
        switch self {
        case .labelled(let labels, let after, let tail):
            return DebrisScan.labelled(s, labels: labels.list, after: after, tail: tail)
        case .siteLinkBar: return DebrisScan.siteLinkBar(s)
        case .governmentSite: return DebrisScan.governmentSite(s)
        case .fontSizeButtons: return DebrisScan.fontSizeButtons(s)
        case .wordRun(let words): return DebrisScan.wordRun(s, words.list)
        case .barList(let words, let min): return DebrisScan.barList(s, words.list, min: min)
        case .labelThenWords(let labels, let words):
            return labels.list.contains { label in
                Scan.has(label, in: s, at: s.startIndex) && DebrisScan.wordsAfterLabel(s, from: s.startIndex + label.count, words.list)
            }
        case .markerWithin(let markers, let around): return DebrisScan.markerWithin(s, markers.list, around: around)
        case .optionallyBracketed(let markers): return DebrisScan.optionallyBracketed(s, markers.list)
        case .pageDate: return DebrisScan.pageDate(s)
        case .url: return DebrisScan.url(s)
        }
    }
}

enum DebrisRules {
    static let rules: [DebrisRule] = [
        // Link bars: "中国政府网 | 山西省政府网 | 长治市政府网".
        DebrisRule("link-bar", .siteLinkBar),
        DebrisRule("link-bar", .governmentSite),
        // Date widget.
        DebrisRule("date-widget", .labelled(["今天是"], .text, tail: 30)),
        DebrisRule("hot-search", .labelled(["热点查询", "热点搜索", "热点关注"], .aloneOrColon, tail: 60)),
        DebrisRule("search", .labelled(["搜索", "站内搜索", "请输入关键字", "请输入关键词"], .aloneOrColon, tail: 30)),
        // Breadcrumbs.
        DebrisRule("breadcrumb", .labelled(["当前位置", "您现在所在的位置", "您所在的位置", "您的位置", "您当前的位置", "您当前所在位置",
                                            "当前所在位置", "所在位置", "现在位置"], .colon, tail: nil)),
        DebrisRule("breadcrumb", .labelled(["首页"], .breadcrumbSeparator, tail: 80)),
        // Font size and print widgets.
        DebrisRule("font-size", .labelled(["字体大小", "字体"], .optionalColon, tail: 30)),
        DebrisRule("font-size", .fontSizeButtons),
        DebrisRule("print-close", .wordRun(["保存为word", "保存为WORD", "保存为Word", "打印本页", "打印此页", "打印", "关闭本页", "关闭窗口",
                                            "关闭", "我要打印", "收藏本页", "收藏", "纠错", "【打印】", "【关闭】", "【打印本页】", "【关闭窗口】",
                                            "[打印]", "[关闭]", "【收藏】", "【纠错】"])),
        DebrisRule("share", .labelled(["分享到"], .optionalColon, tail: 40)),
        DebrisRule("share", .labelled(["扫一扫"], .text, tail: 24)),
        DebrisRule("attachment", .labelled(["附件", "相关附件"], .optionalColon, tail: 0)),
        // Site footer.
        DebrisRule("footer", .labelled(["主办", "承办", "协办", "主管"], .colon, tail: 80)),
        DebrisRule("footer", .labelled(["主办单位", "承办单位", "协办单位", "主管单位", "网站标识码", "联系电话", "联系方式", "联系地址", "技术支持",
                                        "运维单位", "维护单位", "网站地图", "联系我们", "建议使用", "版权所有", "地址"], .colon, tail: nil)),
        DebrisRule("footer", .labelled(["版权所有", "Copyright", "copyright", "COPYRIGHT", "©"], .text, tail: 100)),
        DebrisRule("footer", .markerWithin(["ICP备", "ICP证", "备案号", "公网安备", "网站标识码"], around: 60)),
        DebrisRule("footer", .barList(["网站地图", "联系我们", "关于我们", "隐私声明", "网站声明"], min: 1)),
        DebrisRule("view-count", .labelled(["浏览次数", "阅读次数", "访问次数", "点击数", "点击量", "浏览量", "阅读量", "访问量"], .optionalColon, tail: 20)),
        DebrisRule("back-to-top", .optionallyBracketed(["返回顶部", "回到顶部", "返回首页", "TOP"])),
        DebrisRule("accessibility", .labelThenWords(["无障碍"], ["简体", "繁体", "繁體", "简体版", "繁体版", "长者模式", "关怀版", "适老化", "浏览"])),
        DebrisRule("accessibility", .barList(["简体", "繁体", "繁體"], min: 2)),
        DebrisRule("prev-next", .labelled(["上一篇", "下一篇", "上一条", "下一条"], .colon, tail: nil)),
        // Page date and source lines: "时间:2017-08-20 大 中 小 来源:长治日报", "发布时间:2025-03-13 11:19 来源:天门市司法局".
        DebrisRule("page-date", .pageDate),
        DebrisRule("page-date", .labelled(["来源", "信息来源", "文章来源"], .colon, tail: 40)),
        DebrisRule("page-date", .labelled(["作者", "编辑", "责任编辑", "审核", "审稿", "校对"], .colon, tail: 20)),
        // A line that is only a URL.
        DebrisRule("url", .url),
    ]

    /// The rules to try on a line, in the order of `rules`, by the line's first scalar: a rule whose every
    /// match begins with one of its labels (`labelled`, `labelThenWords`) is listed only under its labels' first
    /// scalars; `anyStart` has the other rules, and is what a line starting with no label's first scalar tries.
    /// Most lines are report text, which starts like no label: they skip two thirds of the rules unread.
    static let rulesByFirstScalar: (byScalar: [Unicode.Scalar: [DebrisRule]], anyStart: [DebrisRule]) = {
        func firstScalars(_ shape: DebrisShape) -> Set<Unicode.Scalar>? {
            switch shape {
            case .labelled(let labels, _, _), .labelThenWords(let labels, _):
                return labels.list.contains(where: \.isEmpty) ? nil : Set(labels.list.map { $0[0] })
            default: return nil
            }
        }
        let starts = rules.map { firstScalars($0.shape) }
        var byScalar: [Unicode.Scalar: [DebrisRule]] = [:]
        for scalar in Set(starts.compactMap { $0 }.joined()) {
            byScalar[scalar] = zip(rules, starts).filter { $0.1?.contains(scalar) ?? true }.map(\.0)
        }
        return (byScalar, zip(rules, starts).filter { $0.1 == nil }.map(\.0))
    }()

    /// The rule a line falls under, or nil if the line is not debris.
    static func match(_ line: String) -> DebrisRule? {
        let scalars = Array(line.unicodeScalars)[...]
        let index = rulesByFirstScalar
        let candidates = scalars.first.flatMap { index.byScalar[$0] } ?? index.anyStart
        guard let rule = candidates.first(where: { $0.matches(scalars) }) else { return nil }
        // Debris lines are short; report sentences that start like them are long. (Counted last: counting
        // characters costs more than ruling out the line.)
        return line.count <= 200 ? rule : nil
    }
}

/// The scanning behind each `DebrisShape`.
enum DebrisScan {
    static func labelled(_ s: Scalars, labels: [[Unicode.Scalar]], after: AfterLabel, tail: Int?) -> Bool {
        for label in labels where Scan.has(label, in: s, at: s.startIndex) {
            if afterLabel(s, from: s.startIndex + label.count, after, tail: tail) { return true }
        }
        return false
    }

    static func afterLabel(_ s: Scalars, from i: Int, _ after: AfterLabel, tail: Int?) -> Bool {
        switch after {
        case .text:
            return Scan.restIsAnyCharacters(s, from: i, max: tail)
        case .optionalColon:
            // Taking the optional space and colon when present only shortens the tail.
            var k = Scan.skipSpace(s, i)
            if Scan.isOne(of: Scan.colons, in: s, at: k) { k += 1 }
            return Scan.restIsAnyCharacters(s, from: k, max: tail)
        case .colon:
            let k = Scan.skipSpace(s, i)
            return Scan.isOne(of: Scan.colons, in: s, at: k) && Scan.restIsAnyCharacters(s, from: k + 1, max: tail)
        case .aloneOrColon:
            return i == s.endIndex || afterLabel(s, from: i, .colon, tail: tail)
        case .breadcrumbSeparator:
            let k = Scan.skipSpace(s, i)
            guard Scan.isOne(of: breadcrumbSeparators, in: s, at: k) else { return false }
            return Scan.restIsAnyCharacters(s, from: Scan.skipSpace(s, k + 1), max: tail)
        }
    }

    static let breadcrumbSeparators = Scan.scalarSet(">＞»/")
    static let 网: Unicode.Scalar = "网"

    /// One name of a link bar (`[^|｜]{1,16}网`) in `s[from..<to]`, with the optional spaces of the separators
    /// around it: a space at the start when `spaceBefore`, at the end when `spaceAfter`.
    static func isSiteName(_ s: Scalars, _ from: Int, _ to: Int, spaceBefore: Bool, spaceAfter: Bool) -> Bool {
        for dropFirst in spaceBefore ? [false, true] : [false] {
            for dropLast in spaceAfter ? [false, true] : [false] {
                let a = from + (dropFirst ? 1 : 0), b = to - (dropLast ? 1 : 0)
                if dropFirst && (a > to || s[from] != " ") { continue }
                if dropLast && (b < a || s[to - 1] != " ") { continue }
                let n = b - a
                if n >= 1, n <= 16, s[b - 1] == 网 { return true }
            }
        }
        return false
    }

    static func siteLinkBar(_ s: Scalars) -> Bool {
        // Names contain no bar, so the bars split the line into its names; a bar at the very end (after an
        // optional space) is the optional closing bar.
        var pieces: [(Int, Int)] = []
        var start = s.startIndex
        for k in s.indices where Scan.bars.contains(s[k]) { pieces.append((start, k)); start = k + 1 }
        pieces.append((start, s.endIndex))
        if pieces.count >= 2, pieces[pieces.count - 1].0 == pieces[pieces.count - 1].1 { pieces.removeLast() }
        guard pieces.count >= 2 else { return false }
        for (n, (a, b)) in pieces.enumerated() {
            let first = n == 0
            // The last name may be followed by the optional space before the closing bar (or the line end).
            if !isSiteName(s, a, b, spaceBefore: !first, spaceAfter: true) { return false }
        }
        return true
    }

    static let governmentSuffix = Scan.scalarSet("政府网")
    static let divisionMarks = Scan.scalarSet("省市区县")
    static let chinaGovernmentSite = Scan.scalarSet("中国政府网")

    static func governmentSite(_ s: Scalars) -> Bool {
        if s.elementsEqual(chinaGovernmentSite) { return true }
        let n = s.count
        guard n >= 5, Scan.has(governmentSuffix, in: s, at: s.endIndex - 3), divisionMarks.contains(s[s.endIndex - 4]) else { return false }
        let nameLength = n - 4
        return nameLength >= 1 && nameLength <= 10 && s[s.startIndex..<(s.endIndex - 4)].allSatisfy { !Scan.isSpace($0) }
    }

    static let openBrackets = Scan.scalarSet("【[")
    static let closeBrackets = Scan.scalarSet("】]")
    static let sizes = Scan.scalarSet("大中小")

    static func fontSizeButtons(_ s: Scalars) -> Bool {
        // Each optional part is taken when present: nothing else could start with it.
        var k = s.startIndex
        for _ in 0..<3 {
            if Scan.isOne(of: openBrackets, in: s, at: k) { k += 1 }
            guard Scan.isOne(of: sizes, in: s, at: k) else { return false }
            k += 1
            if Scan.isOne(of: closeBrackets, in: s, at: k) { k += 1 }
            k = Scan.skipSpace(s, k)
        }
        return k == s.endIndex
    }

    static func wordRun(_ s: Scalars, _ words: [[Unicode.Scalar]]) -> Bool {
        // Ends of the words read so far; a word may be a prefix of another (打印, 打印本页), so every end is kept.
        var reachable = Set<Int>()
        var pending = [s.startIndex]
        while let i = pending.popLast() {
            for w in words where Scan.has(w, in: s, at: i) {
                let end = Scan.skipSpace(s, i + w.count)
                for e in Set([i + w.count, end]) where reachable.insert(e).inserted { pending.append(e) }
            }
        }
        return reachable.contains(s.endIndex)
    }

    static func barList(_ s: Scalars, _ words: [[Unicode.Scalar]], min: Int) -> Bool {
        func rest(_ i: Int, _ count: Int) -> Bool {
            if i == s.endIndex { return count >= min }
            // ` ?[|｜] ?` then a word.
            let barAt = Scan.skipSpace(s, i)
            guard Scan.isOne(of: Scan.bars, in: s, at: barAt) else { return false }
            for start in Set([barAt + 1, Scan.skipSpace(s, barAt + 1)]) {
                for w in words where Scan.has(w, in: s, at: start) {
                    if rest(start + w.count, count + 1) { return true }
                }
            }
            return false
        }
        for w in words where Scan.has(w, in: s, at: s.startIndex) {
            if rest(s.startIndex + w.count, 1) { return true }
        }
        return false
    }

    /// `(?: ?[|｜]? ?(?:word|…))*` from `i` to the end of the line.
    static func wordsAfterLabel(_ s: Scalars, from i: Int, _ words: [[Unicode.Scalar]]) -> Bool {
        if i == s.endIndex { return true }
        var starts = Set<Int>()
        for a in Set([i, Scan.skipSpace(s, i)]) {
            var afterBar = [a]
            if Scan.isOne(of: Scan.bars, in: s, at: a) { afterBar.append(a + 1) }
            for b in afterBar { starts.insert(b); starts.insert(Scan.skipSpace(s, b)) }
        }
        for start in starts {
            for w in words where Scan.has(w, in: s, at: start) {
                if wordsAfterLabel(s, from: start + w.count, words) { return true }
            }
        }
        return false
    }

    static func markerWithin(_ s: Scalars, _ markers: [[Unicode.Scalar]], around: Int) -> Bool {
        var i = s.startIndex
        while i < s.endIndex, i - s.startIndex <= around {
            for m in markers where Scan.has(m, in: s, at: i) {
                if Scan.restIsAnyCharacters(s, from: i + m.count, max: around),
                   Scan.restIsAnyCharacters(s[..<i], from: s.startIndex, max: nil) { return true }
            }
            i += 1
        }
        return false
    }

    static func optionallyBracketed(_ s: Scalars, _ markers: [[Unicode.Scalar]]) -> Bool {
        var a = s.startIndex, b = s.endIndex
        if a < b, s[a] == "【" { a += 1 }
        if b > a, s[b - 1] == "】" { b -= 1 }
        let inner = s[a..<b]
        return markers.contains { inner.elementsEqual($0) }
    }

    static let pageDatePrefixes = Scan.scalars(["发布", "更新", "发表"])
    static let pageDateLabels = Scan.scalars(["时间", "日期"])
    static let yearSeparators = Scan.scalarSet("-年./")
    static let monthSeparators = Scan.scalarSet("-月./")

    static func pageDate(_ s: Scalars) -> Bool {
        var k = s.startIndex
        if let p = pageDatePrefixes.first(where: { Scan.has($0, in: s, at: k) }) { k += p.count }
        guard let label = pageDateLabels.first(where: { Scan.has($0, in: s, at: k) }) else { return false }
        k = Scan.skipSpace(s, k + label.count)
        guard Scan.isOne(of: Scan.colons, in: s, at: k) else { return false }
        k = Scan.skipSpace(s, k + 1)
        // \d{4} ?[-年./] ?\d{1,2} ?[-月./] ?\d{1,2}: digits are never separators or spaces, so each part is
        // taken greedily.
        guard Scan.run(in: s, from: k, limit: 4, Scan.isDigit) == 4 else { return false }
        k = Scan.skipSpace(s, k + 4)
        guard Scan.isOne(of: yearSeparators, in: s, at: k) else { return false }
        k = Scan.skipSpace(s, k + 1)
        let month = Scan.run(in: s, from: k, limit: 2, Scan.isDigit)
        guard month >= 1 else { return false }
        k = Scan.skipSpace(s, k + month)
        guard Scan.isOne(of: monthSeparators, in: s, at: k) else { return false }
        k = Scan.skipSpace(s, k + 1)
        let day = Scan.run(in: s, from: k, limit: 2, Scan.isDigit)
        guard day >= 1 else { return false }
        return Scan.restIsAnyCharacters(s, from: k + day, max: 100)
    }

    static let urlStarts = Scan.scalars(["http://", "https://", "www."])

    static func url(_ s: Scalars) -> Bool {
        for start in urlStarts where Scan.has(start, in: s, at: s.startIndex) {
            let rest = s[(s.startIndex + start.count)...]
            if !rest.isEmpty && rest.allSatisfy({ !Scan.isSpace($0) }) { return true }
        }
        return false
    }
}
