import Foundation

/// The indicator gold (`Tests/FazhiIndicatorsTests/gold.yaml`), read with a small line parser: flow mappings
/// under report ids, in a `values:` list (what a careful reader finds) and an `absent:` list (what must stay
/// empty). Shared by the extractor's gold test and the through-convert one.
public struct GoldFile: Sendable {
    public struct Entry: Hashable, Sendable {
        public var report: String
        public var indicator: String
        public var value: Double
        public var qualifier: String
        public init(report: String, indicator: String, value: Double, qualifier: String) {
            self.report = report; self.indicator = indicator; self.value = value; self.qualifier = qualifier
        }
    }
    public var values: [Entry] = []
    public var absent: [(report: String, indicator: String)] = []

    /// The gold's report ids and the seed files (`../shared/seeds/`) they are.
    public static let seeds: [(id: String, file: String)] = [
        ("tianmen-2024", "湖北省天门市-2024-法治政府建设情况报告.txt"),
        ("maojian-2022", "湖北省十堰市茅箭区-2022-法治政府建设工作报告.txt"),
        ("binhai-2024", "天津市滨海新区-2024-法治政府建设情况的报告.txt"),
        ("shangdang-2024", "山西省长治市上党区-2024-法治政府建设情况的报告.txt"),
        ("wugang-2023", "湖南省武冈市-2023-法治政府建设工作报告.txt"),
    ]

    public static func load(_ path: String) -> GoldFile {
        var g = GoldFile()
        let text = String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
        var report = ""
        var section = ""
        func trim<S: StringProtocol>(_ s: S) -> String { s.trimmingCharacters(in: .whitespaces) }
        for raw in text.split(separator: "\n") {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
            let t = trim(line)
            if t.isEmpty { continue }
            if !line.hasPrefix(" ") { report = String(t.dropLast()); continue }
            if t == "values:" || t == "absent:" { section = String(t.dropLast()); continue }
            guard t.hasPrefix("- {"), let close = t.lastIndex(of: "}") else { continue }
            var fields: [String: String] = [:]
            let body = t[t.index(t.startIndex, offsetBy: 3)..<close]
            // Split on commas outside quotes.
            var cur = ""
            var inQuote = false
            var pieces: [String] = []
            for ch in body {
                if ch == "\"" { inQuote.toggle() }
                if ch == ",", !inQuote { pieces.append(cur); cur = "" } else { cur.append(ch) }
            }
            pieces.append(cur)
            for p in pieces {
                let kv = p.split(separator: ":", maxSplits: 1)
                if kv.count == 2 { fields[trim(kv[0])] = trim(kv[1]) }
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

    /// Extracted values scored against the gold: an extracted value is right when report, indicator, value and
    /// qualifier all match. Prints each false positive and each miss (prefixed with `label`) and the summary line.
    public func score(_ extracted: [Entry], label: String) -> (precision: Double, recall: Double) {
        func same(_ a: Entry, _ b: Entry) -> Bool {
            a.report == b.report && a.indicator == b.indicator && abs(a.value - b.value) < 1e-6 && a.qualifier == b.qualifier
        }
        let truePositives = extracted.filter { e in values.contains { same($0, e) } }
        let found = values.filter { g in extracted.contains { same($0, g) } }
        for e in extracted where !values.contains(where: { same($0, e) }) {
            print("false positive (\(label)): \(e.report) \(e.indicator) = \(e.value) \(e.qualifier)")
        }
        for g in values where !extracted.contains(where: { same($0, g) }) {
            print("missed (\(label)): \(g.report) \(g.indicator) = \(g.value) \(g.qualifier)")
        }
        let precision = extracted.isEmpty ? 0 : Double(truePositives.count) / Double(extracted.count)
        let recall = values.isEmpty ? 0 : Double(found.count) / Double(values.count)
        func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
        print("indicators vs gold (\(label)): precision \(round3(precision)) (\(truePositives.count)/\(extracted.count)), recall \(round3(recall)) (\(found.count)/\(values.count))")
        return (precision, recall)
    }

    /// The absent entries that `extracted` has anyway.
    public func absentButFound(_ extracted: [Entry]) -> [(report: String, indicator: String)] {
        absent.filter { a in extracted.contains { $0.report == a.report && $0.indicator == a.indicator } }
    }
}
