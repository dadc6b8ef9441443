import Foundation
import Testing
@testable import FazhiCorpus
import FazhiModel

func inode(_ path: String) -> (Date?, Int?) {
    let a = try? FileManager.default.attributesOfItem(atPath: path)
    return (a?[.modificationDate] as? Date, (a?[.systemFileNumber] as? NSNumber)?.intValue)
}

@Suite struct ConverterTests {
    @Test func htmlInput() throws {
        let html = """
        <!DOCTYPE html>
        <html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
        <title>鼓楼区2024年法治政府建设情况报告_某某网</title>
        <style>p { color: red } .法治 {}</style>
        <script>document.write("<p>不该出现的脚本文字</p>"); var a = 1 < 2;</script>
        </head>
        <body>
        <nav><a href="/">首页</a> &gt; 信息公开</nav>
        <header><div>鼓楼区人民政府网</div></header>
        <div class="main">
        <h1>鼓楼区2024年法治政府建设情况报告</h1>
        <!-- 注释里的文字 -->
        <p>2024年,鼓楼区坚持&ldquo;依法行政&rdquo;,全面推进法治政府建设&amp;法治社会建设,取得&#26126;&#x663E;成效。</p>
        <p>一、2024年工作情况</p>
        <p>(一)加强组织领导</p>
        <p>全年办理行政复议案件<b>120</b>件,文中提到&lt;script&gt;标签与[链接](http://x)和*星号*。</p>
        <p>1.推进依法决策。</p><p>2.完善制度&nbsp;建设。</p>
        </div>
        <footer>主办单位:南京市鼓楼区人民政府办公室 <br>网站标识码:3201060001</footer>
        </body></html>
        """
        let p = TempProject()
        p.write("page.html", [UInt8](html.data(using: String.Encoding(rawValue: 0x8000_0632))!))
        let summary = try p.convert()
        #expect(summary.failed.isEmpty, "\(summary.failed)")
        let doc = try #require(try p.document(forSource: "page.html"))
        let fm = doc.frontMatter
        #expect(fm.title == "鼓楼区2024年法治政府建设情况报告")
        // 鼓楼区 alone is ambiguous; the footer names 南京市.
        #expect(fm.adcode == "320106")
        #expect(fm.prefecture == "南京市")
        #expect(fm.year == 2024)
        let body = doc.body
        #expect(body.contains("2024年,鼓楼区坚持“依法行政”,全面推进法治政府建设\\&法治社会建设,取得明显成效。"))
        for gone in ["不该出现", "color", "注释", "首页", "信息公开", "网站标识码", "某某网", "人民政府网"] {
            #expect(!body.contains(gone), "\(gone)")
        }
        #expect(body.contains("全年办理行政复议案件120件,文中提到\\<script\\>标签与\\[链接\\](http://x)和\\*星号\\*。"))
        let rendered = renderHTML(plainBody(body))
        #expect(!rendered.contains("<script"))
        #expect(!rendered.contains("<b>") && !rendered.contains("<a ") && !rendered.contains("<em>"))
        #expect(rendered.contains("&lt;script&gt;标签与[链接](http://x)和*星号*"))
        #expect(rendered.contains("<h2>一、2024年工作情况"))
        #expect(rendered.contains("<h3>(一)加强组织领导"))
        #expect(rendered.contains("<h4>1.推进依法决策。"))
        #expect(!rendered.contains("<li>"))
    }

