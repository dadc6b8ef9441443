import Foundation
import Testing
@testable import FazhiCorpus
import FazhiModel
@testable import FazhiSite
#if canImport(Glibc)
import Glibc
#endif

// MARK: - The fixtures

/// What goes on disk for a fixture.
enum Entry: Sendable {
    case bytes([UInt8])
    /// Bytes made when the fixture runs (big files), never kept in the table.
    case generated(@Sendable () -> [UInt8])
    case symlink(to: String)
    case fifo
    /// A regular file with mode 000.
    case unreadable([UInt8])
    /// A file in `content/reports/` whose name is these raw bytes (not valid UTF-8), with this content.
    case rawName([UInt8], [UInt8])
}

/// What a fixture must come to. Every input ends in exactly one of these, each naming the file: never a
/// crash, never a silent drop.
enum Outcome: Sendable, CustomStringConvertible {
    /// Written to content/markdown/, with a front-matter warning containing this text (nil: no warning required).
    case converted(warning: String?)
    /// Skipped: `summary.failed` has a diagnostic for the file whose message contains this text.
    case skipped(String)
    /// Skipped as a byte-for-byte copy of the other file (relative to content/reports/).
    case duplicate(of: String)
    /// Not a report input; listed in the notes with this reason.
    case ignored(String)
    /// The whole convert stops with an error naming the file and a line.
    case runFails(String)
    /// A hand-edited file in content/markdown/: `fazhi build` skips it and `fazhi check` reports it, with file and line.
    case buildFails(String)

    var description: String {
        switch self {
        case .converted(let w): return "converted" + (w.map { ", warning “\($0)”" } ?? "")
        case .skipped(let m): return "skipped: “\(m)”"
        case .duplicate(let o): return "duplicate of \(o)"
        case .ignored(let m): return "ignored: “\(m)”"
        case .runFails(let m): return "convert stops: “\(m)” (file:line)"
        case .buildFails(let m): return "build skips, check errs: “\(m)” (file:line)"
        }
    }
}

struct Fixture: Sendable, CustomStringConvertible {
    var name: String
    /// Paths relative to the project root (`content/reports/…`, `content/markdown/…`, `content/catalog.yaml`).
    /// The first file is the one the outcome is about.
    var files: [(String, Entry)]
    var outcome: Outcome
    /// Extra checks on the converted document: returns a failure message or nil.
    var check: (@Sendable (ReportDocument) -> String?)? = nil
    var description: String { name }
}

let R = "content/reports/"
let M = "content/markdown/"

