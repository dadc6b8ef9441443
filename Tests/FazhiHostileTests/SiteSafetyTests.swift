import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import FazhiCorpus
import FazhiModel
@testable import FazhiSite

/// A string meant to break out of every context it lands in: HTML text and attributes, XML, JSON, CSV,
/// YAML, Markdown and URLs.
func hostile(_ k: Int) -> String {
    "<script>alert(\(k))</script><img src=x onerror=alert(\(k))>\"'&amp;<iframe src=javascript:alert(\(k))>]]>--><!--"
        + "\u{2028}\u{0}\u{1B}[x](javascript:alert(\(k))){#s-deadbeef}`</textarea><svg onload=alert(\(k))>"
}

/// A hand-edited (locked) report with hostile text in every field the site shows.
func hostileDocument(id: String, year: Int, catalog: Catalog) -> String {
    var fm = ReportFrontMatter()
    fm.id = id
    fm.title = hostile(1) + "茅箭区\(year)年法治政府建设情况报告"
    fm.year = year
    fm.published = hostile(2)
    fm.publisher = "=HYPERLINK(\"http://evil.example/\")" + hostile(3)
    fm.indexNumber = hostile(4)
    fm.docNumber = hostile(5)
    fm.kind = .government
    fm.locality = hostile(6) + "茅箭区"
    fm.prefecture = hostile(7)
    fm.province = hostile(8)
    fm.adcode = "420302"
    fm.level = .county
    fm.source = "../../" + hostile(9)
    fm.locked = true
    fm.warnings = [hostile(10), "javascript:alert(11)"]
    fm.sections = [SectionInfo(anchor: "h-1", heading: hostile(12), level: 2, part: .results, themes: catalog.themes.prefix(2).map(\.id) + [hostile(13)])]
    let sentence = "全年共审结行政复议案件358件" + hostile(14) + "。"
    var taken = Set<String>()
    let anchor = Anchors.sentenceID(for: sentence, taken: &taken)
    fm.facts = [Fact(value: 358, unit: hostile(15), qualifier: .atLeast, text: hostile(16), subject: hostile(17), part: .results,
                     section: [hostile(18)], anchor: anchor, sentence: sentence)]
    fm.indicators = catalog.indicators.prefix(3).enumerated().map { k, d in
        IndicatorValue(indicator: d.id, value: Double(100 * (k + 1) + year - 2020), unit: hostile(19), qualifier: .exact,
                       anchor: k == 0 ? anchor : "\"><script>alert(20)</script>", confidence: 0.9, rule: hostile(21),
                       alternatives: [.init(value: 7, anchor: hostile(22))])
    } + [IndicatorValue(indicator: hostile(23), value: 1, unit: "件", qualifier: .exact, anchor: "x", confidence: 1, rule: "manual", alternatives: [])]
    // The body a person wrote: raw HTML and javascript: links must not survive rendering.
    let body = """
    # \(MarkdownText.escapeLine(fm.title)) {#h-0}

    ## 一、主要举措 {#h-1}

    {#\(anchor)}\(MarkdownText.escapeLine(sentence))

    <script>alert(24)</script>
    <iframe src="javascript:alert(25)"></iframe>

    [点击](javascript:alert(26)) [x](JaVaScRiPt:alert(27)) [y](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
    ![img](javascript:alert(28)) <img src=x onerror=alert(29)> <a href="javascript:alert(30)">a</a>

    | 表头 | <b onmouseover=alert(31)>x</b> |
    |---|---|
    | <script>alert(32)</script> | [z](vbscript:msgbox(33)) |
    """
    var text = FrontMatterWriter.document(ReportDocument(frontMatter: fm, body: body))
    // Non-finite values, which only a person can write.
    text = text.replacingOccurrences(of: "alternatives: []\n", with: "alternatives: [{value: .nan, anchor: \"x\"}, {value: .inf, anchor: \"y\"}]\n")
    return text
}

// MARK: - A small HTML tokenizer: enough to see every tag and attribute a browser would.

struct HTMLTag {
    var name: String
    var attributes: [(name: String, value: String)]
    var raw: String
}

