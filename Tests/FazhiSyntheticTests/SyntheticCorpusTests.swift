import Foundation
import Testing
import FazhiSynthetic

let sampleDivisions = [
    SyntheticDivision(adcode: "429006", name: "天门市", chain: ["湖北省"]),
    SyntheticDivision(adcode: "430581", name: "武冈市", chain: ["湖南省", "邵阳市"]),
    SyntheticDivision(adcode: "140404", name: "上党区", chain: ["山西省", "长治市"]),
    SyntheticDivision(adcode: "120116", name: "滨海新区", chain: ["天津市"]),
    SyntheticDivision(adcode: "410000", name: "河南省", chain: []),
]

@Suite struct SyntheticCorpusTests {
    @Test func sameSeedSameBytesOtherSeedOtherBytes() {
        let a = SyntheticCorpus(divisions: sampleDivisions, seed: 7)
        let b = SyntheticCorpus(divisions: sampleDivisions.reversed(), seed: 7)
        let c = SyntheticCorpus(divisions: sampleDivisions, seed: 8)
        let sa = a.slots(count: 20), sb = b.slots(count: 20), sc = c.slots(count: 20)
        #expect(sa.map { "\($0.division.adcode)-\($0.year)" } == sb.map { "\($0.division.adcode)-\($0.year)" })
        #expect(sa.map { "\($0.division.adcode)-\($0.year)" } != sc.map { "\($0.division.adcode)-\($0.year)" })
        for i in 0..<20 {
            #expect(a.report(index: i, division: sa[i].division, year: sa[i].year).bytes ==
                    b.report(index: i, division: sb[i].division, year: sb[i].year).bytes)
        }
    }

    @Test func slotsAreDistinctAndCapped() {
        let corpus = SyntheticCorpus(divisions: sampleDivisions, seed: 1)
        let all = corpus.slots(count: 1000)
        #expect(all.count == sampleDivisions.count * 10)
        #expect(Set(all.map { "\($0.division.adcode)-\($0.year)" }).count == all.count)
        #expect(Set(all.map(\.year)) == Set(2016...2025))
    }

    @Test func reportsReadLikeReportsInSeveralEncodings() throws {
        let corpus = SyntheticCorpus(divisions: sampleDivisions, seed: 3)
        let slots = corpus.slots(count: 50)
        var encodings = Set<String>()
        for (i, slot) in slots.enumerated() {
            let r = corpus.report(index: i, division: slot.division, year: slot.year)
            encodings.insert(r.encoding)
            let text: String
            if r.encoding == "gb18030" {
                text = try #require(String(data: Data(r.bytes), encoding: String.Encoding(rawValue: 0x8000_0632)))
                #expect(String(validating: r.bytes, as: UTF8.self) == nil, "GB18030 file should not be valid UTF-8")
            } else {
                text = String(decoding: r.bytes, as: UTF8.self)
            }
            #expect(text.contains("\(slot.year)年"))
            #expect(text.contains(slot.division.name))
            #expect(text.contains("一、\(slot.year)年推进法治政府建设的主要举措和成效"))
            #expect(text.contains("二、存在的不足和原因"))
            let unfilled = zip(text, text.dropFirst()).contains { $0 == "{" && ($1.isNumber || "YLQ".contains($1)) }
            #expect(!unfilled, "unfilled placeholder in \(r.path)")
            #expect(r.path.hasPrefix((slot.division.chain.first ?? slot.division.name) + "/"))
        }
        #expect(encodings.isSuperset(of: ["utf-8", "gb18030", "html"]))
    }

    @Test func writesFilesToDisk() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fazhi-synth-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bytes = try SyntheticCorpus(divisions: sampleDivisions, seed: 5).write(count: 30, to: dir)
        let files = FileManager.default.enumerator(atPath: dir)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".txt") || $0.hasSuffix(".html") }
        #expect(files.count == 30)
        #expect(bytes > 30 * 1500)
    }
}
