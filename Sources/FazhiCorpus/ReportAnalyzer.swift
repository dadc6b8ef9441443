import Foundation
import FazhiModel
import FazhiIndicators

/// One report converted, before its id is decided over the whole corpus.
struct AnalyzedReport: Sendable {
    /// Everything but `id`.
    var frontMatter: ReportFrontMatter
    /// The Markdown body (title, headings with ids, paragraphs with sentence anchors).
    var body: String
    /// `<adcode>-<year>` or `unknown-…-<hash>`; the id is this plus `-d` for a department report and `-2`… for repeats.
    var idBase: String
    var department: Bool
    /// An id set by a person in an .md input's front matter.
    var fixedID: String?

    func document(id: String) -> [UInt8] {
        FrontMatterWriter.documentBytes(reportDocument(id: id))
    }

    func reportDocument(id: String) -> ReportDocument {
        var fm = frontMatter
        fm.id = id
        return ReportDocument(frontMatter: fm, body: body)
    }
}

/// A line of the input after decoding and normalisation, with its 1-based line in the input (0 when unknown).
struct SourceLine: Sendable {
    var text: String
    var number: Int
}

/// Turns one input file into a report: decode, drop debris, read metadata, resolve the locality, rebuild the outline.
struct ReportAnalyzer: Sendable {
    let gazetteer: Gazetteer
    let extractor: FactExtractor

    /// A warning, tagged with the front-matter field it concerns (a person's value for that field silences it).
    struct Note { var field: String; var text: String }

    enum Role: Equatable { case content, blank, debris(String), metadata, title }

