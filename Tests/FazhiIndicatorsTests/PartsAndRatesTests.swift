import Testing
import FazhiModel
import FazhiIndicators

@Suite struct PartsAndRatesTests {
    let ex: FactExtractor
    init() throws { ex = try FactExtractor(catalogYAML: SeedBlocks.catalogText(), file: "content/catalog.yaml") }

    func report(_ paragraphs: [(Int, String)]) -> [OutlineBlock] {
        [OutlineBlock(kind: .heading(level: 1), text: "某县2023年法治政府建设工作报告")] + paragraphs.map {
            $0.0 == 0 ? OutlineBlock(kind: .paragraph, text: $0.1) : OutlineBlock(kind: .heading(level: $0.0), text: $0.1)
        }
    }

    /// Numbers in next year's plan are targets: facts with part `plan`, never indicator values.
    @Test func planNumbersAreNeverIndicatorValues() {
        let r = ex.extract(report([
            (2, "一、2023年工作情况"), (0, "全年受理行政复议案件120件。"),
            (2, "二、存在的问题"), (0, "基层力量不足。"),
            (2, "三、2024年工作安排"), (0, "力争审结行政复议案件200件,开展法治宣传活动500场次。"),
        ]))
        #expect(r.facts.filter { $0.part == .plan }.map(\.value) == [200, 500])
        #expect(r.indicators.map(\.indicator) == ["admin-review-received"])
        #expect(r.sections.map(\.part) == [.results, .results, .shortcomings, .plan])
    }

    /// Unnumbered paragraphs after the results open the shortcomings and the plan (seed 004, 武冈).
    @Test func unnumberedPartsAfterResults() {
        let r = ex.extract(report([
            (2, "一、以习近平法治思想为指引"), (0, "开展法治宣传活动300场次。"),
            (0, "2023年,我市在推进法治政府建设上仍存在一些问题和不足,比如执法不规范。"),
            (0, "2024年,我市将开展法治宣传活动900场次。"),
        ]))
        #expect(r.facts.map(\.part) == [.results, .plan])
        #expect(r.indicators.first { $0.indicator == "pufa-activities" }?.value == 300)
        let r2 = ex.extract(report([(2, "一、主要工作"), (0, "2023年,我市在工作中仍存在一些问题。"), (0, "审结行政复议案件5件。")]))
        #expect(r2.facts.first?.part == .shortcomings)
    }

    @Test func leadersDutiesAndOtherParts() {
        let r = ex.extract(report([
            (2, "一、党政主要负责人履行推进法治建设第一责任人职责情况"), (0, "年度集中学法16次。"),
            (2, "二、推进法治政府建设的主要举措和成效"), (0, "受理法律援助案件317件。"),
            (2, "三、其他需要报告的情况"), (0, "全区行政应诉案件16件。"),
        ]))
        #expect(r.facts.map(\.part) == [.duties, .results, .other])
        #expect(Set(r.indicators.map(\.indicator)) == ["collective-law-study", "legal-aid-cases", "admin-litigation-cases"])
    }

    /// A rate given alongside its parts is checked; a mismatch beyond rounding is a warning.
    @Test func rateMismatchWarns() {
        let ok = ex.extract(report([(2, "一、工作情况"), (0, "调处矛盾纠纷4523件,调解成功4382件,调解成功率达96.9%。")]))
        #expect(!ok.warnings.contains { $0.hasPrefix("rate does not match") })
        let bad = ex.extract(report([(2, "一、工作情况"), (0, "调处矛盾纠纷4523件,调解成功4382件,调解成功率达99.5%。")]))
        #expect(bad.warnings.contains { $0.hasPrefix("rate does not match its parts: mediation-success-rate 99.5%") })
        let corr = ex.extract(report([(2, "一、工作情况"), (0, "办理行政复议案件34件,纠错5件,纠错率14.7%。")]))
        #expect(!corr.warnings.contains { $0.hasPrefix("rate does not match") })
        let corrBad = ex.extract(report([(2, "一、工作情况"), (0, "办理行政复议案件34件,纠错5件,纠错率20%。")]))
        #expect(corrBad.warnings.contains { $0.contains("admin-review-correction-rate") })
    }

    /// Competing values: one per indicator, the others recorded; an enumeration of parts gives no total.
    @Test func competitionAndEnumerations() {
        let r = ex.extract(report([(2, "一、工作情况"),
            (0, "全年受理法律援助案件317件。"),
            (0, "其中,为农民工受理法律援助案件120件,为企业办理法律援助案件30件。"),
            (0, "依托10个乡镇人民调解委员会,188个村人民调解委员会,构建调解体系。")]))
        let aid = r.indicators.first { $0.indicator == "legal-aid-cases" }
        #expect(aid?.value == 317)
        #expect(r.indicators.first { $0.indicator == "mediation-organizations" } == nil)
    }