    /// A metadata table (label and value in cells), full-width punctuation and digits, a signature, a site footer.
    @Test func htmlMetadataTable() throws {
        let html = """
        <html><head><meta charset="utf-8"><title>标题_门户网站</title></head>
        <body><div>无障碍 | 简体 | 繁體</div><div>当前位置：首页 &gt; 政务公开 &gt; 省政府文件</div>
        <table><tr><td>索引号：</td><td>11410000005184566N/2025-00012</td><td>主题分类：</td><td>综合政务</td></tr>
        <tr><td>发文机关：</td><td>河南省人民政府</td><td>成文日期：</td><td>2025年03月28日</td></tr>
        <tr><td>标题：</td><td>河南省人民政府关于2024年度法治政府建设情况的报告</td></tr>
        <tr><td>发文字号：</td><td>豫政文〔2025〕46号</td><td>发文日期：</td><td>2025年03月31日</td></tr><tr><td>文号：</td><td></td></tr></table>
        <h1>河南省人民政府关于2024年度法治政府建设情况的报告</h1>
        <p>国务院：</p>
        <p>　　2024年，全省坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻习近平法治思想，法治政府建设取得新成效。</p>
        <p>　　一、2024年工作情况</p>
        <p>　　（一）加强党的领导。全省全年集体学法１２６次，办理行政复议案件１２３４５件，纠错率１２．３％。</p>
        <p style="text-align:right">河南省人民政府</p><p style="text-align:right">2025年3月28日</p>
        <div>主办：河南省人民政府办公厅 承办：河南省大数据管理局 网站标识码：4100000082 豫ICP备05001234号</div>
        </body></html>
        """
        let p = TempProject()
        p.write("henan.htm", html)
        _ = try p.convert()
        let doc = try #require(try p.document(forSource: "henan.htm"))
        let fm = doc.frontMatter
        #expect(fm.title == "河南省人民政府关于2024年度法治政府建设情况的报告")
        #expect(fm.indexNumber == "11410000005184566N/2025-00012")
        #expect(fm.docNumber == "豫政文〔2025〕46号")
        #expect(fm.published == "2025-03-31")
        #expect(fm.publisher == "河南省人民政府")
        #expect(fm.adcode == "410000" && fm.level == .province)
        #expect(doc.body.contains("\n\n国务院：\n\n"))
        #expect(doc.body.contains("### （一）加强党的领导。 {#h-2}"))
        #expect(doc.body.contains("全省全年集体学法126次，办理行政复议案件12345件，纠错率12.3%。"))
        #expect(doc.body.hasSuffix("河南省人民政府\n\n2025年3月28日\n"))
        for gone in ["综合政务", "索引号", "无障碍", "当前位置", "ICP", "大数据管理局"] { #expect(!doc.body.contains(gone), "\(gone)") }
    }

    @Test func badInputsAreSkippedAndNamed() throws {
        let p = TempProject()
        p.copySeed(seedNames[0], as: "good.txt")
        p.write("empty.txt", [])
        p.write("blank.txt", "  \n\n \t \n")
        p.write("image.txt", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 40))
        p.write("scan.html", Array("%PDF-1.4\n".utf8) + [0, 0xFF, 0xFE, 3])
        p.write("notareport.md", "Hello world, nothing Chinese here at all.\n")
        p.write("notes.docx", "ignored")
        let summary = try p.convert()
        let failed = Set(summary.failed.map { ($0.file as NSString).lastPathComponent })
        #expect(failed == ["empty.txt", "blank.txt", "image.txt", "scan.html", "notareport.md"])
        for d in summary.failed {
            #expect(d.description.hasPrefix(d.file + ": error: "))
        }
        #expect(summary.failed.first { $0.file.hasSuffix("image.txt") }?.message.contains("PNG") == true)
        #expect(summary.failed.first { $0.file.hasSuffix("empty.txt") }?.message.contains("empty") == true)
        #expect(summary.failed.first { $0.file.hasSuffix("blank.txt") }?.message.contains("whitespace") == true)
        #expect(summary.converted.count == 1)
        #expect(p.markdownFiles() == ["429006-2024.md"])
        #expect(summary.ignored.map { ($0 as NSString).lastPathComponent } == ["notes.docx"])
        #expect(summary.notes.contains { $0.contains("notes.docx") && $0.contains("ignored") })
    }

    @Test func unchangedRerunRewritesNothing() throws {
        let p = TempProject()
        for name in seedNames { p.copySeed(name) }
        let first = try p.convert()
        #expect(first.converted.count == 5)
        let before = p.markdownFiles().map { inode(p.markdown + "/" + $0) }
        Thread.sleep(forTimeInterval: 0.05)
        let second = try p.convert()
        #expect(second.converted.isEmpty)
        #expect(second.unchanged == 5)
        let after = p.markdownFiles().map { inode(p.markdown + "/" + $0) }
        #expect(before.map(\.0) == after.map(\.0))
        #expect(before.map(\.1) == after.map(\.1))
        // A changed input is converted again; the others are not.
        let path = p.reports + "/" + seedNames[3]
        var bytes = [UInt8](FileManager.default.contents(atPath: path)!)
        bytes += Array("\n补充说明:全年新增法律顾问8名。\n".utf8)
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let third = try p.convert()
        #expect(third.converted.map { ($0 as NSString).lastPathComponent } == ["420302-2022.md"])
        #expect(third.unchanged == 4)
        #expect(p.text("420302-2022.md").contains("补充说明:全年新增法律顾问8名。"))
    }