    /// With `render` false, only what the id needs is worked out (no outline, facts or body): the first,
    /// corpus-wide pass of a run, which must not hold every report's text in memory.
    func analyze(bytes: [UInt8], source: String, relativePath: String, sha256: String, render: Bool = true) throws(Diagnostic) -> AnalyzedReport {
        var notes: [Note] = []
        func warn(_ field: String, _ text: String) { notes.append(Note(field: field, text: text)) }
        let ext = (relativePath as NSString).pathExtension.lowercased()

        // 1. Decode.
        var text: String
        var footerText = ""
        var lineOffset = 0
        var numbered = true
        var person = ReportFrontMatter()
        let decoded: DecodedText
        do {
            decoded = try TextDecoder.decode(bytes, declared: ext == "html" || ext == "htm" ? HTMLText.declaredCharset(bytes) : nil)
        } catch {
            throw Diagnostic(file: source, error.message)
        }
        text = decoded.text
        if decoded.replaced > 0 {
            warn("", "lossy decoding: \(decoded.replaced) character(s) could not be decoded as \(decoded.encoding.rawValue) and were replaced by U+FFFD")
        }
        if ext == "html" || ext == "htm" {
            let r = HTMLText.text(text)
            // Every block is a line already; blank lines from markup carry no meaning (a metadata table's
            // label and value cells must stay on adjacent lines).
            text = r.text.split(whereSeparator: { $0 == "\n" }).filter { !$0.allSatisfy(\.isWhitespace) }.joined(separator: "\n")
            footerText = r.footer
            numbered = false
        } else if ext == "md" || ext == "markdown" {
            let parts = FrontMatterReader.split(text)
            if let yaml = parts.yaml {
                do { person = try FrontMatterReader.frontMatter(yaml, file: source, firstLine: 2) } catch {
                    if let d = error as? Diagnostic { throw d }
                    throw Diagnostic(file: source, "front matter: \(error)")
                }
            }
            text = parts.body
            lineOffset = parts.bodyLine - 1
        }

        // 2. Normalise characters and lines. A copy in traditional script (a Big5 gateway of a simplified page)
        // goes back to simplified, so names match the gazetteer and the catalog.
        if TextNormalizer.looksTraditional(text),
           let simple = TextNormalizer.simplified(text) {
            text = simple
            warn("", "the text was in traditional script (\(decoded.encoding.rawValue)); it was converted to simplified script")
        }
        let normalized = TextNormalizer.normalize(text)
        // A report is 5,000–60,000 characters. Far longer text is several reports or a whole site; the fact
        // extractor's time grows faster than linearly with it, so it is refused, with its size.
        let length = normalized.scalars
        if length > Self.maxCharacters {
            throw Diagnostic(file: source, "the text is \(length) characters long, more than the \(Self.maxCharacters) a report may have (a report is 5,000–60,000); skipped: split it into its reports")
        }
        if normalized.removed > 0 {
            warn("", "removed \(normalized.removed) control or private-use character(s)")
        }
        var lines: [SourceLine] = []
        var mdTitle = ""
        for (i, raw) in TextNormalizer.lines(normalized.text).enumerated() {
            var t = TextNormalizer.tidyLine(raw)
            if ext == "md" || ext == "markdown" {
                t = Self.unMarkdown(t, title: &mdTitle)
            }
            lines.append(SourceLine(text: t, number: numbered ? i + 1 + lineOffset : 0))
        }
        if lines.allSatisfy({ $0.text.isEmpty }) && mdTitle.isEmpty {
            throw Diagnostic(file: source, bytes.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
                ? "the file contains only whitespace" : "the file contains no text")
        }
        // Counting stops at 20: only "fewer than 20" matters.
        var han = 0
        for l in lines where han < 20 { han += TextNormalizer.hanCount(l.text, upTo: 20 - han) }
        if han < 20 && person.title.isEmpty {
            throw Diagnostic(file: source, "not a report: only \(han) Chinese character(s) of text")
        }

        // 3. Watermarks inside sentences.
        for k in lines.indices {
            let (clean, removed) = TextNormalizer.removeWatermarks(lines[k].text)
            if !removed.isEmpty {
                lines[k].text = TextNormalizer.tidyLine(Substring(clean))
                for w in removed { warn("", "removed a watermark '\(w)' inserted in the text\(Self.at(lines[k]))") }
            }
        }

        // 4. Debris.
        var roles: [Role] = lines.map { l in
            if l.text.isEmpty { return .blank }
            if let rule = DebrisRules.match(l.text) { return .debris(rule.name) }
            return .content
        }

        // Page date lines and footers carry metadata too.
        var pageDates: [(label: String, date: String)] = []
        var footerValues: [String] = footerText.isEmpty ? [] : [footerText]
        for (k, l) in lines.enumerated() {
            guard case .debris(let rule) = roles[k] else { continue }
            if rule == "page-date", let g = Self.pageDateLine.firstMatch(l.text), let label = g[1], let d = MetadataParser.date(in: g[2] ?? "") {
                pageDates.append((label, d))
            }
            if rule == "footer", let g = Self.footerLine.firstMatch(l.text), let v = g[2] { footerValues.append(v) }
        }

        // 5. The header: from the top to the first line of report text. Metadata labels are read only there.
        let bodyStart = lines.indices.first { k in roles[k] == .content && Self.isBodyLike(lines[k].text) } ?? lines.count
        var fields: [MetadataField] = []
        var k = 0
        while k < bodyStart {
            defer { k += 1 }
            guard roles[k] == .content else { continue }
            let t = lines[k].text
            if let label = MetadataLabels.bare(t) {
                roles[k] = .metadata
                var value = ""
                if k + 1 < bodyStart, roles[k + 1] == .content, MetadataLabels.bare(lines[k + 1].text) == nil,
                   MetadataParser.plausible(lines[k + 1].text, for: label) {
                    value = lines[k + 1].text
                    roles[k + 1] = .metadata
                    k += 1
                }
                fields.append(MetadataField(label: label, value: value))
            } else if MetadataLabels.starts(t) {
                roles[k] = .metadata
                fields.append(contentsOf: MetadataParser.fields(inLine: t))
            }
        }
        func field(_ labels: [String]) -> (label: String, value: String)? {
            for f in fields where labels.contains(f.label) && !f.value.isEmpty { return (f.label, f.value) }
            return nil
        }

        // 6. Title: the page's own 名称/标题 field when it reads like a title (lists of other articles may
        // precede the report), else the first title-like line of the header; a "title | site" variant is debris.
        var title = ""
        var variantTitle = ""
        if let f = field(["名称", "文件名称", "标题", "信息名称"]), Self.isTitleLike(f.value) { title = f.value }
        for k in 0..<bodyStart where roles[k] == .content && title.isEmpty {
            let t = lines[k].text
            if Self.isTitleLike(t) { title = t; break }
            if let base = Self.pageTitleBase(t), Self.isTitleLike(base), variantTitle.isEmpty { variantTitle = base }
        }
        if title.isEmpty { title = variantTitle }
        if title.isEmpty {
            // No header: the title may open the text itself (after an unrecognised line that ended the header).
            for k in bodyStart..<min(bodyStart + 4, lines.count) where roles[k] == .content {
                if Self.isTitleLike(lines[k].text), !Self.isHeadingMarker(lines[k].text) { title = lines[k].text; roles[k] = .title; break }
            }
        }
        if title.isEmpty, let f = field(["名称", "文件名称", "标题", "信息名称"]) { title = f.value }
        if title.isEmpty { title = mdTitle }
        if !person.title.isEmpty { title = person.title }
        if !title.isEmpty {
            let key = Self.compact(title)
            for k in 0..<bodyStart where roles[k] == .content {
                let t = lines[k].text
                if Self.compact(t) == key { roles[k] = .title }
                else if let base = Self.pageTitleBase(t), Self.compact(base) == key { roles[k] = .debris("page-title") }
            }
        } else {
            warn("title", "title not found")
        }
        let titleValues = fields.filter { ["名称", "文件名称", "标题", "信息名称"].contains($0.label) }.map(\.value)

        // 7. Signature block at the end: issuing bodies and a date.
        var signatureDate: String?
        var signatureLines: [String] = []
        if let last = lines.indices.last(where: { roles[$0] == .content }) {
            var end = last
            let t = lines[last].text
            if Self.dateOnlyLine.matches(t) || Self.hanDateOnlyLine.matches(t) {
                if let d = MetadataParser.date(in: t), Self.dateOnlyLine.matches(t) ? Self.wellFormedDate.matches(t) : true {
                    signatureDate = d
                } else {
                    warn("", "text looks damaged: the signature date '\(t)' is not a date\(Self.at(lines[last]))")
                }
                end = last - 1
            }
            var k = end
            while k >= 0, signatureLines.count < 3 {
                if roles[k] == .blank { k -= 1; continue }
                guard roles[k] == .content, Self.isSignatureBody(lines[k].text) else { break }
                signatureLines.insert(lines[k].text, at: 0)
                k -= 1
            }
        }
        let signature = signatureLines.joined(separator: " ")

        // 8. Dates.
        // Preference: 发文日期/发文时间, then 发布日期/发布时间, then 成文日期 (written, not published), then the
        // page's own date line, then the signature date.
        let issueLabels = ["发文日期", "发文时间"]
        let publishLabels = ["发布日期", "发布时间", "公开日期"]
        let writtenLabels = ["成文日期", "成文时间", "印发日期"]
        var dated: [(label: String, date: String, rank: Int)] = []
        for f in fields {
            guard let d = MetadataParser.date(in: f.value) else { continue }
            if issueLabels.contains(f.label) { dated.append((f.label, d, 0)) }
            else if publishLabels.contains(f.label) { dated.append((f.label, d, 1)) }
            else if writtenLabels.contains(f.label) { dated.append((f.label, d, 2)) }
        }
        for p in pageDates { dated.append((p.label, p.date, publishLabels.contains(p.label) ? 1 : 3)) }
        var published = ""
        var publishedLabel = ""
        if let best = dated.enumerated().min(by: { ($0.element.rank, $0.offset) < ($1.element.rank, $1.offset) })?.element {
            published = best.date; publishedLabel = best.label
        } else if let s = signatureDate {
            published = s; publishedLabel = "signature date"
        }
        var seen = Set<String>()
        let distinct = dated.filter { seen.insert("\($0.label) \($0.date)").inserted }
        if Set(distinct.map(\.date)).count > 1 {
            warn("published", "dates disagree: " + distinct.map { "\($0.label) \($0.date)" }.joined(separator: ", ")
                 + "; published is \(published) (\(publishedLabel))")
        }
        if let s = signatureDate, !published.isEmpty, s != published {
            warn("published", "the signature date \(s) differs from \(publishedLabel) \(published); published is \(published)")
        }
        if published.isEmpty { warn("published", "no publication date found in the text") }

        // 9. Publisher.
        var publisher = ""
        let strongPublisher = field(["发布机构", "发文机关", "发文单位", "发布单位", "成文机关"])
        let weakPublisher = field(["公开责任部门", "责任部门"])
        if let p = strongPublisher {
            publisher = p.value
        } else if let p = weakPublisher, !gazetteer.mentions(in: p.value).isEmpty {
            publisher = p.value
        } else if !signatureLines.isEmpty {
            publisher = signature
            if let p = weakPublisher {
                warn("publisher", "publisher: \(p.label) '\(p.value)' names no place; used the signature '\(signature)'")
            }
        } else if let issuer = Self.issuer(ofTitle: title), Self.isBody(issuer) {
            publisher = issuer
            // A fuller form in the footer or header (天津市 + 滨海新区人民政府).
            for v in footerValues + fields.map(\.value) {
                guard let r = v.range(of: issuer) else { continue }
                let prefix = String(v[..<r.lowerBound])
                let ms = gazetteer.mentions(in: prefix)
                if !prefix.isEmpty, let last = ms.last, last.end == prefix.count,
                   ms.map({ $0.end - $0.start }).reduce(0, +) == prefix.count {
                    publisher = prefix + issuer
                    break
                }
            }
        } else {
            warn("publisher", "publisher not found")
        }

        // 10. Locality.
        let firstBodyLine = (bodyStart..<lines.count).first { roles[$0] == .content && !Self.isHeadingMarker(lines[$0].text) }
        let opening = firstBodyLine.map { lines[$0].text } ?? ""
        let publisherTexts = [strongPublisher?.value, weakPublisher?.value, publisher].compactMap { $0 }.joined(separator: " ")
        let titleText = ([title] + titleValues).joined(separator: " ")
        let context = [titleText, publisherTexts, signature] + footerValues
        var resolution = gazetteer.resolve(
            sources: [("title", titleText, true), ("publisher", publisherTexts, false), ("signature", signature, false),
                      ("footer", footerValues.joined(separator: " "), false), ("opening", String(opening.prefix(120)), false)],
            context: context)
        let pathText = Self.pathHint(relativePath)
        if resolution == .notFound {
            resolution = gazetteer.resolve(sources: [("path", pathText, true)], context: context + [pathText])
        }
        var division: Division?
        switch resolution {
        case .resolved(let d, let via):
            division = d
            if via == "opening" {
                warn("locality", "locality \(d.name) was taken from the report's opening sentence: the title, publisher, signature and footer name no place")
            } else if via == "path" {
                warn("locality", "locality \(d.name) was taken from the file path '\(relativePath)': the text names no place")
            }
        case .ambiguous(let name, let cands):
            warn("locality", "locality: '\(name)' names several places (" + cands.map { "\(gazetteer.displayName($0)) \($0.adcode)" }.joined(separator: ", ")
                 + "); no parent prefecture or province named in the title, publisher, signature, footer or opening sentence singles one out, so it is left empty")
        case .notFound:
            warn("locality", "locality not found in the title, publisher, signature, footer or file path")
        }

        // 11. Year reported on: from the title, never from the publication date.
        var year = MetadataParser.year(inTitle: title)
        if year == nil { year = titleValues.lazy.compactMap { MetadataParser.year(inTitle: $0) }.first }
        if year == nil, let y = Self.pathYear(relativePath) {
            year = y
            warn("year", "year \(y) was taken from the file path '\(relativePath)': the title names no year")
        }
        if year == nil { warn("year", "year not found in the title") }
        if let y = year, let py = Int(published.prefix(4)), y > py {
            warn("year", "the year reported on (\(y)) is after the publication date (\(published))")
        }

        // 12. Kind: a department report is by a department (…司法局2024年…报告), judged from the title's issuer.
        var issuerText = Self.issuer(ofTitle: title) ?? ""
        if issuerText.isEmpty { issuerText = signatureLines.first ?? "" }
        let kind: ReportKind = isDepartment(issuerText) ? .department : .government

        // 13. Damaged text.
        for (k, l) in lines.enumerated() where roles[k] == .content {
            for glued in Self.gluedYears(l.text) {
                warn("", "text looks damaged: '\(glued)' runs a number into a year\(Self.at(l))")
            }
        }

        // 14. Outline.
        var extraction = Extraction()
        var bodyWarnings: [String] = []
        var body = ""
        if render {
            let bodyLines = lines.indices.filter { roles[$0] == .content }.map { lines[$0] }
            let outline = OutlineBuilder.build(bodyLines)
            for w in outline.warnings { warn("", w) }

            // 15. Facts.
            extraction = extractor.extract(outline.blocks)

            // 16. Markdown body.
            body = MarkdownBodyWriter.body(title: title, blocks: outline.blocks, anchors: extraction.sentenceAnchors, warnings: &bodyWarnings)
        }

        // 17. Front matter: detection, then a person's fields (.md input) win field by field.
        var fm = ReportFrontMatter()
        fm.title = title
        fm.year = year
        fm.published = published
        fm.publisher = publisher
        fm.indexNumber = field(["索引号", "信息索引号"]).map { String($0.value.split(separator: " ").first ?? "") } ?? ""
        let doc = field(["文号", "发文字号", "文件编号"])?.value ?? ""
        fm.docNumber = ["无", "-", "—", "/"].contains(doc) ? "" : doc
        fm.kind = kind
        if let d = division { fill(&fm, d) }
        if !person.adcode.isEmpty, let d = gazetteer.division(person.adcode) {
            fill(&fm, d)
        } else if person.adcode.isEmpty, !person.locality.isEmpty {
            let chain = person.province + person.prefecture + person.locality
            if case .resolved(let d, _) = gazetteer.resolve(sources: [("front matter", chain, true)], context: []) { fill(&fm, d) }
            else { fm.locality = ""; fm.prefecture = ""; fm.province = ""; fm.adcode = ""; fm.level = nil }
        }
        var personFields = Set<String>()
        func take(_ name: String, _ set: Bool, _ apply: () -> Void) { if set { apply(); personFields.insert(name) } }
        take("title", !person.title.isEmpty) { fm.title = person.title }
        take("year", person.year != nil) { fm.year = person.year }
        take("published", !person.published.isEmpty) { fm.published = person.published }
        take("publisher", !person.publisher.isEmpty) { fm.publisher = person.publisher }
        take("index_number", !person.indexNumber.isEmpty) { fm.indexNumber = person.indexNumber }
        take("doc_number", !person.docNumber.isEmpty) { fm.docNumber = person.docNumber }
        take("kind", person.kind != nil) { fm.kind = person.kind }
        take("locality", !person.locality.isEmpty || !person.adcode.isEmpty) { if !person.locality.isEmpty { fm.locality = person.locality } }
        take("prefecture", !person.prefecture.isEmpty) { fm.prefecture = person.prefecture }
        take("province", !person.province.isEmpty) { fm.province = person.province }
        take("adcode", !person.adcode.isEmpty) { fm.adcode = person.adcode }
        take("level", person.level != nil) { fm.level = person.level }
        if personFields.contains("adcode") || personFields.contains("locality") { personFields.insert("locality") }
        fm.source = source
        fm.sourceSHA256 = sha256
        fm.converter = Converter.version
        fm.locked = false
        fm.warnings = notes.filter { !personFields.contains($0.field) }.map(\.text) + bodyWarnings + extraction.warnings
        fm.sections = extraction.sections
        fm.facts = extraction.facts
        fm.indicators = extraction.indicators

        var fixedID: String?
        if !person.id.isEmpty {
            if Self.validID(person.id) { fixedID = person.id } else {
                fm.warnings.append("the id '\(person.id)' in the front matter is not lowercase ASCII letters, digits and '-'; a new one was assigned")
            }
        }
        let base: String
        if !fm.adcode.isEmpty, let y = fm.year {
            base = "\(fm.adcode)-\(y)"
        } else {
            base = "\(fm.adcode.isEmpty ? "unknown" : fm.adcode)-\(fm.year.map(String.init) ?? "unknown")-\(sha256.prefix(10))"
        }
        return AnalyzedReport(frontMatter: fm, body: body, idBase: base, department: fm.kind == .department, fixedID: fixedID)
    }

