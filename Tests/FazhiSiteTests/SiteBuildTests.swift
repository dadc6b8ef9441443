import Foundation
import Testing
import FazhiModel
@testable import FazhiSite

@Suite(.serialized) struct SiteBuildTests {
    static let reviewSentence = "2024年审结行政复议申请358件，确认违法7件，未被上级机关、法院纠错，制发行政复议意见书、建议书10份。"

    @Test func everyPageTypeExists() throws {
        let site = try FixtureSite(); defer { site.remove() }
        let summary = try site.build()
        #expect(summary.failed.isEmpty)
        #expect(summary.reports == 6)
        for rel in ["index.html", "404.html", "robots.txt", "sitemap.xml", "feed.xml", ".fazhi-site",
                    "reports/429006-2024.html", "reports/420302-2022.html",
                    "localities/index.html", "localities/429006/index.html",
                    "years/index.html", "years/2024/index.html",
                    "themes/index.html", "themes/disputes/index.html", "themes/disputes/2024/index.html",
                    "indicators/index.html", "indicators/admin-review-closed/index.html",
                    "review/index.html", "review/2024/index.html", "data/index.html",
                    "data/reports.csv", "data/reports.json", "data/indicators.csv", "data/indicators.json",
                    "data/indicators/admin-review-closed.csv", "data/years/2024.csv", "data/localities/429006.csv",
                    "data/themes/disputes/2024.csv", "assets/style.css", "assets/sort.js"] {
            #expect(site.exists(rel), "missing \(rel)")
        }
        let home = site.read("index.html")
        #expect(home.contains("<html lang=\"zh-CN\">"))
        #expect(home.contains("<strong>6</strong> 份报告"))
        #expect(home.contains("<strong>5</strong> 个地区"))
        #expect(home.contains("<strong>3</strong> 个年度"))
        #expect(summary.pagesWritten == site.files().filter { $0.hasSuffix(".html") }.count)
    }

    @Test func reportPageLinksNumbersToHighlightedSentences() throws {
        let site = try FixtureSite(); defer { site.remove() }
        try site.build()
        let page = site.read("reports/429006-2024.html")
        let id = anchor(for: Self.reviewSentence)
        // The indicator table: 358 links to the sentence's anchor on the same page; the facts table too, without
        // a tooltip that would repeat the number, and text cells carry no attributes.
        #expect(page.contains("<td class=\"num\" data-sort=\"358\"><a href=\"#\(id)\" title=\"查看原句\">358件</a></td>"))
        #expect(page.contains("<td class=\"num\" data-sort=\"358\"><a href=\"#\(id)\">358件</a></td><td>358件</td>"))
        #expect(!page.contains("/reports/429006-2024.html#"))
        // The body: the sentence is wrapped in a span with that id, ending at its 。
        #expect(page.contains("<span class=\"sentence\" id=\"\(id)\">\(Self.reviewSentence)</span>"))
        // Headings carry their ids, without the marker text.
        #expect(page.contains("<h2 id=\"h-1\">一、2024年工作情况</h2>"))
        #expect(!page.contains("{#"))
        // Qualifiers, warnings, previous year, onward links.
        #expect(page.contains("≥400次"))
        #expect(page.contains("6472024"))
        #expect(page.contains("rel=\"prev\" href=\"/reports/429006-2023.html\""))
        #expect(page.contains("href=\"/localities/429006/\""))
        #expect(page.contains("href=\"/years/2024/\""))
        #expect(page.contains("href=\"/themes/disputes/\""))
        #expect(page.contains("href=\"/indicators/admin-review-closed/\""))
        // Every fragment used on the page exists on it.
        #expect(SiteChecker.checkLinks(root: site.output, basePath: "/").isEmpty)
    }