    /// Received, closed and corrected are told apart; review is told from litigation.
    @Test func neighboursAreToldApart() {
        let r = ex.extract(report([(2, "一、工作情况"),
            (0, "2024年受理行政复议案件1423件,办结1006件,纠错20件;行政应诉一审案件216件、二审140件,胜诉180件,败诉6件。")]))
        let v = Dictionary(uniqueKeysWithValues: r.indicators.map { ($0.indicator, $0.value) })
        #expect(v["admin-review-received"] == 1423)
        #expect(v["admin-review-closed"] == 1006)
        #expect(v["admin-review-corrected"] == 20)
        #expect(v["admin-litigation-cases"] == 216)
        #expect(v["admin-litigation-won"] == 180)
        #expect(v["admin-litigation-lost"] == 6)
        let r2 = ex.extract(report([(2, "一、工作情况"), (0, "提供法律咨询3000人次,办理法律援助案件400件。")]))
        let v2 = Dictionary(uniqueKeysWithValues: r2.indicators.map { ($0.indicator, $0.value) })
        #expect(v2["legal-consultations"] == 3000)
        #expect(v2["legal-aid-cases"] == 400)
    }
}

/// Sentences not from the seeds (a national report's wording, as quoted by the press), to check that the
/// rules are general phrasings and not fitted to the five seeds.
@Suite struct HeldOutTests {
    let ex: FactExtractor
    init() throws { ex = try FactExtractor(catalogYAML: SeedBlocks.catalogText(), file: "content/catalog.yaml") }

    @Test func nationalAdministrativeReview() {
        let blocks = [OutlineBlock(kind: .heading(level: 1), text: "司法部2023年法治政府建设年度报告"),
                      OutlineBlock(kind: .heading(level: 2), text: "一、2023年推进法治政府建设的主要举措和成效"),
                      OutlineBlock(kind: .paragraph, text: "2023年,各级行政复议机构始终以维护群众合法权益为落脚点,全国新收行政复议案件31.5万件,同比增长17.1%;依法办结行政复议案件29.3万件,同比增长14.45%,其中司法部办结国务院行政复议案件4644件。"),
                      OutlineBlock(kind: .paragraph, text: "指导各级行政复议机构依法办理涉及民生领域行政复议案件6.38万件,涉企行政复议案件3万余件。2023年,全国各级行政复议机构通过调解、和解方式结案3.7万件,一大批行政争议得到实质性化解。"),
                      OutlineBlock(kind: .paragraph, text: "各级行政复议机构全年作出撤销、变更、确认违法和责令履行决定等纠错决定2.73万件,纠错率达12.83%。全国共制发行政复议意见书、建议书3800余份。")]
        let r = ex.extract(blocks)
        let v = Dictionary(uniqueKeysWithValues: r.indicators.map { ($0.indicator, $0.value) })
        #expect(v["admin-review-received"] == 315000)
        #expect(v["admin-review-closed"] == 293000)
        #expect(v["admin-review-mediated"] == 37000)
        #expect(v["admin-review-corrected"] == 27300)
        #expect(v["admin-review-correction-rate"] == 12.83)
        // 17.1% and 14.45% are year-on-year changes, not rates of anything
        #expect(r.facts.contains { $0.value == 17.1 && $0.unit == "%" })
        #expect(r.indicators.allSatisfy { $0.value != 17.1 && $0.value != 14.45 && $0.value != 4644 })
    }
}

/// Phrasings of other reports (written for these tests, in the style of county reports), to check the
/// rules generalise beyond the seeds.
@Suite struct OtherPhrasingsTests {
    let ex: FactExtractor
    init() throws { ex = try FactExtractor(catalogYAML: SeedBlocks.catalogText(), file: "content/catalog.yaml") }

    func values(_ paragraphs: [String]) -> [String: (Double, Qualifier)] {
        let blocks = [OutlineBlock(kind: .heading(level: 1), text: "某县2023年法治政府建设情况报告"),
                      OutlineBlock(kind: .heading(level: 2), text: "一、2023年推进法治政府建设的主要举措和成效")]
            + paragraphs.map { OutlineBlock(kind: .paragraph, text: $0) }
        var out: [String: (Double, Qualifier)] = [:]
        for i in ex.extract(blocks).indicators { out[i.indicator] = (i.value, i.qualifier) }
        return out
    }

    @Test func reviewAndLitigation() {
        let v = values(["全年办理行政复议案件86件,审结79件,纠错9件,纠错率11.4%。",
                        "全年共发生行政诉讼案件45件,败诉3件,败诉率6.7%;行政机关负责人出庭应诉率达100%。"])
        #expect(v["admin-review-received"]?.0 == 86)
        #expect(v["admin-review-closed"]?.0 == 79)
        #expect(v["admin-review-corrected"]?.0 == 9)
        #expect(v["admin-review-correction-rate"]?.0 == 11.4)
        #expect(v["admin-litigation-cases"]?.0 == 45)
        #expect(v["admin-litigation-lost"]?.0 == 3)
        #expect(v["admin-litigation-loss-rate"]?.0 == 6.7)
        #expect(v["head-appearance-rate"]?.0 == 100)
    }