/// The hostile fixture table: every case, the files it writes and the outcome it must have.
let fixtures: [Fixture] = [
    // Empty and not text.
    Fixture(name: "empty file", files: [(R + "empty.txt", .bytes([]))], outcome: .skipped("the file is empty")),
    Fixture(name: "whitespace only", files: [(R + "blank.txt", .bytes(utf8("  \n\t\r\n   \n")))], outcome: .skipped("only whitespace")),
    Fixture(name: "PNG image named .txt", files: [(R + "image.txt", .bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + junk(4000, seed: 1)))],
            outcome: .skipped("a PNG image")),
    Fixture(name: "PDF named .txt", files: [(R + "scan.txt", .bytes(utf8("%PDF-1.7\n%\u{E2}\u{E3}\n1 0 obj\n") + junk(4000, seed: 2)))],
            outcome: .skipped("a PDF file")),
    Fixture(name: "zip (docx) named .html", files: [(R + "report.html", .bytes([0x50, 0x4B, 0x03, 0x04] + junk(4000, seed: 3)))],
            outcome: .skipped("a zip archive")),
    Fixture(name: "random binary, no signature", files: [(R + "noise.txt", .bytes(junk(8192, seed: 4)))], outcome: .skipped("binary data")),
    Fixture(name: "Latin-1 text, no Chinese", files: [(R + "latin1.txt", .bytes(encoded("Rapport annuel sur l'État de droit, année 2024 - résumé.\n", .isoLatin1)))],
            outcome: .skipped("not a report")),
    Fixture(name: "only page debris", files: [(R + "debris.txt", .bytes(utf8("首页 > 政务公开\n字体：【大】【中】【小】\n打印 关闭\n")))],
            outcome: .skipped("not a report")),

    // Damaged and unusual encodings.
    Fixture(name: "invalid UTF-8 in the middle", files: [(R + "bad-middle.txt", .bytes(badMiddle))],
            outcome: .converted(warning: "lossy decoding"), check: titleIs("天门市2024年法治政府建设情况报告")),
    Fixture(name: "UTF-8 cut inside a character at the end", files: [(R + "cut-end.txt", .bytes(utf8(report()) + [0xE6, 0xB3]))],
            outcome: .converted(warning: "lossy decoding: 1 character"), check: titleIs("天门市2024年法治政府建设情况报告")),
    Fixture(name: "UTF-8 BOM then invalid bytes", files: [(R + "bom-bad.txt", .bytes([0xEF, 0xBB, 0xBF] + badMiddle))],
            outcome: .converted(warning: "lossy decoding"), check: titleIs("天门市2024年法治政府建设情况报告")),
    Fixture(name: "GB18030 with 4-byte sequences", files: [(R + "gb18030.txt", .bytes(gb4))],
            outcome: .converted(warning: nil), check: { d in d.body.contains("𠮷") && d.body.contains("䶮") ? nil : "4-byte characters lost" }),
    Fixture(name: "Big5 (traditional)", files: [(R + "big5.txt", .bytes(encoded(traditionalReport, big5)))],
            outcome: .converted(warning: "traditional script (Big5)"), check: titleIs("天门市2024年法治政府建设情况报告")),
    Fixture(name: "traditional script in UTF-8", files: [(R + "trad.txt", .bytes(utf8(traditionalReport)))],
            outcome: .converted(warning: "traditional script (UTF-8)"), check: titleIs("天门市2024年法治政府建设情况报告")),
    Fixture(name: "UTF-16LE with BOM", files: [(R + "u16le-bom.txt", .bytes(utf16(report(), littleEndian: true, bom: true)))],
            outcome: .converted(warning: nil), check: clean),
    Fixture(name: "UTF-16BE with BOM", files: [(R + "u16be-bom.txt", .bytes(utf16(report(), littleEndian: false, bom: true)))],
            outcome: .converted(warning: nil), check: clean),
    Fixture(name: "UTF-16LE without BOM", files: [(R + "u16le.txt", .bytes(utf16(report(), littleEndian: true, bom: false)))],
            outcome: .converted(warning: nil), check: clean),
    Fixture(name: "UTF-16BE without BOM", files: [(R + "u16be.txt", .bytes(utf16(report(), littleEndian: false, bom: false)))],
            outcome: .converted(warning: nil), check: clean),
    Fixture(name: "UTF-16LE with BOM, odd length", files: [(R + "u16-odd.txt", .bytes(utf16(report(), littleEndian: true, bom: true) + [0x41]))],
            outcome: .converted(warning: "lossy decoding"), check: titleIs("天门市2024年法治政府建设情况报告")),
    Fixture(name: "mixed CRLF and CR line ends", files: [(R + "crlf-cr.txt", .bytes(mixedLineEnds))],
            outcome: .converted(warning: nil), check: { d in
                d.frontMatter.sections.count >= 3 && d.frontMatter.title == "天门市2024年法治政府建设情况报告" ? nil : "outline lost: \(d.frontMatter.sections.count) sections" }),
    Fixture(name: "control and private-use characters", files: [(R + "controls.txt", .bytes(utf8(report(extra: "\u{1}\u{1B}[31m\u{E000}\u{F8FF}"))))],
            outcome: .converted(warning: "removed 4 control or private-use"), check: clean),

    // Size.
    Fixture(name: "50 MB file", files: [(R + "huge.txt", .generated { fiftyMB() })], outcome: .skipped("larger than")),
    Fixture(name: "2 MB on a single line", files: [(R + "one-line.txt", .generated { oneLine() })],
            outcome: .skipped("characters long, more than the 400000")),

    // Metadata missing or ambiguous.
    Fixture(name: "no title", files: [(R + "no-title.txt", .bytes(utf8(report(title: ""))))], outcome: .converted(warning: "title not found")),
    Fixture(name: "no year", files: [(R + "no-year.txt", .bytes(utf8(report(title: "天门市法治政府建设情况报告"))))],
            outcome: .converted(warning: "year not found")),
    Fixture(name: "no locality", files: [(R + "no-place.txt", .bytes(utf8(report(title: "2024年法治政府建设情况报告",
            opening: "2024年，我们坚持以习近平法治思想为指导，全面推进法治政府建设，取得明显成效。现将有关情况报告如下：").replacingOccurrences(of: "天门市人民政府", with: "人民政府"))))],
            outcome: .converted(warning: "locality not found")),
    Fixture(name: "鼓楼区 alone (four cities)", files: [(R + "gulou.txt", .bytes(utf8(report(title: "鼓楼区2024年法治政府建设情况报告").replacingOccurrences(of: "天门市人民政府", with: "鼓楼区人民政府"))))],
            outcome: .converted(warning: "'鼓楼区' names several places"), check: { d in d.frontMatter.adcode.isEmpty ? nil : "guessed \(d.frontMatter.adcode)" }),
    Fixture(name: "鼓楼区 with its chain", files: [(R + "gulou-fz.txt", .bytes(utf8(report(title: "福建省福州市鼓楼区2024年法治政府建设情况报告").replacingOccurrences(of: "天门市人民政府", with: "福州市鼓楼区人民政府"))))],
            outcome: .converted(warning: nil), check: { d in d.frontMatter.adcode == "350102" ? nil : "adcode \(d.frontMatter.adcode)" }),
    Fixture(name: "two copies of one report", files: [(R + "b/copy.txt", .bytes(utf8(report()))), (R + "a/original.txt", .bytes(utf8(report())))],
            outcome: .duplicate(of: "a/original.txt")),
    Fixture(name: "mirror watermark inside sentences", files: [(R + "mirror.txt", .bytes(utf8(report(extra: "各部门积极www.fzzfmirror.com开展工作，成效http://mirror.example.org/a?b=1明显。"))))],
            outcome: .converted(warning: "removed a watermark 'www.fzzfmirror.com'"), check: { d in
                d.body.contains("fzzfmirror") || d.body.contains("mirror.example") ? "watermark left in the body" : nil }),

    // Markup and injection.
    Fixture(name: "HTML/Markdown injection in a .txt title and text", files: [(R + "inject.txt", .bytes(utf8(injectionText)))],
            outcome: .converted(warning: nil), check: injectionSurvivesAsText),
    Fixture(name: "HTML page with script, iframe, javascript: and on* attributes", files: [(R + "inject.html", .bytes(utf8(injectionHTML)))],
            outcome: .converted(warning: nil), check: { d in
                // Script and style elements are dropped whole; text that merely looks like markup stays, escaped.
                d.body.contains("alert(1)") ? "script content reached the Markdown" : injectionSurvivesRendering(d) ??
                (d.frontMatter.title == "湖北省天门市2024年法治政府建设情况报告" ? nil : "title \(d.frontMatter.title)") }),
    Fixture(name: "HTML with broken markup and numeric entities", files: [(R + "broken.htm", .bytes(utf8(brokenHTML)))],
            outcome: .converted(warning: "removed"), check: titleIs("湖北省天门市2024年法治政府建设情况报告")),
    Fixture(name: ".md input with an id of ../../ and script in front matter", files: [(R + "person.md", .bytes(utf8(hostileMarkdownInput)))],
            outcome: .converted(warning: "a new one was assigned"), check: { d in
                d.frontMatter.title.hasPrefix("<script>") ? nil : "the person's title was lost" }),
    Fixture(name: ".md input with CRLF line ends (crashed convert: found by the fuzzer)", files: [(R + "crlf.md", .bytes(utf8(hostileMarkdownInput.replacingOccurrences(of: "\n", with: "\r\n"))))],
            outcome: .converted(warning: "a new one was assigned"), check: { d in
                d.frontMatter.title.hasPrefix("<script>") ? nil : "the front matter of a CRLF file was not read" }),
    Fixture(name: ".md input with invalid YAML front matter", files: [(R + "broken-front.md", .bytes(utf8("---\ntitle: \"天门市2024年法治政府建设情况报告\nyear: [2024\n---\n\n" + report())))],
            outcome: .skipped("front matter is not valid YAML")),

    // File names and file kinds.
    Fixture(name: "file name with spaces", files: [(R + "my report  2024 .txt", .bytes(utf8(report())))], outcome: .converted(warning: nil), check: clean),
    Fixture(name: "file name in Chinese with full-width signs", files: [(R + "湖北省/天门市（2024）法治政府：报告！.txt", .bytes(utf8(report())))],
            outcome: .converted(warning: nil), check: clean),
    Fixture(name: "file name with .. inside", files: [(R + "a..b...txt", .bytes(utf8(report())))], outcome: .converted(warning: nil), check: clean),
    Fixture(name: "file name starting with ..", files: [(R + "..2024年报告.txt", .bytes(utf8(report())))], outcome: .ignored("hidden")),
    Fixture(name: "file name with a leading -", files: [(R + "-rf --force.txt", .bytes(utf8(report())))], outcome: .converted(warning: nil), check: clean),
    Fixture(name: "file name with tab and newline", files: [(R + "tab\there\nnewline.txt", .bytes(utf8(report())))], outcome: .converted(warning: nil), check: clean),
    Fixture(name: "file name not valid UTF-8", files: [("", .rawName(utf8("bad-") + [0xFF, 0xFE, 0xC0] + utf8(".txt"), utf8(report())))],
            outcome: .skipped("")),
    Fixture(name: "not a report extension (.pdf)", files: [(R + "report.pdf", .bytes(utf8("%PDF-1.4")))], outcome: .ignored("not .txt, .html, .htm or .md")),
    Fixture(name: "symbolic link loop (folder)", files: [(R + "loop/self", .symlink(to: "..")), (R + "loop/report.txt", .bytes(utf8(report())))],
            outcome: .ignored("a symbolic link loop")),
    Fixture(name: "symbolic link loop (file)", files: [(R + "loop.txt", .symlink(to: "loop.txt"))], outcome: .skipped("symbolic link")),
    Fixture(name: "dangling symbolic link", files: [(R + "gone.txt", .symlink(to: "/nonexistent/fazhi/report.txt"))], outcome: .skipped("broken symbolic link")),
    Fixture(name: "named pipe called .txt", files: [(R + "pipe.txt", .fifo)], outcome: .skipped("not a regular file")),
    Fixture(name: "folder called .txt", files: [(R + "folder.txt/inner.txt", .bytes(utf8(report())))], outcome: .converted(warning: nil)),
    Fixture(name: "unreadable file (mode 000)", files: [(R + "secret.txt", .unreadable(utf8(report())))],
            // Root reads a mode-000 file; anyone else cannot.
            outcome: geteuid() == 0 ? .converted(warning: nil) : .skipped("cannot read")),

    // Hand-edited content.
    Fixture(name: "front matter hand-edited into invalid YAML", files: [(M + "420000-2024.md", .bytes(utf8("---\nid: \"420000-2024\"\ntitle: \"x\"\nwarnings:\n  - \"a\n   b: [\n---\n\n正文\n")))],
            outcome: .buildFails("front matter is not valid YAML")),
    Fixture(name: "hand-edited id with ../", files: [(M + "evil.md", .bytes(utf8("---\nid: \"../../evil\"\ntitle: \"x\"\n---\n\n正文\n")))],
            outcome: .buildFails("must be ASCII letters")),
    Fixture(name: "hand-edited id with / and NUL", files: [(M + "evil2.md", .bytes(utf8("---\nid: \"a/b\\0c\"\ntitle: \"x\"\n---\n\n正文\n")))],
            outcome: .buildFails("must be ASCII letters")),
    Fixture(name: "catalog with an invalid pattern", files: [("content/catalog.yaml", .bytes(utf8(badCatalog))), (R + "ok.txt", .bytes(utf8(report())))],
            outcome: .runFails("has an empty word or alternative")),
]

