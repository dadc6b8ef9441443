import Foundation
import Testing
@testable import FazhiCorpus
import FazhiModel
#if canImport(Glibc)
import Glibc
#endif

/// The repository root, from this file's path (Tests/FazhiHostileTests/Support.swift).
let repoRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// A throw-away project: `content/reports/`, the repository's catalog and config, and an output folder.
final class HostileProject: @unchecked Sendable {
    let root: String
    var content: String { root + "/content" }
    var reports: String { content + "/reports" }
    var markdown: String { content + "/markdown" }
    var output: String { root + "/public" }
    var layout: ProjectLayout { ProjectLayout(content: content, templates: repoRoot + "/Templates", output: output) }

    init(catalog: Bool = true) {
        root = NSTemporaryDirectory() + "fazhi-hostile-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: reports, withIntermediateDirectories: true)
        if catalog {
            try! FileManager.default.copyItem(atPath: repoRoot + "/content/catalog.yaml", toPath: content + "/catalog.yaml")
            try! FileManager.default.copyItem(atPath: repoRoot + "/content/config.yaml", toPath: content + "/config.yaml")
        }
    }

    deinit { remove() }

    func remove() {
        // Undo permissions a test took away, so the folder can go.
        _ = chmodTree(root)
        try? FileManager.default.removeItem(atPath: root)
    }

    private func chmodTree(_ path: String) -> Bool {
        guard let e = FileManager.default.enumerator(atPath: path) else { return false }
        while let p = e.nextObject() as? String { chmod(path + "/" + p, 0o755) }
        return true
    }

    /// Writes bytes at a path relative to the project root (`content/reports/x.txt`), creating folders.
    func write(_ rel: String, _ bytes: [UInt8]) {
        let path = root + "/" + rel
        try! FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        precondition(FileManager.default.createFile(atPath: path, contents: Data(bytes)), "cannot write \(path)")
    }

    func read(_ rel: String) -> String? {
        FileManager.default.contents(atPath: root + "/" + rel).map { String(decoding: $0, as: UTF8.self) }
    }

    func convert(force: Bool = false, handoff: (any ConvertHandoff)? = nil) throws -> ConvertSummary {
        var converter = Converter(layout: layout)
        converter.handoff = handoff
        return try converter.run(force: force)
    }

    func markdownFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: markdown)) ?? []).filter { $0.hasSuffix(".md") && !$0.hasPrefix(".") }.sorted()
    }

    /// Every Markdown document convert wrote, keyed by its `source`.
    func documentsBySource() throws -> [String: ReportDocument] {
        var out: [String: ReportDocument] = [:]
        for f in markdownFiles() {
            let text = String(decoding: FileManager.default.contents(atPath: markdown + "/" + f) ?? Data(), as: UTF8.self)
            let d = try FrontMatterReader.document(text, file: f)
            out[d.frontMatter.source] = d
        }
        return out
    }
}

// MARK: - Report text

/// A small report in the shape of the seeds (UTF-8 text, `\n` line ends).
func report(title: String = "天门市2024年法治政府建设情况报告",
            opening: String = "2024年，我市坚持以习近平法治思想为指导，全面推进法治政府建设，取得明显成效。现将有关情况报告如下：",
            extra: String = "") -> String {
    """
    \(title)

    \(opening)

    一、2024年推进法治政府建设的主要举措和成效

    （一）加强行政复议工作

    全年共审结行政复议案件358件，确认违法7件，调解成功率达96.9%。\(extra)

    二、存在的不足和原因

    基层法治工作力量仍然薄弱，执法人员素质有待提高。

    三、2025年工作安排

    持续深化行政执法体制改革，全面提升依法行政水平。

    天门市人民政府
    2025年3月13日
    """
}

/// The same in traditional script.
let traditionalReport = """
天門市2024年法治政府建設情況報告

2024年，我市堅持以習近平法治思想為指導，全面推進法治政府建設，取得明顯成效。現將有關情況報告如下：

一、2024年推進法治政府建設的主要舉措和成效

全年共審結行政複議案件358件，確認違法7件，調解成功率達96.9%。各部門積極開展工作，這些工作對發展經濟進一步起到了作用。

二、存在的不足和原因

基層法治工作力量仍然薄弱，執法人員素質有待提高。
"""

// MARK: - Byte makers

func junk(_ n: Int, seed: UInt64) -> [UInt8] {
    var g = SplitMix64(seed: seed)
    return (0..<n).map { _ in UInt8.random(in: 0...255, using: &g) }
}

func utf8(_ s: String) -> [UInt8] { Array(s.utf8) }

func utf16(_ s: String, littleEndian: Bool, bom: Bool) -> [UInt8] {
    var out: [UInt8] = bom ? (littleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]) : []
    for u in s.utf16 {
        let lo = UInt8(u & 0xFF), hi = UInt8(u >> 8)
        out += littleEndian ? [lo, hi] : [hi, lo]
    }
    return out
}

func encoded(_ s: String, _ enc: String.Encoding) -> [UInt8] {
    guard let d = s.data(using: enc) else { fatalError("cannot encode as \(enc)") }
    return [UInt8](d)
}

let gb18030 = String.Encoding(rawValue: 0x8000_0632)
let big5 = String.Encoding(rawValue: 0x8000_0A03)

/// SHA-256 of every file under a folder (symbolic links as their target text), with its size and mtime:
/// proves a run neither deleted, rewrote nor touched anything there.
func snapshot(_ root: String) -> [String: String] {
    var out: [String: String] = [:]
    func walk(_ dir: String, _ rel: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        for name in names {
            let path = dir + "/" + name, r = rel.isEmpty ? name : rel + "/" + name
            var st = stat()
            guard lstat(path, &st) == 0 else { out[r] = "unstat-able"; continue }
            let kind = st.st_mode & S_IFMT
            let meta = "mode \(st.st_mode) size \(st.st_size) mtime \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
            if kind == S_IFLNK {
                out[r] = "link " + ((try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?") + " " + meta
            } else if kind == S_IFDIR {
                out[r] = "dir " + meta
                walk(path, r)
            } else if kind == S_IFREG {
                let data = FileManager.default.contents(atPath: path).map { SHA256.hex([UInt8]($0)) } ?? "unreadable"
                out[r] = "file " + data + " " + meta
            } else {
                out[r] = "other " + meta
            }
        }
    }
    walk(root, "")
    return out
}

/// Wall time and peak resident memory growth of a block.
func measure<T>(_ f: () throws -> T) rethrows -> (T, seconds: Double, peakRSSMB: Double) {
    let start = Date()
    let r = try f()
    return (r, Date().timeIntervalSince(start), peakRSSMB())
}

/// The process's peak resident set size so far (VmHWM), in MB.
func peakRSSMB() -> Double {
    guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in s.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
        return kb / 1024
    }
    return 0
}
