/// The raw metadata block of a scraped page (索引号, 发文日期, 发布机构…), in any of the layouts seen:
/// label and value on alternating lines, "label: value" runs on one line, labels glued to values in a
/// flattened table. Only lines in the page header (before the report's text starts) are read as metadata.
enum MetadataLabels {
    /// Known labels, longest first so that 主题分类 wins over 分类 and 发文字号 over 文号.
    static let all: [String] = [
        "信息索引号", "索引号", "主题分类", "体裁分类", "组配分类", "服务对象分类", "信息分类", "分类", "发布机构", "发文机关", "发文单位",
        "发布单位", "成文机关", "公开责任部门", "责任部门", "发文日期", "发文时间", "成文日期", "成文时间", "印发日期",
        "发布日期", "发布时间", "公开日期", "生效日期", "生效时间", "废止日期", "文件名称", "信息名称", "名称", "标题",
        "发文字号", "文件编号", "文号", "效力状态", "有效性", "时效性", "有效期", "主题词", "关键词", "公开目录", "公开形式",
        "公开方式", "公开范围", "公开时限", "所属主题", "内容概述", "统一编号", "登记号", "主送机关",
    ].sorted { $0.count > $1.count }

    static let labelAlternation = all.joined(separator: "|")
    static let allScalars: [[Unicode.Scalar]] = Scan.scalars(all)

    /// The label of a line that is only a label (alternating layout), optionally with a colon:
    /// `^(label|…) ?[:：]?$`.
    static func bare(_ line: String) -> String? {
        var s = Array(line.unicodeScalars)[...]
        if let last = s.last, Scan.colons.contains(last) { s = s.dropLast() }
        if s.last == " " { s = s.dropLast() }
        guard let k = allScalars.firstIndex(where: { s.elementsEqual($0) }) else { return nil }
        return all[k]
    }

    /// Whether a line starts with a label (inline or glued layout): `^(label|…)`.
    static func starts(_ line: String) -> Bool {
        let s = Array(line.unicodeScalars.prefix(8))[...]
        return allScalars.contains { Scan.has($0, in: s, at: 0) }
    }
    /// Every label at the start of the line or after a space, with what follows up to the next one.
    static let occurrences = Pattern("(?:^|(?<= ))(" + labelAlternation + ") ?[:：]? ?")
}

struct MetadataField: Sendable, Equatable {
    var label: String
    var value: String
}

enum MetadataParser {
    /// Splits a line that starts with a label into its label/value pairs.
    static func fields(inLine line: String) -> [MetadataField] {
        let found = MetadataLabels.occurrences.allMatches(line)
        var out: [MetadataField] = []
        for (k, m) in found.enumerated() {
            guard let label = m.groups[1] else { continue }
            let end = k + 1 < found.count ? found[k + 1].range.lowerBound : line.endIndex
            let value = String(line[m.range.upperBound..<end]).trimmingCharacters(in: .whitespaces)
            out.append(MetadataField(label: label, value: value))
        }
        return out
    }

    /// Whether the line after a bare label can be its value (alternating layout). A label whose value cell is
    /// empty must not swallow the title or the first line of text.
    static func plausible(_ value: String, for label: String) -> Bool {
        if value.count > 120 || value.contains("。") { return false }
        switch label {
        case "文号", "发文字号", "文件编号":
            return docNumber.matches(value)
        case "发文日期", "发文时间", "成文日期", "成文时间", "印发日期", "发布日期", "发布时间", "公开日期", "生效日期", "生效时间", "废止日期":
            return date(in: value) != nil || value.count <= 12
        case "索引号", "信息索引号", "统一编号", "登记号":
            return value.contains(where: { $0.isASCII && ($0.isNumber || $0.isLetter) }) && !value.contains(where: { TextNormalizer.isHan($0) })
        default:
            return value.count <= 80
        }
    }

    static let docNumber = Pattern(#"[〔\[［(（]\d{4}[〕\]］)）]|\d+ ?号|^无$|^[-—/]$"#)

    // MARK: dates

    static let isoLike = Pattern(#"(\d{4}) ?[-年./] ?(\d{1,2}) ?[-月./] ?(\d{1,2})(?!\d)"#)
    static let hanDate = Pattern(#"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"#)

    /// The first date in a text, as ISO `YYYY-MM-DD`: 2025年03月13日, 2025-01-20, 2023年03月27日 16:43:09,
    /// 2024年1月22日, 二〇二四年一月二十二日. Impossible dates (2024-02-30) are not dates.
    static func date(in text: String) -> String? {
        if let g = isoLike.firstMatch(text), let y = Int(g[1] ?? ""), let m = Int(g[2] ?? ""), let d = Int(g[3] ?? "") {
            if let iso = iso(y, m, d) { return iso }
        }
        if let g = hanDate.firstMatch(text), let y = hanYear(g[1] ?? ""), let m = hanNumber(g[2] ?? ""), let d = hanNumber(g[3] ?? "") {
            return iso(y, m, d)
        }
        return nil
    }

    static func iso(_ y: Int, _ m: Int, _ d: Int) -> String? {
        guard (1949...2100).contains(y), (1...12).contains(m), d >= 1 else { return nil }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        guard d <= days else { return nil }
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d))"
    }

    static let hanDigits: [Character: Int] = ["〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9]

    static func hanYear(_ s: String) -> Int? {
        var v = 0
        for ch in s { guard let d = hanDigits[ch] else { return nil }; v = v * 10 + d }
        return v
    }

    /// 一…九十九 (months, days).
    static func hanNumber(_ s: String) -> Int? {
        let chars = Array(s)
        if chars.count == 1 { return chars[0] == "十" ? 10 : hanDigits[chars[0]] }
        if chars.count == 2 {
            if chars[0] == "十" { return hanDigits[chars[1]].map { 10 + $0 } }
            if chars[1] == "十" { return hanDigits[chars[0]].map { $0 * 10 } }
            return nil
        }
        if chars.count == 3, chars[1] == "十", let a = hanDigits[chars[0]], let b = hanDigits[chars[2]] { return a * 10 + b }
        return nil
    }

    // MARK: years

    static let yearInTitle = Pattern(#"(?<![\d\-—–~～至])((?:19|20)\d{2}) ?年(?!\d)(度)?(?! ?[-—–~～至] ?\d)"#)
    static let hanYearInTitle = Pattern(#"([〇○零一二三四五六七八九]{4})年(度)?"#)

    /// The year a title reports on: 2024年度, 2024年, （2024年）, 二〇二四年度. A period (2021-2025年) is not one.
    static func year(inTitle title: String) -> Int? {
        let found = yearInTitle.allMatches(title)
        if let m = found.first(where: { $0.groups[2] != nil }) ?? found.first, let y = Int(m.groups[1] ?? "") { return y }
        if let g = hanYearInTitle.firstMatch(title), let y = hanYear(g[1] ?? ""), (1949...2100).contains(y) { return y }
        return nil
    }
}