// MARK: - Fixture texts

let badMiddle: [UInt8] = {
    let t = utf8(report())
    let mid = t.count / 2
    // Keep the cut on a character boundary so only the inserted bytes are damaged.
    var k = mid
    while k < t.count, t[k] & 0xC0 == 0x80 { k += 1 }
    return Array(t[..<k]) + [0xFF, 0xC0, 0xAF, 0xED, 0xA0, 0x80] + Array(t[k...])
}()

let gb4: [UInt8] = {
    let b = encoded(report(extra: "另有𠮷䶮两字为扩展字符。"), gb18030)
    precondition((0..<(b.count - 1)).contains { b[$0] >= 0x81 && (0x30...0x39).contains(b[$0 + 1]) }, "no 4-byte GB18030 sequence")
    return b
}()

let mixedLineEnds: [UInt8] = {
    let lines = report().split(separator: "\n", omittingEmptySubsequences: false)
    var out = ""
    for (i, l) in lines.enumerated() { out += l + (i % 2 == 0 ? "\r\n" : "\r") }
    return utf8(out)
}()

@Sendable func fiftyMB() -> [UInt8] {
    let unit = utf8(report())
    var out: [UInt8] = []
    out.reserveCapacity(50 * 1024 * 1024 + unit.count)
    while out.count < 50 * 1024 * 1024 { out += unit }
    return out
}

