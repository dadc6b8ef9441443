import Testing
import FazhiModel
import FazhiIndicators

@Suite struct FactTests {
    let ex: FactExtractor
    init() throws { ex = try FactExtractor(catalogYAML: SeedBlocks.catalogText(), file: "content/catalog.yaml") }

    /// Every fact's sentence contains its text verbatim, and stands in its block at its anchor's offset.
    @Test(arguments: [false, true]) func factsLinkToVerbatimSentences(longHeadings: Bool) {
        for seed in SeedBlocks.seeds {
            let blocks = SeedBlocks.blocks(seed.file, longHeadings: longHeadings)
            let r = ex.extract(blocks)
            #expect(!r.facts.isEmpty)
            var anchors: [String: SentenceAnchor] = [:]
            for a in r.sentenceAnchors {
                #expect(anchors[a.id] == nil, "duplicate anchor \(a.id)")
                anchors[a.id] = a
            }
            for f in r.facts {
                #expect(f.sentence.contains(f.text), "\(seed.id): “\(f.text)” not in “\(f.sentence)”")
                if f.anchor.hasPrefix("h-") {
                    let rank = Int(f.anchor.dropFirst(2))!
                    let heading = blocks.filter(\.isHeading)[rank - 1]
                    #expect(heading.text.contains(f.sentence))
                    continue
                }
                guard let a = anchors[f.anchor] else { Issue.record("\(seed.id): no sentence anchor \(f.anchor)"); continue }
                let bytes = Array(blocks[a.block].text.utf8)
                let s = Array(f.sentence.utf8)
                #expect(a.utf8Offset + s.count <= bytes.count && Array(bytes[a.utf8Offset..<(a.utf8Offset + s.count)]) == s,
                        "\(seed.id): sentence not at its anchor offset: \(f.sentence)")
            }
            // one anchor per distinct anchored sentence, every anchor used
            let used = Set(r.facts.map(\.anchor).filter { $0.hasPrefix("s-") })
            #expect(used == Set(anchors.keys))
            // sections: one per heading, anchors h-1…
            #expect(r.sections.count == blocks.filter(\.isHeading).count)
            for (k, s) in r.sections.enumerated() { #expect(s.anchor == "h-\(k + 1)") }
        }
    }

    /// No year, date, plan period, document/index number, slogan code, phone number or version number is a fact.
    @Test func noCodesAmongSeedFacts() {
        for seed in SeedBlocks.seeds {
            let r = ex.extract(SeedBlocks.blocks(seed.file))
            for f in r.facts {
                #expect(!f.text.contains("年") && !f.text.contains("月") && !f.text.contains("-") && !f.text.contains("/"), "\(seed.id): \(f.text)")
                for bad in [6472024.0, 647, 721, 1131, 173045, 12345, 246, 5323212, 739, 20212025, 2025, 2024, 2023, 2022, 2021] where f.value == bad && f.unit != "起" {
                    Issue.record("\(seed.id): \(f.value) \(f.unit) from “\(f.text)” in “\(f.sentence)”")
                }
                #expect(!f.text.contains("×") && !f.text.contains("+") && !f.text.contains("版") && !f.text.contains("号"), "\(seed.id): \(f.text)")
                #expect(!(f.value == 24 && f.unit == "小时"), "\(seed.id): \(f.sentence)")
                #expect(!(f.value == 7 && f.sentence.contains("7.0版") && f.text.hasPrefix("7")), "\(seed.id): \(f.text)")
            }
        }
    }

    @Test func tianmenDamagedSentence() {
        let r = ex.extract(SeedBlocks.blocks(SeedBlocks.seeds[0].file))
        #expect(!r.facts.contains { $0.value == 6472024 || $0.value == 647 || $0.text.contains("6472024") })
        #expect(r.facts.contains { $0.value == 4523 && $0.unit == "件" && $0.text == "4523件" })
        #expect(r.warnings.contains { $0.hasPrefix("number glued to a year, text damaged") && $0.contains("6472024") })
        // 办理法律援助案件1033持续…: the unit is lost; no fact, a warning, and no legal-aid value
        #expect(!r.facts.contains { $0.value == 1033 })
        #expect(r.warnings.contains { $0.contains("1033") })
        #expect(!r.indicators.contains { $0.indicator == "legal-aid-cases" })
    }

