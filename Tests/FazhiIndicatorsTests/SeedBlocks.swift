import FazhiModel
import FazhiIndicators
import FazhiTestSupport

/// A stand-in for the convert stage in these tests: splits a seed report into outline blocks.
/// Drops header and page debris, normalises full-width digits and ％﹪, and levels headings:
/// the title → 1, 一、 → 2, (一)/（一）/三) → 3, 1. / 1、 → 4 (lines longer than 60 characters stay paragraphs).
enum SeedBlocks {
    static let root: String = {
        // …/Tests/FazhiIndicatorsTests/SeedBlocks.swift → package root
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    static let seeds = GoldFile.seeds

    static func read(_ path: String) -> String { FileText.read(path) ?? "" }

    static func catalogText() -> String { read(root + "/content/catalog.yaml") }

    static func text(_ file: String) -> String { read(root + "/content/reports/" + file) }

    static let debris = ["发布时间", "附件", "扫一扫", "我要打印", "主办单位", "承办单位", "网站标识码", "联系电话", "时间:",
                         "时间：", "分享到", "您现在所在的位置", "当前位置", "中国政府网", "今天是", "热点查询", "字体大小", "保存为word"]

    static func normalise(_ line: String) -> String {
        var out = String.UnicodeScalarView()
        for c in line.unicodeScalars {
            if c.value >= 0xFF10 && c.value <= 0xFF19 { out.append(Unicode.Scalar(c.value - 0xFF10 + 0x30)!) }
            else if c == "％" || c == "﹪" { out.append("%") }
            else { out.append(c) }
        }
        return String(out)
    }

    /// `longHeadings`: a numbered line is a heading whatever its length (another way a converter may level
    /// "1.推进重大事项依法决策。完善…" lines), to check that extraction does not depend on the choice.
    /// `fullWidth`: ASCII ,:;() back to the full-width ，：；（） of pages as published.
    static func blocks(_ file: String, longHeadings: Bool = false, fullWidth: Bool = false) -> [OutlineBlock] {
        let lines = text(file).split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
        // The title: the last short line naming the report within the header.
        var titleIndex = 0
        for (i, l) in lines.prefix(25).enumerated() {
            let t = l.seedTrimmed
            if t.contains("法治政府建设"), t.contains("报告"), t.count < 60, !t.contains(":"), !t.contains("标题"),
               !t.contains("主题词"), !t.hasSuffix("|") { titleIndex = i }
        }
        var blocks: [OutlineBlock] = [OutlineBlock(kind: .heading(level: 1), text: lines[titleIndex].seedTrimmed, sourceLine: titleIndex + 1)]
        for (i, raw) in lines.enumerated() where i > titleIndex {
            var t = normalise(raw.seedTrimmed)
            if fullWidth {
                t = String(String.UnicodeScalarView(t.unicodeScalars.map { c -> Unicode.Scalar in
                    switch c { case ",": "，"; case ":": "："; case ";": "；"; case "(": "（"; case ")": "）"; default: c }
                }))
            }
            if t.isEmpty || debris.contains(where: { t.hasPrefix($0) }) { continue }
            blocks.append(OutlineBlock(kind: kind(t, maxHeading: longHeadings ? 100_000 : 60), text: t, sourceLine: i + 1))
        }
        return blocks
    }

    static func kind(_ t: String, maxHeading: Int = 60) -> OutlineBlock.Kind {
        let s = Array(t.unicodeScalars)
        let cn: Set<Unicode.Scalar> = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
        var k = 0
        while k < s.count, cn.contains(s[k]) { k += 1 }
        if k > 0, k < s.count, s[k] == "、" { return .heading(level: 2) }
        if k > 0, k < s.count, s[k] == ")" || s[k] == "）", t.count <= maxHeading { return .heading(level: 3) }
        if s.first == "(" || s.first == "（" {
            var m = 1
            while m < s.count, cn.contains(s[m]) { m += 1 }
            if m > 1, m < s.count, s[m] == ")" || s[m] == "）", t.count <= maxHeading { return .heading(level: 3) }
        }
        var d = 0
        while d < s.count, s[d].value >= 0x30, s[d].value <= 0x39 { d += 1 }
        if d > 0, d < s.count, s[d] == "." || s[d] == "、", t.count <= maxHeading { return .heading(level: 4) }
        return .paragraph
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension String {
    var seedTrimmed: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
