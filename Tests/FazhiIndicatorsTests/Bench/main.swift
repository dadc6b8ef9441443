// Extraction benchmark (not part of the test run; excluded from the test target in Package.swift).
// Built by bench-extract.sh against the release objects:
//   extract-bench CATALOG MARKDOWN_DIR [--repeat R] [--limit N] [--dump FILE]
// Reads the Markdown convert wrote, rebuilds each report's outline blocks from the body (headings `## … {#h-N}`,
// paragraphs with sentence markers removed and Markdown escapes undone), then times `FactExtractor.extract` alone
// over all reports, R passes, and prints the best pass per report. `--dump` writes every extraction, in order, so
// two builds can be compared byte for byte.
import FazhiIndicators
import FazhiModel
#if canImport(Glibc)
import Glibc
#endif

func readFile(_ path: String) -> String? { FileText.read(path) }

func listMarkdown(_ dir: String) -> [String] {
    guard let d = opendir(dir) else { return [] }
    defer { closedir(d) }
    var out: [String] = []
    while let e = readdir(d) {
        let name = withUnsafePointer(to: e.pointee.d_name) { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
        if name.hasSuffix(".md") { out.append(dir + "/" + name) }
    }
    return out.sorted()
}

/// CPU time of this process (on a shared machine, wall time mostly measures the neighbours).
func cpu() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func unescape(_ s: String) -> String {
    var out = String.UnicodeScalarView()
    let sc = Array(s.unicodeScalars)
    var i = 0
    while i < sc.count {
        if sc[i] == "\\", i + 1 < sc.count, sc[i + 1].isASCII {
            let v = sc[i + 1].value
            if (0x21...0x2F).contains(v) || (0x3A...0x40).contains(v) || (0x5B...0x60).contains(v) || (0x7B...0x7E).contains(v) {
                out.append(sc[i + 1]); i += 2; continue
            }
        }
        out.append(sc[i]); i += 1
    }
    return String(out)
}

/// The outline blocks convert extracted from, rebuilt from the Markdown body it wrote.
func blocks(fromBody body: String) -> [OutlineBlock] {
    var out: [OutlineBlock] = []
    for raw in body.split(separator: "\n") {
        let line = String(raw)
        if line.hasPrefix("#") {
            var level = 0
            var rest = Substring(line)
            while rest.first == "#" { level += 1; rest = rest.dropFirst() }
            guard rest.hasPrefix(" ") else { continue }
            rest = rest.dropFirst()
            // The title has no marker; headings end in " {#h-N}".
            guard let open = rest.range(of: " {#h-", options: .backwards), rest.hasSuffix("}") else { continue }
            out.append(OutlineBlock(kind: .heading(level: level), text: unescape(String(rest[..<open.lowerBound]))))
        } else {
            let plain = Anchors.replaceMarkers(in: line) { _ in "" }.text
            out.append(OutlineBlock(kind: .paragraph, text: unescape(plain)))
        }
    }
    return out
}

extension StringProtocol {
    func range(of needle: String, options: BackwardsOption) -> Range<Index>? {
        var i = endIndex
        let n = needle.count
        while i > startIndex {
            i = index(before: i)
            if self[i...].hasPrefix(needle) { return i..<index(i, offsetBy: n) }
        }
        return nil
    }
}
enum BackwardsOption { case backwards }

var args = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let k = args.firstIndex(of: name), k + 1 < args.count else { return nil }
    let v = args[k + 1]; args.removeSubrange(k...(k + 1)); return v
}
let repeats = Int(option("--repeat") ?? "3") ?? 3
let limit = Int(option("--limit") ?? "") ?? Int.max
let dump = option("--dump")
guard args.count == 2, let catalogText = readFile(args[0]) else {
    print("usage: extract-bench CATALOG MARKDOWN_DIR [--repeat R] [--limit N] [--dump FILE]"); exit(2)
}
var t0 = now()
let extractor = try FactExtractor(catalogYAML: catalogText, file: args[0])
let compileSeconds = now() - t0
var reports: [[OutlineBlock]] = []
var chars = 0
for path in listMarkdown(args[1]).prefix(limit) {
    guard let text = readFile(path) else { continue }
    let b = blocks(fromBody: FrontMatterReader.split(text).body)
    chars += b.reduce(0) { $0 + $1.text.unicodeScalars.count }
    reports.append(b)
}
print("reports \(reports.count), blocks \(reports.reduce(0) { $0 + $1.count }), characters \(chars), catalog compiled in \(String(format1(compileSeconds * 1000))) ms")
var best = Double.infinity, bestCPU = Double.infinity
var facts = 0, indicators = 0
for pass in 0..<repeats {
    t0 = now()
    let c0 = cpu()
    var f = 0, ind = 0
    for r in reports {
        let e = extractor.extract(r)
        f += e.facts.count; ind += e.indicators.count
    }
    let dt = now() - t0
    let dc = cpu() - c0
    best = min(best, dt); bestCPU = min(bestCPU, dc)
    facts = f; indicators = ind
    let n = Double(max(1, reports.count))
    print("pass \(pass + 1): wall \(format1(dt * 1000)) ms (\(format1(dt * 1e6 / n)) µs/report), cpu \(format1(dc * 1000)) ms (\(format1(dc * 1e6 / n)) µs/report)")
}
let n = Double(max(1, reports.count))
print("best of \(repeats): wall \(format1(best * 1e6 / n)) µs/report, cpu \(format1(bestCPU * 1e6 / n)) µs/report (\(reports.count) reports); facts \(facts), indicator values \(indicators)")
if let dump {
    guard let f = fopen(dump, "wb") else { print("cannot write \(dump)"); exit(1) }
    for r in reports {
        let s = String(describing: extractor.extract(r)) + "\n"
        fputs(s, f)
    }
    fclose(f)
}

func format1(_ x: Double) -> String { String((x * 10).rounded() / 10) }