    func one(_ text: String) -> [(String, Double, String, Qualifier)] {
        ex.quantities(in: text).map { ($0.text, $0.quantity.value, $0.quantity.unit, $0.quantity.qualifier) }
    }

    @Test func grammarCases() {
        func check(_ text: String, _ expected: [(String, Double, String, Qualifier)], sourceLocation: SourceLocation = #_sourceLocation) {
            let got = one(text)
            #expect(got.count == expected.count, "\(text): \(got)", sourceLocation: sourceLocation)
            for (g, e) in zip(got, expected) {
                #expect(g.0 == e.0 && abs(g.1 - e.1) < 1e-6 && g.2 == e.2 && g.3 == e.3, "\(text): got \(g), want \(e)", sourceLocation: sourceLocation)
            }
        }
        check("网上可办率达百分之百", [("百分之百", 100, "%", .exact)])
        check("满意率百分之九十", [("百分之九十", 90, "%", .exact)])
        check("发案率同比下降7.01个百分点", [("7.01个百分点", 7.01, "个百分点", .exact)])
        check("复议、诉讼收案比达5:1,行政复议", [("5:1", 5, ":1", .exact)])
        check("复议诉讼收案比达5：1", [("5：1", 5, ":1", .exact)])
        check("开展送法活动六十余场次", [("六十余场次", 60, "场次", .atLeast)])
        check("分两批次组织", [("两批次", 2, "批次", .exact)])
        check("建成一百二十个站点、十五个中心", [("一百二十个", 120, "个", .exact), ("十五个", 15, "个", .exact)])
        check("发放宣传资料2万余份", [("2万余份", 20000, "份", .atLeast)])
        check("收案11.34万件", [("11.34万件", 113400, "件", .exact)])
        check("涉及金额1.33亿元", [("1.33亿元", 133000000, "元", .exact)])
        check("挽回经济损失约573.68万元", [("约573.68万元", 5736800, "元", .about)])
        check("共办结 537 件", [("537 件", 537, "件", .exact)])
        check("建成示范村3 个", [("3 个", 3, "个", .exact)])
        check("开展活动400 余次,发放资料2 万余份", [("400 余次", 400, "次", .atLeast), ("2 万余份", 20000, "份", .atLeast)])
        check("化解纠纷4千余件", [("4千余件", 4000, "件", .atLeast)])
        check("成功率100%", [("100%", 100, "%", .exact)])
        check("办复率为100﹪", [("100﹪", 100, "%", .exact)])
        check("办复率为100％", [("100％", 100, "%", .exact)])
        check("培养8名以上", [("8名以上", 8, "名", .atLeast)])
        check("网上可办率超过90%", [("超过90%", 90, "%", .atLeast)])
        check("逾300人参加", [("逾300人", 300, "人", .atLeast)])
        check("近200件", [("近200件", 200, "件", .about)])
        check("不到10件", [("不到10件", 10, "件", .atMost)])
        check("3000件左右", [("3000件左右", 3000, "件", .about)])
        check("播放量100万余次", [("100万余次", 1000000, "次", .atLeast)])
        check("处理1,033件", [("1,033件", 1033, "件", .exact)])
        // never values
        check("2024年,我市", [])
        check("2025年度工作", [])
        check("发文日期2025-01-20", [])
        check("2023年03月27日 16:43:09", [])
        check("《法治政府建设实施纲要(2021-2025年)》", [])
        check("实施纲要(2021—2025年)", [])
        check("提升行政执法质量三年行动计划(2023年—2025年)", [])
        check("规划20212025年", [])
        check("豫政文〔2024〕46号", [])
        check("索引号: 4305000002/2024-04928", [])
        check("一是坚持党的领导,二是强化,全国第2家,第三次全体会议,第一批15项", [("15项", 15, "项", .exact)])
        check("1.推进重大事项依法决策", [])
        check("落实“十四五”规划和“八五”普法,党的二十大和二十届三中全会", [])
        check("第一责任人职责", [])
        check("创新推行“721”工作法,建立“1+N”大数据平台,“1131”预约化解机制,律师“246”工作体系", [])
        check("“173045”快审执改革,标红走绿173045” 快速办理", [])
        check("12345热线,“7×24小时”服务,24小时不打烊政务便利店", [])
        check("联系电话:0739-5323212", [])
        check("实施优化营商环境方案7.0版", [])
        check("三项制度、三张清单、两审一签、四张清单、一规划两方案、五大程序、三个是否、一村一法律顾问、一件事、一网通办", [])
        check("落实行政执法三项制度,八项规定", [])
        check("办理法律援助案件1033持续深入推进", [])
        check("村居两级人民调解委员会6472024年调处矛盾纠纷4523件", [("4523件", 4523, "件", .exact)])
        check("20251月2", [])
        check("在24小时内办结", [("24小时", 24, "小时", .exact)])
        check("百所千人办万件实事", [])
    }