@Sendable func oneLine() -> [UInt8] {
    let sentence = "全年共审结行政复议案件358件，确认违法7件，调解成功率达96.9%。"
    var s = "天门市2024年法治政府建设情况报告 "
    while s.utf8.count < 2 * 1024 * 1024 { s += sentence }
    return utf8(s)
}

let injectionTitle = "<img src=x onerror=alert(1)>天门市2024年法治政府建设情况报告"
let injectionText = report(title: injectionTitle, extra: """
点击[x](javascript:alert(1))查看<script>alert(2)</script><iframe src="javascript:alert(3)"></iframe>，{#s-deadbeef}伪造锚点，\\{#h-1\\}，<img src=x onerror=alert(4)>，<a href="javascript:alert(5)">链接</a>。
---
# 伪造标题 {#h-99}
| a | b |
|---|---|
| <script>alert(6)</script> | [y](javascript:alert(7)) |
<svg onload=alert(8)>
""")

/// The rendered body has no element or attribute from the input.
@Sendable func injectionSurvivesRendering(_ d: ReportDocument) -> String? {
    let html = MarkdownRenderer.render(d.body).html
    let problems = executableMarkup(in: html, siteScript: "")
    return problems.isEmpty ? nil : "rendered body: \(problems)"
}

@Sendable func injectionSurvivesAsText(_ d: ReportDocument) -> String? {
    if d.frontMatter.title != injectionTitle { return "title changed: \(d.frontMatter.title)" }
    let anchors = Set(Anchors.replaceMarkers(in: d.body) { _ in "" }.found.map(\.id))
    if anchors.contains("s-deadbeef") || anchors.contains("h-99") { return "the text forged an anchor" }
    let html = MarkdownRenderer.render(d.body).html
    for bad in ["<script", "<iframe", "<img", "<svg", "href=\"javascript", "onerror=alert", "<hr"] where html.contains(bad) {
        // onerror=alert may appear only as escaped text, never inside a tag; see SiteSafetyTests for the tag-level scan.
        if bad == "onerror=alert", html.contains("&lt;img src=x onerror=alert(4)&gt;") { continue }
        return "rendered body contains \(bad)"
    }
    return nil
}

