import FazhiModel

/// One quantity found in a run of text: a number with its unit and qualifier.
///
/// Conventions (documented in docs/catalog.md):
/// - values are in base units: 万/亿/千 multiply (2万余份 → 20000 份, 1.33亿元 → 133000000 元);
/// - percentages are 0–100 with unit `%` (百分之百 → 100 %); percentage points have unit `个百分点`;
/// - a ratio a:b (only after 比) has value a/b and unit `:1`;
/// - `text` spans the number as written with its qualifiers and unit (`约573.68万元`, `8名以上`).
public struct Quantity: Sendable, Equatable {
    public var value: Double
    public var unit: String
    public var qualifier: Qualifier
    /// Scalar offsets of `text` in the scanned scalars: start (pre-qualifier included) and end (exclusive).
    public var start: Int
    public var end: Int
    /// Scalar offset where the numeral itself starts.
    public var numberStart: Int
    /// Written in Chinese numerals (六十余场次).
    public var chinese: Bool
}

/// The number grammar: finds quantities in text, and never takes years, dates, plan periods, document
/// or index numbers, ordinals, slogan codes, phone numbers or numbers without a unit.
public struct NumberGrammar: Sendable {
    typealias S = Unicode.Scalar
    let notQuantities: [[S]]
    /// The first scalars of `notQuantities` (BMP), one bit each, for a quick "could one start here" test.
    let notQuantityFirstBits: [UInt64]
    /// A first scalar outside the BMP: every scalar there is tried.
    let notQuantityAstral: Bool

    public init(notQuantities: [String] = []) {
        self.notQuantities = notQuantities.flatMap { $0.split(separator: "|").map { Array(String($0).unicodeScalars) } }
        var bits = [UInt64](repeating: 0, count: 1024)
        var astral = false
        for w in self.notQuantities {
            guard let f = w.first?.value else { continue }
            if f < 0x10000 { bits[Int(f >> 6)] |= 1 << UInt64(f & 63) } else { astral = true }
        }
        self.notQuantityFirstBits = bits
        self.notQuantityAstral = astral
    }

    /// Convenience for tests and tools: the quantities of a string, with their text.
    public func quantities(in text: String) -> [(text: String, quantity: Quantity)] {
        let s = Array(text.unicodeScalars)
        return scan(s).quantities.map { q in
            var u = String.UnicodeScalarView(); u.append(contentsOf: s[q.start..<q.end])
            return (String(u), q)
        }
    }

    // MARK: - Character classes