    @Test func themeAndIndicatorTablesShowTheValues() throws {
        let site = try FixtureSite(); defer { site.remove() }
        try site.build()
        // The theme's overview links each year; the year pages carry the tables and passages.
        let overview = site.read("themes/disputes/index.html")
        #expect(overview.contains("<a href=\"/themes/disputes/2024/\">2024年</a>"))
        #expect(overview.contains("<a href=\"/themes/disputes/2022/\">2022年</a>"))
        #expect(!overview.contains("<table"))
        let theme = site.read("themes/disputes/2024/index.html")
        let id358 = anchor(for: Self.reviewSentence)
        #expect(theme.contains("<caption>2024年 · 健全社会矛盾纠纷行政预防调处化解体系：各地区对比"))
        // A row is one report: its title is the row's tooltip, not each value's.
        #expect(theme.contains("<tr title=\"天门市2024年法治政府建设情况报告\"><th scope=\"row\""))
        #expect(theme.contains("<a href=\"/reports/429006-2024.html#\(id358)\">358件</a>"))
        #expect(theme.contains(">1006件</a>"))   // 滨海新区 2024
        #expect(theme.contains(">16件</a>"))     // 上党区 2024, 行政应诉
        #expect(!theme.contains(">34件</a>"))    // 茅箭区 2022 is on its own year's page
        #expect(site.read("themes/disputes/2022/index.html").contains(">34件</a>"))     // 茅箭区 2022, 行政复议收案
        #expect(theme.contains("<td class=\"num missing\" data-sort=\"\" title=\"无数据\">—</td>"))
        #expect(theme.contains("href=\"/data/themes/disputes/2024.csv\""))
        // Passages classified under the theme link to the heading.
        #expect(theme.contains("href=\"/reports/429006-2024.html#h-4\""))
        #expect(theme.contains("<th scope=\"col\" class=\"num\" data-type=\"number\">"))
        #expect(theme.contains("<th scope=\"row\""))

        let rate = site.read("indicators/mediation-success-rate/index.html")
        #expect(rate.contains(">≥99%</a>"))     // 滨海新区: 99%以上
        #expect(rate.contains(">96.9%</a>"))
        // The overview links each province's page; the locality × year table is there, with missing years marked.
        #expect(rate.contains("href=\"/indicators/mediation-success-rate/120000/\"") && rate.contains("href=\"/indicators/mediation-success-rate/420000/\""))
        #expect(!rate.contains("title=\"无数据\">—</td>"))
        let hubei = site.read("indicators/mediation-success-rate/420000/index.html")
        #expect(hubei.contains("<h1>人民调解成功率 · 湖北省</h1>") && hubei.contains("<th scope=\"row\""))
        #expect(site.read("indicators/admin-review-received/420000/index.html").contains("title=\"无数据\">—</td>")) // 茅箭 2022 only
        #expect(site.read("indicators/mediation-success-rate/120000/index.html").contains(">≥99%</a>"))
        #expect(!hubei.contains(">≥99%</a>")) // 滨海新区 is in 天津
        #expect(!rate.contains(">0%<"))
        #expect(rate.contains("<svg class=\"chart bars\""))
        #expect(rate.contains("role=\"img\""))
        let disputes = site.read("indicators/mediation-disputes/index.html")
        #expect(disputes.contains(">约2300件</a>"))   // 武冈市: 约
        let closed = site.read("indicators/admin-review-closed/index.html")
        #expect(closed.contains(">358件</a>") && closed.contains(">301件</a>") && closed.contains(">1006件</a>"))

        // Locality: indicator × year with change, and a trend chart for indicators with two years.
        let loc = site.read("localities/429006/index.html")
        #expect(loc.contains(">+57（+18.9%）<"))
        // A change sorts by the difference as shown (96.9 − 96.2 is 0.7000000000000028 in binary).
        #expect(loc.contains("<td class=\"num up\" data-sort=\"0.7\" title=\"与2023年相比\">+0.7（+0.7%）</td>"))
        #expect(loc.contains("<svg class=\"chart trend\""))
        #expect(loc.contains("<title>天门市行政复议办结"))
        // Year: localities × key indicators.
        let year = site.read("years/2024/index.html")
        #expect(year.contains("2024年各地区主要指标") && year.contains(">1423件</a>"))
    }