let injectionHTML = """
<!DOCTYPE html><html><head><meta charset="utf-8"><title>x</title><script>alert(1)</script>
<style>body{background:url(javascript:alert(1))}</style></head>
<body onload="alert(2)">
<div class="nav"><a href="/">首页</a></div>
<h1><img src=x onerror=alert(3)>湖北省天门市2024年法治政府建设情况报告</h1>
<p>2024年，我市坚持以习近平法治思想为指导，全面推进法治政府建设，<a href="javascript:alert(4)">取得明显成效</a>。现将有关情况报告如下：</p>
<iframe src="javascript:alert(5)"></iframe>
<h2>一、2024年推进法治政府建设的主要举措和成效</h2>
<p onclick="alert(6)">全年共审结行政复议案件358件，确认违法7件。&lt;script&gt;alert(7)&lt;/script&gt;是原文中的文字。</p>
<SCRIPT type="text/javascript">alert(1)</SCRIPT><scr<script>ipt>alert(2)</script>
<p>各部门<b onmouseover="alert(8)">积极</b>开展工作&#x3C;img src=x onerror=alert(9)&#x3E;。</p>
<h2>二、存在的不足和原因</h2><p>基层法治工作力量仍然薄弱，执法人员素质有待提高。</p>
</body></html>
"""

let brokenHTML = """
<html><body><div><div><div><p>湖北省天门市2024年法治政府建设情况报告<p>2024年，我市坚持以习近平法治思想为指导，全面推进法治政府建设，取得明显成效&#0;&#xFFFFFF;&#99999999999;&#x1F600;&amp&lt;。现将有关情况报告如下：
<h2>一、2024年推进法治政府建设的主要举措和成效<p>全年共审结行政复议案件358件，确认违法7件。<!-- unclosed comment <p>x
"""

