import Testing
import FazhiModel
import FazhiIndicators

/// The gold file (gold.yaml), read with a small line parser (flow mappings under report ids).
struct Gold {
    struct Entry: Hashable { var report: String; var indicator: String; var value: Double; var qualifier: String }
    var values: [Entry] = []
    var absent: [(report: String, indicator: String)] = []

    static func load() -> Gold {
        var g = Gold()
        var report = ""
        var section = ""
        for raw in SeedBlocks.read(SeedBlocks.root + "/Tests/FazhiIndicatorsTests/gold.yaml").split(separator: "\n") {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
            if line.seedTrimmedSub.isEmpty { continue }
            if !line.hasPrefix(" ") { report = String(line.seedTrimmedSub.dropLast()); continue }
            let t = line.seedTrimmedSub
            if t == "values:" || t == "absent:" { section = String(t.dropLast()); continue }
            guard t.hasPrefix("- {"), let close = t.lastIndex(of: "}") else { continue }
            var fields: [String: String] = [:]
            let body = t[t.index(t.startIndex, offsetBy: 3)..<close]
            // split on ", " outside quotes
            var cur = ""; var inQuote = false
            var pieces: [String] = []
            for ch in body {
                if ch == "\"" { inQuote.toggle() }
                if ch == ",", !inQuote { pieces.append(cur); cur = "" } else { cur.append(ch) }
            }
            pieces.append(cur)
            for p in pieces {
                let kv = p.split(separator: ":", maxSplits: 1)
                if kv.count == 2 { fields[String(kv[0]).seedTrimmed] = String(kv[1]).seedTrimmed }
            }
            if section == "values" {
                g.values.append(Entry(report: report, indicator: fields["indicator"]!, value: Double(fields["value"]!)!,
                                      qualifier: fields["qualifier"] ?? "exact"))
            } else {
                g.absent.append((report, fields["indicator"]!))
            }
        }
        return g
    }
}

extension Substring {
    var seedTrimmedSub: Substring {
        var s = self
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return s
    }
}

@Suite struct GoldTests {
    @Test(arguments: [(false, false), (true, false), (false, true)]) func precisionAndRecall(longHeadings: Bool, fullWidth: Bool) throws {
        let gold = Gold.load()
        #expect(gold.values.count >= 60)
        #expect(Set(gold.values.map(\.report)).count == 5)
        let ex = try FactExtractor(catalogYAML: SeedBlocks.catalogText(), file: "content/catalog.yaml")
        let ids = Set(ex.catalog.indicators.map(\.id))
        for e in gold.values { #expect(ids.contains(e.indicator), "gold names unknown indicator \(e.indicator)") }
        var extracted: [Gold.Entry] = []
        for seed in SeedBlocks.seeds {
            for i in ex.extract(SeedBlocks.blocks(seed.file, longHeadings: longHeadings, fullWidth: fullWidth)).indicators {
                extracted.append(.init(report: seed.id, indicator: i.indicator, value: i.value, qualifier: i.qualifier.rawValue))
            }
        }
        func same(_ a: Gold.Entry, _ b: Gold.Entry) -> Bool {
            a.report == b.report && a.indicator == b.indicator && abs(a.value - b.value) < 1e-6 && a.qualifier == b.qualifier
        }
        let truePositives = extracted.filter { e in gold.values.contains { same($0, e) } }
        let found = gold.values.filter { g in extracted.contains { same($0, g) } }
        for e in extracted where !gold.values.contains(where: { same($0, e) }) {
            print("false positive: \(e.report) \(e.indicator) = \(e.value) \(e.qualifier)")
        }
        for g in gold.values where !extracted.contains(where: { same($0, g) }) {
            print("missed: \(g.report) \(g.indicator) = \(g.value) \(g.qualifier)")
        }
        let precision = extracted.isEmpty ? 0 : Double(truePositives.count) / Double(extracted.count)
        let recall = Double(found.count) / Double(gold.values.count)
        print("indicators vs gold\(longHeadings ? " (numbered lines as headings)" : "")\(fullWidth ? " (full-width punctuation)" : ""): precision \(round3(precision)) (\(truePositives.count)/\(extracted.count)), recall \(round3(recall)) (\(found.count)/\(gold.values.count))")
        #expect(precision >= 0.95)
        #expect(recall >= 0.90)
        // What a careful reader leaves empty stays empty.
        for a in gold.absent {
            #expect(!extracted.contains { $0.report == a.report && $0.indicator == a.indicator }, "\(a.report) \(a.indicator) should be absent")
        }
    }

    func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
}