    func fill(_ fm: inout ReportFrontMatter, _ d: Division) {
        fm.locality = d.name
        fm.adcode = d.adcode
        fm.level = d.level
        fm.province = gazetteer.province(of: d)?.name ?? ""
        fm.prefecture = gazetteer.prefecture(of: d)?.name ?? ""
    }

    // MARK: helpers

    /// The longest text convert takes as one report, in Unicode scalars.
    static let maxCharacters = 400_000

    static func at(_ l: SourceLine) -> String { l.number > 0 ? " (line \(l.number))" : "" }

    static func validID(_ id: String) -> Bool {
        guard let f = id.utf8.first, (0x61...0x7A).contains(f) || (0x30...0x39).contains(f), id.utf8.count <= 64 else { return false }
        return id.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
    }

    static let pageDateLine = Pattern(#"^((?:发布|更新|发表)?(?:时间|日期)) ?[:：] ?(.*)$"#)
    static let footerLine = Pattern(#"^(主办单位|承办单位|协办单位|主管单位|版权所有|维护单位|主办|承办|主管) ?[:：] ?(\S+)"#)
    static let dateOnlyLine = Pattern(#"^[\d年月日\-./ ]{4,20}$"#)
    static let wellFormedDate = Pattern(#"^\d{4} ?(?:年 ?\d{1,2} ?月 ?\d{1,2} ?日|[-./]\d{1,2}[-./]\d{1,2})$"#)
    static let hanDateOnlyLine = Pattern(#"^[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日$"#)

    /// Numbers run into a year ("12024年"), as the texts found: `(?<![\d.])\d{1,4}(?:19|20)\d{2}年`.
    /// Such a match starts a run of digits (the look-behind rules out every other start), and the run must
    /// reach the 年: 5–8 digits whose last four start with 19 or 20.
    static func gluedYears(_ t: String) -> [String] {
        guard t.unicodeScalars.contains("年") else { return [] }
        let s = Array(t.unicodeScalars)[...]
        var found: [String] = []
        var i = s.startIndex
        while i < s.endIndex {
            guard Scan.isDigit(s[i]) else { i += 1; continue }
            let end = i + Scan.run(in: s, from: i, Scan.isDigit)
            let n = end - i
            if n >= 5, n <= 8, end < s.endIndex, s[end] == "年", i == s.startIndex || s[i - 1] != ".",
               (s[end - 4] == "1" && s[end - 3] == "9") || (s[end - 4] == "2" && s[end - 3] == "0") {
                found.append(String(String.UnicodeScalarView(s[i...end])))
            }
            i = end
        }
        return found
    }

    static let salutationStops = Scan.scalarSet(",，。；;")

    /// A salutation line ("省委依法治省办:"): `^[^,，。；;]{2,30}[:：]$`.
    static func isSalutation(_ s: Scalars) -> Bool {
        guard let last = s.last, Scan.colons.contains(last), s.count - 1 >= 2, s.count - 1 <= 30 else { return false }
        return !s.dropLast().contains { salutationStops.contains($0) }
    }

    /// A line opening with a level-two marker ("三、"): `^[一二三四五六七八九十]{1,3}[、.．]`.
    static func opensLevelTwo(_ s: Scalars) -> Bool {
        let n = OutlineBuilder.numeralCount(s, from: s.startIndex)
        return n > 0 && Scan.isOne(of: OutlineBuilder.listPunctuation, in: s, at: s.startIndex + n)
    }

    static func isHeadingMarker(_ t: String) -> Bool { OutlineBuilder.marker(t) != nil }

    /// The first line of report text: a top-level heading, a salutation, or a sentence-length line.
    static func isBodyLike(_ t: String) -> Bool {
        if MetadataLabels.starts(t) { return false }
        let s = Array(t.unicodeScalars)[...]
        if opensLevelTwo(s) { return true }
        if isTitleLike(t) || pageTitleBase(t).map(isTitleLike) == true { return false }
        if isSalutation(s) { return true }
        return t.count >= 40 && t.contains(where: { "。，,；;".contains($0) })
    }

    static func isTitleLike(_ t: String) -> Bool {
        // The words first, on bytes; the count of Characters (grapheme breaking) last, for the few lines left.
        guard !holds(t, "。"), !t.hasSuffix(":"), !t.hasSuffix("："), !holds(t, "|"), !holds(t, "｜") else { return false }
        guard holds(t, "报告") || holds(t, "总结") || holds(t, "情况") else { return false }
        guard holds(t, "法治") || holds(t, "法制") || holds(t, "依法") else { return false }
        let n = t.count
        return n >= 6 && n <= 120
    }

    /// Whether `t`'s UTF-8 holds `needle`'s: a search on bytes (`contains` resolved to Foundation's, which
    /// bridged every line to NSString; the needles here are ideographs and punctuation, which no other form of
    /// text equals).
    static func holds(_ t: String, _ needle: String) -> Bool {
        var t = t, needle = needle
        return t.withUTF8 { h in needle.withUTF8 { n in Occurrence.first(n, in: h, from: 0) != nil } }
    }

    /// "滨海新区人民政府2024年法治政府建设情况的报告 |" → the part before the separator.
    static func pageTitleBase(_ t: String) -> String? {
        // Without one of the separators' bytes (| _ and the EF BD 9C of ｜) there is no separator. (Only then are
        // Characters compared: 9C alone is in about one ideograph in thirty-two, so most lines had it.)
        var bytes = t
        let mayHold = bytes.withUTF8 { u -> Bool in
            var i = 0
            while i < u.count {
                let b = u[i]
                if b == 0x7C || b == 0x5F || (b == 0xEF && i + 2 < u.count && u[i + 1] == 0xBD && u[i + 2] == 0x9C) { return true }
                i += 1
            }
            return false
        }
        guard mayHold else { return nil }
        guard let r = t.firstIndex(where: { $0 == "|" || $0 == "｜" || $0 == "_" }) else { return nil }
        let base = t[..<r].trimmingCharacters(in: .whitespaces)
        return base.isEmpty ? nil : base
    }

    static func compact(_ s: String) -> String { s.filter { $0 != " " } }

    /// The issuing body named at the start of a title: before 关于, else before the year.
    static func issuer(ofTitle title: String) -> String? {
        if let r = title.range(of: "关于") { return String(title[..<r.lowerBound]).trimmingCharacters(in: .whitespaces) }
        if let m = MetadataParser.yearInTitle.allMatches(title).first {
            return String(title[..<m.range.lowerBound]).trimmingCharacters(in: .whitespaces)
        }
        if let m = MetadataParser.hanYearInTitle.allMatches(title).first {
            return String(title[..<m.range.lowerBound]).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    static let bodySuffixes = ["人民政府", "政府", "委员会", "办公室", "局", "厅", "委", "院", "中心", "办", "部", "处", "所", "队", "署", "公司", "会"]
    static func isBody(_ s: String) -> Bool { !s.isEmpty && bodySuffixes.contains { s.hasSuffix($0) } }

    static func isSignatureBody(_ t: String) -> Bool {
        guard t.count <= 60, !t.contains(where: { "。，,；;:：".contains($0) }) else { return false }
        let parts = t.split(separator: " ")
        return !parts.isEmpty && parts.allSatisfy { isBody(String($0)) }
    }

    static let governmentTokens = ["中国共产党", "中共", "全面依法治省委员会办公室", "全面依法治市委员会办公室", "全面依法治区委员会办公室",
                                   "全面依法治县委员会办公室", "全面依法治州委员会办公室", "全面依法治旗委员会办公室",
                                   "全面依法治省委员会", "全面依法治市委员会", "全面依法治区委员会", "全面依法治县委员会",
                                   "依法治省办公室", "依法治市办公室", "依法治区办公室", "依法治县办公室",
                                   "依法治省办", "依法治市办", "依法治区办", "依法治县办",
                                   "人民政府", "政府", "党委", "委", "和", "与", "及", "、", " "]
    static let departmentMarks = ["局", "厅", "委员会", "办公室", "法院", "检察院", "中心", "公司", "所", "部", "处", "队", "署", "院", "站", "办"]

    /// A title's issuer without place names is nothing, a government, or a party committee → government;
    /// anything else that ends like a body (局, 厅, 委员会…) → department.
    func isDepartment(_ issuer: String) -> Bool {
        guard !issuer.isEmpty else { return false }
        var chars = Array(issuer)
        for m in gazetteer.mentions(in: issuer).reversed() { chars.removeSubrange(m.start..<m.end) }
        var rest = Substring(String(chars))
        var progress = true
        while !rest.isEmpty && progress {
            progress = false
            for t in Self.governmentTokens where rest.hasPrefix(t) { rest = rest.dropFirst(t.count); progress = true; break }
        }
        if rest.isEmpty { return false }
        return Self.departmentMarks.contains { rest.contains($0) }
    }

    /// Path components as text, for the locality hint: "湖南省/武冈市/2024.txt" → "湖南省 武冈市 2024".
    static func pathHint(_ relativePath: String) -> String {
        let noExt = (relativePath as NSString).deletingPathExtension
        return noExt.split(separator: "/").joined(separator: " ")
    }

    static let pathYearPattern = Pattern(#"(?<!\d)((?:19|20)\d{2})(?!\d)"#)
    static func pathYear(_ relativePath: String) -> Int? {
        let noExt = (relativePath as NSString).deletingPathExtension
        return pathYearPattern.allMatches(noExt).last.flatMap { Int($0.groups[1] ?? "") }
    }

    /// Markdown input: heading markers, heading ids and backslash escapes go; the `# ` line is a title candidate.
    static let mdHeading = Pattern(#"^(#{1,6}) (.*?)(?: \{#[a-z][a-z0-9-]*\})?$"#)
    static let mdAnchor = Pattern(#"\{#[a-z][a-z0-9-]*\}"#)
    static func unMarkdown(_ line: String, title: inout String) -> String {
        var t = line
        if let g = mdHeading.firstMatch(t) {
            t = g[2] ?? ""
            if g[1] == "#", title.isEmpty { title = unescape(t); return "" }
        }
        t = mdAnchor.re.stringByReplacingMatches(in: t, range: NSRange(t.startIndex..., in: t), withTemplate: "")
        return unescape(t)
    }

    static func unescape(_ s: String) -> String {
        var out = ""
        var escaped = false
        for ch in s {
            if escaped {
                if !(ch.isASCII && ch.isPunctuation || ch.isASCII && ch.isSymbol) { out.append("\\") }
                out.append(ch); escaped = false; continue
            }
            if ch == "\\" { escaped = true; continue }
            out.append(ch)
        }
        if escaped { out.append("\\") }
        return out
    }
}