let hostileMarkdownInput = """
---
id: "../../../tmp/evil"
title: "<script>alert('t')</script>天门市2024年法治政府建设情况报告"
publisher: "<iframe src=javascript:alert(1)>"
---

# 天门市2024年法治政府建设情况报告

\(report().split(separator: "\n").dropFirst().joined(separator: "\n"))
"""

let badCatalog = """
themes:
  - id: disputes
    name: 纠纷
indicators:
  - id: review-closed
    name: 行政复议审结
    theme: disputes
    unit: 件
    match:
      - before: ["审结||办结"]
"""

@Sendable func titleIs(_ t: String) -> @Sendable (ReportDocument) -> String? {
    { d in d.frontMatter.title == t ? nil : "title is “\(d.frontMatter.title)”, not “\(t)”" }
}

/// Decoded without loss: the sample report's title, year, locality and its 358件.
@Sendable func clean(_ d: ReportDocument) -> String? {
    let fm = d.frontMatter
    if fm.title != "天门市2024年法治政府建设情况报告" { return "title “\(fm.title)”" }
    if fm.year != 2024 || fm.adcode != "429006" { return "year \(String(describing: fm.year)), adcode \(fm.adcode)" }
    if !fm.facts.contains(where: { $0.value == 358 }) { return "358件 lost" }
    if fm.warnings.contains(where: { $0.contains("lossy") }) { return "lossy decoding" }
    return nil
}

// MARK: - Running a fixture

func place(_ f: Fixture, in p: HostileProject) throws {
    for (rel, entry) in f.files {
        let path = p.root + "/" + rel
        if !rel.isEmpty {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        }
        switch entry {
        case .bytes(let b): p.write(rel, b)
        case .generated(let make): p.write(rel, make())
        case .symlink(let target): try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
        case .fifo: #expect(mkfifo(path, 0o644) == 0)
        case .unreadable(let b): p.write(rel, b); chmod(path, 0)
        case .rawName(let name, let bytes):
            var cpath = Array((p.reports + "/").utf8) + name
            cpath.append(0)
            let fd = cpath.withUnsafeBufferPointer { open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_WRONLY | O_CREAT, 0o644) }
            #expect(fd >= 0)
            _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, bytes.count) }
            close(fd)
        }
    }
}

@Suite struct FixtureTests {
    @Test func theTableHasAtLeastThirtyCases() {
        #expect(fixtures.count >= 30)
        #expect(Set(fixtures.map(\.name)).count == fixtures.count)
    }

