import Foundation
import Testing
import FazhiModel
@testable import FazhiSite

@Suite struct MarkdownRendererTests {
    @Test func headingAndSentenceAnchors() {
        let r = MarkdownRenderer.render("## 一、工作情况 {#h-1}\n\n{#s-1}审结358件。其余文字。\n")
        #expect(r.html.contains("<h2 id=\"h-1\">一、工作情况</h2>"))
        #expect(r.html.contains("<p><span class=\"sentence\" id=\"s-1\">审结358件。</span>其余文字。</p>"))
        #expect(r.ids == ["h-1", "s-1"])
    }

    @Test func sentenceStopsAtMarkupAndKeepsEntitiesWhole() {
        let r = MarkdownRenderer.render("{#s-a}a &amp; b *强调*后文。\n\n{#s-b}x;y\n")
        #expect(r.html.contains("<span class=\"sentence\" id=\"s-a\">a &amp; b </span><em>强调</em>后文。"))
        #expect(r.html.contains("<span class=\"sentence\" id=\"s-b\">x;</span>y"))
    }

    @Test func inputCannotForgePlaceholdersOrRawHTML() {
        let r = MarkdownRenderer.render("文字\u{E000}s-x\u{E001}后 <script>alert(1)</script>\n\n<div>块</div>\n")
        #expect(!r.html.contains("sentence"))
        #expect(!r.html.contains("\u{E000}"))
        #expect(!r.html.contains("<script>"))
        #expect(!r.html.contains("<div>"))
        #expect(r.ids.isEmpty)
        // Every private-use character goes, next to fullwidth punctuation (whose UTF-8 starts with the same EF byte
        // as U+F000…U+F8FF).
        let mixed = MarkdownRenderer.render("全角，标点\u{F8FF}私用\u{E123}区\u{E000}s-y\u{E001}。！\u{F000}\n")
        #expect(mixed.html == "<p>全角，标点私用区s-y。！</p>\n" && mixed.ids.isEmpty, "\(mixed.html)")
        #expect(MarkdownRenderer.render("全角，\u{F8FF}。\u{F000}\n").html == "<p>全角，。</p>\n")
    }

    @Test func emptyAndOddBodies() {
        #expect(MarkdownRenderer.render("").html == "")
        #expect(MarkdownRenderer.render("{#s-1}").html.contains("<span class=\"sentence\" id=\"s-1\"></span>"))
        #expect(MarkdownRenderer.render("## 标题 {#h-9}").html == "<h2 id=\"h-9\">标题</h2>\n")
    }

    @Test func markersInAttributesAreDropped() {
        let r = MarkdownRenderer.render("![{#s-1}图](x.png \"题{#s-2}\") 后文。\n")
        #expect(r.html == "<p><img src=\"x.png\" alt=\"图\" title=\"题\" /> 后文。</p>\n")
        #expect(r.ids.isEmpty)
    }

    @Test func tablesRender() {
        let r = MarkdownRenderer.render("| 项目 | 数量 |\n|---|---:|\n| 复议 | 358 |\n")
        #expect(r.html.contains("<table>"))
        #expect(r.html.contains("<td align=\"right\">358</td>"))
    }
}

@Suite struct FormatTests {
    @Test func numbers() {
        #expect(NumberFormat.plain(358) == "358")
        #expect(NumberFormat.plain(96.9) == "96.9")
        #expect(NumberFormat.display(133_000_000) == "1.33亿")
        #expect(NumberFormat.display(113_400) == "11.34万")
        #expect(NumberFormat.withQualifier(400, unit: "次", qualifier: .atLeast) == "≥400次")
        #expect(NumberFormat.withQualifier(2300, unit: "件", qualifier: .about) == "约2300件")
        #expect(NumberFormat.withQualifier(5, unit: "%", qualifier: .atMost) == "≤5%")
        #expect(NumberFormat.change(from: 301, to: 358).absolute == "+57")
        #expect(NumberFormat.change(from: 301, to: 358).relative == "+18.9%")
    }

