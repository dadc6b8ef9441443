import Foundation
import Testing
@testable import FazhiCorpus
import FazhiModel

func lines(_ texts: [String]) -> [SourceLine] { texts.enumerated().map { SourceLine(text: $0.element, number: $0.offset + 1) } }

@Suite struct OutlineTests {
    @Test func markersAndLevels() {
        let r = OutlineBuilder.build(lines([
            "一、2024年工作情况",
            "(一)筑牢法治思维,加强党对法治政府建设的领导。",
            "一是坚决贯彻落实习近平法治思想。深化习近平法治思想学习培训。",
            "（二）坚持依法决策",
            "1.推进重大事项依法决策。完善政府重大行政决策程序规定,印发《关于做好重大行政决策事项合法性审查送审工作的通知》,进一步明确重大行政决策送审范围和送审责任。",
            "2、完善制度",
            "1.33亿元的资金全部到位。",
            "(1)小标题不是标题",
            "十一、其他",
        ]))
        let kinds = r.blocks.map { b -> String in
            if case .heading(let l) = b.kind { return "h\(l)" } else { return "p" }
        }
        #expect(kinds == ["h2", "h3", "p", "h3", "h4", "p", "h4", "p", "p", "h2"])
        #expect(r.blocks[4].text == "1.推进重大事项依法决策。")
        #expect(r.blocks[5].text.hasPrefix("完善政府重大行政决策程序规定"))
        #expect(r.blocks[4].sourceLine == 5 && r.blocks[5].sourceLine == 5)
        #expect(r.warnings.isEmpty)
    }

    /// A long "(一)…" run whose first 。 comes late stays one paragraph; its text is never cut.
    @Test func longMarkedLineStaysAParagraph() {
        let line = "(一)强化统筹推进我区始终把法治政府建设摆在全经济社会发展大局中的重要位置,统筹谋划、部署推进。区委、区政府主要负责同志带头深入学习贯彻习近平法治思想。"
        let r = OutlineBuilder.build(lines(["三、党政主要负责人履行职责情况", line]))
        #expect(r.blocks.count == 2)
        #expect(r.blocks[1].kind == .paragraph && r.blocks[1].text == line)
    }

    @Test func damagedHeadingsOnlyNextToWellFormedOnes() {
        let r = OutlineBuilder.build(lines([
            "一、主要举措", "(一)第一项", "(二)第二项", "正文。", "三)严格规范公正文明执法,多举措打造执法监督新格局。", "正文。",
            ")强化依法履职。坚持民主集中制原则,认真执行议事规则。",
            "二、存在不足", ")这一节没有(一)式标题,所以这是段落。", "三)也是段落",
            "三、计划", "(一)第一项", "五)不在序列里,是段落",
        ]))
        let kinds = r.blocks.map { b -> String in
            if case .heading(let l) = b.kind { return "h\(l)" } else { return "p" }
        }
        #expect(kinds == ["h2", "h3", "h3", "p", "h3", "p", "h3", "p", "h2", "p", "p", "h2", "h3", "p"])
        #expect(r.blocks[4].text == "三)严格规范公正文明执法,多举措打造执法监督新格局。")
        #expect(r.blocks[6].text == ")强化依法履职。")
        #expect(r.warnings.count == 2)
        #expect(r.warnings[0].contains("三)严格规范") && r.warnings[0].contains("line 5"))
    }

    @Test func anchorsAreInsertedBetweenEscapedPieces() {
        var warnings: [String] = []
        let text = "1.共办理*案件*120件。调解成功率达96.9%。"
        let second = text.utf8.count - "调解成功率达96.9%。".utf8.count
        let out = MarkdownBodyWriter.render(text, [SentenceAnchor(block: 0, utf8Offset: 0, id: "s-aaaa1111"),
                                                  SentenceAnchor(block: 0, utf8Offset: second, id: "s-bbbb2222")], warnings: &warnings)
        #expect(out == "{#s-aaaa1111}1\\.共办理\\*案件\\*120件。{#s-bbbb2222}调解成功率达96.9%。")
        #expect(warnings.isEmpty)
        // A marker in the middle of a character is refused, not written.
        let bad = MarkdownBodyWriter.render(text, [SentenceAnchor(block: 0, utf8Offset: 3, id: "s-cccc3333")], warnings: &warnings)
        #expect(bad == MarkdownText.escapeLine(text))
        #expect(warnings.count == 1)
        // Found again by the shared marker reader.
        #expect(Anchors.replaceMarkers(in: out) { _ in "" }.found.map(\.id) == ["s-aaaa1111", "s-bbbb2222"])
    }

    @Test func bodyLayout() {
        var warnings: [String] = []
        let body = MarkdownBodyWriter.body(title: "某市2024年报告", blocks: [
            OutlineBlock(kind: .heading(level: 2), text: "一、工作"),
            OutlineBlock(kind: .paragraph, text: "# 不是标题 <b>也不是HTML</b> {#h-9}"),
            OutlineBlock(kind: .heading(level: 3), text: "(一)小节"),
        ], anchors: [], warnings: &warnings)
        #expect(body == "# 某市2024年报告\n\n## 一、工作 {#h-1}\n\n\\# 不是标题 \\<b\\>也不是HTML\\</b\\> \\{#h-9\\}\n\n### (一)小节 {#h-2}\n")
        #expect(Anchors.replaceMarkers(in: body) { _ in "" }.found.map(\.id) == ["h-1", "h-2"])
    }
}

