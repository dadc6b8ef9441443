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