    /// The CSVs write whole numbers digit by digit: the same text as `plain`, for every kind of value.
    @Test func plainNumbersAppendedAsBytes() {
        var values: [Double] = [0, -0.0, 1, -1, 9, 10, 99, 100, 358, -2_300, 96.9, 0.125, 1e-7, 123_456_789_012_345, -999_999_999_999_999,
                                1e15, 1e16, 2.5e20, .infinity, -.infinity, .nan]
        var x = 1.0
        for _ in 0..<40 { x = x * 7.3 + 1; values += [x.rounded(), -x.rounded(), x] }
        for v in values {
            var out: [UInt8] = [0x41]
            NumberFormat.appendPlain(v, to: &out)
            #expect(out == [0x41] + Array(NumberFormat.plain(v).utf8), "\(v)")
        }
    }

    @Test func escaping() {
        #expect(Escape.html("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        // Control characters HTML text may not hold are dropped; tab, LF and CR stay.
        #expect(Escape.html("天门\u{0}\u{7}市\u{1B}[0m\t\n\r\u{7F}") == "天门市[0m\t\n\r")
        // Every byte, alone and between others: the bit mask of the fast path says the same as the rule.
        for b in 0..<128 {
            let special = Escape.isControl(UInt8(b)) || Array("&<>\"'".utf8).contains(UInt8(b))
            #expect(Escape.isHTMLSpecial(UInt8(b)) == special, "byte \(b)")
            let s = "甲" + String(UnicodeScalar(UInt8(b))) + "乙"
            let expected = special ? (Escape.isControl(UInt8(b)) ? "甲乙" : "甲" + ["&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"][String(UnicodeScalar(UInt8(b)))]! + "乙") : s
            #expect(Escape.html(s) == expected, "byte \(b)")
        }
        for b in 128..<256 { #expect(!Escape.isHTMLSpecial(UInt8(b))) }
        // appendHTML skips eight bytes at a time while all are above ASCII: a special byte at every position of
        // such a window, after Chinese, ASCII or mixed text of every length, is replaced as byte by byte.
        func byteByByte(_ s: String) -> [UInt8] {
            let names: [UInt8: String] = [0x26: "&amp;", 0x3C: "&lt;", 0x3E: "&gt;", 0x22: "&quot;", 0x27: "&#39;"]
            return s.utf8.flatMap { b -> [UInt8] in Escape.isControl(b) ? [] : names[b].map { Array($0.utf8) } ?? [b] }
        }
        for lead in ["", "法", "法治政府", "a", "ab1", "天门市2024年"] {
            for n in 0..<12 {
                for special in ["<", "&", "\u{1}", "\u{7F}", "\"", "1", "，"] {
                    let s = lead + String(repeating: "治", count: n) + special + "建设" + special
                    var out: [UInt8] = [0x41]
                    Escape.appendHTML(s, to: &out)
                    #expect(out == [0x41] + byteByByte(s), "\(s.debugDescription)")
                }
            }
        }
        #expect(Escape.csv("a,b") == "\"a,b\"")
        #expect(Escape.csv("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(Escape.csv("line\nbreak") == "\"line\nbreak\"")
        #expect(Escape.csv("=1+1") == "'=1+1")
        #expect(Escape.csv("-5", text: false) == "-5")
        #expect(Escape.json("<\"\n\u{2028}") == "\"\\u003c\\\"\\n\\u2028\"")
        #expect(Escape.xml("a\u{1}b'") == "ab&apos;")
        // Noncharacters are dropped; fullwidth punctuation (also led by the byte EF) and plain addresses are kept.
        #expect(Escape.xml("法治\u{FFFE}（一）\u{FFFF}") == "法治（一）")
        #expect(Escape.xml("https://example.org/reports/110000-2016/") == "https://example.org/reports/110000-2016/")
    }

    @Test func baseURLs() {
        #expect(BaseURL("/").path == "/")
        #expect(BaseURL("sub").path == "/sub/")
        #expect(BaseURL("/sub").url("reports/x/") == "/sub/reports/x/")
        let full = BaseURL("https://example.org/fazhi/")
        #expect(full.origin == "https://example.org" && full.path == "/fazhi/")
        #expect(full.absolute("feed.xml") == "https://example.org/fazhi/feed.xml")
        #expect(BaseURL("https://example.org").path == "/")
    }

    @Test func configReads() throws {
        let c = try SiteConfig.load(yaml: "title: 测试\nbase_url: /x/\nlanguage: zh-CN\nother: 1\n", file: "config.yaml")
        #expect(c.title == "测试" && c.baseURL == "/x/" && c.language == "zh-CN")
        #expect(throws: Diagnostic.self) { try SiteConfig.load(yaml: "title: [a\n", file: "config.yaml") }
    }

    @Test func chartsAreAccessibleSVG() {
        let pts = [Charts.Point(label: "2023", value: 301, shown: "301件"), Charts.Point(label: "2024", value: 358, shown: "358件")]
        let svg = String(decoding: Charts.trend(title: "天门市<行政复议>", points: pts).bytes, as: UTF8.self)
        #expect(svg.hasPrefix("<svg class=\"chart trend\""))
        #expect(svg.contains("role=\"img\" aria-label=\"天门市&lt;行政复议&gt;\""))
        #expect(svg.contains("<title>天门市&lt;行政复议&gt;</title>"))
        #expect(Charts.trend(title: "x", points: Array(pts.prefix(1))).bytes.isEmpty)
        #expect(String(decoding: Charts.bars(title: "排名", points: pts).bytes, as: UTF8.self).contains("<rect class=\"bar\""))
    }

    /// A tooltip most of a row's values give goes on the row once; the others, the header's and a missing
    /// value's stay on their cells; a row where no two cells agree has none.
    @Test func aTooltipSharedByARowsCellsIsWrittenOnceOnTheRow() {
        let report = "天门市2024年<报告>"
        let one: [DataTable.Cell] = [
            DataTable.Cell("天门市", href: "/l/", title: "湖北省 天门市"),
            DataTable.Cell("湖北省"),
            DataTable.Cell("358件", href: "/r/#a", title: report, sort: "358"),
            DataTable.Cell("约 12件", href: "/r/#b", title: report + "（约数）", sort: "12"),
            DataTable.Cell("7件", href: "/r/#c", title: report, sort: "7"),
            .missingValue, .missingValue, .missingValue,
        ]
        let matrix: [DataTable.Cell] = [DataTable.Cell("武冈市"), DataTable.Cell("1件", href: "/a/", title: "甲"), DataTable.Cell("2件", href: "/b/", title: "乙")]
        let columns = [DataTable.Column("地区"), DataTable.Column("省份")] + (0..<6).map { _ in DataTable.Column("v", numeric: true) }
        let html = String(decoding: DataTable(id: "t", caption: "c", columns: columns, rows: [one, matrix]).tbodyHTML, as: UTF8.self)
        let rows = html.split(separator: "\n").map(String.init)
        #expect(rows[1].hasPrefix("<tr title=\"天门市2024年&lt;报告&gt;\"><th scope=\"row\"><a href=\"/l/\" title=\"湖北省 天门市\">"))
        #expect(rows[1].contains("<a href=\"/r/#a\">358件</a>") && rows[1].contains("<a href=\"/r/#c\">7件</a>"))
        #expect(rows[1].contains("<a href=\"/r/#b\" title=\"天门市2024年&lt;报告&gt;（约数）\">约 12件</a>"))
        #expect(rows[1].contains("title=\"无数据\">—</td>"))
        #expect(rows[2].hasPrefix("<tr><th scope=\"row\">武冈市</th>") && rows[2].contains("title=\"甲\"") && rows[2].contains("title=\"乙\""))
    }

    /// The facts table's body is written cell by cell (ReportFragment.factsTbody): it must be what the table of
    /// its rows renders.
    @Test func factsTableBodyIsTheTableOfItsRows() {
        let facts = [
            Fact(value: 358, unit: "件", qualifier: .exact, text: "358件", subject: "审结行政复议申请", part: .results,
                 section: ["一、工作", "（一）复议"], anchor: "s-1", sentence: "审结行政复议申请358件。"),
            Fact(value: 400, unit: "次", qualifier: .atLeast, text: "400余次", subject: "", part: .plan,
                 section: [], anchor: "s-missing", sentence: "开展400余次。"),
            Fact(value: 96.2, unit: "%", qualifier: .about, text: "约96.2%<b>", subject: "a&b \"调解\"", part: .other,
                 section: ["<h>"], anchor: "s-2", sentence: "x"),
        ]
        let ids: Set<String> = ["s-1", "s-2"]
        let rows: [[DataTable.Cell]] = facts.map { f in
            [DataTable.Cell(f.subject.isEmpty ? "（未识别）" : f.subject),
             DataTable.Cell(NumberFormat.withQualifier(f.value, unit: f.unit, qualifier: f.qualifier),
                            href: ids.contains(f.anchor) ? "#" + f.anchor : nil, title: f.text, sort: NumberFormat.plain(f.value)),
             DataTable.Cell(f.text), DataTable.Cell(SitePages.partName(f.part)), DataTable.Cell(f.section.last ?? "")]
        }
        let table = DataTable(id: "facts", caption: "", columns: ReportFragment.factColumns, rows: rows).tbodyHTML
        let written = ReportFragment.factsTbody(facts, linked: ids)
        #expect(String(decoding: written, as: UTF8.self) == String(decoding: table, as: UTF8.self))
        #expect(String(decoding: written, as: UTF8.self).contains("<th scope=\"row\">（未识别）</th><td class=\"num\" data-sort=\"400\" title=\"400余次\">≥400次</td>"))
        #expect(ReportFragment.factsTbody([], linked: []) == Array("<tbody>\n</tbody>".utf8))
    }
}

@Suite struct SiteCheckerTests {
    func tree(_ files: [String: String]) throws -> String {
        let root = NSTemporaryDirectory() + "fazhi-check-" + UUID().uuidString
        for (rel, text) in files {
            let path = root + "/" + rel
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        return root
    }

    @Test func findsBrokenLinksAndFragments() throws {
        let root = try tree([
            "index.html": "<!DOCTYPE html>\n<p><a href=\"/a/\">ok</a>\n<a href=\"/a/#here\">ok frag</a>\n<a href=\"/missing/\">broken</a>\n<a href=\"/a/#nowhere\">bad frag</a>\n<a href=\"#top\">self</a>\n<a href=\"https://example.org/x\">external</a>\n<img src=\"img/x.png\">\n<a href=\"a/index.html#here\">relative</a>\n<!-- <a href=\"/commented/\"> -->\n",
            "a/index.html": "<h1 id=\"here\">A</h1><a href=\"../index.html\">up</a><a href=\"/../../etc/passwd\">escape</a>",
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let problems = SiteChecker.checkLinks(root: root, basePath: "/")
        let text = problems.map(\.description).sorted()
        #expect(problems.count == 5, "\(text)")
        #expect(text.contains { $0.hasPrefix(root + "/index.html:4: error: broken link: '/missing/'") })
        #expect(text.contains { $0.hasPrefix(root + "/index.html:5: error: broken anchor: '/a/#nowhere'") })
        #expect(text.contains { $0.hasPrefix(root + "/index.html:6: error: broken anchor: '#top'") })
        #expect(text.contains { $0.hasPrefix(root + "/index.html:8: error: broken link: 'img/x.png'") })
        #expect(text.contains { $0.contains("a/index.html:1: error:") && $0.contains("/../../etc/passwd") })
    }

    @Test func basePathIsRespected() throws {
        let root = try tree(["index.html": "<a href=\"/sub/a/\">ok</a><a href=\"/a/\">outside</a>", "a/index.html": "x"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let problems = SiteChecker.checkLinks(root: root, basePath: "/sub/")
        #expect(problems.count == 1)
        #expect(problems.first?.message.contains("outside the site's base path") == true)
    }

    @Test func fixtureContentAndBuiltSiteAreClean() throws {
        let site = try FixtureSite(); defer { site.remove() }
        try site.build()
        let checker = SiteChecker(layout: site.layout())
        let content = checker.checkContent()
        #expect(content.isEmpty, "\(content.map(\.description))")
        #expect(checker.checkOutput().isEmpty)
    }

    @Test func contentProblemsNameFileAndLine() throws {
        let site = try FixtureSite(); defer { site.remove() }
        var text = try String(contentsOfFile: site.markdown + "/140404-2024.md", encoding: .utf8)
        text = text.replacingOccurrences(of: "indicator: \"admin-litigation-cases\"", with: "indicator: \"no-such-indicator\"")
        text = text.replacingOccurrences(of: "{#s-", with: "{#x-")
        try site.write("markdown/140404-2024.md", text)
        try site.write("markdown/bad.md", "---\nid: \"bad\"\nyear: [\n---\n")
        let problems = SiteChecker(layout: site.layout()).checkContent()
        let errors = problems.filter { $0.severity == .error }.map(\.description)
        #expect(errors.contains { $0.hasPrefix(site.markdown + "/bad.md:") })
        #expect(errors.contains { $0.contains("140404-2024.md:") && $0.contains("'no-such-indicator' is not in the catalog") })
        #expect(errors.contains { $0.contains("140404-2024.md:") && $0.contains("which the body does not have") })
        // The build still renders that report, flags it on the review page and links no missing anchor.
        let summary = try site.build()
        #expect(summary.problems.count >= 2)
        #expect(site.read("review/2024/index.html").contains("不在指标目录中"))
        #expect(site.read("review/2024/index.html").contains("<code>content/markdown/140404-2024.md</code>"))
        // The overview links each year's list; a report is listed on its own year's list only.
        let overview = site.read("review/index.html")
        for y in ["2022", "2023", "2024"] { #expect(overview.contains("href=\"/review/\(y)/\"")) }
        #expect(!site.read("review/2022/index.html").contains("140404-2024.md"))
        #expect(SiteChecker.checkLinks(root: site.output, basePath: "/").isEmpty)
    }
}

@Suite struct FileWalkTests {
    /// `changedSince` skips folders whose status has not changed since: a spare tree's thousands of one-page
    /// folders cost a stat each, and every folder a file was put into since is still read.
    @Test func onlyFoldersChangedSinceAreLookedInto() throws {
        let root = NSTemporaryDirectory() + "fazhi-walk-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fm = FileManager.default
        func put(_ rel: String) throws {
            let path = root + "/" + rel
            try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(rel.utf8).write(to: URL(fileURLWithPath: path))
        }
        let site = ["index.html", "reports/a/index.html", "reports/b/index.html", "themes/t/2024/index.html", "themes/t/index.html"]
        for f in site { try put(f) }
        // File times come from a coarse clock: well apart on both sides of the mark.
        usleep(100_000)
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let mark = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
        usleep(100_000)
        let strays = ["reports/b/stray.html", "themes/t/2024/stray.txt", "new/deep/page.html"]
        for f in strays { try put(f) }

        let all = Set(FileWalk.files(under: root, skipHidden: false))
        #expect(all == Set(site + strays))
        let changed = Set(FileWalk.files(under: root, skipHidden: false, changedSince: mark))
        // Every file put in since is seen, with the others of its folders (and of the root, changed by `new`)…
        #expect(changed.isSuperset(of: strays))
        #expect(changed.contains("reports/b/index.html") && changed.contains("themes/t/2024/index.html") && changed.contains("index.html"))
        // …and the folders nothing was put into are not read.
        #expect(!changed.contains("reports/a/index.html") && !changed.contains("themes/t/index.html"))

        // The stray walk of a staging folder removes exactly the files that are not the site's.
        let out = OutputTree(root + "/public")
        try fm.moveItem(atPath: root + "/reports", toPath: root + "/keep-reports")
        try fm.createDirectory(atPath: out.staging, withIntermediateDirectories: true)
        try fm.moveItem(atPath: root + "/keep-reports", toPath: out.staging + "/reports")
        #expect(try out.removeStrays(keeping: Set(site), changedSince: mark) == 1)
        #expect(Set(FileWalk.files(under: out.staging, skipHidden: false)) == ["reports/a/index.html", "reports/b/index.html"])
    }
}

@Suite struct OutputWriteTests {
    /// A staging file with no other name is written over in place (no new inode) and cut to the new length; one
    /// that is also the published site's file (a hard link) is left alone, and a new file takes its place.
    @Test func stagingFilesAreOverwrittenInPlaceOnlyWhenNothingElseNamesThem() throws {
        let root = NSTemporaryDirectory() + "fazhi-write-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let out = OutputTree(root + "/public")
        try FileManager.default.createDirectory(atPath: out.staging, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: out.output, withIntermediateDirectories: true)
        func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "<none>" }

        try out.write("alone.html", Array("a long first version".utf8), replacing: false)
        let alone = IncrementalBuildTests.inode(out.staging + "/alone.html")
        try out.write("alone.html", Array("short".utf8))
        #expect(read(out.staging + "/alone.html") == "short")
        #expect(IncrementalBuildTests.inode(out.staging + "/alone.html") == alone)

        try out.write("shared.html", Array("published".utf8), replacing: false)
        #expect(link(out.staging + "/shared.html", out.output + "/shared.html") == 0)
        try out.write("shared.html", Array("new".utf8))
        #expect(read(out.staging + "/shared.html") == "new")
        #expect(read(out.output + "/shared.html") == "published")
        #expect(IncrementalBuildTests.inode(out.staging + "/shared.html") != IncrementalBuildTests.inode(out.output + "/shared.html"))

        // A file not there yet is made.
        try out.write("new.html", Array("made".utf8))
        #expect(read(out.staging + "/new.html") == "made")
    }
}
