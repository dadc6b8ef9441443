import Testing
import FazhiModel
import FazhiIndicators
#if canImport(Glibc)
import Glibc
#endif

@Suite struct FrontMatterRoundTripTests {
    /// What extraction finds survives the front-matter format unchanged (values, qualifiers, anchors, sentences).
    @Test func extractionRoundTrips() throws {
        let ex = try FactExtractor(catalogYAML: SeedBlocks.catalogText(), file: "content/catalog.yaml")
        for seed in SeedBlocks.seeds {
            let r = ex.extract(SeedBlocks.blocks(seed.file))
            var fm = ReportFrontMatter()
            fm.id = seed.id
            fm.title = seed.file
            fm.sections = r.sections; fm.facts = r.facts; fm.indicators = r.indicators; fm.warnings = r.warnings
            let text = FrontMatterWriter.document(ReportDocument(frontMatter: fm, body: "text\n"))
            let back = try FrontMatterReader.document(text, file: seed.id + ".md")
            #expect(back.frontMatter.facts == r.facts)
            #expect(back.frontMatter.indicators == r.indicators)
            #expect(back.frontMatter.sections == r.sections)
            // a sample for `fazhi facts` by hand: /tmp/fazhi-indicators-sample/markdown/<id>.md
            let dir = "/tmp/fazhi-indicators-sample/markdown"
            mkdir("/tmp/fazhi-indicators-sample", 0o755); mkdir(dir, 0o755)
            if let f = fopen(dir + "/" + seed.id + ".md", "wb") { fputs(text, f); fclose(f) }
        }
    }
}
