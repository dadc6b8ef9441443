import Foundation
import Testing
@testable import FazhiCorpus
@testable import FazhiModel

/// The hand-written line scanners (debris rules, outline markers, metadata labels, glued years) replaced
/// regular expressions. The regular expressions are kept here as their specification, run with
/// NSRegularExpression (ICU, the engine they ran on), and every scanner must agree with its expression on the
/// seed reports' lines and on many generated lines made of the pieces the rules look for.
@Suite struct ScannerEquivalenceTests {
    static func regex(_ pattern: String) -> NSRegularExpression {
        try! NSRegularExpression(pattern: pattern, options: [])
    }

    static func matches(_ re: NSRegularExpression, _ s: String) -> Bool {
        re.firstMatch(in: s, options: [], range: NSRange(s.startIndex..., in: s)) != nil
    }

    static func allMatchTexts(_ re: NSRegularExpression, _ s: String) -> [String] {
        re.matches(in: s, options: [], range: NSRange(s.startIndex..., in: s)).compactMap { m in
            Range(m.range, in: s).map { String(s[$0]) }
        }
    }

    /// `\d` and `\s` as ICU has them (Unicode Nd and White_Space), for every scalar: the scanners' shortcuts
    /// for ASCII and for the CJK blocks change no answer.
    @Test func digitAndSpaceClassesAreUnicodes() {
        var wrong: [String] = []
        for v in UInt32(0)...0x10FFFF {
            guard let c = Unicode.Scalar(v) else { continue }
            if Scan.isDigit(c) != (c.properties.generalCategory == .decimalNumber) { wrong.append("digit U+" + String(v, radix: 16)) }
            if Scan.isSpace(c) != c.properties.isWhitespace { wrong.append("space U+" + String(v, radix: 16)) }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(10))")
    }

