import Foundation
import Testing
@testable import FazhiCorpus
import FazhiModel
import FazhiIndicators
import FazhiSite

/// Seeded random-mutation fuzzing of the converter (decode → … → Markdown) and the number grammar.
///
/// The suite runs a bounded number of mutations (`FAZHI_FUZZ_ITERATIONS`, default 300 for the converter (a debug build converts about 8 mutants a second on a busy 2-core machine),
/// 3,000 for the grammar); `scripts/fuzz.sh` runs many more for a set time (`FAZHI_FUZZ_SECONDS`). With
/// `FAZHI_FUZZ_CRASH_FILE` set, each input is written there before it is tried, so a crash leaves it behind.
enum Fuzz {
    static var env: [String: String] { ProcessInfo.processInfo.environment }
    static var iterations: Int { Int(env["FAZHI_FUZZ_ITERATIONS"] ?? "") ?? 300 }
    static var seconds: Double { Double(env["FAZHI_FUZZ_SECONDS"] ?? "") ?? 120 }
    static var seed: UInt64 { UInt64(env["FAZHI_FUZZ_SEED"] ?? "") ?? 20251123 }
    static var crashFile: String? { env["FAZHI_FUZZ_CRASH_FILE"] }

    /// Sequences that have broken parsers before: invalid UTF-8, surrogates, BOMs, markup, anchors, numbers.
    static let odd: [[UInt8]] = [
        [0xFF], [0xFE, 0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE6, 0xB3], [0xEF, 0xBB, 0xBF], [0],
        [0x0D], [0x0D, 0x0A], [0x81, 0x30, 0x81, 0x30], [0xA4, 0x40],
    ] + ["{#s-deadbeef}", "{#h-1}", "\\{#", "<script>", "</script>", "<!--", "-->", "&#0;", "&#x110000;", "---\n", "...\n", "# ",
         "| a | b |\n|---|---|\n", "[x](javascript:alert(1))", "百分之", "百分之百", "1.33亿元", "2万余份", "6472024年", "2021-2025年",
         "99999999999999999999999999件", "0.0000000000001%", "万万亿亿", "十十十万", "９９９件", "100﹪", "5:1", "7×24小时", "一是",
         "第2位", "〔2024〕46号", "\u{2028}", "\u{E000}", "\u{E001}", "\u{FEFF}", "𠮷", "。", "，", "：", "\t", "索引号", "发文日期",
         "当前位置：", "www.example.com", "天门市", "鼓楼区", "2024年度", "二〇二四年", "一、", "（一）", "1.", "其中", "累计"]
        .map { Array($0.utf8) }

    static func mutate(_ seed: [UInt8], _ g: inout SplitMix64, others: [[UInt8]]) -> [UInt8] {
        var b = seed
        let rounds = Int.random(in: 1...6, using: &g)
        for _ in 0..<rounds {
            let at = b.isEmpty ? 0 : Int.random(in: 0...b.count, using: &g)
            switch Int.random(in: 0..<10, using: &g) {
            case 0 where !b.isEmpty: b[min(at, b.count - 1)] ^= UInt8(1 << Int.random(in: 0..<8, using: &g))
            case 1 where !b.isEmpty: b[min(at, b.count - 1)] = UInt8.random(in: 0...255, using: &g)
            case 2: b.insert(contentsOf: odd[Int.random(in: 0..<odd.count, using: &g)], at: at)
            case 3: b = Array(b[..<at])                                              // truncation
            case 4 where at < b.count: b.removeSubrange(at..<min(b.count, at + Int.random(in: 1...400, using: &g)))
            case 5 where at < b.count:                                              // duplicate a chunk
                let end = min(b.count, at + Int.random(in: 1...2000, using: &g))
                b.insert(contentsOf: b[at..<end], at: Int.random(in: 0...b.count, using: &g))
            case 6:                                                                 // splice another seed
                let o = others[Int.random(in: 0..<others.count, using: &g)]
                let from = o.isEmpty ? 0 : Int.random(in: 0..<o.count, using: &g)
                b.insert(contentsOf: o[from..<min(o.count, from + Int.random(in: 1...3000, using: &g))], at: at)
            case 7:                                                                 // another encoding
                let text = String(decoding: b, as: UTF8.self)
                switch Int.random(in: 0..<3, using: &g) {
                case 0: b = utf16(text, littleEndian: Bool.random(using: &g), bom: Bool.random(using: &g))
                case 1: b = text.data(using: gb18030).map { [UInt8]($0) } ?? b
                // Not lossy: Foundation's lossy Big5 conversion traps on some texts ("didn't convert all
                // characters", seen by scripts/fuzz.sh); text Big5 cannot hold stays as it was.
                default: b = text.data(using: big5).map { [UInt8]($0) } ?? b
                }
            case 8:                                                                 // line ends
                b = b.flatMap { $0 == 0x0A ? (Bool.random(using: &g) ? [0x0D, 0x0A] : [0x0D]) : [$0] }
            default: b.insert(UInt8.random(in: 0...255, using: &g), at: at)
            }
        }
        return b
    }