func htmlTags(_ html: String) -> [HTMLTag] {
    let s = Array(html.unicodeScalars)
    var out: [HTMLTag] = []
    var i = 0
    func isNameChar(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "-" || c == ":" || c == "_" }
    func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\n" || c == "\t" || c == "\r" || c == "\u{0C}" }
    func starts(_ p: String, _ at: Int) -> Bool {
        let u = Array(p.unicodeScalars)
        guard at + u.count <= s.count else { return false }
        for k in 0..<u.count where String(s[at + k]).lowercased() != String(u[k]) { return false }
        return true
    }
    while i < s.count {
        guard s[i] == "<" else { i += 1; continue }
        if starts("<!--", i) {
            var j = i + 4
            while j < s.count, !starts("-->", j) { j += 1 }
            i = j + 3; continue
        }
        if i + 1 < s.count, s[i + 1] == "!" || s[i + 1] == "?" {
            while i < s.count, s[i] != ">" { i += 1 }
            continue
        }
        var j = i + 1
        if j < s.count, s[j] == "/" { j += 1 }
        guard j < s.count, s[j].properties.isAlphabetic else { i += 1; continue }
        let start = i
        var name = ""
        while j < s.count, isNameChar(s[j]) { name.unicodeScalars.append(s[j]); j += 1 }
        var attrs: [(String, String)] = []
        while j < s.count, s[j] != ">" {
            if isSpace(s[j]) || s[j] == "/" { j += 1; continue }
            var an = ""
            while j < s.count, !isSpace(s[j]), s[j] != "=", s[j] != ">", !(s[j] == "/" && an.isEmpty) {
                an.unicodeScalars.append(s[j]); j += 1
            }
            while j < s.count, isSpace(s[j]) { j += 1 }
            var value = ""
            if j < s.count, s[j] == "=" {
                j += 1
                while j < s.count, isSpace(s[j]) { j += 1 }
                if j < s.count, s[j] == "\"" || s[j] == "'" {
                    let q = s[j]; j += 1
                    while j < s.count, s[j] != q { value.unicodeScalars.append(s[j]); j += 1 }
                    j += 1
                } else {
                    while j < s.count, !isSpace(s[j]), s[j] != ">" { value.unicodeScalars.append(s[j]); j += 1 }
                }
            }
            if !an.isEmpty { attrs.append((an.lowercased(), value)) } else { j += 1 }
        }
        var raw = String.UnicodeScalarView(); raw.append(contentsOf: s[start..<min(j + 1, s.count)])
        let lname = name.lowercased()
        out.append(HTMLTag(name: (s[i + 1] == "/" ? "/" : "") + lname, attributes: attrs, raw: String(raw)))
        i = j + 1
        // Raw text elements: their content is not markup.
        if s[start + 1] != "/", lname == "script" || lname == "style" {
            while i < s.count, !starts("</" + lname, i) { i += 1 }
        }
    }
    return out
}

/// Entity-decodes an attribute value and drops what browsers ignore in a URL scheme (controls, spaces).
func urlScheme(_ value: String) -> String {
    var v = value
    for (e, c) in [("&colon;", ":"), ("&#58;", ":"), ("&#x3a;", ":"), ("&#x3A;", ":"), ("&Tab;", ""), ("&NewLine;", ""), ("&#9;", ""), ("&#10;", ""), ("&amp;", "&")] {
        v = v.replacingOccurrences(of: e, with: c)
    }
    v = String(v.unicodeScalars.filter { $0.value > 0x20 }.map(Character.init))
    return v.lowercased()
}

/// Problems of one HTML (or SVG/XML) text: executable markup that is not the site's own.
func executableMarkup(in html: String, siteScript: String) -> [String] {
    executableMarkup(in: html, siteTags: [siteScript])
}