    /// The debris rules as they were: (name, expression matched against the whole line).
    static let debrisRegexes: [(String, NSRegularExpression)] = [
        ("link-bar", #"[^|｜]{1,16}网(?: ?[|｜] ?[^|｜]{1,16}网)+ ?[|｜]?"#),
        ("link-bar", #"(?:中国政府网|\S{1,10}(?:省|市|区|县)政府网)"#),
        ("date-widget", #"今天是.{0,30}"#),
        ("hot-search", #"热点(?:查询|搜索|关注)(?: ?[:：].{0,60})?"#),
        ("search", #"(?:搜索|站内搜索|请输入关键字|请输入关键词)(?: ?[:：].{0,30})?"#),
        ("breadcrumb", #"(?:当前位置|您现在所在的位置|您所在的位置|您的位置|您当前的位置|您当前所在位置|当前所在位置|所在位置|现在位置) ?[:：].*"#),
        ("breadcrumb", #"首页 ?(?:>|＞|»|/) ?.{0,80}"#),
        ("font-size", #"字体(?:大小)? ?[:：]?.{0,30}"#),
        ("font-size", #"(?:[【\[]?[大中小][】\]]? ?){3}"#),
        ("print-close", #"(?:(?:保存为word|保存为WORD|保存为Word|打印本页|打印此页|打印|关闭本页|关闭窗口|关闭|我要打印|收藏本页|收藏|纠错|【打印】|【关闭】|【打印本页】|【关闭窗口】|\[打印\]|\[关闭\]|【收藏】|【纠错】) ?)+"#),
        ("share", #"分享到 ?[:：]?.{0,40}"#),
        ("share", #"扫一扫.{0,24}"#),
        ("attachment", #"(?:相关)?附件 ?[:：]?"#),
        ("footer", #"(?:主办|承办|协办|主管) ?[:：].{0,80}"#),
        ("footer", #"(?:主办单位|承办单位|协办单位|主管单位|网站标识码|联系电话|联系方式|联系地址|技术支持|运维单位|维护单位|网站地图|联系我们|建议使用|版权所有|地址) ?[:：].*"#),
        ("footer", #"(?:版权所有|Copyright|copyright|COPYRIGHT|©).{0,100}"#),
        ("footer", #".{0,60}(?:ICP备|ICP证|备案号|公网安备|网站标识码).{0,60}"#),
        ("footer", #"(?:网站地图|联系我们|关于我们|隐私声明|网站声明)(?: ?[|｜] ?(?:网站地图|联系我们|关于我们|隐私声明|网站声明))*"#),
        ("view-count", #"(?:浏览次数|阅读次数|访问次数|点击数|点击量|浏览量|阅读量|访问量) ?[:：]?.{0,20}"#),
        ("back-to-top", #"【?(?:返回顶部|回到顶部|返回首页|TOP)】?"#),
        ("accessibility", #"无障碍(?: ?[|｜]? ?(?:简体|繁体|繁體|简体版|繁体版|长者模式|关怀版|适老化|浏览))*"#),
        ("accessibility", #"(?:简体|繁体|繁體)(?: ?[|｜] ?(?:简体|繁体|繁體))+"#),
        ("prev-next", #"(?:上一篇|下一篇|上一条|下一条) ?[:：].*"#),
        ("page-date", #"(?:发布|更新|发表)?(?:时间|日期) ?[:：] ?\d{4} ?[-年./] ?\d{1,2} ?[-月./] ?\d{1,2}.{0,100}"#),
        ("page-date", #"(?:信息|文章)?来源 ?[:：].{0,40}"#),
        ("page-date", #"(?:作者|编辑|责任编辑|审核|审稿|校对) ?[:：].{0,20}"#),
        ("url", #"(?:https?://|www\.)\S+"#),
    ].map { ($0.0, regex("^(?:" + $0.1 + ")$")) }

    static let outlineRegexes: [(OutlineBuilder.Marker, NSRegularExpression)] = [
        (.two, regex(#"^(?:[一二三四五六七八九十]{1,3}[、.．]|第[一二三四五六七八九十]{1,3}(?:部分|章)[、,， ]?)(?=\S)"#)),
        (.three, regex(#"^[(（][一二三四五六七八九十]{1,3}[)）] ?(?=\S)"#)),
        (.four, regex(#"^\d{1,2}[.、．](?!\d)(?=\S)"#)),
        (.threeLostBracket, regex(#"^[一二三四五六七八九十]{1,3}[)）](?=\S)"#)),
        (.threeLostNumber, regex(#"^[)）](?=[^\s)）(（])"#)),
    ]

    static let labelAlternation = MetadataLabels.all.joined(separator: "|")
    static let bareLabel = regex("^(" + labelAlternation + ") ?[:：]?$")
    static let startsWithLabel = regex("^(" + labelAlternation + ")")
    static let gluedYear = regex(#"(?<![\d.])\d{1,4}(?:19|20)\d{2}年"#)
    static let salutation = regex(#"^[^,，。；;]{2,30}[:：]$"#)
    static let levelTwo = regex(#"^[一二三四五六七八九十]{1,3}[、.．]"#)

    /// Pieces the rules look for, and pieces that come close to them.
    static let pieces: [String] = [
        "网", "政府网", "中国政府网", "省", "市", "区", "县", "山西省", "长治市", "|", "｜", " ", " ", " | ", "今天是", "热点查询", "热点关注",
        "搜索", "站内搜索", "请输入关键词", ":", "：", "当前位置", "您的位置", "所在位置", "首页", ">", "＞", "»", "/", "字体", "大小", "【", "】",
        "[", "]", "大", "中", "小", "保存为word", "打印", "打印本页", "本页", "关闭", "关闭窗口", "收藏", "纠错", "【打印】", "[关闭]", "分享到",
        "扫一扫", "附件", "相关", "主办", "主办单位", "承办", "地址", "联系电话", "版权所有", "Copyright", "©", "ICP备", "备案号", "公网安备",
        "网站地图", "联系我们", "隐私声明", "浏览次数", "点击量", "返回顶部", "TOP", "无障碍", "简体", "繁体", "繁體", "简体版", "长者模式", "浏览",
        "上一篇", "下一条", "发布", "更新", "时间", "日期", "2024", "2025", "12024", "19", "20", "03", "3", "13", "1", "-", ".", "年", "月",
        "日", "度", "来源", "信息来源", "作者", "责任编辑", "http://", "https://", "www.", "example.com", "一", "二", "十", "三", "四",
        "、", "．", "(", ")", "（", "）", "第", "部分", "章", ",", "，", "。", "；", ";", "索引号", "发文字号", "发布机构", "名称", "分类",
        "主题分类", "法治政府建设", "情况", "报告", "依法行政", "完成", "\u{3000}", "٣", "１", "\u{301}", "\t", "a", "Z", "0", "9", "x",
        String(repeating: "长", count: 17), String(repeating: "字", count: 31), String(repeating: "文", count: 61),
    ]

    /// Lines made of random pieces (a fixed seed: the same lines every run), plus the seed reports' lines.
    static func lines() -> [String] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Int(state % UInt64(n))
        }
        var out: [String] = []
        for _ in 0..<30_000 {
            var line = ""
            for _ in 0..<(1 + next(8)) { line += pieces[next(pieces.count)] }
            out.append(line)
            out.append(TextNormalizer.tidyLine(Substring(line)))
        }
        let seeds = (try? FileManager.default.contentsOfDirectory(atPath: seedsDir)) ?? []
        for name in seeds.sorted() {
            guard let data = FileManager.default.contents(atPath: seedsDir + "/" + name) else { continue }
            let text = TextNormalizer.normalize(String(decoding: data, as: UTF8.self)).text
            for raw in text.split(separator: "\n") { out.append(TextNormalizer.tidyLine(raw)) }
        }
        return out
    }

    static let allLines = lines()

    /// Lines whose Characters are their scalars are escaped and searched for place names scalar by scalar;
    /// the result must be the one Character by Character.
    @Test func scalarPathsAgreeWithCharacterPaths() {
        let places = ["天门市人民政府2024年", "晋城市城区", "湖北省天门市", "上党区委关于", "长治2023年", "滨海新区政府", "武冈市法治",
                      "1. 天门市", "12) 武冈", "# 标题", "- 项目", "a*b_c`d", "> 引用", "3.5%", "e\u{301}天门市", "天门\r\n市"]
        // The scalar path looks names up by packed scalars: every name of the bundled gazetteer fits.
        #expect(Gazetteer.shared.packedNames != nil)
        var fast = 0
        for line in Self.allLines + places + places.map { "一、" + $0 } {
            if Graphemes.scalarsAreCharacters(line) {
                fast += 1
                #expect(MarkdownText.escapeLineBytes(line) == MarkdownText.escapeLineByCharacters(line), "\(line)")
            }
            #expect(MarkdownText.escapeLine(line) == MarkdownText.escapeLineByCharacters(line), "\(line)")
            for short in [false, true] {
                #expect(Gazetteer.shared.mentions(in: line, short: short) == Gazetteer.shared.mentionsByCharacters(in: line, short: short), "\(line)")
            }
        }
        #expect(fast > 10_000)
        // Lines split at "\n" bytes are the lines split at "\n" Characters; a text with a CR is split by Characters.
        let joined = Self.allLines.prefix(5000).joined(separator: "\n")
        for text in [joined, "", "\n", "a\n\nb\n", "e\n\u{301}x", joined + "\r\n末行", "甲\r\n乙\n丙"] {
            #expect(TextNormalizer.lines(text) == text.split(separator: "\n", omittingEmptySubsequences: false), "\(text.prefix(20))")
        }
        // The script table answers as the two character sets do.
        for v in UInt32(0x4E00)...0x9FFF {
            let expected: UInt8 = TextNormalizer.traditionalOnly.contains(v) ? 1 : TextNormalizer.simplifiedOnly.contains(v) ? 2 : 0
            if TextNormalizer.scriptOnly[Int(v - 0x4E00)] != expected { Issue.record("U+\(String(v, radix: 16))"); break }
        }
        #expect(!Gazetteer.shared.mentions(in: "湖北省天门市人民政府").isEmpty)
    }

    @Test func debrisRulesAgreeWithTheirExpressions() {
        #expect(DebrisRules.rules.map(\.name) == Self.debrisRegexes.map(\.0))
        var matched = 0
        for line in Self.allLines {
            let expected = line.count <= 200 ? Self.debrisRegexes.firstIndex { Self.matches($0.1, line) } : nil
            let scalars = Array(line.unicodeScalars)[...]
            let rule = DebrisRules.match(line)
            let got = rule == nil ? nil : DebrisRules.rules.firstIndex { $0.matches(scalars) }
            #expect(got == expected, "\(line.debugDescription): rule \(String(describing: got)), expression \(String(describing: expected))")
            // The rule `match` returns is the first that matches (it tries only the rules the line's start allows).
            #expect(rule?.name == expected.map { DebrisRules.rules[$0].name }, "\(line.debugDescription)")
            if expected != nil { matched += 1 }
        }
        #expect(matched > 1000)
    }

    @Test func eachDebrisRuleAgreesWithItsExpression() {
        for line in Self.allLines {
            let scalars = Array(line.unicodeScalars)[...]
            for (rule, (name, re)) in zip(DebrisRules.rules, Self.debrisRegexes) {
                #expect(rule.matches(scalars) == Self.matches(re, line), "\(name): \(line.debugDescription)")
            }
        }
    }

    @Test func outlineMarkersAgreeWithTheirExpressions() {
        for line in Self.allLines {
            let expected = Self.outlineRegexes.first { Self.matches($0.1, line) }?.0
            #expect(OutlineBuilder.marker(line) == expected, "\(line.debugDescription)")
        }
    }

    @Test func listedPathExtensionsAgreeWithNSString() {
        for path in ["a.txt", "北京市/110108-2025.TXT", "x/y/z.html", "x/.hidden.md", ".md", "..", "x/..", "a.", "a..htm", "a.b.c",
                     "noext", "dir.d/noext", "a", "x/a.tx\u{301}t", "x/a.\u{301}txt", "报告.\u{301}md", "a/b.c/d", "é.md"] {
            #expect(Converter.pathExtension(path) == (path as NSString).pathExtension, "\(path)")
        }
    }

    @Test func lineTestsAgreeWithTheirExpressions() {
        for line in Self.allLines {
            let bare = Self.bareLabel.firstMatch(in: line, options: [], range: NSRange(line.startIndex..., in: line))
                .flatMap { Range($0.range(at: 1), in: line) }.map { String(line[$0]) }
            #expect(MetadataLabels.bare(line) == bare, "\(line.debugDescription)")
            #expect(MetadataLabels.starts(line) == Self.matches(Self.startsWithLabel, line), "\(line.debugDescription)")
            #expect(ReportAnalyzer.gluedYears(line) == Self.allMatchTexts(Self.gluedYear, line), "\(line.debugDescription)")
            let scalars = Array(line.unicodeScalars)[...]
            #expect(ReportAnalyzer.isSalutation(scalars) == Self.matches(Self.salutation, line), "\(line.debugDescription)")
            #expect(ReportAnalyzer.opensLevelTwo(scalars) == Self.matches(Self.levelTwo, line), "\(line.debugDescription)")
            if Self.matches(TextNormalizer.watermark.re, line) { #expect(TextNormalizer.mayHaveURL(line), "\(line.debugDescription)") }
        }
    }

    /// `TextNormalizer.normalize` as it was written first, scalar by scalar: the specification of the byte version.
    static func normalizeByScalars(_ text: String) -> (text: String, removed: Int) {
        var out = String.UnicodeScalarView()
        var removed = 0
        let scalars = Array(text.unicodeScalars)
        func lastIsDigit() -> Bool { out.last.map { (0x30...0x39).contains($0.value) } ?? false }
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            let v = s.value
            switch v {
            case 0x0D:
                out.append("\n")
                if i + 1 < scalars.count, scalars[i + 1] == "\n" { i += 1 }
            case 0x0A: out.append(s)
            case 0x09, 0x0B, 0x0C, 0x3000, 0x00A0, 0x2000...0x200A, 0x202F, 0x205F, 0x1680: out.append(" ")
            case 0x200B...0x200D, 0x2060, 0xFEFF, 0x00AD: break
            case 0x00...0x1F, 0x7F, 0x80...0x9F: removed += 1
            case 0xE000...0xF8FF: removed += 1
            case 0x2028, 0x2029: out.append("\n")
            case 0xFF10...0xFF19: out.append(Unicode.Scalar(v - 0xFF10 + 0x30)!)
            case 0xFF21...0xFF3A, 0xFF41...0xFF5A: out.append(Unicode.Scalar(v - 0xFEE0)!)
            case 0xFF05, 0xFE6A: out.append(lastIsDigit() ? "%" : s)
            case 0xFF0E:
                let nextIsDigit = i + 1 < scalars.count && ((0x30...0x39).contains(scalars[i + 1].value) || (0xFF10...0xFF19).contains(scalars[i + 1].value))
                out.append(lastIsDigit() && nextIsDigit ? "." : s)
            default: out.append(s)
            }
            i += 1
        }
        return (String(out), removed)
    }

    /// The byte-level normalizer agrees with the scalar one on the seeds, on generated lines, and on texts made of
    /// every character it changes, next to digits, ideographs and each other.
    @Test func normalizeAgreesWithItsScalarVersion() {
        let special = ["\r", "\r\n", "\n", "\t", "\u{0B}", "\u{0C}", "\u{3000}", "\u{A0}", "\u{2003}", "\u{202F}", "\u{205F}", "\u{1680}",
                       "\u{200B}", "\u{200D}", "\u{2060}", "\u{FEFF}", "\u{AD}", "\u{0}", "\u{1F}", "\u{7F}", "\u{80}", "\u{9F}", "\u{E000}",
                       "\u{F8FF}", "\u{2028}", "\u{2029}", "０", "９", "Ａ", "ｚ", "％", "﹪", "．", "1", "9", "a", "法", "，", "。", "é", "e\u{301}",
                       "\u{A1}", "\u{2027}", "\u{E1}", "\u{1F600}", "\u{20000}", "\u{FF5B}", "\u{FF0F}", "\u{3001}", " "]
        var texts: [String] = Self.allLines.prefix(3000).map { $0 }
        var random = SplitMix64(seed: 7)
        for _ in 0..<4000 { texts.append((0..<12).map { _ in random.pick(special) }.joined()) }
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: seedsDir)) ?? []).sorted() {
            if let data = FileManager.default.contents(atPath: seedsDir + "/" + name) { texts.append(String(decoding: data, as: UTF8.self)) }
        }
        for text in texts + ["", "１２．５％", "12．５﹪", "\u{200B}％", "1\u{200B}％", "1\u{200B}．2", "．", "1．", "\r", "\r\r\n"] {
            let fast = TextNormalizer.normalize(text)
            let reference = Self.normalizeByScalars(text)
            #expect(fast.text == reference.text && fast.removed == reference.removed, "\(text.debugDescription)")
            #expect(fast.scalars == reference.text.unicodeScalars.count, "\(text.debugDescription)")
        }
    }
}