    @Test func csvRowsAreCorrectAndQuoted() throws {
        let site = try FixtureSite(); defer { site.remove() }
        try site.build()
        let csv = site.read("data/indicators.csv")
        // UTF-8 with a byte-order mark (Foundation drops the mark when decoding, so look at the bytes).
        #expect([UInt8](FileManager.default.contents(atPath: site.output + "/data/indicators.csv")!.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(csv.hasPrefix("report_id,adcode,locality,province,year,theme,indicator,indicator_name,value,unit,qualifier,source_url\r\n"))
        let id = anchor(for: Self.reviewSentence)
        #expect(csv.contains("\r\n429006-2024,429006,天门市,湖北省,2024,disputes,admin-review-closed,行政复议办结,358,件,exact,/reports/429006-2024.html#\(id)\r\n"))
        #expect(csv.contains(",mediation-success-rate,人民调解成功率,99,%,at_least,"))
        let reports = site.read("data/reports.csv")
        #expect(reports.contains("\r\n429006-2024,天门市2024年法治政府建设情况报告,2024,天门市,,湖北省,429006,county,government,2025-03-13,天门市司法局,/reports/429006-2024.html\r\n"))
        // Quoting: a title with a comma and quotes.
        var text = try String(contentsOfFile: site.markdown + "/420302-2022.md", encoding: .utf8)
        text = text.replacingOccurrences(of: "title: \"十堰市茅箭区2022年法治政府建设工作报告\"", with: "title: \"茅箭区, \\\"2022\\\" 报告\"")
        try site.write("markdown/420302-2022.md", text)
        try site.build()
        #expect(site.read("data/reports.csv").contains("\r\n420302-2022,\"茅箭区, \"\"2022\"\" 报告\",2022,"))
        let json = site.read("data/reports.json")
        #expect(json.contains("\"title\": \"茅箭区, \\\"2022\\\" 报告\""))
        #expect(json.contains("\"year\": 2022"))
        let perIndicator = site.read("data/indicators/admin-review-closed.csv")
        #expect(perIndicator.hasPrefix("locality,province,adcode,2023,2024\r\n"))
        #expect(perIndicator.contains("\r\n天门市,湖北省,429006,301,358\r\n"))
        #expect(perIndicator.contains("\r\n滨海新区,天津市,120116,,1006\r\n"))
        // A locality's indicator × year table: values and changes as plain numbers, a missing one empty.
        let locality = site.read("data/localities/429006.csv")
        #expect(locality.hasPrefix("indicator_name,2023,2024,change_2023_2024\r\n"))
        #expect(locality.contains("\r\n行政复议办结,301,358,57\r\n") && locality.contains("\r\n人民调解成功率,96.2,96.9,0.7\r\n"))
        #expect(locality.contains("\r\n行政复议收案,320,,\r\n") && locality.contains("\r\n合法性审核,,12,\r\n"))
    }

    @Test func twoBuildsAreByteIdentical() throws {
        let site = try FixtureSite(); defer { site.remove() }
        let other = site.root + "/public2"
        try site.build()
        try site.build(output: other)
        let a = site.files(), b = site.files(in: other)
        #expect(a == b)
        #expect(a.count > 50)
        for f in a {
            let x = FileManager.default.contents(atPath: site.output + "/" + f)
            let y = FileManager.default.contents(atPath: other + "/" + f)
            #expect(x == y, "differs: \(f)")
        }
        // The same content in another folder gives the same bytes too (no local paths in the output).
        let elsewhere = try FixtureSite(); defer { elsewhere.remove() }
        try elsewhere.build()
        #expect(elsewhere.files() == a)
        for f in a {
            #expect(FileManager.default.contents(atPath: site.output + "/" + f) == FileManager.default.contents(atPath: elsewhere.output + "/" + f), "differs: \(f)")
        }
        // And a rebuild over the same folder gives the same bytes again.
        let before = FileManager.default.contents(atPath: site.output + "/themes/disputes/index.html")
        try site.build()
        #expect(FileManager.default.contents(atPath: site.output + "/themes/disputes/index.html") == before)
    }

    @Test func filesNoLongerProducedDisappear() throws {
        let site = try FixtureSite(); defer { site.remove() }
        try site.build()
        #expect(site.exists("reports/430581-2023.html"))
        let removedText = try String(contentsOfFile: site.markdown + "/430581-2023.md", encoding: .utf8)
        try FileManager.default.removeItem(atPath: site.markdown + "/430581-2023.md")
        try "stray".write(toFile: site.output + "/stray.txt", atomically: true, encoding: .utf8)
        let summary = try site.build()
        #expect(!site.exists("reports/430581-2023.html"))
        #expect(!site.exists("localities/430581/index.html"))
        #expect(summary.filesRemoved >= 3) // the report page, its locality's page and CSV
        // An incremental build removes what it made and no longer makes. A file put into the output by hand
        // is not part of the site: the next build, incremental or clean, does not carry it into the new site.
        #expect(!site.exists("stray.txt"))
        // The replaced site, stray file and all, is the next build's starting point (the spare): the file must
        // not come back.
        try site.write("markdown/430581-2023.md", removedText)
        try site.build()
        #expect(site.exists("reports/430581-2023.html") && !site.exists("stray.txt"))
        try "stray".write(toFile: site.output + "/stray.txt", atomically: true, encoding: .utf8)
        _ = try SiteBuilder(layout: site.layout()).build(clean: true)
        #expect(!site.exists("stray.txt"))
        #expect(!FileManager.default.fileExists(atPath: site.output + ".tmp-build"))
        #expect(!FileManager.default.fileExists(atPath: site.output + ".old"))
    }