    @inline(__always) static func isDigit(_ c: S) -> Bool { c.value >= 0x30 && c.value <= 0x39 }
    @inline(__always) static func isLetter(_ c: S) -> Bool { (c.value >= 0x41 && c.value <= 0x5A) || (c.value >= 0x61 && c.value <= 0x7A) }
    @inline(__always) static func isSpace(_ c: S) -> Bool { c == " " || c == "\u{3000}" || c == "\u{00A0}" || c == "\t" }
    /// Characters that glue digits into a code, date, period, phone number or slogan (2021-2025, 7×24, 1+N).
    static let joiners: Set<S> = ["/", "-", "×", "*", "+", "—", "–", "~", "～", "_", "－", "\u{2212}", "‐", "‑", "＋", "／", "#", "＃", "@", "x", "X", "·", "•", "．"]
    static let cnDigits: [S: Int] = ["零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9]
    static let cnUnits: [S: Int] = ["十": 10, "百": 100, "千": 1000]
    static let cnBig: [S: Double] = ["万": 1e4, "亿": 1e8]
    static func isCN(_ c: S) -> Bool { cnDigit(c) >= 0 || c == "十" || c == "百" || c == "千" || c == "万" || c == "亿" }
    /// The value of a Chinese digit (零〇一二两三四五六七八九), -1 for any other scalar (as `cnDigits`, without hashing).
    @inline(__always) static func cnDigit(_ c: S) -> Int {
        switch c.value {
        case 0x96F6, 0x3007: return 0      // 零 〇
        case 0x4E00: return 1              // 一
        case 0x4E8C, 0x4E24: return 2      // 二 两
        case 0x4E09: return 3              // 三
        case 0x56DB: return 4              // 四
        case 0x4E94: return 5              // 五
        case 0x516D: return 6              // 六
        case 0x4E03: return 7              // 七
        case 0x516B: return 8              // 八
        case 0x4E5D: return 9              // 九
        default: return -1
        }
    }
    /// `joiners.contains(c)`, without hashing.
    @inline(__always) static func isJoiner(_ c: S) -> Bool {
        switch c {
        case "/", "-", "×", "*", "+", "—", "–", "~", "～", "_", "－", "\u{2212}", "‐", "‑", "＋", "／", "#", "＃", "@", "x", "X", "·", "•", "．":
            return true
        default: return false
        }
    }
    @inline(__always) static func isPercentSign(_ c: S) -> Bool { c == "%" || c == "％" || c == "﹪" }
    static let percentSigns: Set<S> = ["%", "％", "﹪"]

    /// Units after Arabic numerals, longest first. `%`-likes are handled apart.
    static let units: [[S]] = {
        let list = ["个百分点", "百分点", "个工作日", "工作日", "个月", "人次", "户次", "篇次", "场次", "批次", "件次", "家次",
                    "车次", "架次", "平方米", "公里", "千米", "小时", "分钟", "部门",
                    "个", "名", "人", "位", "件", "宗", "起", "次", "场", "项", "家", "户", "份", "条", "卷", "支", "期",
                    "篇", "批", "所", "处", "枚", "座", "间", "部", "本", "册", "套", "台", "辆", "张", "幅", "块", "轮",
                    "类", "种", "组", "队", "亩", "吨", "米", "元", "天", "倍"]
        return list.map { Array($0.unicodeScalars) }.sorted { $0.count > $1.count }
    }()
    /// Units accepted after Chinese numerals (a narrower list: 三张清单, 五位一体 are names).
    static let cnUnitList: [[S]] = {
        let list = ["个月", "人次", "场次", "批次", "小时", "个", "名", "人", "位", "件", "宗", "起", "次", "场", "项",
                    "家", "户", "份", "条", "卷", "支", "期", "篇", "批", "所", "处", "座", "部", "本", "轮", "类", "种", "天"]
        return list.map { Array($0.unicodeScalars) }.sorted { $0.count > $1.count }
    }()
    /// Before a number: the qualifier they give, longest first.
    static let preQualifiers: [([S], Qualifier)] = ([
        ("不少于", .atLeast), ("不低于", .atLeast), ("超过", .atLeast), ("多于", .atLeast), ("高于", .atLeast), ("逾", .atLeast), ("超", .atLeast),
        ("将近", .about), ("接近", .about), ("大约", .about), ("约", .about), ("近", .about),
        ("不超过", .atMost), ("不到", .atMost), ("不足", .atMost), ("低于", .atMost), ("少于", .atMost),
    ] as [(String, Qualifier)]).map { (Array($0.0.unicodeScalars), $0.1) }.sorted { $0.0.count > $1.0.count }
    static let postQualifiers: [([S], Qualifier)] = ([
        ("以上", .atLeast), ("左右", .about), ("以下", .atMost), ("以内", .atMost),
    ] as [(String, Qualifier)]).map { (Array($0.0.unicodeScalars), $0.1) }
    /// Before a number: it is an ordinal or a date part, not a count.
    static let ordinalPrefixes: Set<S> = ["第", "初", "周", "号"]

    static func matches(_ s: [S], _ at: Int, _ word: [S]) -> Bool {
        guard at >= 0, at + word.count <= s.count else { return false }
        for k in 0..<word.count where s[at + k] != word[k] { return false }
        return true
    }

    static func unit(_ s: [S], _ at: Int, _ list: [[S]]) -> [S]? {
        for u in list where matches(s, at, u) { return u }
        return nil
    }

    /// The index in `list` of the first unit that stands at `at`.
    @inline(__always) static func unitIndex(_ s: [S], _ at: Int, _ list: [[S]]) -> Int? {
        guard at < s.count else { return nil }
        let c = s[at]
        for (k, u) in list.enumerated() where u[0] == c && matches(s, at, u) { return k }
        return nil
    }
    static let unitNames: [String] = units.map { String(String.UnicodeScalarView($0)) }
    static let cnUnitNames: [String] = cnUnitList.map { String(String.UnicodeScalarView($0)) }

    // MARK: - Scanning

    /// Finds every quantity. `warnings` names damaged numbers (a count glued to a year; a unit lost).
    public func scan(_ s: [Unicode.Scalar]) -> (quantities: [Quantity], warnings: [String]) {
        var out: [Quantity] = []
        var warnings: [String] = []
        let n = s.count
        // Spans covered by names with numerals (三项制度): no quantity starts inside one.
        var covered: [Range<Int>] = []
        if !notQuantities.isEmpty {
            for i in 0..<n {
                let v = s[i].value
                if v < 0x10000 {
                    guard notQuantityFirstBits[Int(v >> 6)] & (1 << UInt64(v & 63)) != 0 else { continue }
                } else if !notQuantityAstral { continue }
                for w in notQuantities where !w.isEmpty && s[i] == w[0] && Self.matches(s, i, w) { covered.append(i..<(i + w.count)) }
            }
        }

        var i = 0
        while i < n {
            let c = s[i]
            if Self.isDigit(c) {
                i = scanArabic(s, i, &out, &warnings, covered)
            } else if c == "百", i + 2 < n, s[i + 1] == "分", s[i + 2] == "之" {
                i = scanPercentWords(s, i, &out, covered)
            } else if Self.cnDigit(c) >= 0 || c == "十" {
                i = scanChinese(s, i, &out, covered)
            } else {
                i += 1
            }
        }
        return (out, warnings)
    }

    func snippet(_ s: [S], _ a: Int, _ b: Int) -> String {
        var u = String.UnicodeScalarView()
        u.append(contentsOf: s[max(0, a - 8)..<min(s.count, b + 8)])
        return String(u)
    }

    /// Skips a run of digits, letters and joiners (a code, date, period, phone or version number).
    func skipCompound(_ s: [S], _ i: Int) -> Int {
        var k = i
        while k < s.count, Self.isDigit(s[k]) || Self.isLetter(s[k]) || Self.isJoiner(s[k]) || s[k] == "." || s[k] == ":" || s[k] == "：" {
            // stop at a joiner/period not followed by a digit or letter
            if !(Self.isDigit(s[k]) || Self.isLetter(s[k])) {
                guard k + 1 < s.count, Self.isDigit(s[k + 1]) || Self.isLetter(s[k + 1]) else { break }
            }
            k += 1
        }
        return max(k, i + 1)
    }

    /// Is position `i` inside short quotes (“721”) or inside a title 《…》 or 〔…〕?
    func insideQuotesOrTitle(_ s: [S], _ a: Int, _ b: Int) -> Bool {
        // quotes: an opening “ within 10 before, with no closing between, and a closing ” within 10 after
        var k = a - 1
        var open = false
        while k >= 0, a - k <= 10 {
            let c = s[k]
            if c == "”" || c == "。" || c == "；" || c == ";" { break }
            if c == "“" { open = true; break }
            k -= 1
        }
        if open {
            var j = b
            while j < s.count, j - b <= 10 {
                let c = s[j]
                if c == "“" || c == "。" { break }
                if c == "”" { return true }
                j += 1
            }
        }
        // titles and document-number brackets
        k = a - 1
        while k >= 0, a - k <= 40 {
            let c = s[k]
            if c == "》" || c == "〕" || c == "】" || c == "。" { break }
            if c == "《" || c == "〔" || c == "【" { return true }
            k -= 1
        }
        return false
    }

    /// Inside a name with numerals (三项制度), or followed by one that starts with the unit (15分钟公共法律服务圈).
    func isCovered(_ covered: [Range<Int>], _ i: Int, unitAt u: Int = -1) -> Bool {
        covered.contains { $0.contains(i) || $0.lowerBound == u }
    }

    /// Qualifier words right before `i` (skipping spaces): the qualifier and where its text starts.
    func preQualifier(_ s: [S], _ i: Int) -> (Qualifier, Int)? {
        var k = i
        while k > 0, Self.isSpace(s[k - 1]) { k -= 1 }
        for (w, q) in Self.preQualifiers where Self.matches(s, k - w.count, w) {
            return (q, k - w.count)
        }
        return nil
    }

    func isOrdinal(_ s: [S], _ i: Int) -> Bool {
        var k = i - 1
        while k >= 0, Self.isSpace(s[k]) { k -= 1 }
        return k >= 0 && Self.ordinalPrefixes.contains(s[k])
    }

    /// After the unit: 以上/以下/左右/以内. Returns the qualifier and the new end.
    func postQualifier(_ s: [S], _ at: Int) -> (Qualifier, Int)? {
        for (w, q) in Self.postQualifiers where Self.matches(s, at, w) { return (q, at + w.count) }
        return nil
    }

    func scanArabic(_ s: [S], _ i0: Int, _ out: inout [Quantity], _ warnings: inout [String], _ covered: [Range<Int>]) -> Int {
        let n = s.count
        // Glued to letters or joiners on the left: part of a code.
        if i0 > 0 {
            let p = s[i0 - 1]
            if Self.isLetter(p) || p == "." { return skipCompound(s, i0) }
            if Self.isJoiner(p), i0 >= 2, Self.isDigit(s[i0 - 2]) || Self.isLetter(s[i0 - 2]) { return skipCompound(s, i0) }
        }
        var j = i0
        var mantissa: UInt64 = 0
        var intDigits = 0
        while j < n, Self.isDigit(s[j]) {
            if intDigits < 18 { mantissa = mantissa * 10 + UInt64(s[j].value - 0x30) }
            intDigits += 1; j += 1
        }
        if intDigits > 12 { return j }
        var decimals = 0
        // thousands separators: 1,234 (ASCII or full-width comma), only with exactly three digits after
        if intDigits <= 3 {
            while true {
                guard j + 3 < n, s[j] == "," || s[j] == "，", Self.isDigit(s[j + 1]), Self.isDigit(s[j + 2]), Self.isDigit(s[j + 3]),
                      j + 4 >= n || !Self.isDigit(s[j + 4]) else { break }
                for k in 1...3 { mantissa = mantissa * 10 + UInt64(s[j + k].value - 0x30) }
                intDigits += 3; j += 4
            }
        }
        if j < n, s[j] == ".", j + 1 < n, Self.isDigit(s[j + 1]) {
            j += 1
            while j < n, Self.isDigit(s[j]) {
                if decimals < 6 { mantissa = mantissa * 10 + UInt64(s[j].value - 0x30); decimals += 1 }
                j += 1
            }
            // 7.0.1: a version number
            if j < n, s[j] == ".", j + 1 < n, Self.isDigit(s[j + 1]) { return skipCompound(s, j) }
        }
        // Glued to letters or joiners on the right: a code, date, period, phone number (2021-2025, 7×24, 1+N).
        if j < n, Self.isLetter(s[j]) { return skipCompound(s, j) }
        if j < n, Self.isJoiner(s[j]), j + 1 < n, Self.isDigit(s[j + 1]) || Self.isLetter(s[j + 1]) { return skipCompound(s, j) }
        // Ratio a:b, only after 比 (收案比达5:1); otherwise a:b is a time or a code.
        if j < n, s[j] == ":" || s[j] == "：" || s[j] == "比", j + 1 < n, Self.isDigit(s[j + 1]) {
            var hasBi = false
            var k = i0 - 1
            while k >= 0, i0 - k <= 8 { if s[k] == "比" { hasBi = true; break }; k -= 1 }
            if s[j] == "比" { hasBi = true }
            guard hasBi, decimals == 0, !isOrdinal(s, i0) else { return skipCompound(s, j) }
            var b = 0.0
            var e = j + 1
            while e < n, Self.isDigit(s[e]) { b = b * 10 + Double(s[e].value - 0x30); e += 1 }
            if e < n, s[e] == "." || Self.isLetter(s[e]) || Self.isJoiner(s[e]) { return skipCompound(s, e) }
            guard b > 0, !isCovered(covered, i0), !insideQuotesOrTitle(s, i0, e) else { return e }
            let pre = preQualifier(s, i0)
            out.append(Quantity(value: Double(mantissa) / b, unit: ":1", qualifier: pre?.0 ?? .exact,
                                start: pre?.1 ?? i0, end: e, numberStart: i0, chinese: false))
            return e
        }
        // A year (2024年), a glued year (6472024年: damaged text) or a plan period glued (20212025年).
        if decimals == 0, j < n, s[j] == "年" {
            if intDigits > 4 {
                let lastFour = mantissa % 10000
                let firstFour = mantissa / 10000
                let plan = intDigits == 8 && (1900...2099).contains(firstFour)
                if (1900...2099).contains(lastFour), !plan {
                    warnings.append("number glued to a year, text damaged: “\(snippet(s, i0, j + 1))”")
                }
            }
            return j + 1
        }
        // Multipliers and 余/多: 2万余份, 10余万元, 4千余件, 100万余次.
        var qualifier: Qualifier = .exact
        var k = j
        // PDF copies space digits from what follows ("537 件", "400 余次", "2 万余份")
        var spaced = k
        while spaced < n, Self.isSpace(s[spaced]) { spaced += 1 }
        if spaced > k, spaced < n, ["余", "多", "万", "亿", "千"].contains(s[spaced]) { k = spaced }
        var exponent = -decimals
        if k < n, s[k] == "余" || s[k] == "多" { qualifier = .atLeast; k += 1 }
        var sawMultiplier = false
        while k < n {
            switch s[k] {
            case "百": exponent += 2
            case "千": exponent += 3
            case "万": exponent += 4
            case "亿": exponent += 8
            default: break
            }
            if s[k] == "百" || s[k] == "千" || s[k] == "万" || s[k] == "亿" {
                // 百分点 after digits is a unit, not a multiplier
                if s[k] == "百", k + 2 < n, s[k + 1] == "分", s[k + 2] == "点" { exponent -= 2; break }
                sawMultiplier = true; k += 1
            } else { break }
        }
        if sawMultiplier, k < n, s[k] == "余" || s[k] == "多" { qualifier = .atLeast; k += 1 }
        var u = k
        while u < n, Self.isSpace(s[u]) { u += 1 }
        var unit: String
        var end: Int
        if u < n, Self.isPercentSign(s[u]) {
            unit = "%"; end = u + 1
        } else if let ui = Self.unitIndex(s, u, Self.units) {
            unit = Self.unitNames[ui]; end = u + Self.units[ui].count
            if unit == "百分点" { unit = "个百分点" }
        } else {
            // No unit: not a fact. A count whose unit was lost (案件1033持续) is worth a warning.
            if !sawMultiplier, decimals == 0, intDigits >= 2, k < n, s[k].properties.isIdeographic,
               !["年", "月", "日", "号", "时", "届", "版", "期", "条", "周"].contains(s[k]), i0 >= 2 {
                let before = Array(s[max(0, i0 - 2)..<i0])
                let countNouns: [[S]] = ["案件", "纠纷", "事项", "文件", "人员"].map { Array($0.unicodeScalars) }
                if countNouns.contains(before) {
                    warnings.append("number without a unit, text damaged?: “\(snippet(s, i0, k))”")
                }
            }
            return max(k, i0 + 1)
        }
        // Spaced digits are fine ("537 件"); a space before a multiplier is not.
        if qualifier == .exact, end < n, s[end] == "余" || s[end] == "多" {
            // 3000件余: rare, but a lower bound
            qualifier = .atLeast; end += 1
        }
        if let (q, e) = postQualifier(s, end) {
            qualifier = q; end = e
        }
        // Exclusions
        if isOrdinal(s, i0) || isCovered(covered, i0, unitAt: u) || insideQuotesOrTitle(s, i0, end) { return end }
        // 24小时 (不打烊, 服务): a slogan, not a duration; 24小时内 is a time limit, kept.
        if unit == "小时", mantissa == 24, exponent == 0, !(end < n && (s[end] == "内")) { return end }
        var start = i0
        if let (q, st) = preQualifier(s, i0) {
            if qualifier == .exact { qualifier = q }
            start = st
        }
        let value = Self.value(mantissa, exponent)
        out.append(Quantity(value: value, unit: unit, qualifier: qualifier, start: start, end: end, numberStart: i0, chinese: false))
        return end
    }

    static func value(_ mantissa: UInt64, _ exponent: Int) -> Double {
        if exponent >= 0 {
            var v = Double(mantissa)
            for _ in 0..<exponent { v *= 10 }
            return v
        }
        var d = 1.0
        for _ in 0..<(-exponent) { d *= 10 }
        return Double(mantissa) / d
    }

    /// 百分之百, 百分之九十, 百分之95.
    func scanPercentWords(_ s: [S], _ i0: Int, _ out: inout [Quantity], _ covered: [Range<Int>]) -> Int {
        let n = s.count
        let j = i0 + 3
        var e = j
        var value: Double?
        if j < n, Self.isDigit(s[j]) {
            var v = 0.0
            while e < n, Self.isDigit(s[e]) { v = v * 10 + Double(s[e].value - 0x30); e += 1 }
            if e < n, s[e] == ".", e + 1 < n, Self.isDigit(s[e + 1]) {
                e += 1; var f = 0.1
                while e < n, Self.isDigit(s[e]) { v += f * Double(s[e].value - 0x30); f /= 10; e += 1 }
            }
            value = v
        } else {
            while e < n, Self.isCN(s[e]) || s[e] == "点" { e += 1 }
            let run = Array(s[j..<e])
            if run == ["百"] { value = 100 } else if let dot = run.firstIndex(of: "点") {
                if let a = Self.parseChinese(Array(run[..<dot])) {
                    var f = 0.1, v = a
                    for c in run[(dot + 1)...] { guard let d = Self.cnDigits[c] else { return e }; v += f * Double(d); f /= 10 }
                    value = v
                }
            } else { value = Self.parseChinese(run) }
        }
        guard let v = value, e > j else { return max(e, i0 + 1) }
        if isCovered(covered, i0) || insideQuotesOrTitle(s, i0, e) { return e }
        var start = i0
        var qualifier: Qualifier = .exact
        if let (q, st) = preQualifier(s, i0) { qualifier = q; start = st }
        var end = e
        if let (q, en) = postQualifier(s, e) { qualifier = q; end = en }
        out.append(Quantity(value: v, unit: "%", qualifier: qualifier, start: start, end: end, numberStart: i0, chinese: true))
        return end
    }

    /// 一百二十 → 120, 十五 → 15, 两 → 2; nil for runs that are not a well-formed numeral (十四五, 八五, 二〇二四).
    static func parseChinese(_ run: [S]) -> Double? { parseChinese(run[...]) }

    static func parseChinese(_ run: ArraySlice<S>) -> Double? {
        guard !run.isEmpty else { return nil }
        var total = 0.0, section = 0.0
        var digit: Int? = nil
        for c in run {
            if c == "零" || c == "〇" {
                if run.count > 1, digit != nil { return nil }
                continue
            }
            let dv = cnDigit(c)
            if dv >= 0 {
                if digit != nil { return nil }
                digit = dv
            } else if let u = cnUnits[c] {
                let d: Int
                if let dd = digit { d = dd } else if u == 10, section == 0 { d = 1 } else { return nil }
                section += Double(d * u); digit = nil
            } else if let b = cnBig[c] {
                section += Double(digit ?? 0); digit = nil
                guard section > 0 || total > 0 else { return nil }
                total = (total + section) * b; section = 0
            } else { return nil }
        }
        section += Double(digit ?? 0)
        return total + section
    }

    func scanChinese(_ s: [S], _ i0: Int, _ out: inout [Quantity], _ covered: [Range<Int>]) -> Int {
        let n = s.count
        // Only at the start of a run of numeral characters.
        if i0 > 0, Self.isCN(s[i0 - 1]) || Self.isDigit(s[i0 - 1]) { return i0 + 1 }
        var e = i0
        while e < n, Self.isCN(s[e]) { e += 1 }
        // 一 alone is "a" (一个, 一次), not a count.
        if e == i0 + 1, s[i0] == "一" { return e }
        guard let value = Self.parseChinese(s[i0..<e]), value > 0 else { return e }
        var k = e
        var qualifier: Qualifier = .exact
        if k < n, s[k] == "余" || s[k] == "多" { qualifier = .atLeast; k += 1 }
        guard let ui = Self.unitIndex(s, k, Self.cnUnitList) else { return e }
        let w = Self.cnUnitList[ui]
        var end = k + w.count
        if let (q, en) = postQualifier(s, end) { qualifier = q; end = en }
        if isOrdinal(s, i0) || isCovered(covered, i0, unitAt: k) || insideQuotesOrTitle(s, i0, end) { return end }
        // Preceded by 每 (per) or part of a word like 统一 / 之一: not a count.
        if i0 > 0, ["每", "之", "统", "唯", "逐", "万", "千", "百"].contains(s[i0 - 1]) { return end }
        var start = i0
        if let (q, st) = preQualifier(s, i0) { if qualifier == .exact { qualifier = q }; start = st }
        out.append(Quantity(value: value, unit: Self.cnUnitNames[ui], qualifier: qualifier,
                            start: start, end: end, numberStart: i0, chinese: true))
        return end
    }
}
