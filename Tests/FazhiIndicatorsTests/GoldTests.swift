import Testing
import FazhiModel
import FazhiIndicators
import FazhiTestSupport

@Suite struct GoldTests {
    @Test(arguments: [(false, false), (true, false), (false, true)]) func precisionAndRecall(longHeadings: Bool, fullWidth: Bool) throws {
        let gold = GoldFile.load(SeedBlocks.root + "/Tests/FazhiIndicatorsTests/gold.yaml")
        #expect(gold.values.count >= 60)
        #expect(Set(gold.values.map(\.report)).count == 5)
        let ex = try FactExtractor(catalogYAML: SeedBlocks.catalogText(), file: "content/catalog.yaml")
        let ids = Set(ex.catalog.indicators.map(\.id))
        for e in gold.values { #expect(ids.contains(e.indicator), "gold names unknown indicator \(e.indicator)") }
        var extracted: [GoldFile.Entry] = []
        for seed in SeedBlocks.seeds {
            for i in ex.extract(SeedBlocks.blocks(seed.file, longHeadings: longHeadings, fullWidth: fullWidth)).indicators {
                extracted.append(.init(report: seed.id, indicator: i.indicator, value: i.value, qualifier: i.qualifier.rawValue))
            }
        }
        let label = "extractor" + (longHeadings ? ", numbered lines as headings" : "") + (fullWidth ? ", full-width punctuation" : "")
        let (precision, recall) = gold.score(extracted, label: label)
        #expect(precision >= 0.95)
        #expect(recall >= 0.90)
        // What a careful reader leaves empty stays empty.
        for a in gold.absentButFound(extracted) { Issue.record("\(a.report) \(a.indicator) should be absent") }
    }
}