    @Test func brokenMarkdownIsReportedWithFileAndLineAndTheRestBuilds() throws {
        let site = try FixtureSite(); defer { site.remove() }
        try site.write("markdown/999999-2024.md", "---\nid: \"999999-2024\"\ntitle: [unclosed\nyear: 2024\n---\n\n正文。\n")
        try site.write("markdown/999998-2024.md", "---\nid: \"999998-2024\"\nyear: twenty\n---\n\n正文。\n")
        let summary = try site.build()
        let messages = summary.failed.map(\.description)
        #expect(summary.failed.count == 2)
        #expect(messages.contains { $0.hasPrefix(site.markdown + "/999998-2024.md:3:") && $0.contains("error:") && $0.contains("year") })
        #expect(messages.contains { $0.hasPrefix(site.markdown + "/999999-2024.md:") && $0.contains("error:") })
        #expect(summary.failed.allSatisfy { ($0.line ?? 0) >= 2 })
        #expect(summary.reports == 6)
        #expect(site.exists("reports/429006-2024.html"))
        #expect(!site.exists("reports/999999-2024.html"))
        // A duplicate id is an error too, and the first file wins.
        try FileManager.default.removeItem(atPath: site.markdown + "/999999-2024.md")
        try FileManager.default.removeItem(atPath: site.markdown + "/999998-2024.md")
        let dup = try String(contentsOfFile: site.markdown + "/420302-2022.md", encoding: .utf8)
        try site.write("markdown/zz-copy.md", dup)
        let s2 = try site.build()
        #expect(s2.failed.count == 1)
        #expect(s2.failed.first?.description.contains("zz-copy.md:2: error: duplicate id '420302-2022'") == true)
    }

    @Test func baseURLPrefixesEveryInternalLink() throws {
        let site = try FixtureSite(); defer { site.remove() }
        try site.build(baseURL: "/sub/")
        var checked = 0
        for f in site.files() where f.hasSuffix(".html") {
            let bytes = [UInt8](FileManager.default.contents(atPath: site.output + "/" + f)!)
            for link in HTMLScan.links(bytes) {
                let v = link.value
                if v.hasPrefix("#") || v.hasPrefix("http") { continue }
                #expect(v.hasPrefix("/sub/"), "\(f):\(link.line): \(v)")
                checked += 1
            }
        }
        #expect(checked > 500)
        #expect(SiteChecker.checkLinks(root: site.output, basePath: "/sub/").isEmpty)
        #expect(site.read("sitemap.xml").contains("<loc>/sub/reports/429006-2024.html</loc>"))
        #expect(site.read("feed.xml").contains("href=\"/sub/reports/429006-2024.html\""))
        #expect(site.read("data/indicators.csv").contains(",/sub/reports/429006-2024.html#"))
        // A full URL: links use its path, the feed and sitemap the whole URL.
        try site.build(baseURL: "https://example.org/fazhi")
        #expect(site.read("index.html").contains("href=\"/fazhi/localities/\""))
        #expect(site.read("sitemap.xml").contains("<loc>https://example.org/fazhi/reports/429006-2024.html</loc>"))
        #expect(site.read("feed.xml").contains("<id>https://example.org/fazhi/reports/429006-2024.html</id>"))
        #expect(site.read("robots.txt").contains("Sitemap: https://example.org/fazhi/sitemap.xml"))
    }

