import Testing
import FazhiModel
import FazhiIndicators
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Prints what the extractor finds on each seed, for reading by eye: set FAZHI_DUMP=1.
@Suite struct DumpTests {
    @Test func dumpSeeds() throws {
        guard getenv("FAZHI_DUMP") != nil else { return }
        let ex = try FactExtractor(catalogYAML: SeedBlocks.catalogText(), file: "content/catalog.yaml")
        for seed in SeedBlocks.seeds {
            let r = ex.extract(SeedBlocks.blocks(seed.file))
            print("=== \(seed.id): \(r.facts.count) facts, \(r.indicators.count) indicators")
            for s in r.sections { print("  S \(s.anchor) L\(s.level) \(s.part.rawValue) \(s.themes) \(s.heading.prefix(30))") }
            for f in r.facts { print("  F \(f.value) \(f.unit) \(f.qualifier.rawValue) [\(f.text)] {\(f.subject)} \(f.part.rawValue) \(f.anchor)") }
            for i in r.indicators { print("  I \(i.indicator) = \(i.value) \(i.unit) \(i.qualifier.rawValue) c=\(i.confidence) \(i.rule) alts=\(i.alternatives.map(\.value))") }
            for w in r.warnings { print("  W \(w)") }
        }
    }
}