    static func seeds() -> [(String, [UInt8])] {
        var out: [(String, [UInt8])] = []
        let dir = repoRoot + "/content/reports"
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted() {
            if let d = FileManager.default.contents(atPath: dir + "/" + name) { out.append((name, [UInt8](d))) }
        }
        out += [("sample.txt", utf8(report())), ("inject.txt", utf8(injectionText)), ("inject.html", utf8(injectionHTML)),
                ("broken.htm", utf8(brokenHTML)), ("person.md", utf8(hostileMarkdownInput)), ("big5.txt", encoded(traditionalReport, big5)),
                ("gb.txt", gb4), ("u16.txt", utf16(report(), littleEndian: true, bom: false))]
        return out
    }
}

/// One converter run on bytes, with the invariants every output must keep. Returns a problem or nil;
/// `converted` says whether the input became a report (else it was refused with a message naming the file).
func convertInvariants(_ bytes: [UInt8], name: String, analyzer: ReportAnalyzer, converted: inout Bool) -> String? {
    let report: AnalyzedReport
    converted = false
    do throws(Diagnostic) {
        report = try analyzer.analyze(bytes: bytes, source: "fuzz/" + name, relativePath: name, sha256: SHA256.hex(bytes))
    } catch {
        return error.file == "fuzz/" + name && !error.message.isEmpty ? nil : "a failure that names no file: \(error)"
    }
    converted = true
    let text = String(decoding: report.document(id: "fuzz-1"), as: UTF8.self)
    let doc: ReportDocument
    do { doc = try FrontMatterReader.document(text, file: name) } catch { return "output does not parse back: \(error)" }
    if doc.frontMatter.facts.count != report.frontMatter.facts.count { return "facts lost in the round trip" }
    for f in doc.frontMatter.facts {
        if !f.sentence.contains(f.text) { return "fact “\(f.text)” not in its sentence “\(f.sentence)”" }
        if !f.value.isFinite { return "fact “\(f.text)” has value \(f.value)" }
    }
    let anchors = Set(Anchors.replaceMarkers(in: doc.body) { _ in "" }.found.map(\.id))
    for f in doc.frontMatter.facts where !anchors.contains(f.anchor) { return "fact anchor \(f.anchor) not in the body" }
    for v in doc.frontMatter.indicators where !anchors.contains(v.anchor) { return "indicator anchor \(v.anchor) not in the body" }
    let html = MarkdownRenderer.render(doc.body).html
    for bad in ["<script", "<iframe", "<img", "javascript:alert"] where html.contains(bad) {
        if bad == "javascript:alert", !html.contains("href=\"javascript") { continue }
        return "rendered body contains \(bad)"
    }
    return nil
}

/// Invariants of the number grammar on any text.
func grammarInvariants(_ text: String, grammar: NumberGrammar) -> String? {
    let s = Array(text.unicodeScalars)
    let (qs, _) = grammar.scan(s)
    var last = 0
    for q in qs {
        guard q.start >= last, q.start <= q.numberStart, q.numberStart < q.end, q.end <= s.count else {
            return "bad span \(q.start)…\(q.numberStart)…\(q.end) of \(s.count) in “\(text.prefix(80))”"
        }
        guard q.value.isFinite, q.value >= 0 else { return "value \(q.value) in “\(text.prefix(80))”" }
        last = q.end
    }
    return nil
}