/// `siteTags`: the exact raw tags the site's own templates write (its scripts, its search form); any other
/// script, form, input… is a problem.
func executableMarkup(in html: String, siteTags: Set<String>) -> [String] {
    var problems: [String] = []
    // <img> is not here: a hand-written Markdown body may have an image (convert escapes `!`, so converted
    // reports cannot); its src is checked like every URL below, and cmark empties unsafe ones.
    let forbidden: Set<String> = ["iframe", "frame", "frameset", "object", "embed", "applet", "image", "base", "form", "input",
                                  "button", "textarea", "select", "math", "foreignobject", "audio", "video", "source", "style",
                                  "svg:script", "animate", "set", "handler", "listener", "portal", "xmp", "noembed", "plaintext"]
    for t in htmlTags(html) {
        let n = t.name
        if n == "script" {
            if !siteTags.contains(t.raw) { problems.append("a script that is not the site's: \(t.raw)") }
        } else if forbidden.contains(n), !siteTags.contains(t.raw) {
            problems.append("<\(n)>: \(t.raw)")
        } else if n == "meta", t.attributes.contains(where: { $0.name == "http-equiv" }) {
            problems.append("meta http-equiv: \(t.raw)")
        }
        for (an, av) in t.attributes {
            if an.hasPrefix("on") { problems.append("event attribute \(an): \(t.raw)") }
            if ["href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset", "background", "lowsrc", "dynsrc"].contains(an) {
                let scheme = urlScheme(av)
                if scheme.hasPrefix("javascript:") || scheme.hasPrefix("vbscript:") || scheme.hasPrefix("data:") {
                    problems.append("\(an)=\(av) in \(t.raw)")
                }
            }
            if an == "style", urlScheme(av).contains("expression(") || urlScheme(av).contains("javascript:") { problems.append("style: \(t.raw)") }
        }
    }
    return problems
}

/// RFC 4180 records of a CSV text.
func csvRecords(_ text: String) -> [[String]]? {
    var records: [[String]] = []
    var field = "", record: [String] = []
    var quoted = false, atStart = true
    var it = Array(text.unicodeScalars)[...]
    if it.first == "\u{FEFF}" { it = it.dropFirst() }
    var i = it.startIndex
    while i < it.endIndex {
        let c = it[i]
        if quoted {
            if c == "\"" {
                if i + 1 < it.endIndex, it[i + 1] == "\"" { field.append("\""); i += 2; continue }
                quoted = false; i += 1; continue
            }
            field.unicodeScalars.append(c); i += 1; continue
        }
        if c == "\"" {
            guard atStart else { return nil }
            quoted = true; atStart = false; i += 1; continue
        }
        if c == "," { record.append(field); field = ""; atStart = true; i += 1; continue }
        if c == "\r", i + 1 < it.endIndex, it[i + 1] == "\n" {
            record.append(field); records.append(record); field = ""; record = []; atStart = true; i += 2; continue
        }
        if c == "\n" || c == "\r" { return nil } // a bare line break outside quotes splits a record
        field.unicodeScalars.append(c); atStart = false; i += 1
    }
    if quoted { return nil }
    if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
    return records
}

final class XMLCollector: NSObject, XMLParserDelegate {
    var texts: [String] = []
    var current = ""
    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?, attributes: [String: String] = [:]) { current = "" }
    func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }
    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        texts.append(current); current = ""
    }
}

/// The raw tags of scripts and forbidden elements that the templates themselves write, found by building a
/// benign one-report site with the same templates: the site's own chrome (its scripts, its search form).
func siteChromeTags() throws -> Set<String> {
    let root = NSTemporaryDirectory() + "fazhi-chrome-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: root) }
    let content = root + "/content"
    try FileManager.default.createDirectory(atPath: content + "/markdown", withIntermediateDirectories: true)
    var fm = ReportFrontMatter()
    fm.id = "429006-2024"; fm.title = "天门市2024年法治政府建设情况报告"; fm.year = 2024
    fm.locality = "天门市"; fm.province = "湖北省"; fm.adcode = "429006"; fm.level = .county; fm.kind = .government
    let doc = FrontMatterWriter.document(ReportDocument(frontMatter: fm, body: "# 天门市2024年法治政府建设情况报告\n\n正文。\n"))
    FileManager.default.createFile(atPath: content + "/markdown/429006-2024.md", contents: Data(doc.utf8))
    let layout = ProjectLayout(content: content, templates: repoRoot + "/Templates", output: root + "/public")
    _ = try SiteBuilder(layout: layout).build()
    var tags = Set<String>()
    for rel in OutputTree.files(under: root + "/public") where rel.hasSuffix(".html") {
        let text = (try? String(contentsOfFile: root + "/public/" + rel, encoding: .utf8)) ?? ""
        for t in htmlTags(text) where ["script", "form", "input", "button"].contains(t.name) { tags.insert(t.raw) }
    }
    return tags
}

