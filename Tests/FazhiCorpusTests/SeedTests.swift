import Foundation
import Testing
@testable import FazhiCorpus
import FazhiModel

/// What a person reading each seed decides for its front matter.
struct Expected {
    var file: String
    var id: String
    var title: String
    var year: Int
    var published: String
    var publisher: String
    var indexNumber: String
    var docNumber: String = ""
    var kind: ReportKind = .government
    var locality: String
    var prefecture: String
    var province: String
    var adcode: String
    var level: DivisionLevel = .county
    /// Each string must occur in some warning.
    var warnings: [[String]]
    /// Lines of the seed that are page debris or the page's metadata block (a line equal to one of these,
    /// or starting with one of at least four characters), plus the title lines (checked as the `#` heading).
    var removed: [String]
    /// Lines that must be kept, checked by name.
    var kept: [String] = []
}

let expectations: [Expected] = [
    Expected(file: seedNames[0], id: "429006-2024", title: "天门市2024年法治政府建设情况报告", year: 2024,
             published: "2025-03-13", publisher: "天门市司法局", indexNumber: "MB1A08302/2025-08767",
             locality: "天门市", prefecture: "", province: "湖北省", adcode: "429006",
             warnings: [["6472024"], ["三)", "bracket"]],
             removed: ["索引号", "MB1A08302/2025-08767", "分类", "司法", "发布机构", "天门市司法局", "发文日期", "2025年03月13日",
                       "名称", "天门市2024年法治政府建设情况报告", "文号", "效力状态", "有效", "发布日期",
                       "发布时间:2025-03-13 11:19 来源:天门市司法局", "附件:", "扫一扫在手机上查看当前页面", "我要打印 关闭窗口"]),
    Expected(file: seedNames[1], id: "430581-2023", title: "邵阳市武冈市2023年度法治政府建设工作报告(综合示范)", year: 2023,
             published: "2024-01-31", publisher: "中共邵阳市委全面依法治市委员会办公室", indexNumber: "4305000002/2024-04928",
             locality: "武冈市", prefecture: "邵阳市", province: "湖南省", adcode: "430581",
             warnings: [["2024-01-22", "2024-01-31"], ["公开责任部门", "司法局"]],
             removed: ["您现在所在的位置:", "分享到:", "邵阳市武冈市2023年度法治政府建设工作报告(综合示范)", "文件名称:", "索引号:",
                       "公开目录:", "发文日期:", "生效日期", "扫一扫在手机打开当前页", "主办单位:邵阳市司法局", "联系电话:0739-5323212"],
             kept: ["省委依法治省办:", "中共邵阳市委全面依法治市委员会办公室", "2024年1月22日"]),
    Expected(file: seedNames[2], id: "140404-2024", title: "中共长治市上党区委长治市上党区人民政府关于2024年度法治政府建设情况的报告",
             year: 2024, published: "2025-01-20", publisher: "长治市上党区司法局", indexNumber: "000014349/2025-02343",
             locality: "上党区", prefecture: "长治市", province: "山西省", adcode: "140404",
             warnings: [["2017-08-20", "2025-01-20"], ["20251月2", "damaged"], [")强化依法履职", "damaged"]],
             removed: ["中国政府网 | 山西省政府网 | 长治市政府网", "今天是", "热点查询:长治长治旅游", "当前位置:首页>", "字体大小:【大】 【中】 【小】",
                       "保存为word 打印 关闭", "索引号000014349/2025-02343", "发文字号 发文时间2025-01-20", "发文机关长治市上党区司法局",
                       "标题中共长治市上党区委", "主题分类其它 发布日期2025-01-20", "中共长治市上党区委长治市上党区人民政府关于2024年度法治政府建设情况的报告",
                       "时间:2017-08-20"],
             kept: ["中共长治市上党区委 长治市上党区人民政府", "20251月2"]),
    Expected(file: seedNames[3], id: "420302-2022", title: "十堰市茅箭区人民政府2022年法治政府建设工作报告", year: 2022,
             published: "2023-03-27", publisher: "茅箭区人民政府", indexNumber: "K26058142/2023-14790",
             locality: "茅箭区", prefecture: "十堰市", province: "湖北省", adcode: "420302",
             warnings: [],
             removed: ["十堰市茅箭区人民政府2022年法治政府建设工作报告", "索引号", "K26058142/2023-14790", "主题分类", "其他", "发文日期",
                       "2023年03月27日 16:43:09", "发布机构", "茅箭区人民政府", "文号"]),
    Expected(file: seedNames[4], id: "120116-2024", title: "滨海新区人民政府2024年法治政府建设情况的报告", year: 2024,
             published: "", publisher: "天津市滨海新区人民政府", indexNumber: "",
             locality: "滨海新区", prefecture: "", province: "天津市", adcode: "120116",
             warnings: [["no publication date"]],
             removed: ["滨海新区人民政府2024年法治政府建设情况的报告", "主办单位:", "承办单位:", "网站标识码:"]),
]