    /// `mayHaveChanged` is called once when an input's size or time differs from what the last run saw (before
    /// any report is read: `fazhi build` starts the search index's service then), and not when none does.
    @Test func mayHaveChangedIsCalledOnlyWhenAnInputChanged() throws {
        final class Calls: @unchecked Sendable {
            let lock = NSLock(); var count = 0
            func add() { lock.lock(); count += 1; lock.unlock() }
        }
        let p = TempProject()
        for name in seedNames { p.copySeed(name) }
        // An hour old: a time within a second of the last scan is never trusted.
        let hourAgo = Date(timeIntervalSinceNow: -3600)
        for name in seedNames { try FileManager.default.setAttributes([.modificationDate: hourAgo], ofItemAtPath: p.reports + "/" + name) }
        func calls() throws -> Int {
            let calls = Calls()
            var converter = Converter(layout: p.layout)
            converter.mayHaveChanged = { calls.add() }
            _ = try converter.run()
            return calls.count
        }
        #expect(try calls() == 1) // every input new
        #expect(try calls() == 0)
        let path = p.reports + "/" + seedNames[3]
        FileManager.default.createFile(atPath: path, contents: Data([UInt8](FileManager.default.contents(atPath: path)!) + Array("\n补充说明。\n".utf8)))
        #expect(try calls() == 1)
    }

    /// Also when the person's editor saved the file with CRLF line ends (convert overwrote such a file before:
    /// the fields it reads were split on "\n" as Characters, and "\r\n" is one Character).
    @Test(arguments: ["\n", "\r\n"]) func lockedFileIsKept(lineEnd: String) throws {
        let p = TempProject()
        p.copySeed(seedNames[0])
        _ = try p.convert()
        let file = p.markdown + "/429006-2024.md"
        let edited = p.text("429006-2024.md").replacingOccurrences(of: "locked: false", with: "locked: true")
            .replacingOccurrences(of: "publisher: \"天门市司法局\"", with: "publisher: \"天门市人民政府\"")
            .replacingOccurrences(of: "\n", with: lineEnd)
        FileManager.default.createFile(atPath: file, contents: Data(edited.utf8))
        // Even a changed input and --force leave it alone.
        let src = p.reports + "/" + seedNames[0]
        FileManager.default.createFile(atPath: src, contents: FileManager.default.contents(atPath: src)! + Data("\n另:新增一项。\n".utf8))
        let summary = try p.convert(force: true)
        #expect(summary.kept == [file])
        #expect(summary.converted.isEmpty)
        #expect(summary.notes.contains { $0.hasPrefix(file) && $0.contains("kept") })
        #expect(p.text("429006-2024.md") == edited)
        #expect(p.markdownFiles() == ["429006-2024.md"])
    }

    @Test func markdownOfARemovedSourceIsRemoved() throws {
        let p = TempProject()
        p.copySeed(seedNames[0]); p.copySeed(seedNames[1])
        _ = try p.convert()
        #expect(p.markdownFiles() == ["429006-2024.md", "430581-2023.md"])
        try FileManager.default.removeItem(atPath: p.reports + "/" + seedNames[1])
        let summary = try p.convert()
        #expect(p.markdownFiles() == ["429006-2024.md"])
        #expect(summary.removed.map { ($0 as NSString).lastPathComponent } == ["430581-2023.md"])
        #expect(summary.notes.contains { $0.contains("430581-2023.md") && $0.contains("no longer exists") })
        // The reports folder is untouched.
        #expect(try FileManager.default.contentsOfDirectory(atPath: p.reports) == [seedNames[0]])
    }

    @Test func duplicateContentIsConvertedOnce() throws {
        let p = TempProject()
        p.copySeed(seedNames[0], as: "a.txt")
        p.copySeed(seedNames[0], as: "b/copy.txt")
        let summary = try p.convert()
        #expect(summary.converted.count == 1)
        #expect(summary.duplicates == ["\(p.reports)/b/copy.txt: duplicate of \(p.reports)/a.txt"])
        #expect(try p.document(forSource: "a.txt") != nil)
    }