    @Test func hostileTextIsEscapedEverywhere() throws {
        let site = try FixtureSite(); defer { site.remove() }
        let evil = "<script>alert(1)</script>"
        let sentence = "受理\(evil)案件5件。"
        let sid = anchor(for: sentence)
        var fm = ReportFrontMatter()
        fm.id = "110101-2024"; fm.title = "=东城区\(evil), \"报告\""; fm.year = 2024; fm.published = "2025-03-01"
        fm.publisher = "东城区\(evil)"; fm.kind = .government; fm.locality = "东城区\(evil)"; fm.province = "北京市"
        fm.adcode = "110101"; fm.level = .county
        fm.warnings = ["警告\(evil)"]
        fm.sections = [SectionInfo(anchor: "h-1", heading: "一、\(evil)", level: 2, part: .results, themes: ["disputes"])]
        fm.facts = [Fact(value: 5, unit: "件", qualifier: .exact, text: "5件", subject: "受理\(evil)", part: .results,
                         section: ["一、\(evil)"], anchor: sid, sentence: sentence)]
        fm.indicators = [IndicatorValue(indicator: "admin-review-received", value: 5, unit: "件\(evil)", qualifier: .exact,
                                        anchor: sid, confidence: 0.5, rule: evil)]
        let body = "## 一、\(MarkdownText.escapeLine(evil)) {#h-1}\n\n{#\(sid)}\(MarkdownText.escapeLine(sentence))\n\n原样的 \(evil) 与 <img src=x onerror=alert(1)> 不得输出。\n"
        try site.write("markdown/110101-2024.md", FrontMatterWriter.document(ReportDocument(frontMatter: fm, body: body)))
        let summary = try site.build()
        #expect(summary.failed.isEmpty)
        var sawEscaped = 0
        for f in site.files() {
            let text = site.read(f)
            if f.hasSuffix(".csv") { continue }
            #expect(!text.contains("<script>alert"), "raw script in \(f)")
            #expect(!text.contains("<img src=x"), "raw img in \(f)")
            if text.contains("&lt;script&gt;") || text.contains("\\u003cscript\\u003e") { sawEscaped += 1 }
        }
        #expect(sawEscaped >= 8)
        let page = site.read("reports/110101-2024.html")
        #expect(page.contains("<span class=\"sentence\" id=\"\(sid)\">受理&lt;script&gt;alert(1)&lt;/script&gt;案件5件。</span>"))
        #expect(page.contains("<!-- raw HTML omitted -->"))
        #expect(site.read("feed.xml").contains("<title>=东城区&lt;script&gt;alert(1)&lt;/script&gt;, &quot;报告&quot;</title>"))
        #expect(site.read("data/reports.json").contains("\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"))
        // CSV: the text is data, quoted per RFC 4180, and a leading "=" cannot run as a formula.
        #expect(site.read("data/reports.csv").contains("\r\n110101-2024,\"'=东城区<script>alert(1)</script>, \"\"报告\"\"\",2024,"))
        #expect(SiteChecker.checkLinks(root: site.output, basePath: "/").isEmpty)
    }

    @Test func editedIndicatorValueIsUsed() throws {
        let site = try FixtureSite(); defer { site.remove() }
        var text = try String(contentsOfFile: site.markdown + "/429006-2023.md", encoding: .utf8)
        let range = text.range(of: "  - indicator: \"admin-review-closed\"\n    value: 301")!
        text.replaceSubrange(range, with: "  - indicator: \"admin-review-closed\"\n    value: 311")
        try site.write("markdown/429006-2023.md", text)
        try site.build()
        let page = site.read("indicators/admin-review-closed/index.html")
        #expect(page.contains(">311件</a>"))
        #expect(!page.contains(">301件</a>"))
        #expect(site.read("data/indicators.csv").contains(",admin-review-closed,行政复议办结,311,件,"))
    }

    @Test func outputIsReplacedAtomicallyAndForeignFoldersAreRefused() throws {
        let site = try FixtureSite(); defer { site.remove() }
        // A folder that is not a Fazhi site is refused and left alone.
        let foreign = site.root + "/mine"
        try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: true)
        try "keep me".write(toFile: foreign + "/notes.txt", atomically: true, encoding: .utf8)
        #expect(throws: Diagnostic.self) { try site.build(output: foreign) }
        #expect(try String(contentsOfFile: foreign + "/notes.txt", encoding: .utf8) == "keep me")
        #expect(!FileManager.default.fileExists(atPath: foreign + ".tmp-build"))
        // An empty folder (or one with only .gitkeep) is fine, and .gitkeep is kept.
        let empty = site.root + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: empty + "/.gitkeep", contents: Data())
        try site.build(output: empty)
        #expect(FileManager.default.fileExists(atPath: empty + "/.gitkeep"))
        #expect(FileManager.default.fileExists(atPath: empty + "/index.html"))
        // A build that fails (a required template is missing) leaves the previous site whole.
        try site.build()
        let before = site.files()
        let badTemplates = site.root + "/templates"
        try FileManager.default.copyItem(atPath: FixtureSite.templates, toPath: badTemplates)
        try FileManager.default.removeItem(atPath: badTemplates + "/report.mustache")
        #expect(throws: Diagnostic.self) {
            try SiteBuilder(layout: ProjectLayout(content: site.content, templates: badTemplates, output: site.output)).build()
        }
        #expect(site.files() == before)
        // Leftovers of a killed build are cleared; a site moved aside and not back is restored first.
        try FileManager.default.createDirectory(atPath: site.output + ".tmp-build", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: site.output + ".tmp-build/.fazhi-site", contents: Data())
        try FileManager.default.moveItem(atPath: site.output, toPath: site.output + ".old")
        try site.build()
        #expect(site.files() == before)
        #expect(!FileManager.default.fileExists(atPath: site.output + ".tmp-build"))
        #expect(!FileManager.default.fileExists(atPath: site.output + ".old"))
    }
}