/// The debris lines domain.md lists, and metadata labels: no body line may start with one.
let debrisStarts = [
    "中国政府网", "今天是", "热点查询", "当前位置", "您现在所在的位置", "字体大小", "大 中 小", "保存为word", "分享到",
    "扫一扫在手机上查看当前页面", "扫一扫在手机打开当前页", "我要打印", "附件:", "主办单位", "承办单位", "网站标识码", "联系电话",
    "浏览次数", "返回顶部", "无障碍", "时间:", "发布时间", "来源:", "索引号", "分类", "发布机构", "发文日期", "名称", "文号",
    "效力状态", "发布日期", "主题分类", "文件名称", "公开目录", "生效日期", "发文字号", "发文机关", "标题", "主题词",
]

func lineIsRemoved(_ line: String, _ removed: [String]) -> Bool {
    removed.contains { line == $0 || ($0.count >= 4 && line.hasPrefix($0)) }
}

/// Seed lines as convert sees them: NBSP and runs of spaces folded, trimmed.
func seedLines(_ name: String) -> [String] {
    let data = FileManager.default.contents(atPath: seedsDir + "/" + name)!
    let text = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\u{A0}", with: " ")
    return text.split(separator: "\n", omittingEmptySubsequences: false).map {
        $0.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

@Suite struct SeedTests {
    func check(_ e: Expected, _ doc: ReportDocument, source: String) {
        let fm = doc.frontMatter
        #expect(fm.id == e.id, "\(e.file)")
        #expect(fm.title == e.title, "\(e.file)")
        #expect(fm.year == e.year, "\(e.file)")
        #expect(fm.published == e.published, "\(e.file)")
        #expect(fm.publisher == e.publisher, "\(e.file)")
        #expect(fm.indexNumber == e.indexNumber, "\(e.file)")
        #expect(fm.docNumber == e.docNumber, "\(e.file)")
        #expect(fm.kind == e.kind, "\(e.file)")
        #expect(fm.locality == e.locality, "\(e.file)")
        #expect(fm.prefecture == e.prefecture, "\(e.file)")
        #expect(fm.province == e.province, "\(e.file)")
        #expect(fm.adcode == e.adcode, "\(e.file)")
        #expect(fm.level == e.level, "\(e.file)")
        #expect(fm.source == source)
        #expect(fm.converter == Converter.version)
        #expect(!fm.locked)
        let raw = FileManager.default.contents(atPath: seedsDir + "/" + e.file)!
        #expect(fm.sourceSHA256 == SHA256.hex([UInt8](raw)))
        for words in e.warnings {
            #expect(fm.warnings.contains { w in words.allSatisfy { w.contains($0) } }, "\(e.file): no warning with \(words) in \(fm.warnings)")
        }
        // No path hint was needed: every field came from the text.
        #expect(!fm.warnings.contains { $0.contains("file path") }, "\(e.file): \(fm.warnings)")
    }

    @Test func frontMatterOfEverySeed() throws {
        let p = TempProject()
        for name in seedNames { p.copySeed(name) }
        let summary = try p.convert()
        #expect(summary.failed.isEmpty, "\(summary.failed)")
        #expect(summary.converted.count == 5)
        for e in expectations {
            let doc = try #require(try p.document(forSource: e.file), "\(e.file) was not converted")
            check(e, doc, source: p.reports + "/" + e.file)
            #expect(p.markdownFiles().contains(e.id + ".md"))
        }
    }

    /// The bundled file names name the place and year; detection must not depend on them.
    @Test func seedsUnderNeutralNames() throws {
        let p = TempProject()
        for (k, name) in seedNames.enumerated() { p.copySeed(name, as: "\(["a", "b", "c", "d", "e"][k]).txt") }
        let summary = try p.convert()
        #expect(summary.failed.isEmpty)
        for (k, e) in expectations.enumerated() {
            let rel = "\(["a", "b", "c", "d", "e"][k]).txt"
            let doc = try #require(try p.document(forSource: rel))
            check(e, doc, source: p.reports + "/" + rel)
        }
    }

    @Test func noDebrisSurvivesAndNoReportLineIsLost() throws {
        let p = TempProject()
        for name in seedNames { p.copySeed(name) }
        _ = try p.convert()
        for e in expectations {
            let doc = try #require(try p.document(forSource: e.file))
            let body = plainBody(doc.body)
            let bodyLines = body.split(separator: "\n").map { MarkdownUnescape.line(String($0)) }
            // The title is the one `#` heading, first.
            #expect(body.hasPrefix("# " + MarkdownText.escapeLine(e.title) + "\n"), "\(e.file)")
            #expect(bodyLines.filter { $0.hasPrefix("# ") }.count == 1)
            // No debris line, no metadata label line.
            for line in bodyLines {
                let text = line.replacingOccurrences(of: "^#+ ", with: "", options: .regularExpression)
                for d in debrisStarts {
                    #expect(!text.hasPrefix(d), "\(e.file): debris line kept: \(line)")
                }
                #expect(!text.hasSuffix(" |"), "\(e.file): \(line)")
            }
            for gone in ["2017-08-20", "0739-5323212", "1201160001", "公开责任部门", "效力状态", "长治旅游"] {
                #expect(!body.contains(gone), "\(e.file): \(gone)")
            }
            #expect(!body.contains(e.indexNumber.isEmpty ? "\u{1}" : e.indexNumber), "\(e.file)")
            // Every other line of the seed is in the body, in order.
            let flat = essence(body)
            var cursor = flat.startIndex
            for line in seedLines(e.file) where !line.isEmpty && !lineIsRemoved(line, e.removed) {
                let want = essence(line)
                guard !want.isEmpty else { continue }
                guard let r = flat.range(of: want, range: cursor..<flat.endIndex) else {
                    Issue.record("\(e.file): report line lost or out of order: \(line.prefix(60))")
                    continue
                }
                cursor = r.upperBound
            }
            for k in e.kept {
                #expect(bodyLines.contains(k), "\(e.file): \(k) not kept as its own line")
            }
        }
    }

    @Test func rendersWithTheReportsHeadings() throws {
        let p = TempProject()
        for name in seedNames { p.copySeed(name) }
        _ = try p.convert()
        let tianmen = try p.document("429006-2024.md")
        let html = renderHTML(plainBody(tianmen.body))
        #expect(html.contains("<h1>天门市2024年法治政府建设情况报告</h1>"))
        #expect(html.contains("<h2>一、2024年工作情况"))
        #expect(html.contains("<h3>(一)筑牢法治思维,加强党对法治政府建设的领导。"))
        #expect(html.contains("<h3>三)严格规范公正文明执法"))
        #expect(html.contains("<p>一是坚决贯彻落实习近平法治思想。"))
        #expect(!html.contains("<li>") && !html.contains("<ol") && !html.contains("<ul"))
        #expect(!html.contains("<table"))

        let shangdang = try p.document("140404-2024.md")
        let html2 = renderHTML(plainBody(shangdang.body))
        #expect(html2.contains("<h4>1.推进重大事项依法决策。</h4>"))
        #expect(html2.contains("<p>完善政府重大行政决策程序规定"))
        #expect(html2.contains("<h2>四、履行法院生效裁判情况</h2>"))
        #expect(!html2.contains("<li>") && !html2.contains("<ol"))
        // Heading anchors are in the Markdown, numbered in order.
        #expect(shangdang.body.contains("## 一、2024年推进法治政府建设的主要举措和成效 {#h-1}\n"))
        #expect(shangdang.body.contains("### (一)突出标准引领,全力提升依法行政水平 {#h-2}\n"))

        // Every seed: as many h2 as 一、-style lines; no list, no raw HTML.
        for e in expectations {
            let doc = try #require(try p.document(forSource: e.file))
            let html = renderHTML(plainBody(doc.body))
            let topLevel = seedLines(e.file).filter { $0.range(of: "^[一二三四五六七八九十]{1,2}、", options: .regularExpression) != nil }
            #expect(html.components(separatedBy: "<h2>").count - 1 == topLevel.count, "\(e.file)")
            #expect(!html.contains("<li>"), "\(e.file)")
        }
    }

    @Test func convertingTwiceGivesIdenticalBytes() throws {
        let p = TempProject()
        for name in seedNames { p.copySeed(name) }
        _ = try p.convert()
        let first = p.markdownFiles().map { p.text($0) }
        try FileManager.default.removeItem(atPath: p.markdown)
        _ = try p.convert()
        #expect(p.markdownFiles().map { p.text($0) } == first)
        _ = try p.convert(force: true)
        #expect(p.markdownFiles().map { p.text($0) } == first)
    }
}

/// Undoes `MarkdownText.escapeLine` for comparisons.
enum MarkdownUnescape {
    static func line(_ s: String) -> String {
        var out = ""
        var esc = false
        for ch in s {
            if esc { out.append(ch); esc = false } else if ch == "\\" { esc = true } else { out.append(ch) }
        }
        return out
    }
}