    @Test func idsForDepartmentsRepeatsAndUnknowns() throws {
        let p = TempProject()
        p.write("1.txt", sampleReport(title: "武冈市2024年法治政府建设情况报告"))
        p.write("2.txt", sampleReport(title: "武冈市司法局2024年法治政府建设年度报告"))
        p.write("3.txt", sampleReport(title: "武冈市人民政府关于2024年法治政府建设情况的报告"))
        p.write("4.txt", sampleReport(title: "关于法治政府建设情况的报告", opening: "本年度,我们坚持依法行政,全面推进法治政府建设,取得明显成效,现报告如下。"))
        p.write("5.txt", sampleReport(title: "中共武冈市委武冈市人民政府关于2023年度法治政府建设情况的报告"))
        let summary = try p.convert()
        #expect(summary.failed.isEmpty)
        let ids = try ["1.txt", "2.txt", "3.txt", "4.txt", "5.txt"].map { try #require(try p.document(forSource: $0)).frontMatter }
        #expect(ids[0].id == "430581-2024")
        #expect(ids[0].kind == .government)
        #expect(ids[1].id == "430581-2024-d")
        #expect(ids[1].kind == .department)
        #expect(ids[1].locality == "武冈市")
        #expect(ids[2].id == "430581-2024-2")
        #expect(ids[3].id.hasPrefix("unknown-unknown-"))
        #expect(ids[3].id.count == "unknown-unknown-".count + 10)
        #expect(ids[3].warnings.contains { $0.contains("locality not found") })
        #expect(ids[3].warnings.contains { $0.contains("year not found") })
        #expect(ids[4].id == "430581-2023")
        #expect(ids[4].kind == .government)
        // Ids never depend on processing order: a second run with a new file sorted first renames consistently.
        p.write("0.txt", sampleReport(title: "武冈市2024年法治政府建设情况报告(修订)"))
        _ = try p.convert()
        #expect(try p.document(forSource: "0.txt")?.frontMatter.id == "430581-2024")
        #expect(try p.document(forSource: "1.txt")?.frontMatter.id == "430581-2024-2")
        #expect(try p.document(forSource: "3.txt")?.frontMatter.id == "430581-2024-3")
        #expect(p.markdownFiles().count == 6)
    }

    @Test func ambiguousBareNameIsNotGuessed() throws {
        let p = TempProject()
        p.write("a.txt", sampleReport(title: "鼓楼区2024年法治政府建设情况报告", opening: "2024年,鼓楼区坚持依法行政,全面推进法治政府建设,取得明显成效。"))
        p.write("b.txt", sampleReport(title: "南京市鼓楼区2024年法治政府建设情况报告"))
        p.write("c.txt", sampleReport(title: "鼓楼区2024年法治政府建设情况报告") + "\n\n中共福州市鼓楼区委 福州市鼓楼区人民政府\n\n2025年1月20日\n")
        _ = try p.convert()
        let a = try #require(try p.document(forSource: "a.txt")).frontMatter
        #expect(a.locality.isEmpty && a.adcode.isEmpty && a.province.isEmpty && a.level == nil)
        let w = try #require(a.warnings.first { $0.contains("鼓楼区") })
        for c in ["320106", "320302", "350102", "410204"] { #expect(w.contains(c)) }
        #expect(a.id.hasPrefix("unknown-2024-"))
        let b = try #require(try p.document(forSource: "b.txt")).frontMatter
        #expect(b.adcode == "320106" && b.locality == "鼓楼区" && b.prefecture == "南京市" && b.province == "江苏省")
        let c = try #require(try p.document(forSource: "c.txt")).frontMatter
        #expect(c.adcode == "350102")
        #expect(c.published == "2025-01-20")
        #expect(c.publisher == "中共福州市鼓楼区委 福州市鼓楼区人民政府")
    }

    @Test func provinceAndPrefectureLevelReports() throws {
        let p = TempProject()
        p.write("a.txt", sampleReport(title: "河南省2024年法治政府建设情况报告"))
        p.write("b.txt", sampleReport(title: "内蒙古自治区人民政府关于2023年度法治政府建设情况的报告"))
        p.write("c.txt", sampleReport(title: "邵阳市2024年法治政府建设工作报告"))
        p.write("d.txt", sampleReport(title: "湖南省司法厅2024年法治政府建设年度报告"))
        _ = try p.convert()
        let a = try #require(try p.document(forSource: "a.txt")).frontMatter
        #expect(a.adcode == "410000" && a.level == .province && a.province == "河南省" && a.prefecture == "" && a.locality == "河南省")
        let b = try #require(try p.document(forSource: "b.txt")).frontMatter
        #expect(b.adcode == "150000" && b.year == 2023 && b.kind == .government)
        let c = try #require(try p.document(forSource: "c.txt")).frontMatter
        #expect(c.adcode == "430500" && c.level == .prefecture && c.prefecture == "邵阳市" && c.province == "湖南省")
        let d = try #require(try p.document(forSource: "d.txt")).frontMatter
        #expect(d.adcode == "430000" && d.kind == .department && d.id == "430000-2024-d")
    }

    @Test func pathHintsWhenTheTextNamesNothing() throws {
        let p = TempProject()
        let text = sampleReport(title: "关于法治政府建设情况的报告", opening: "本年度,我们坚持依法行政,全面推进法治政府建设,取得明显成效,现报告如下。")
        p.write("湖南省/武冈市/2024.txt", text)
        p.write("湖北省十堰市茅箭区-2022-报告.txt", text + "\n补充。\n")
        _ = try p.convert()
        let a = try #require(try p.document(forSource: "湖南省/武冈市/2024.txt")).frontMatter
        #expect(a.adcode == "430581" && a.year == 2024 && a.id == "430581-2024")
        #expect(a.warnings.contains { $0.contains("file path") && $0.contains("武冈市") })
        #expect(a.warnings.contains { $0.contains("file path") && $0.contains("2024") })
        let b = try #require(try p.document(forSource: "湖北省十堰市茅箭区-2022-报告.txt")).frontMatter
        #expect(b.adcode == "420302" && b.year == 2022)
    }

    @Test func markdownInputFrontMatterIsTrusted() throws {
        let p = TempProject()
        let md = """
        ---
        title: "武冈市2023年度法治政府建设工作报告"
        published: "2024-02-01"
        adcode: "430581"
        kind: department
        ---

        # 一份手写的报告

        ## 一、主要工作

        2023年,武冈市坚持依法行政,全面推进法治政府建设,办理行政复议案件12件。

        1\\. 这一行不是列表。
        """
        p.write("hand.md", md)
        let summary = try p.convert()
        #expect(summary.failed.isEmpty, "\(summary.failed)")
        let doc = try #require(try p.document(forSource: "hand.md"))
        let fm = doc.frontMatter
        #expect(fm.title == "武冈市2023年度法治政府建设工作报告")
        #expect(fm.year == 2023)
        #expect(fm.published == "2024-02-01")
        #expect(fm.adcode == "430581" && fm.locality == "武冈市" && fm.prefecture == "邵阳市" && fm.province == "湖南省")
        #expect(fm.kind == .department)
        #expect(fm.id == "430581-2023-d")
        #expect(!fm.warnings.contains { $0.contains("publication date") })
        #expect(doc.body.contains("## 一、主要工作 {#h-1}"))
        #expect(doc.body.contains("2023年,武冈市坚持依法行政"))
        #expect(!renderHTML(plainBody(doc.body)).contains("<li>"))

        let bad = TempProject()
        bad.write("bad.md", "---\ntitle: [unclosed\n---\n\n正文\n")
        let s2 = try bad.convert()
        #expect(s2.failed.count == 1)
        #expect(s2.failed.first?.file == bad.reports + "/bad.md")
        #expect(s2.failed.first?.line != nil)
    }

    @Test func watermarkInASentenceIsRemovedWithAWarning() throws {
        let p = TempProject()
        p.write("w.txt", sampleReport(title: "武冈市2024年法治政府建设情况报告") + "\n全年开展普法活动www.example.com850余场次,发放资料2万余份。\n")
        _ = try p.convert()
        let doc = try #require(try p.document(forSource: "w.txt"))
        #expect(doc.body.contains("全年开展普法活动850余场次,发放资料2万余份。"))
        #expect(!doc.body.contains("example"))
        #expect(doc.frontMatter.warnings.contains { $0.contains("www.example.com") })
    }

    @Test func catalogErrorStopsTheRun() throws {
        let p = TempProject()
        p.copySeed(seedNames[0])
        FileManager.default.createFile(atPath: p.content + "/catalog.yaml", contents: Data("themes: [unclosed\n".utf8))
        #expect(throws: Diagnostic.self) { try p.convert() }
        #expect(p.markdownFiles().isEmpty)
    }

    @Test func catalogChangeConvertsAgain() throws {
        let p = TempProject()
        p.copySeed(seedNames[0])
        _ = try p.convert()
        let cat = "themes:\n  - id: disputes\n    name: 矛盾纠纷\nindicators: []\n"
        FileManager.default.createFile(atPath: p.content + "/catalog.yaml", contents: Data(cat.utf8))
        let s = try p.convert()
        // The output is the same (the stub extractor finds nothing), so it is compared, not rewritten.
        #expect(s.failed.isEmpty)
        #expect(s.unchanged == 1)
        let cache = String(decoding: FileManager.default.contents(atPath: p.markdown + "/.convert-cache")!, as: UTF8.self)
        #expect(!cache.contains("catalog\tnone"))
    }
}