@Suite(.serialized) struct SiteSafetyTests {
    /// Builds the hostile fixtures (and two hand-edited hostile reports) into a site and scans every file written.
    @Test func noExecutableMarkupFromInputReachesAnyBuiltFile() throws {
        let p = HostileProject()
        defer { p.remove() }
        for f in fixtures {
            switch f.outcome {
            case .converted, .skipped, .duplicate, .ignored: break
            default: continue // run and build failures have their own projects
            }
            if f.files.contains(where: { if case .generated = $0.1 { return true }; return false }) { continue } // big files: in FixtureTests
            try place(f, in: p)
        }
        let catalog = try Catalog.load(yaml: String(contentsOfFile: p.content + "/catalog.yaml", encoding: .utf8), file: "catalog.yaml")
        p.write(M + "420302-2023.md", utf8(hostileDocument(id: "420302-2023", year: 2023, catalog: catalog)))
        p.write(M + "420302-2024.md", utf8(hostileDocument(id: "420302-2024", year: 2024, catalog: catalog)))
        let reportsBefore = snapshot(p.reports)

        let converted = try p.convert()
        #expect(converted.converted.count >= 20, "\(converted.line)")
        // What our renderer writes; the Pagefind bundle (binary index files) is Pagefind's, not scanned here.
        var builder = SiteBuilder(layout: p.layout)
        builder.search.enabled = false
        let built = try builder.build()
        #expect(built.reports >= 22 && built.failed.isEmpty, "\(built.failed)")
        #expect(snapshot(p.reports) == reportsBefore, "convert or build changed content/reports")

        // Nothing outside the output and the content folder, but the documented build cache and spare tree
        // beside the output.
        let top = try FileManager.default.contentsOfDirectory(atPath: p.root).sorted()
        #expect(top == [".fazhi-cache", "content", "public"], "\(top)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: p.root + "/.fazhi-cache").sorted() == [".gitignore", "public.build", "public.spare"])
        #expect(!FileManager.default.fileExists(atPath: "/tmp/evil") && !FileManager.default.fileExists(atPath: p.content + "/evil"))
        let contentTop = try FileManager.default.contentsOfDirectory(atPath: p.content).sorted()
        #expect(contentTop == ["catalog.yaml", "config.yaml", "markdown", "reports"], "\(contentTop)")

        let files = OutputTree.files(under: p.output)
        #expect(files.count > 50)
        let siteTags = try siteChromeTags()
        #expect(siteTags.contains("<script src=\"/assets/sort.js\" defer>"))
        var scanned = [String: Int]()
        var hostileTitleSeen = false
        for rel in files {
            let path = p.output + "/" + rel
            // No symbolic links and no file outside the output.
            let attrs = try FileManager.default.attributesOfItem(atPath: path)
            #expect(attrs[.type] as? FileAttributeType == .typeRegular, "\(rel) is not a regular file")
            #expect(!rel.split(separator: "/").contains("..") && !rel.contains("\0"))
            for comp in rel.split(separator: "/") {
                #expect(comp.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 0x20 }, "\(rel): non-ASCII path")
            }
            guard let data = FileManager.default.contents(atPath: path) else { Issue.record("cannot read \(rel)"); continue }
            let text = String(decoding: data, as: UTF8.self)
            let ext = (rel as NSString).pathExtension
            scanned[ext, default: 0] += 1
            switch ext {
            case "html", "svg":
                for problem in executableMarkup(in: text, siteTags: siteTags) { Issue.record("\(rel): \(problem)") }
                // A NUL from a hand-edited YAML "\0" reaches HTML text as is (Escape.html keeps it): not executable,
                // browsers show U+FFFD; reported to the site's owner, not asserted here.
                if text.contains(Escape.html(hostile(1))) { hostileTitleSeen = true }
            case "json":
                #expect((try? JSONSerialization.jsonObject(with: data)) != nil, "\(rel) is not valid JSON")
                #expect(!text.contains("<"), "\(rel): a raw < in JSON")
            case "csv":
                guard let records = csvRecords(text), let header = records.first else { Issue.record("\(rel) is not RFC 4180 CSV"); continue }
                for r in records where r.count != header.count { Issue.record("\(rel): a record of \(r.count) fields, header has \(header.count)") }
                for r in records.dropFirst() {
                    for f in r where f.hasPrefix("=") || f.hasPrefix("@") || f.hasPrefix("+") { Issue.record("\(rel): formula field \(f.prefix(40))") }
                }
            case "xml":
                let parser = XMLParser(data: data)
                let collector = XMLCollector()
                parser.delegate = collector
                #expect(parser.parse(), "\(rel) is not well-formed XML: \(String(describing: parser.parserError))")
                #expect(!text.contains("<script") && !text.contains("<iframe"), "\(rel): markup in XML")
            case "css", "js", "txt", "":
                break
            default:
                Issue.record("\(rel): unexpected kind of file")
            }
        }
        #expect(scanned["html", default: 0] > 30 && scanned["csv", default: 0] > 3 && scanned["json", default: 0] == 2 && scanned["xml", default: 0] == 2, "\(scanned)")
        #expect(hostileTitleSeen, "the hostile title is shown nowhere (as text)")

        // The data files keep hostile text exactly, as data.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: p.output + "/data/reports.json"))) as? [[String: Any]] ?? []
        let titles = Set(json.compactMap { $0["title"] as? String })
        #expect(titles.contains(hostile(1) + "茅箭区2024年法治政府建设情况报告"))
        #expect(titles.contains(injectionTitle))
        let csv = csvRecords(try String(contentsOfFile: p.output + "/data/reports.csv", encoding: .utf8)) ?? []
        #expect(csv.contains { $0.contains(hostile(1) + "茅箭区2024年法治政府建设情况报告") })
        #expect(csv.contains { $0.contains { $0.hasPrefix("'=HYPERLINK") } }, "a formula was not defused")
        let feed = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: p.output + "/feed.xml")))
        let collector = XMLCollector()
        feed.delegate = collector
        #expect(feed.parse())
        #expect(collector.texts.contains(injectionTitle), "the feed does not carry the hostile title as text")

        // Every report page is where its id says, and ids are safe.
        for id in (try? FileManager.default.contentsOfDirectory(atPath: p.output + "/reports")) ?? [] {
            #expect(ContentLoader.isValidReportID(id), "report folder \(id)")
        }
    }

    @Test func theScannerSeesWhatItMustSee() {
        let script = "<script src=\"/assets/sort.js\" defer>"
        #expect(executableMarkup(in: "<p>&lt;script&gt;alert(1)&lt;/script&gt; onerror=alert(1)</p>", siteScript: script).isEmpty)
        #expect(executableMarkup(in: "<a title=\"x onerror=alert(1)\" href=\"/a/\">x</a>", siteScript: script).isEmpty)
        #expect(executableMarkup(in: script + "</script>", siteScript: script).isEmpty)
        for bad in ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<a href=\"javascript:alert(1)\">x</a>",
                    "<a href=\" JaVaScRiPt&#58;alert(1)\">", "<a href=\"java&Tab;script:alert(1)\">x</a>", "<iframe src=/>",
                    "<p title=\"\" onclick=\"x\">", "<img src=x onerror=alert(1)>", "<img src=\"javascript:alert(1)\">", "<svg><a xlink:href=\"javascript:alert(1)\">", "<body onload=alert(1)>",
                    "<a href='data:text/html,x'>", "<SCRIPT SRC=//evil/x.js></SCRIPT>", "<script src=\"/assets/sort.js\">"] {
            #expect(!executableMarkup(in: bad, siteScript: script).isEmpty, "missed \(bad)")
        }
        #expect(csvRecords("a,b\r\n\"x,\"\"y\",z\r\n")! == [["a", "b"], ["x,\"y", "z"]])
        #expect(csvRecords("a,b\r\nx\ny,z\r\n") == nil)
    }
}
