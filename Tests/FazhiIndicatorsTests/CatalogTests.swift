import Testing
import FazhiModel
import FazhiIndicators

@Suite struct CatalogTests {
    @Test func realCatalogLoads() throws {
        let c = try Catalog.load(yaml: SeedBlocks.catalogText(), file: "content/catalog.yaml")
        #expect(c.themes.count == 11)
        #expect(c.indicators.count >= 30)
        #expect(Set(c.themes.map(\.id)) == ["study", "functions", "rules", "decisions", "enforcement", "emergencies",
                                             "disputes", "oversight", "digital", "leadership", "legal-services"])
        let keys = c.indicators.filter(\.key)
        #expect((6...10).contains(keys.count))
        for i in c.indicators {
            #expect(!i.match.isEmpty && !i.description.isEmpty && !i.units.isEmpty, "\(i.id)")
            #expect(i.line > 0)
        }
        for t in c.themes { #expect(!t.keywords.isEmpty && !t.description.isEmpty) }
        #expect(c.indicator("admin-review-closed")?.match.first?.before.contains("审结") == true)
        #expect(c.indicator("mediation-success-rate")?.rateOf == "mediation-succeeded")
    }

    func failure(_ yaml: String) -> Diagnostic? {
        do { _ = try Catalog.load(yaml: yaml, file: "bad.yaml"); return nil } catch let d as Diagnostic { return d } catch { return nil }
    }

    let head = """
    themes:
      - id: disputes
        name: 矛盾纠纷
    indicators:

    """

    @Test func unknownTheme() {
        let d = failure(head + """
          - id: a
            name: A
            theme: nowhere
            unit: 件
            match:
              - before: [审结]
        """)
        #expect(d?.file == "bad.yaml")
        #expect(d?.line == 5)
        #expect(d?.message.contains("unknown theme 'nowhere'") == true)
    }

    @Test func emptyMatch() {
        let d = failure(head + """
          - id: a
            name: A
            theme: disputes
            unit: 件
            match: []
        """)
        #expect(d?.file == "bad.yaml" && d?.line == 9)
        #expect(d?.message.contains("empty 'match'") == true)
        // no `match` at all: a hand-filled indicator, allowed
        #expect(failure(head + """
          - id: a
            name: A
            theme: disputes
            unit: 件
        """) == nil)
        let d2 = failure(head + """
          - id: a
            name: A
            theme: disputes
            unit: 件
            match:
        """)
        #expect(d2?.line == 9 && d2?.message.contains("empty 'match'") == true)
        let d3 = failure(head + """
          - id: a
            name: A
            theme: disputes
            unit: 件
            match:
              - context: [行政复议]
        """)
        #expect(d3?.line == 10 && d3?.message.contains("needs 'before' or 'after'") == true)
    }

    @Test func duplicateID() {
        let d = failure(head + """
          - id: a
            name: A
            theme: disputes
            unit: 件
            match:
              - before: [审结]
          - id: a
            name: B
            theme: disputes
            unit: 件
            match:
              - before: [受理]
        """)
        #expect(d?.file == "bad.yaml" && d?.line == 11)
        #expect(d?.message.contains("duplicate indicator id 'a'") == true)
    }

    @Test func invalidPatterns() {
        let d = failure(head + """
          - id: a
            name: A
            theme: disputes
            unit: 件
            match:
              - before: [审结|, 办结]
        """)
        #expect(d?.line == 10 && d?.message.contains("empty word or alternative") == true)
        let d2 = failure(head + """
          - id: a
            name: A
            theme: disputes
            unit: 件
            match:
              - befor: [审结]
        """)
        #expect(d2?.line == 10 && d2?.message.contains("unknown field 'befor'") == true)
        let d3 = failure(head + """
          - id: Bad_ID
            name: A
            theme: disputes
            unit: 件
            match:
              - before: [审结]
        """)
        #expect(d3?.line == 5 && d3?.message.contains("lowercase ASCII") == true)
        let d4 = failure(head + """
          - id: a
            name: A
            theme: disputes
            unit: "%"
            rate_of: missing
            rate_per: [a]
            match:
              - before: [成功率]
        """)
        #expect(d4?.line == 5 && d4?.message.contains("unknown indicator 'missing'") == true)
    }

    @Test func extractorFromCatalogValue() throws {
        let c = try Catalog.load(yaml: SeedBlocks.catalogText(), file: "content/catalog.yaml")
        let r = FactExtractor(catalog: c).extract([OutlineBlock(kind: .heading(level: 1), text: "2024年报告"),
                                                   OutlineBlock(kind: .paragraph, text: "审结行政复议申请358件。")])
        #expect(r.indicators.first?.indicator == "admin-review-closed")
    }
}
