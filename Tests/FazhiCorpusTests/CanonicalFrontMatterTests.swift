import Foundation
import Testing
@testable import FazhiCorpus
@testable import FazhiModel

/// `CanonicalFrontMatter` (the fast reader of convert's own layout) must read exactly what Yams reads, or
/// decline. Checked on the real seeds through convert, and on thousands of mutations of their front matter.
@Suite struct CanonicalFrontMatterTests {
    static func seedYAML() throws -> [(file: String, yaml: String)] {
        let (project, _) = try GoldThroughConvertTests.convertSeeds()
        defer { _ = project }
        let dir = project.layout.markdown
        var out: [(String, String)] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: dir).sorted() where name.hasSuffix(".md") {
            let text = try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
            out.append((name, try #require(FrontMatterReader.split(text).yaml)))
        }
        return out
    }

    @Test func convertedSeedsReadTheSameAsWithYams() throws {
        let seeds = try Self.seedYAML()
        #expect(seeds.count == GoldThroughConvertTests.seeds.count)
        for (file, yaml) in seeds {
            let fast = try #require(CanonicalFrontMatter.parse(yaml), "\(file): convert's own layout was not recognised")
            let yams = try FrontMatterReader.yamsFrontMatter(yaml, file: file)
            #expect(fast == yams, "\(file)")
            #expect(!fast.facts.isEmpty && !fast.sections.isEmpty && !fast.indicators.isEmpty, "\(file)")
            // And the writer's text of what was read is the text read.
            #expect(FrontMatterWriter.yaml(fast) == yaml, "\(file)")
        }
    }

    /// Random single- and double-byte edits (ASCII for ASCII, so the text stays UTF-8): whenever the fast
    /// reader accepts the edited text, Yams must read it without error and to the same front matter.
    @Test func mutatedFrontMatterIsReadAsYamsReadsItOrDeclined() throws {
        let seeds = try Self.seedYAML()
        var rng = SplitMix64(seed: 20261123)
        let alphabet = Array("\"\\:# -[]{},'\n\tx0123456789.eE+nulltrue".utf8)
        var accepted = 0, declined = 0
        for round in 0..<3000 {
            var bytes = Array(seeds[round % seeds.count].yaml.utf8)
            let ascii = bytes.indices.filter { bytes[$0] < 0x80 }
            for _ in 0..<(1 + Int(rng.next() % 2)) {
                let at = ascii[Int(rng.next() % UInt64(ascii.count))]
                bytes[at] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
            }
            let yaml = String(decoding: bytes, as: UTF8.self)
            guard let fast = CanonicalFrontMatter.parse(yaml) else { declined += 1; continue }
            accepted += 1
            let yams = try FrontMatterReader.yamsFrontMatter(yaml, file: "mutant-\(round)")
            #expect(fast == yams, "round \(round): \(yaml.prefix(200))")
        }
        // Both outcomes happen, so neither side of the contract went untested.
        #expect(accepted > 100 && declined > 100, "accepted \(accepted), declined \(declined)")
    }

    /// The four lines convert reads of a Markdown file it may have written: read as Yams reads them, or declined,
    /// on the seeds' lines and on random edits of them.
    @Test func convertFieldsAreReadAsYamsReadsThemOrDeclined() throws {
        let seeds = try Self.seedYAML()
        func fields(_ yaml: String) -> String {
            Converter.convertFields(Data(("---\n" + yaml + "---\n").utf8)) ?? ""
        }
        var rng = SplitMix64(seed: 7)
        let alphabet = Array("\"\\:# -[]{},'\n\tx0123456789.eE+nulltrueyes".utf8)
        var accepted = 0, declined = 0
        for round in 0..<3000 {
            var bytes = Array(fields(seeds[round % seeds.count].yaml).utf8)
            if round >= seeds.count {
                for _ in 0..<(1 + Int(rng.next() % 2)) {
                    bytes[Int(rng.next() % UInt64(bytes.count))] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                }
            }
            let lines = String(decoding: bytes, as: UTF8.self)
            guard let fast = CanonicalFrontMatter.convertFields(lines) else {
                #expect(round >= seeds.count, "a seed's own lines were declined: \(lines)")
                declined += 1; continue
            }
            accepted += 1
            let yams = try FrontMatterReader.yamsFrontMatter(lines, file: "fields-\(round)")
            #expect(fast.source == yams.source && fast.sourceSHA256 == yams.sourceSHA256 && fast.converter == yams.converter
                    && fast.locked == yams.locked, "round \(round): \(lines)")
        }
        #expect(accepted > 100 && declined > 100, "accepted \(accepted), declined \(declined)")
    }

    @Test func everyEscapeTheWriterWritesReadsBack() throws {
        var fm = ReportFrontMatter()
        fm.id = "x-1"
        fm.title = "控\u{0}\u{1}\u{1F}\u{7F}\u{85}\u{9F}\u{2028}\u{2029}\u{FEFF}\"\\\n\t\r 中文 𠀀 #: - [x]"
        fm.year = nil; fm.kind = .department; fm.level = nil; fm.locked = true
        fm.warnings = ["a\"b", ""]
        fm.sections = [SectionInfo(anchor: "h-1", heading: "一、\"x\"", level: 3, part: .plan, themes: [])]
        fm.facts = [Fact(value: 0.00001, unit: "%", qualifier: .atMost, text: "t", subject: "s", part: .other,
                         section: ["a", "b, c"], anchor: "s-1", sentence: "x")]
        fm.indicators = [IndicatorValue(indicator: "i", value: -12.5, unit: "", qualifier: .about, anchor: "s-1",
                                        confidence: 0.85, rule: "r", alternatives: [.init(value: 1e20, anchor: "s-2")])]
        let yaml = FrontMatterWriter.yaml(fm)
        let fast = try #require(CanonicalFrontMatter.parse(yaml))
        #expect(fast == fm)
        #expect(try FrontMatterReader.yamsFrontMatter(yaml, file: "x") == fm)
    }

    @Test func handEditedFrontMatterFallsBackToYams() throws {
        let (file, yaml) = try #require(try Self.seedYAML().first)
        // A comment, an unknown field, another field order: declined by the fast reader, read by Yams, same values.
        for edited in [yaml.replacingOccurrences(of: "locked: false", with: "locked: false # checked"),
                       yaml.replacingOccurrences(of: "converter: ", with: "note: \"by hand\"\nconverter: "),
                       // the fields in another order: the id last
                       yaml.split(separator: "\n").dropFirst().joined(separator: "\n") + "\n" + yaml.split(separator: "\n")[0] + "\n"] {
            #expect(try FrontMatterReader.frontMatter(edited, file: file) == FrontMatterReader.yamsFrontMatter(yaml, file: file))
            #expect(CanonicalFrontMatter.parse(edited) == nil)
        }
        let bad = yaml.replacingOccurrences(of: "level: county", with: "level: [county")
        #expect(CanonicalFrontMatter.parse(bad) == nil)
        #expect(throws: Diagnostic.self) { try FrontMatterReader.frontMatter(bad, file: file, firstLine: 2) }
    }
}