    @Test func gluedYearWarning() {
        let s = Array("委员会6472024年调处矛盾纠纷4523件".unicodeScalars)
        let (q, w) = NumberGrammar().scan(s)
        #expect(q.count == 1 && q[0].value == 4523)
        #expect(w.count == 1 && w[0].contains("6472024"))
        #expect(NumberGrammar().scan(Array("规划20212025年".unicodeScalars)).warnings.isEmpty)
    }

    @Test func subjects() {
        let blocks = [OutlineBlock(kind: .heading(level: 1), text: "某市2024年法治政府建设情况报告"),
                      OutlineBlock(kind: .heading(level: 2), text: "一、2024年工作情况"),
                      OutlineBlock(kind: .paragraph, text: "2024年审结行政复议申请358件,确认违法7件。全年共开展法治宣传400余次。")]
        let r = ex.extract(blocks)
        #expect(r.facts.map(\.subject) == ["审结行政复议申请", "确认违法", "开展法治宣传"])
        #expect(r.facts.map(\.text) == ["358件", "7件", "400余次"])
        #expect(r.facts.allSatisfy { $0.section == ["一、2024年工作情况"] && $0.part == .results })
        #expect(r.sentenceAnchors.count == 2)
        #expect(r.sentenceAnchors[1].utf8Offset == Array("2024年审结行政复议申请358件,确认违法7件。".utf8).count)
    }
}

@Suite struct GrammarMoreTests {
    let g: NumberGrammar
    init() throws {
        let c = try Catalog.load(yaml: SeedBlocks.catalogText(), file: "content/catalog.yaml")
        g = NumberGrammar(notQuantities: c.notQuantities)
    }

    @Test func slogansWithNumeralsAreNotQuantities() {
        for text in ["坚持“五位一体”总体布局和“四个全面”战略布局", "增强四个意识、坚定四个自信、做到两个维护", "践行三个代表重要思想",
                     "3·15消费者权益日", "5G基站", "1—10月", "第十四届", "全年12348热线", "近五年来", "法律顾问“一村一法律顾问”全覆盖",
                     "构建15分钟公共法律服务圈", "24小时在线", "“12·4”国家宪法日", "三分之一", "办理时限压缩1/3",
                     "构建“三位一体”格局与三位一体机制", "三番五次上访", "千方百计", "十分重视", "千家万户", "市政府八届第14次常务会议"] {
            #expect(g.quantities(in: text).isEmpty, "\(text): \(g.quantities(in: text).map(\.text))")
        }
    }

    @Test func moreQuantities() {
        let q = g.quantities(in: "培训4.5万人次,百分之八十以上,共调解110余名,3个工作日内办结,减少检查5908户次")
        #expect(q.map(\.text) == ["4.5万人次", "百分之八十以上", "110余名", "3个工作日", "5908户次"])
        #expect(q.map(\.quantity.value) == [45000, 80, 110, 3, 5908])
        #expect(q[1].quantity.qualifier == .atLeast)
        #expect(q[3].quantity.unit == "个工作日")
    }

    /// A rough speed check (debug build): the five seeds, many times.
    @Test func speed() throws {
        let ex = try FactExtractor(catalogYAML: SeedBlocks.catalogText(), file: "content/catalog.yaml")
        let all = SeedBlocks.seeds.map { SeedBlocks.blocks($0.file) }
        let clock = ContinuousClock()
        let t = clock.measure { for _ in 0..<10 { for b in all { _ = ex.extract(b) } } }
        print("extract: 50 reports in \(t) (debug build)")
    }
}
