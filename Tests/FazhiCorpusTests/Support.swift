import Foundation
import Testing
import CCmarkGFM
@testable import FazhiCorpus
import FazhiModel

/// The repository root, from this file's path (Tests/FazhiCorpusTests/Support.swift).
let repoRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

let seedsDir = repoRoot + "/content/reports"

/// A throw-away project folder with `content/reports/`.
final class TempProject {
    let root: String
    var content: String { root + "/content" }
    var reports: String { content + "/reports" }
    var markdown: String { content + "/markdown" }
    var layout: ProjectLayout { ProjectLayout(content: content) }

    init() {
        root = NSTemporaryDirectory() + "fazhi-corpus-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: root + "/content/reports", withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: root) }

    func write(_ rel: String, _ bytes: [UInt8]) {
        let path = reports + "/" + rel
        try! FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }
    func write(_ rel: String, _ text: String) { write(rel, Array(text.utf8)) }

    func copySeed(_ name: String, as rel: String? = nil) {
        let data = FileManager.default.contents(atPath: seedsDir + "/" + name)!
        write(rel ?? name, [UInt8](data))
    }

    func convert(force: Bool = false) throws -> ConvertSummary {
        try Converter(layout: layout).run(force: force)
    }

    func markdownFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: markdown)) ?? []).filter { $0.hasSuffix(".md") }.sorted()
    }
    func text(_ file: String) -> String {
        String(decoding: FileManager.default.contents(atPath: markdown + "/" + file) ?? Data(), as: UTF8.self)
    }
    func document(_ file: String) throws -> ReportDocument {
        try FrontMatterReader.document(text(file), file: file)
    }
    /// The document converted from the input `rel`.
    func document(forSource rel: String) throws -> ReportDocument? {
        for f in markdownFiles() {
            let d = try document(f)
            if d.frontMatter.source == reports + "/" + rel { return d }
        }
        return nil
    }
}

let seedNames = [
    "湖北省天门市-2024-法治政府建设情况报告.txt",
    "湖南省武冈市-2023-法治政府建设工作报告.txt",
    "山西省长治市上党区-2024-法治政府建设情况的报告.txt",
    "湖北省十堰市茅箭区-2022-法治政府建设工作报告.txt",
    "天津市滨海新区-2024-法治政府建设情况的报告.txt",
]

/// Renders Markdown with cmark-gfm (table extension attached); `unsafe` lets raw HTML through, so a test can
/// see whether any was there.
func renderHTML(_ markdown: String, unsafe: Bool = true) -> String {
    cmark_gfm_core_extensions_ensure_registered()
    let options = CMARK_OPT_DEFAULT | (unsafe ? CMARK_OPT_UNSAFE : 0)
    guard let parser = cmark_parser_new(options) else { return "" }
    defer { cmark_parser_free(parser) }
    if let table = cmark_find_syntax_extension("table") { cmark_parser_attach_syntax_extension(parser, table) }
    cmark_parser_feed(parser, markdown, markdown.utf8.count)
    guard let doc = cmark_parser_finish(parser) else { return "" }
    defer { cmark_node_free(doc) }
    guard let html = cmark_render_html(doc, options, cmark_parser_get_syntax_extensions(parser)) else { return "" }
    defer { free(html) }
    return String(cString: html)
}

/// Han characters, ASCII letters and digits only: what must survive of a line, whatever the markup around it.
func essence(_ s: String) -> String {
    String(s.filter { TextNormalizer.isHan($0) || ($0.isASCII && ($0.isLetter || $0.isNumber)) })
}

/// The body without anchor markers.
func plainBody(_ body: String) -> String { Anchors.replaceMarkers(in: body) { _ in "" }.text }

/// A small report in the shape of the seeds.
func sampleReport(title: String, opening: String = "2024年,本区坚持以习近平法治思想为指导,全面推进法治政府建设,取得明显成效。现将有关情况报告如下:") -> String {
    """
    \(title)

    \(opening)

    一、2024年工作情况

    (一)加强组织领导

    全年办理行政复议案件120件,调解成功率达96.9%。

    二、存在的不足

    基层法治工作力量仍然薄弱。
    """
}