@Suite struct DebrisTests {
    @Test func domainDebrisLinesMatch() {
        for line in ["中国政府网 | 山西省政府网 | 长治市政府网", "今天是", "今天是2025年3月1日 星期六", "热点查询:长治长治旅游",
                     "当前位置:首页>政府信息公开>依法行政", "您现在所在的位置: 首页 > 信息公开 > 通知公告", "字体大小:【大】 【中】 【小】",
                     "大 中 小", "保存为word 打印 关闭", "分享到:", "扫一扫在手机上查看当前页面", "扫一扫在手机打开当前页", "我要打印 关闭窗口",
                     "附件:", "主办单位:天津市滨海新区人民政府办公室", "承办单位:天津市滨海新区互联网信息办公室", "网站标识码:1201160001",
                     "联系电话:0739-5323212", "湘ICP备05001234号", "浏览次数:1234", "返回顶部", "无障碍 简体|繁体",
                     "时间:2017-08-20 大 中 小 来源:长治日报", "发布时间:2025-03-13 11:19 来源:天门市司法局", "【打印】 【关闭】"] {
            #expect(DebrisRules.match(line) != nil, "\(line)")
        }
    }

    /// Report sentences that merely mention 打印, 分享, 来源… are never debris.
    @Test func reportSentencesAreNotDebris() {
        for line in ["各单位要及时打印并关闭相关文件,确保文件安全。", "打印机采购项目全部完成合法性审核,共审核合同41件。",
                     "分享到各乡镇的经验做法得到推广,形成了一批可复制的好经验、好做法,受到省委依法治省办肯定。",
                     "今天是法治政府建设的关键一年,我们要坚持以习近平新时代中国特色社会主义思想为指导,全面推进依法行政。",
                     "来源于群众的意见建议全部办结,办结率100%,群众满意度达到98%以上,各项工作取得明显成效。",
                     "附件材料已按要求报送。", "大力推进法治宣传。", "省委依法治省办:", "2024年1月22日", "中共邵阳市委全面依法治市委员会办公室"] {
            #expect(DebrisRules.match(line) == nil, "\(line)")
        }
    }
}

@Suite struct MetadataTests {
    @Test func dates() {
        #expect(MetadataParser.date(in: "2025年03月13日") == "2025-03-13")
        #expect(MetadataParser.date(in: "2025-01-20") == "2025-01-20")
        #expect(MetadataParser.date(in: "2023年03月27日 16:43:09") == "2023-03-27")
        #expect(MetadataParser.date(in: "二〇二四年一月二十二日") == "2024-01-22")
        #expect(MetadataParser.date(in: "20251月2") == nil)
        #expect(MetadataParser.date(in: "2024-02-30") == nil)
    }

    @Test func titleYears() {
        #expect(MetadataParser.year(inTitle: "关于2024年度法治政府建设情况的报告") == 2024)
        #expect(MetadataParser.year(inTitle: "天门市2024年法治政府建设情况报告") == 2024)
        #expect(MetadataParser.year(inTitle: "法治政府建设情况报告（2024年）") == 2024)
        #expect(MetadataParser.year(inTitle: "某县落实法治政府建设实施纲要(2021-2025年)情况的2023年度报告") == 2023)
        #expect(MetadataParser.year(inTitle: "二〇二四年度法治政府建设情况报告") == 2024)
        #expect(MetadataParser.year(inTitle: "法治政府建设情况报告") == nil)
    }

    @Test func labelLayouts() {
        #expect(MetadataParser.fields(inLine: "发文字号 发文时间2025-01-20") == [.init(label: "发文字号", value: ""), .init(label: "发文时间", value: "2025-01-20")])
        #expect(MetadataParser.fields(inLine: "公开目录: 通知公告 公开责任部门: 司法局") == [.init(label: "公开目录", value: "通知公告"), .init(label: "公开责任部门", value: "司法局")])
        #expect(MetadataParser.fields(inLine: "生效日期 : 2024-01-31 有效期: 永久") == [.init(label: "生效日期", value: "2024-01-31"), .init(label: "有效期", value: "永久")])
        #expect(MetadataParser.fields(inLine: "主题分类其它 发布日期2025-01-20") == [.init(label: "主题分类", value: "其它"), .init(label: "发布日期", value: "2025-01-20")])
    }

    @Test func gazetteerNames() {
        let g = Gazetteer.shared
        #expect(g.division("429006")?.name == "天门市")
        #expect(Gazetteer.shortForm("武冈市") == "武冈")
        #expect(Gazetteer.shortForm("恩施土家族苗族自治州") == "恩施")
        #expect(Gazetteer.shortForm("广西壮族自治区") == "广西")
        #expect(Gazetteer.shortForm("城区") == nil)
        // Generic names count only after their parent.
        #expect(g.mentions(in: "主城区").isEmpty)
        #expect(g.mentions(in: "晋城市城区").map(\.name) == ["晋城市", "城区"])
        #expect(g.mentions(in: "晋城市城区").last?.candidates.map(\.adcode) == ["140502"])
        if case .resolved(let d, _) = g.resolve(sources: [("title", "武冈2024年报告", true)], context: []) {
            #expect(d.adcode == "430581")
        } else { Issue.record("武冈 short form not resolved") }
        #expect(g.resolve(sources: [("title", "朝阳区2024年报告", true)], context: []) != .notFound)
        if case .ambiguous(_, let c) = g.resolve(sources: [("title", "朝阳区2024年报告", true)], context: []) {
            #expect(Set(c.map(\.adcode)) == ["110105", "220104"])
        } else { Issue.record("朝阳区 must be ambiguous") }
        if case .resolved(let d, _) = g.resolve(sources: [("title", "朝阳区2024年报告", true)], context: ["主办单位:北京市朝阳区人民政府"]) {
            #expect(d.adcode == "110105")
        } else { Issue.record("朝阳区 with 北京市 must resolve") }
    }
}