    @Test func mediationAndServices() {
        let v = values(["全县共有人民调解委员会230个,人民调解员1568名,全年共排查矛盾纠纷890余次,调解矛盾纠纷765件,调解成功760件,调解成功率99.3%。",
                        "共受理法律援助案件568件,提供法律咨询1.2万人次,办理公证事项3560件。",
                        "开展“法律进乡村”等普法活动320场次,发放宣传资料5万余份。"])
        #expect(v["mediation-organizations"]?.0 == 230)
        #expect(v["mediators"]?.0 == 1568)
        #expect(v["dispute-screenings"]! == (890, .atLeast))
        #expect(v["mediation-disputes"]?.0 == 765)
        #expect(v["mediation-succeeded"]?.0 == 760)
        #expect(v["mediation-success-rate"]?.0 == 99.3)
        #expect(v["legal-aid-cases"]?.0 == 568)
        #expect(v["legal-consultations"]?.0 == 12000)
        #expect(v["notary-cases"]?.0 == 3560)
        #expect(v["pufa-activities"]! == (320, .exact))
        #expect(v["pufa-materials"]! == (50000, .atLeast))
    }

    @Test func enforcementAndRules() {
        let v = values(["全县127个行政执法主体、2360名行政执法人员全部纳入平台管理,组织1200名执法人员参加培训。",
                        "组织开展行政执法案卷评查,共评查案卷560卷。",
                        "审查规范性文件45件,备案审查12件;对58件重大行政决策事项进行合法性审查,审查各类合同协议210份,提出修改意见320条。",
                        "公布权责清单事项3456项,政务服务事项网上可办率达到100%。",
                        "全县共有政府法律顾问86名、公职律师152名;县政府常务会议会前学法12次。"])
        #expect(v["enforcement-bodies"]?.0 == 127)
        #expect(v["enforcement-staff"]?.0 == 2360)
        #expect(v["case-file-reviews"]?.0 == 560)
        #expect(v["normative-doc-reviews"]?.0 == 45)
        #expect(v["major-decision-reviews"]?.0 == 58)
        #expect(v["contract-reviews"]?.0 == 210)
        #expect(v["review-opinions"]?.0 == 320)
        #expect(v["power-list-items"]?.0 == 3456)
        #expect(v["online-service-rate"]?.0 == 100)
        #expect(v["legal-advisers"]?.0 == 86)
        #expect(v["public-lawyers"]?.0 == 152)
        #expect(v["collective-law-study"]?.0 == 12)
    }

    /// Ambiguous sentences give no value rather than a wrong one.
    @Test func ambiguityGivesNothing() {
        let v = values(["全年行政复议撤销12件,确认违法5件。", "依托5个乡镇人民调解委员会、120个村人民调解委员会开展调解。"])
        #expect(v["admin-review-corrected"] == nil)
        #expect(v["mediation-organizations"] == nil)
    }

    /// A results heading that mentions 问题 or 计划 is not the shortcomings or the plan; a results paragraph
    /// about tackling problems does not open the shortcomings.
    @Test func partsAreNotFooledByTopics() {
        let blocks = [OutlineBlock(kind: .heading(level: 1), text: "某县2023年法治政府建设情况报告"),
                      OutlineBlock(kind: .heading(level: 2), text: "一、聚焦群众急难愁盼问题,提升法律服务水平"),
                      OutlineBlock(kind: .paragraph, text: "针对执法中存在的问题,开展专项整治,受理法律援助案件300件。"),
                      OutlineBlock(kind: .heading(level: 2), text: "二、深入实施提升行政执法质量三年行动计划"),
                      OutlineBlock(kind: .paragraph, text: "评查案卷120卷。"),
                      OutlineBlock(kind: .heading(level: 2), text: "三、2024年工作思路"),
                      OutlineBlock(kind: .paragraph, text: "开展法治宣传活动900场次。")]
        let r = ex.extract(blocks)
        #expect(r.facts.map(\.part) == [.results, .results, .plan])
        #expect(r.sections.map(\.part) == [.results, .results, .results, .plan])
    }
}

extension OtherPhrasingsTests {
    @Test func studyAndLeadership() {
        let v = values(["组织86名乡镇和部门主要负责人现场述法,区政府常务会议专题研究法治政府建设工作4次,开展集体学法12次,党委(党组)理论学习中心组学习习近平法治思想230余次。"])
        #expect(v["leader-law-reports"]?.0 == 86)
        #expect(v["law-topic-meetings"]?.0 == 4)
        #expect(v["collective-law-study"]?.0 == 12)
        #expect(v["group-study"]! == (230, .atLeast))
    }
}

extension PartsAndRatesTests {
    /// A report without 一、 headings: its (一) headings name the parts.
    @Test func flatReportParts() {
        let r = ex.extract(report([
            (3, "(一)主要工作情况"), (0, "受理法律援助案件300件。"),
            (3, "(二)存在的问题"), (0, "基层力量不足。"),
            (3, "(三)下一步工作打算"), (0, "办理法律援助案件500件。"),
        ]))
        #expect(r.facts.map(\.part) == [.results, .plan])
        #expect(r.indicators.first { $0.indicator == "legal-aid-cases" }?.value == 300)
    }
}