@Suite(.serialized) struct FuzzTests {
    @Test func converterSurvivesMutations() throws {
        let catalog = try String(contentsOfFile: repoRoot + "/content/catalog.yaml", encoding: .utf8)
        let analyzer = ReportAnalyzer(gazetteer: .shared, extractor: try FactExtractor(catalogYAML: catalog, file: "catalog.yaml"))
        let seeds = Fuzz.seeds()
        var g = SplitMix64(seed: Fuzz.seed)
        let started = Date()
        var done = 0, converted = 0
        let crash = Fuzz.crashFile
        while done < Fuzz.iterations, Date().timeIntervalSince(started) < Fuzz.seconds {
            let (name, seed) = seeds[Int.random(in: 0..<seeds.count, using: &g)]
            let input = Fuzz.mutate(seed, &g, others: seeds.map(\.1))
            if let crash { FileManager.default.createFile(atPath: crash, contents: Data(input)) }
            var ok = false
            if let problem = convertInvariants(input, name: name, analyzer: analyzer, converted: &ok) {
                let saved = NSTemporaryDirectory() + "fazhi-fuzz-\(Fuzz.seed)-\(done)-" + name
                FileManager.default.createFile(atPath: saved, contents: Data(input))
                Issue.record("mutation \(done) of \(name): \(problem) (input saved to \(saved))")
                break
            }
            if ok { converted += 1 }
            done += 1
        }
        let secs = Date().timeIntervalSince(started)
        print("fuzz converter: \(done) mutations (\(converted) converted, \(done - converted) refused with a message) in \(String(format: "%.1f", secs)) s, seed \(Fuzz.seed)")
        #expect(done > 0)
    }

    @Test func numberGrammarSurvivesMutations() throws {
        let grammar = NumberGrammar(notQuantities: ["三项制度", "分钟公共法律服务圈"])
        let texts = ["全年共审结行政复议案件358件，确认违法7件，纠错率14.7%，调解成功率达96.9%。",
                     "村居两级人民调解委员会6472024年调处矛盾纠纷4523件，法律援助1033件，公证2123件，法律六进850余场次。",
                     "投入资金1.33亿元，发放宣传资料2万余份，办理11.34万件，收案比达5:1，下降7.01个百分点，100﹪，百分之百。",
                     "开展六十余场次，两批次，三个，537 件，2021-2025年，豫政文〔2024〕46号，4305000002/2024-04928，一是，第2位，7×24小时，12345热线。"]
        var g = SplitMix64(seed: Fuzz.seed &+ 1)
        let started = Date()
        let n = Fuzz.iterations * 10
        var done = 0, found = 0
        while done < n, Date().timeIntervalSince(started) < Fuzz.seconds {
            let bytes = Fuzz.mutate(utf8(texts[Int.random(in: 0..<texts.count, using: &g)]), &g, others: texts.map(utf8))
            let text = String(decoding: bytes, as: UTF8.self)
            if let problem = grammarInvariants(text, grammar: grammar) { Issue.record("grammar mutation \(done): \(problem)"); break }
            found += grammar.quantities(in: text).count
            done += 1
        }
        print("fuzz grammar: \(done) mutations, \(found) quantities, in \(String(format: "%.1f", Date().timeIntervalSince(started))) s, seed \(Fuzz.seed)")
        #expect(done > 0)
    }

    @Test func numberGrammarOnPathologicalNumbers() {
        let grammar = NumberGrammar()
        for t in [String(repeating: "9", count: 5000) + "件", "1." + String(repeating: "0", count: 400) + "1%",
                  String(repeating: "万", count: 300) + "件", "九" + String(repeating: "亿", count: 300) + "元",
                  String(repeating: "1,", count: 2000) + "件", String(repeating: "十", count: 1000) + "件",
                  "1e308件", "1" + String(repeating: "0", count: 400) + "亿元", String(repeating: "百分之", count: 500)] {
            #expect(grammarInvariants(t, grammar: grammar) == nil, "\(t.prefix(30))")
        }
    }
}

/// How convert's time grows with the length of one report (FAZHI_SCALING=1 prints a table; not run otherwise).
@Suite struct ScalingProbe {
    @Test func timeByLength() throws {
        guard ProcessInfo.processInfo.environment["FAZHI_SCALING"] == "1" else { return }
        let catalog = try String(contentsOfFile: repoRoot + "/content/catalog.yaml", encoding: .utf8)
        let analyzer = ReportAnalyzer(gazetteer: .shared, extractor: try FactExtractor(catalogYAML: catalog, file: "catalog.yaml"))
        let sentence = "全年共审结行政复议案件358件，确认违法7件，调解成功率达96.9%。"
        for oneLine in [true, false] {
            for n in [250, 500, 1000, 2000] {
                var s = "天门市2024年法治政府建设情况报告\n"
                for k in 0..<n { s += sentence.replacingOccurrences(of: "358", with: String(k)) + (oneLine ? "" : "\n") }
                let start = Date()
                let r = try analyzer.analyze(bytes: utf8(s), source: "x", relativePath: "x.txt", sha256: "0")
                FileHandle.standardError.write(Data(("scaling: \(oneLine ? "one line " : "lines    ") \(n) sentences, \(s.count) chars, \(r.frontMatter.facts.count) facts: \(String(format: "%.2f", Date().timeIntervalSince(start))) s" + "\n").utf8))
            }
        }
    }
}
