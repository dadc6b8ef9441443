/// Web-page debris: lines of a scraped copy that are the page, not the report.
///
/// Every rule is matched against a whole line (after normalisation: ASCII digits, single spaces, trimmed):
/// the pattern is wrapped in `^(?:…)$`, so a report sentence that merely mentions 打印 or 分享 is never dropped.
/// Rules that name a line start say so with `.*` or a bounded `.{0,n}` tail. Add rules here; nowhere else.
struct DebrisRule: Sendable {
    /// What the rule removes (used in tests and when explaining a drop).
    let name: String
    let pattern: Pattern

    init(_ name: String, _ regex: String) {
        self.name = name
        self.pattern = Pattern("^(?:" + regex + ")$")
    }
}

enum DebrisRules {
    static let rules: [DebrisRule] = [
        // Link bars: "中国政府网 | 山西省政府网 | 长治市政府网".
        DebrisRule("link-bar", #"[^|｜]{1,16}网(?: ?[|｜] ?[^|｜]{1,16}网)+ ?[|｜]?"#),
        DebrisRule("link-bar", #"(?:中国政府网|\S{1,10}(?:省|市|区|县)政府网)"#),
        // Date widget.
        DebrisRule("date-widget", #"今天是.{0,30}"#),
        DebrisRule("hot-search", #"热点(?:查询|搜索|关注)(?: ?[:：].{0,60})?"#),
        DebrisRule("search", #"(?:搜索|站内搜索|请输入关键字|请输入关键词)(?: ?[:：].{0,30})?"#),
        // Breadcrumbs.
        DebrisRule("breadcrumb", #"(?:当前位置|您现在所在的位置|您所在的位置|您的位置|您当前的位置|您当前所在位置|当前所在位置|所在位置|现在位置) ?[:：].*"#),
        DebrisRule("breadcrumb", #"首页 ?(?:>|＞|»|/) ?.{0,80}"#),
        // Font size and print widgets.
        DebrisRule("font-size", #"字体(?:大小)? ?[:：]?.{0,30}"#),
        DebrisRule("font-size", #"(?:[【\[]?[大中小][】\]]? ?){3}"#),
        DebrisRule("print-close", #"(?:(?:保存为word|保存为WORD|保存为Word|打印本页|打印此页|打印|关闭本页|关闭窗口|关闭|我要打印|收藏本页|收藏|纠错|【打印】|【关闭】|【打印本页】|【关闭窗口】|\[打印\]|\[关闭\]|【收藏】|【纠错】) ?)+"#),
        DebrisRule("share", #"分享到 ?[:：]?.{0,40}"#),
        DebrisRule("share", #"扫一扫.{0,24}"#),
        DebrisRule("attachment", #"(?:相关)?附件 ?[:：]?"#),
        // Site footer.
        DebrisRule("footer", #"(?:主办|承办|协办|主管) ?[:：].{0,80}"#),
        DebrisRule("footer", #"(?:主办单位|承办单位|协办单位|主管单位|网站标识码|联系电话|联系方式|联系地址|技术支持|运维单位|维护单位|网站地图|联系我们|建议使用|版权所有|地址) ?[:：].*"#),
        DebrisRule("footer", #"(?:版权所有|Copyright|copyright|COPYRIGHT|©).{0,100}"#),
        DebrisRule("footer", #".{0,60}(?:ICP备|ICP证|备案号|公网安备|网站标识码).{0,60}"#),
        DebrisRule("footer", #"(?:网站地图|联系我们|关于我们|隐私声明|网站声明)(?: ?[|｜] ?(?:网站地图|联系我们|关于我们|隐私声明|网站声明))*"#),
        DebrisRule("view-count", #"(?:浏览次数|阅读次数|访问次数|点击数|点击量|浏览量|阅读量|访问量) ?[:：]?.{0,20}"#),
        DebrisRule("back-to-top", #"【?(?:返回顶部|回到顶部|返回首页|TOP)】?"#),
        DebrisRule("accessibility", #"无障碍(?: ?[|｜]? ?(?:简体|繁体|繁體|简体版|繁体版|长者模式|关怀版|适老化|浏览))*"#),
        DebrisRule("accessibility", #"(?:简体|繁体|繁體)(?: ?[|｜] ?(?:简体|繁体|繁體))+"#),
        DebrisRule("prev-next", #"(?:上一篇|下一篇|上一条|下一条) ?[:：].*"#),
        // Page date and source lines: "时间:2017-08-20 大 中 小 来源:长治日报", "发布时间:2025-03-13 11:19 来源:天门市司法局".
        DebrisRule("page-date", #"(?:发布|更新|发表)?(?:时间|日期) ?[:：] ?\d{4} ?[-年./] ?\d{1,2} ?[-月./] ?\d{1,2}.{0,100}"#),
        DebrisRule("page-date", #"(?:信息|文章)?来源 ?[:：].{0,40}"#),
        DebrisRule("page-date", #"(?:作者|编辑|责任编辑|审核|审稿|校对) ?[:：].{0,20}"#),
        // A line that is only a URL.
        DebrisRule("url", #"(?:https?://|www\.)\S+"#),
    ]

    /// The rule a line falls under, or nil if the line is not debris.
    static func match(_ line: String) -> DebrisRule? {
        // Debris lines are short; report sentences that start like them are long.
        guard line.count <= 200 else { return nil }
        return rules.first { $0.pattern.matches(line) }
    }
}
