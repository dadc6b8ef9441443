import Foundation
import Testing
import FazhiModel
import FazhiCorpus
import FazhiSite

/// The real thing: the five bundled seed reports, converted and rendered, checked as a reader would.
@Suite(.serialized) struct BundledCorpusTests {
    @Test func reviewFiguresOnThemeAndIndicatorPagesLinkToTheirSentences() throws {
        let fm = FileManager.default
        let root = NSTemporaryDirectory() + "fazhi-bundled-" + UUID().uuidString
        defer { try? fm.removeItem(atPath: root) }
        try fm.createDirectory(atPath: root + "/content", withIntermediateDirectories: true)
        for item in ["reports", "catalog.yaml", "config.yaml"] {
            try fm.copyItem(atPath: FixtureSite.repoRoot + "/content/" + item, toPath: root + "/content/" + item)
        }
        let layout = ProjectLayout(content: root + "/content", templates: FixtureSite.templates, output: root + "/public")
        let converted = try Converter(layout: layout).run()
        #expect(converted.failed.isEmpty)
        #expect(converted.converted.count == 5)
        _ = try SiteBuilder(layout: layout).build()

        func page(_ rel: String) -> String { (try? String(contentsOfFile: root + "/public/" + rel, encoding: .utf8)) ?? "" }
        let overview = page("themes/disputes/index.html")
        // 行政复议 figures of four localities, as a careful reader finds them in the reports.
        let expected: [(report: String, figure: String)] = [
            ("429006-2024", "358件"),   // 天门市: 审结行政复议申请358件
            ("420302-2022", "34件"),    // 茅箭区: 办理行政复议案件34件
            ("140404-2024", "38件"),    // 上党区: 结案38件
            ("120116-2024", "1423件"),  // 滨海新区: 受理行政复议案件1423件
            ("120116-2024", "1006件"),  // 滨海新区: 办结1006件
        ]
        for (report, figure) in expected {
            // The theme's overview links the report's year; that year's page has…
            let year = String(report.suffix(4))
            try #require(overview.contains("href=\"/themes/disputes/\(year)/\""), "the disputes theme does not link \(year)")
            let theme = page("themes/disputes/\(year)/index.html")
            // …a table cell linking the figure to a sentence of that report…
            let pattern = "href=\"/reports/\(report).html#"
            let cells = theme.components(separatedBy: pattern).dropFirst().filter { $0.prefix(80).contains(">\(figure)<") }
            try #require(!cells.isEmpty, "\(figure) of \(report) is not linked on the disputes theme page of \(year)")
            let anchor = String(cells[0].prefix { $0 != "\"" })
            // …lands on a highlighted sentence of the report that says it.
            let reportPage = page("reports/\(report).html")
            let marker = "<span class=\"sentence\" id=\"\(anchor)\">"
            let start = try #require(reportPage.range(of: marker), "no sentence \(anchor) on \(report)'s page")
            let sentence = reportPage[start.upperBound...].prefix { $0 != "<" }
            #expect(sentence.contains(figure.dropLast()), "sentence \(anchor) does not say \(figure): \(sentence)")
        }
        // The indicator page shows 天门市's 358 with the locality named in its row.
        let indicator = page("indicators/admin-review-closed/index.html")
        #expect(indicator.contains("天门市"))
        #expect(indicator.contains(">358件<"))
        // 天门 2024's 400余次 is shown as a lower bound, never as an exact 400.
        let tianmen = page("reports/429006-2024.html")
        #expect(tianmen.contains("≥400次"))
    }
}