    @Test(arguments: fixtures)
    func fixtureHasItsOutcome(_ f: Fixture) throws {
        let p = HostileProject()
        defer { p.remove() }
        try place(f, in: p)
        let main = f.files[0].0
        let path = p.root + "/" + main
        let before = snapshot(p.reports)

        switch f.outcome {
        case .runFails(let message):
            do {
                _ = try p.convert()
                Issue.record("\(f.name): convert did not stop")
            } catch let d as Diagnostic {
                #expect(d.file == path && d.line != nil && d.message.contains(message), "\(f.name): \(d)")
            }
            return
        case .buildFails(let message):
            let summary = try SiteBuilder(layout: p.layout).build()
            #expect(summary.failed.contains { $0.file == path && $0.line != nil && $0.message.contains(message) },
                    "\(f.name): build said \(summary.failed)")
            let problems = SiteChecker(layout: p.layout).checkContent()
            #expect(problems.contains { $0.severity == .error && $0.file == path && $0.line != nil && $0.message.contains(message) },
                    "\(f.name): check said \(problems)")
            // Nothing with the hostile id was written, inside or outside the output.
            #expect(!FileManager.default.fileExists(atPath: p.root + "/evil") && !FileManager.default.fileExists(atPath: p.output + "/evil"))
            return
        default: break
        }

        let handoff = ConvertedReports(layout: p.layout)
        let (summary, seconds, _) = try measure { try p.convert(handoff: handoff) }
        #expect(seconds < 60, "\(f.name): convert took \(seconds) s")
        let docs = try p.documentsBySource()
        let mentioned = summary.failed.map(\.file) + summary.duplicates + summary.notes + summary.converted
        switch f.outcome {
        case .converted(let warning):
            guard let d = docs[path] else {
                Issue.record("\(f.name): not converted; failed: \(summary.failed), notes: \(summary.notes)")
                return
            }
            if let warning {
                #expect(d.frontMatter.warnings.contains { $0.contains(warning) }, "\(f.name): warnings \(d.frontMatter.warnings)")
            }
            if let check = f.check, let problem = check(d) { Issue.record("\(f.name): \(problem)") }
            #expect(summary.failed.isEmpty, "\(f.name): \(summary.failed)")
        case .skipped(let message):
            if case .rawName = f.files[0].1 {
                // A name that is not UTF-8 cannot be given back exactly: the file must still be named, not dropped.
                #expect(summary.failed.count + summary.notes.count + docs.count >= 1, "\(f.name): silently dropped")
                #expect(summary.failed.allSatisfy { $0.file.contains("bad-") }, "\(f.name): \(summary.failed)")
            } else {
                #expect(summary.failed.contains { $0.file == path && $0.message.contains(message) }, "\(f.name): failed \(summary.failed), notes \(summary.notes)")
                #expect(docs[path] == nil)
            }
        case .duplicate(let of):
            #expect(summary.duplicates.contains("\(path): duplicate of \(p.reports)/\(of)"), "\(f.name): \(summary.duplicates)")
            #expect(docs[path] == nil && docs[p.reports + "/" + of] != nil)
        case .ignored(let message):
            #expect(summary.notes.contains { $0.hasPrefix(path) && $0.contains(message) }, "\(f.name): notes \(summary.notes)")
        case .runFails, .buildFails: break
        }
        // Whatever happened, it was said: every input is in the summary.
        #expect(!mentioned.isEmpty || !docs.isEmpty, "\(f.name): nothing said")
        // Convert read the reports folder and changed nothing in it.
        #expect(snapshot(p.reports) == before, "\(f.name): content/reports changed")
        // What convert handed over for the build is what the build makes of each file it wrote.
        for path in summary.converted { try expectHandedOverAsRead(path, handoff, p, f.name) }
        // Every Markdown file parses back and lies inside content/markdown.
        for file in p.markdownFiles() {
            let text = p.read("content/markdown/" + file) ?? ""
            let doc = try FrontMatterReader.document(text, file: file)
            #expect(ContentLoader.isValidReportID(doc.frontMatter.id) && file == doc.frontMatter.id + ".md", "\(f.name): \(file)")
            for fact in doc.frontMatter.facts {
                #expect(fact.sentence.contains(fact.text), "\(f.name): fact “\(fact.text)” not in “\(fact.sentence)”")
            }
        }
    }

    /// Convert hands each file it writes to the build (`ConvertedReports`), which then does not read it. What it
    /// hands over must be what reading the file gives: the entry, the problems and the page's fragment.
    func expectHandedOverAsRead(_ path: String, _ handoff: ConvertedReports, _ p: HostileProject, _ name: String) throws {
        let bytes = [UInt8](try #require(FileManager.default.contents(atPath: path)))
        let catalogHash = FileManager.default.contents(atPath: p.layout.catalog).map { ContentHash.hex([UInt8]($0)) } ?? "missing"
        guard let handed = handoff.read(path, hash: ContentHash.hex(bytes), catalogHash: catalogHash) else {
            Issue.record("\(name): \(path) was written but not handed over")
            return
        }
        let scratch = try #require(ScratchFile(directory: p.root))
        let read = ContentLoader.read(file: path, catalog: try ContentLoader(layout: p.layout).catalog()) { ReportFragment.store($0, in: scratch) }
        let same = handed.encoded.elementsEqual(BuildCache.encodedRead(path, .init(read)))
        #expect(same, "\(name): \(path) handed over differs from its file")
        if case .success(let (a, _)) = handed.read, case .success(let (b, _)) = read {
            #expect(a.fragment?.read() != nil && a.fragment?.read() == b.fragment?.read(), "\(name): \(path): the page fragment differs")
        }
    }

    /// The fixture table as Markdown, for docs/reliability.md (FAZHI_PRINT_TABLE=1).
    @Test func printTable() {
        guard ProcessInfo.processInfo.environment["FAZHI_PRINT_TABLE"] == "1" else { return }
        var s = "| # | case | outcome |\n|---|---|---|\n"
        for (i, f) in fixtures.enumerated() { s += "| \(i + 1) | \(f.name) | \(f.outcome) |\n" }
        print(s)
    }
}
