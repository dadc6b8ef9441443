import Foundation
import Testing
@testable import FazhiCorpus
import FazhiModel
import FazhiTestSupport

/// The indicator gold (Tests/FazhiIndicatorsTests/gold.yaml) checked through the real converter: the five seeds
/// and the real catalog in a throw-away project, `Converter.run()`, then the front matter each Markdown file
/// carries, read back with `FrontMatterReader`. The FazhiIndicators gold test feeds the extractor blocks from a
/// stand-in splitter; this one sees what a user gets.
@Suite struct GoldThroughConvertTests {
    static let seeds = GoldFile.seeds

    /// Converts the seeds once; the documents by gold report id.
    static func convertSeeds() throws -> (project: TempProject, documents: [String: ReportDocument]) {
        let p = TempProject()
        for s in seeds { p.copySeed(s.file) }
        let catalog = try #require(FileManager.default.contents(atPath: repoRoot + "/content/catalog.yaml"))
        #expect(FileManager.default.createFile(atPath: p.layout.catalog, contents: catalog))
        let summary = try Converter(layout: p.layout).run()
        #expect(summary.failed.isEmpty, "\(summary.failed)")
        var docs: [String: ReportDocument] = [:]
        for s in seeds {
            docs[s.id] = try #require(try p.document(forSource: s.file), "no Markdown converted from \(s.file)")
        }
        return (p, docs)
    }

    @Test func precisionAndRecallThroughConvert() throws {
        let gold = GoldFile.load(repoRoot + "/Tests/FazhiIndicatorsTests/gold.yaml")
        #expect(gold.values.count >= 60)
        #expect(Set(gold.values.map(\.report)).count == Self.seeds.count)
        let (project, docs) = try Self.convertSeeds()
        defer { _ = project }
        var extracted: [GoldFile.Entry] = []
        for s in Self.seeds {
            for i in docs[s.id]?.frontMatter.indicators ?? [] {
                extracted.append(.init(report: s.id, indicator: i.indicator, value: i.value, qualifier: i.qualifier.rawValue))
            }
        }
        let (precision, recall) = gold.score(extracted, label: "through convert")
        #expect(precision >= 0.95)
        #expect(recall >= 0.90)
        for a in gold.absentButFound(extracted) { Issue.record("\(a.report) \(a.indicator) should be absent") }
    }

    /// Every fact links to where it was said: its marker is in the body, and the text there (escapes removed)
    /// starts with the fact's sentence, which holds the fact's text verbatim.
    @Test func everyFactStandsAtItsMarker() throws {
        let (project, docs) = try Self.convertSeeds()
        defer { _ = project }
        var checked = 0
        for s in Self.seeds {
            let doc = try #require(docs[s.id])
            let facts = doc.frontMatter.facts
            #expect(!facts.isEmpty, "\(s.id): no facts")
            let body = doc.body
            for f in facts {
                #expect(f.sentence.contains(f.text), "\(s.id): sentence of \(f.text) does not contain it: \(f.sentence)")
                let marker = Anchors.marker(f.anchor)
                guard let r = body.range(of: marker) else {
                    Issue.record("\(s.id): marker \(marker) of fact \(f.text) not in the body")
                    continue
                }
                if f.anchor.hasPrefix("h-") {
                    // A heading's marker ends its line: the heading text before it holds the sentence.
                    let lineStart = body[..<r.lowerBound].lastIndex(of: "\n").map { body.index(after: $0) } ?? body.startIndex
                    var heading = body[lineStart..<r.lowerBound]
                    while heading.first == "#" { heading = heading.dropFirst() }
                    let text = Self.unescape(String(heading))
                    #expect(text.contains(f.sentence), "\(s.id): heading \(f.anchor) “\(text)” does not hold “\(f.sentence)”")
                    #expect(body[r.upperBound...].hasPrefix("\n") || r.upperBound == body.endIndex, "\(s.id): \(marker) does not end its heading line")
                } else {
                    let lineEnd = body[r.upperBound...].firstIndex(of: "\n") ?? body.endIndex
                    let after = Self.unescape(String(body[r.upperBound..<lineEnd]))
                    #expect(after.hasPrefix(f.sentence), "\(s.id): after \(marker): “\(after.prefix(80))…” does not start with “\(f.sentence)”")
                }
                checked += 1
            }
        }
        print("facts checked at their markers through convert: \(checked)")
        #expect(checked > 100)
    }

    @Test func unescapeRemovesMarkdownEscapes() {
        #expect(Self.unescape(#"1\. a\*b\\c \{x\} 中\文"#) == #"1. a*b\c {x} 中\文"#)
    }

    /// Removes Markdown escapes: a `\` before ASCII punctuation.
    static func unescape(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        let sc = Array(s.unicodeScalars)
        var i = 0
        while i < sc.count {
            if sc[i] == "\\", i + 1 < sc.count, sc[i + 1].isASCII, isASCIIPunctuation(sc[i + 1]) {
                out.append(sc[i + 1]); i += 2; continue
            }
            out.append(sc[i]); i += 1
        }
        return String(out)
    }

    static func isASCIIPunctuation(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        return (0x21...0x2F).contains(v) || (0x3A...0x40).contains(v) || (0x5B...0x60).contains(v) || (0x7B...0x7E).contains(v)
    }

}
