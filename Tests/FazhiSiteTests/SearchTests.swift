import Foundation
import Testing
import FazhiCorpus
import FazhiModel
@testable import FazhiSite

/// The search index (Pagefind) and what report pages tell it.
@Suite(.serialized) struct SearchTests {
    /// Whether `python3 -m pagefind` runs here: the index tests need it, the rest do not.
    static let pagefindInstalled: Bool = {
        guard let r = SearchIndex.run("python3", ["-m", "pagefind", "--version"]) else { return false }
        return r.status == 0 && r.output.contains("pagefind")
    }()

    @Test func reportPagesCarryTheIndexAttributesAndFilters() throws {
        let site = try FixtureSite(); defer { site.remove() }
        try site.build()
        let page = site.read("reports/429006-2024.html")
        #expect(page.contains(#"<h1 data-pagefind-meta="title">天门市2024年法治政府建设情况报告</h1>"#))
        #expect(page.count(of: "data-pagefind-body") == 1)
        #expect(page.contains(#"<div class="body" data-pagefind-body>"#))
        #expect(page.contains(#"<span data-pagefind-filter="province">湖北省</span>"#))
        #expect(page.contains(#"<span data-pagefind-filter="locality">天门市</span>"#))
        #expect(page.contains(#"<span data-pagefind-filter="year">2024</span>"#))
        // Themes of the report's sections, by their catalog names, once each.
        #expect(page.contains(#"<span data-pagefind-filter="theme">深入学习贯彻习近平法治思想</span>"#))
        #expect(page.contains(#"<span data-pagefind-filter="theme">健全行政决策制度体系</span>"#))
        #expect(!page.contains(#"<span data-pagefind-filter="theme">study</span>"#))
        #expect(page.count(of: #"data-pagefind-filter="theme""#) == 4) // study, decisions, disputes, legal-services
        // Only report pages are marked for the index.
        for other in ["index.html", "localities/index.html", "themes/disputes/index.html", "years/2024/index.html"] {
            #expect(!site.read(other).contains("data-pagefind-body"), "\(other)")
        }
        // The search page and the header's search box.
        let search = site.read("search/index.html")
        #expect(search.contains(#"data-bundle="/pagefind/""#))
        #expect(search.contains("搜索需要 JavaScript"))
        #expect(search.contains(#"<script src="/assets/search.js" defer></script>"#))
        #expect(site.read("index.html").contains(#"<form class="site-search" role="search" action="/search/" method="get">"#))
        #expect(site.exists("assets/search.js"))
    }

    @Test func searchPageAndBoxFollowTheBaseURL() throws {
        let site = try FixtureSite(); defer { site.remove() }
        try site.build(baseURL: "/fazhi/")
        let search = site.read("search/index.html")
        #expect(search.contains(#"data-bundle="/fazhi/pagefind/" data-base="/fazhi/""#))
        #expect(search.contains(#"src="/fazhi/assets/search.js""#))
        #expect(site.read("reports/429006-2024.html").contains(#"action="/fazhi/search/""#))
    }

    @Test func noSearchWritesNoIndex() throws {
        let site = try FixtureSite(); defer { site.remove() }
        let summary = try site.build(search: SearchOptions(enabled: false))
        #expect(summary.search.state == .disabled)
        #expect(summary.search.line == "search is off (--no-search)")
        #expect(!site.exists("pagefind"))
        #expect(site.exists("search/index.html"))
    }

    @Test func missingPagefindTurnsSearchOffWithoutFailing() throws {
        let site = try FixtureSite(); defer { site.remove() }
        // No such program.
        var summary = try site.build(search: SearchOptions(python: site.root + "/no-such-python"))
        #expect(summary.search.state == .missing)
        #expect(summary.failed.isEmpty)
        #expect(summary.search.line == "search is off (pagefind not found: pip install 'pagefind[extended]==1.5.2')")
        // A Python without the module.
        let fake = site.root + "/python3"
        try "#!/bin/sh\necho '/usr/bin/python3: No module named pagefind' >&2\nexit 1\n".write(toFile: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake)
        summary = try site.build(search: SearchOptions(python: fake))
        #expect(summary.search.state == .missing)
        #expect(site.exists("reports/429006-2024.html"))
        #expect(!site.exists("pagefind"))
    }

    /// Runs blocking work (builds that wait for Pagefind) on its own thread, not on the test pool's few threads,
    /// so that tests of other suites waiting for async work (the preview server's) are not starved meanwhile.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { c in
            Thread { c.resume(with: Result { try body() }) }.start()
        }
    }

    @Test(.enabled(if: SearchTests.pagefindInstalled)) func indexIsBuiltBeforeTheSwapAndKeptWhenPagesDoNotChange() async throws {
        let site = try FixtureSite(); defer { site.remove() }
        let build = { @Sendable (on: Bool) throws -> BuildSummary in try site.build(search: SearchOptions(enabled: on)) }
        var summary = try await Self.offPool { try build(true) }
        #expect(summary.search.state == .indexed, "\(summary.search.detail)")
        #expect(summary.search.shardsIndexed == 3)
        #expect(summary.search.pages == 6)
        // One bundle per report year, newest first in the list the search page reads.
        #expect(site.read("pagefind/shards.json") == #"{"pagefind":"1.5.2","shards":["2024","2023","2022"]}"# + "\n")
        var pageCount = 0
        for year in ["2024", "2023", "2022"] {
            for f in ["pagefind-ui.js", "pagefind-ui.css", "pagefind-entry.json", "pagefind.js", SearchIndex.stamp] {
                #expect(site.exists("pagefind/\(year)/" + f), "\(year)/\(f)")
            }
            // One language (zh) per bundle.
            let entry = site.read("pagefind/\(year)/pagefind-entry.json")
            #expect(entry.contains(#""zh""#), "\(entry)")
            if let r = entry.range(of: #""page_count":"#) { pageCount += Int(entry[r.upperBound...].prefix { $0.isNumber }) ?? 0 }
        }
        #expect(pageCount == 6)
        #expect(!site.exists(".fragments") && !site.exists(".pagefind-pages"))
        #expect(!FileManager.default.fileExists(atPath: site.output + ".tmp-build"))

        // No page changed: the index is carried over, not rebuilt.
        let before = site.read("pagefind/2024/pagefind-entry.json")
        summary = try await Self.offPool { try build(true) }
        #expect(summary.search.state == .reused)
        #expect(site.read("pagefind/2024/pagefind-entry.json") == before)
        #expect(site.exists("pagefind/2024/pagefind-ui.js"))

        // A 2024 report changes: the 2024 bundle is made again, the others are the previous site's files.
        let kept = IncrementalBuildTests.inode(site.output + "/pagefind/2023/pagefind-entry.json")
        let md = site.markdown + "/429006-2024.md"
        var text = try String(contentsOfFile: md, encoding: .utf8)
        text = text.replacingOccurrences(of: "审结行政复议申请358件", with: "审结行政复议申请359件")
        try text.write(toFile: md, atomically: true, encoding: .utf8)
        summary = try await Self.offPool { try build(true) }
        #expect(summary.search.state == .indexed)
        #expect(summary.search.shardsIndexed == 1 && summary.search.shards == 3 && summary.search.pages == 6)
        #expect(summary.search.reindexed == 3) // 天门, 长治上党, 天津滨海 2024
        #expect(summary.search.line.hasPrefix("search: indexed 3 of 6 pages (1 of 3 year indexes; the others kept) in "))
        #expect(IncrementalBuildTests.inode(site.output + "/pagefind/2023/pagefind-entry.json") == kept)

        // A year none of whose pages the build writes keeps its bundle without its pages being read: a 2023 page
        // changed behind the build's back (which no build does; here in the site and in the spare tree the next
        // build starts from) is not noticed when a 2024 report of another locality is added, because only the
        // 2024 pages are fingerprinted again.
        let spare = CacheFolder.location(for: site.output) + ".spare"
        #expect(FileManager.default.fileExists(atPath: spare + "/reports/430581-2023.html"))
        for tree in [site.output, spare] {
            let tampered = tree + "/reports/430581-2023.html"
            let page = try String(contentsOfFile: tampered, encoding: .utf8)
            #expect(page.contains("法治"))
            try page.replacingOccurrences(of: "法治", with: "法制").write(toFile: tampered, atomically: true, encoding: .utf8)
        }
        let added = try String(contentsOfFile: site.markdown + "/120116-2024.md", encoding: .utf8)
        try added.replacingOccurrences(of: "120116", with: "120117").write(toFile: site.markdown + "/120117-2024.md", atomically: true, encoding: .utf8)
        summary = try await Self.offPool { try build(true) }
        #expect(summary.search.state == .indexed)
        #expect(IncrementalBuildTests.inode(site.output + "/pagefind/2023/pagefind-entry.json") == kept)
        #expect(site.read("reports/430581-2023.html").contains("法制")) // the page was not rendered again
        // The added page is indexed alone, in the year's additions bundle, listed after the year's own; the
        // year's bundle (3 pages) is kept.
        #expect(summary.search.shardsIndexed == 1 && summary.search.pages == 7 && summary.search.reindexed == 1, "\(summary.search.line)")
        #expect(summary.search.line.hasPrefix("search: indexed 1 of 7 pages (pages added to 1 of 3 years, beside their indexes; the others kept) in "))
        // That bundle was made by Pagefind's service, started when the build saw a changed report (PagefindService).
        #expect(summary.search.madeByService == 1)
        #expect(site.read("pagefind/shards.json") == #"{"pagefind":"1.5.2","shards":["2024","2024-added","2023","2022"]}"# + "\n")
        #expect(site.read("pagefind/2024-added/pagefind-entry.json").contains(#""page_count":1"#))
        #expect(site.read("pagefind/2024/pagefind-entry.json").contains(#""page_count":3"#))
        #expect(site.read("pagefind/2024-added/" + SearchIndex.pageList).contains("reports/120117-2024.html"))

        // What Pagefind reads of the pages is kept beside the build cache, a folder per bundle made, up to date:
        // the changed page's view has the new text, the added page has one, a removed page's goes.
        let views = CacheFolder.location(for: site.output) + ".search"
        let year2024 = ["reports/120116-2024.html", "reports/140404-2024.html", "reports/429006-2024.html"]
        #expect(OutputTree.files(under: views + "/2024") == year2024)
        #expect(OutputTree.files(under: views + "/2024-added") == ["reports/120117-2024.html"])
        let view = try String(contentsOfFile: views + "/2024/reports/429006-2024.html", encoding: .utf8)
        #expect(view.contains("359件") && !view.contains("358件") && !view.contains("<table"))
        // A page of the year's own bundle changes (and the added one goes): the year is indexed whole again, and
        // its additions bundle and views go.
        try FileManager.default.removeItem(atPath: site.markdown + "/120117-2024.md")
        try text.replacingOccurrences(of: "审结行政复议申请359件", with: "审结行政复议申请360件").write(toFile: md, atomically: true, encoding: .utf8)
        summary = try await Self.offPool { try build(true) }
        #expect(summary.search.shardsIndexed == 1 && summary.search.pages == 6 && summary.search.reindexed == 3, "\(summary.search.line)")
        #expect(site.read("pagefind/shards.json") == #"{"pagefind":"1.5.2","shards":["2024","2023","2022"]}"# + "\n")
        #expect(!site.exists("pagefind/2024-added") && !FileManager.default.fileExists(atPath: views + "/2024-added"))
        #expect(OutputTree.files(under: views + "/2024") == year2024)
        #expect((try? String(contentsOfFile: views + "/2024/reports/429006-2024.html", encoding: .utf8))?.contains("360件") == true)
        // Pagefind is started directly, at the path `python3 -m pagefind` would run, remembered there too.
        let memo = (try? String(contentsOfFile: views + ".pagefind", encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
        #expect(memo.count == 2 && FileManager.default.isExecutableFile(atPath: memo.last ?? ""))

        // --no-search afterwards: the new site has no index.
        summary = try await Self.offPool { try build(false) }
        #expect(summary.search.state == .disabled)
        #expect(!site.exists("pagefind"))
    }

    /// Pagefind's service is given the command's options (`SearchIndex.serviceConfig` mirrors `arguments`): from
    /// the same report pages' views, both make the same words and fragments (the file names are hashes of their
    /// contents; filter files may list values in another order, as the command itself may).
    @Test(.enabled(if: SearchTests.pagefindInstalled)) func theServiceIndexesAsTheCommandDoes() async throws {
        let site = try FixtureSite(); defer { site.remove() }
        _ = try site.build()
        let pages = ["reports/120116-2024.html", "reports/429006-2024.html"] // sorted, as a bundle's pages are
        let views = try pages.map { page -> (path: String, contents: [UInt8]) in
            let bytes = try #require(FileText.bytes(site.output + "/" + page))
            return (page, bytes.withUnsafeBytes { SearchIndex.indexView($0) } ?? bytes)
        }
        let src = site.root + "/views", viaCommand = site.root + "/by-command", viaService = site.root + "/by-service"
        for v in views {
            try FileManager.default.createDirectory(atPath: src + "/" + (v.path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            #expect(FileText.writeNew(src + "/" + v.path, v.contents) == 0)
        }
        let command = SearchIndex.pagefindCommand(python: "python3", memo: nil)
        let indexer = SearchIndex()
        let run = try #require(SearchIndex.run(command.program, command.arguments + indexer.arguments(site: src, output: viaCommand)))
        #expect(run.status == 0, "\(run.output)")
        let executable = try #require(SearchIndex.pagefindCommand(python: "python3", memo: site.root + "/memo").program as String?)
        let service = try #require(PagefindService(program: executable, config: SearchIndex.serviceConfig))
        #expect(service.warmUp())
        #expect(service.makeBundle(pages: views, folder: viaService))
        service.close()
        for part in ["fragment", "index"] {
            let a = OutputTree.files(under: viaCommand + "/" + part), b = OutputTree.files(under: viaService + "/" + part)
            #expect(!a.isEmpty && a == b, "\(part): \(a) against \(b)")
        }
        #expect(FileManager.default.fileExists(atPath: viaService + "/pagefind-ui.js"))
        #expect(FileText.read(viaService + "/pagefind-entry.json")?.contains(#""page_count":2"#) == true)
    }

    /// `fazhi build` starts Pagefind's service while convert runs, once convert sees a report that may have
    /// changed (`SiteBuilder.searchServiceStarter`). The build that indexes pages uses that service and closes
    /// it; a build with nothing to index closes it too: no Pagefind process outlives its build.
    @Test(.enabled(if: SearchTests.pagefindInstalled)) func aServiceStartedAheadIsUsedOrClosed() throws {
        let site = try FixtureSite(); defer { site.remove() }
        _ = try site.build(search: SearchOptions())
        func exits(_ service: PagefindService) -> Bool {
            for _ in 0..<200 where !service.hasExited { usleep(50_000) }
            return service.hasExited
        }
        var builder = SiteBuilder(layout: site.layout())
        builder.search = SearchOptions()
        let ahead = builder

        // Nothing changed: the service is closed after its warm-up, unused.
        ahead.searchServiceStarter()()
        let idle = try #require(ahead.earlyService.peek())
        let same = try ahead.build()
        #expect(same.search.state == .reused)
        #expect(ahead.earlyService.peek() == nil)
        let idleService = try #require(try idle.wait())
        #expect(exits(idleService))
        #expect(idleService.requestsSent == 3)

        // A report added: the build makes the year's additions bundle with the service started ahead.
        let added = try String(contentsOfFile: site.markdown + "/120116-2024.md", encoding: .utf8)
        try added.replacingOccurrences(of: "120116", with: "120117").write(toFile: site.markdown + "/120117-2024.md", atomically: true, encoding: .utf8)
        ahead.searchServiceStarter()()
        let used = try #require(ahead.earlyService.peek())
        let summary = try ahead.build()
        #expect(summary.search.madeByService == 1, "\(summary.search.line)")
        #expect(ahead.earlyService.peek() == nil)
        let usedService = try #require(try used.wait())
        #expect(exits(usedService))
        #expect(usedService.requestsSent > 3)
    }

    /// The same for a report that comes through convert, which hands it to the build (`ConvertedReports`): the
    /// build parses no file then, and still uses the service started ahead for the added report's page.
    @Test(.enabled(if: SearchTests.pagefindInstalled)) func aReportConvertHandsOverIsIndexedByTheServiceStartedAhead() throws {
        let root = NSTemporaryDirectory() + "fazhi-handoff-search-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let layout = ProjectLayout(content: root + "/content", templates: FixtureSite.templates, output: root + "/public")
        let fm = FileManager.default
        try fm.createDirectory(atPath: layout.reports, withIntermediateDirectories: true)
        for item in ["catalog.yaml", "config.yaml"] { try fm.copyItem(atPath: FixtureSite.repoRoot + "/content/" + item, toPath: layout.content + "/" + item) }
        let seeds = try fm.contentsOfDirectory(atPath: FixtureSite.repoRoot + "/content/reports").sorted()
        // The report added is of a year the site has (a new year is indexed whole, not as additions).
        let added = try #require(seeds.first { $0.contains("天门市-2024") })
        for name in seeds where name != added { try fm.copyItem(atPath: FixtureSite.repoRoot + "/content/reports/" + name, toPath: layout.reports + "/" + name) }
        func build(adding: Bool) throws -> BuildSummary {
            var builder = SiteBuilder(layout: layout)
            builder.search = SearchOptions()
            var converter = Converter(layout: layout)
            let handoff = ConvertedReports(layout: layout)
            converter.handoff = handoff
            builder.converted = handoff
            if adding { builder.searchServiceStarter()() }
            _ = try converter.run()
            return try builder.build()
        }
        _ = try build(adding: false)
        try fm.copyItem(atPath: FixtureSite.repoRoot + "/content/reports/" + added, toPath: layout.reports + "/" + added)
        let summary = try build(adding: true)
        #expect(summary.reports == seeds.count)
        #expect(summary.search.madeByService == 1, "\(summary.search.line)")
    }

    /// The index is made of the report pages alone, so it is started as soon as they are written, and Pagefind
    /// runs beside the rendering of the other pages.
    @Test(.enabled(if: SearchTests.pagefindInstalled)) func indexingStartsWhenTheReportPagesAreWritten() async throws {
        let site = try FixtureSite(); defer { site.remove() }
        let lines = LineBox()
        let summary = try await Self.offPool {
            var builder = SiteBuilder(layout: site.layout(), progress: { lines.append($0) })
            builder.search = SearchOptions(enabled: true)
            return try builder.build()
        }
        #expect(summary.search.state == .indexed && summary.search.pages == 6)
        let log = lines.all()
        let start = try #require(log.firstIndex(of: "[search] indexing"))
        let renders = log.enumerated().filter { $0.element.contains("] render ") }
        let reportPages = renders.filter { SearchIndex.isReportPage(String($0.element.split(separator: " ").last ?? "")) }
        #expect(reportPages.count == 6)
        #expect(reportPages.allSatisfy { $0.offset < start })
        #expect(renders.contains { $0.offset > start }, "no page was rendered after the indexing started")
    }

    @Test(.enabled(if: SearchTests.pagefindInstalled && CommandTests.binary != nil)) func buildSummaryPrintsTheIndexingTime() async throws {
        let site = try FixtureSite(); defer { site.remove() }
        let args = ["build", "--no-convert", "--content", site.content, "--templates", FixtureSite.templates, "--output", site.output]
        let r = try await Self.offPool { try CommandTests().run(args) }
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("search: indexed 6 pages in "), "\(r.out)")
        #expect(r.err.contains("[search] indexing"))
        #expect(site.exists("pagefind/2024/pagefind-ui.js") && site.exists("pagefind/shards.json"))
    }

    @Test func fingerprintFollowsPageBytes() throws {
        let dir = NSTemporaryDirectory() + "fazhi-search-fp-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/reports", withIntermediateDirectories: true)
        try "<p>甲</p>".write(toFile: dir + "/reports/a.html", atomically: true, encoding: .utf8)
        let pages = ["reports/a.html"]
        let one = SearchIndex.fingerprint(site: dir, pages: pages, arguments: ["x"])
        #expect(one == SearchIndex.fingerprint(site: dir, pages: pages, arguments: ["x"]))
        #expect(one != SearchIndex.fingerprint(site: dir, pages: pages, arguments: ["y"]))
        try "<p>乙</p>".write(toFile: dir + "/reports/a.html", atomically: true, encoding: .utf8)
        #expect(one != SearchIndex.fingerprint(site: dir, pages: pages, arguments: ["x"]))
    }

    /// How a year is served (`SearchIndex.plan`), from bundles whose stamps and page lists are written here by
    /// hand (no Pagefind): its own bundle when its pages are the year's, an additions bundle for a few pages
    /// added since, and the whole year indexed again when a page changed or went, or too many were added.
    @Test func aYearIsIndexedWholeOnlyWhenItsBundleNoLongerFits() throws {
        let dir = NSTemporaryDirectory() + "fazhi-search-plan-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let site = dir + "/site", root = site + "/" + SearchIndex.bundle
        func page(_ id: String, _ text: String = "正文") throws {
            try FileManager.default.createDirectory(atPath: site + "/reports", withIntermediateDirectories: true)
            try "<html><body><div data-pagefind-body><p>\(text) \(id)</p></div></body></html>".write(toFile: site + "/reports/\(id).html", atomically: true, encoding: .utf8)
        }
        func path(_ id: String) -> String { "reports/\(id).html" }
        let settings = "s"
        // The 2024 bundle as made from pages a, b, c.
        let made = ["a", "b", "c"]
        for id in made { try page(id) }
        let base = SearchIndex.wholeBundle(.init(name: "2024", pages: made.map(path)), site: site, settings: settings)
        try FileManager.default.createDirectory(atPath: root + "/2024", withIntermediateDirectories: true)
        try Data(SearchIndex.pageListText(base, settings: settings)).write(to: URL(fileURLWithPath: root + "/2024/" + SearchIndex.pageList))
        try (base.fingerprint + "\n").write(toFile: root + "/2024/" + SearchIndex.stamp, atomically: true, encoding: .utf8)
        func plan(_ ids: [String]) -> SearchIndex.ShardPlan {
            SearchIndex.plan(.init(name: "2024", pages: ids.map(path).sorted()), root: root, previousRoot: nil, site: site,
                             settings: settings, changed: [])
        }
        // The same pages: the bundle serves as it is.
        var p = plan(made)
        #expect(p.bundles == ["2024"] && p.make.isEmpty && p.carry.isEmpty)
        // One page added: indexed alone beside it.
        try page("d")
        p = plan(made + ["d"])
        #expect(p.bundles == ["2024", "2024-added"] && p.make.map(\.name) == ["2024-added"] && p.make.first?.pages == [path("d")])
        // More pages added than `additionsLimit` (10 here): the year again, whole.
        let many = (0..<11).map { "n\($0)" }
        for id in many { try page(id) }
        p = plan(made + many)
        #expect(p.bundles == ["2024"] && p.make.map(\.name) == ["2024"] && p.make.first?.pages.count == 14)
        // A page of the bundle changed, or gone: whole.
        try page("b", "改过的正文")
        p = plan(made + ["d"])
        #expect(p.bundles == ["2024"] && p.make.first?.pages.count == 4)
        try page("b")
        p = plan(["a", "c", "d"])
        #expect(p.bundles == ["2024"] && p.make.first?.pages.count == 3)
        // Other settings (Pagefind's version or arguments): whole.
        p = SearchIndex.plan(.init(name: "2024", pages: made.map(path)), root: root, previousRoot: nil, site: site, settings: "t", changed: [])
        #expect(p.make.map(\.name) == ["2024"])
    }

    /// A report page's fingerprint covers what Pagefind reads of it (the marked body, title and filters), not
    /// the rest: a new report of the same locality in another year changes the page's list of other reports,
    /// and that must not make this page's year index again.
    @Test func fingerprintCoversOnlyWhatTheIndexReads() throws {
        let dir = NSTemporaryDirectory() + "fazhi-search-parts-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/reports", withIntermediateDirectories: true)
        func page(others: String, body: String, filter: String) -> String {
            """
            <!DOCTYPE html><html lang="zh-CN"><head><title>T</title></head><body>
            <h1 data-pagefind-meta="title">天门市2024年报告</h1>
            <nav><a href="/x/">\(others)</a></nav>
            <div hidden><span data-pagefind-filter="year">\(filter)</span></div>
            <div class="body" data-pagefind-body><div><p>\(body)</p></div><p>尾</p></div>
            <ul class="reports"><li>\(others)</li></ul>
            </body></html>
            """
        }
        func fingerprint(_ html: String) throws -> String {
            try html.write(toFile: dir + "/reports/a.html", atomically: true, encoding: .utf8)
            return SearchIndex.fingerprint(site: dir, pages: ["reports/a.html"], arguments: ["x"])
        }
        let one = try fingerprint(page(others: "2023年", body: "审结358件", filter: "2024"))
        #expect(try fingerprint(page(others: "2023年、2025年", body: "审结358件", filter: "2024")) == one)
        #expect(try fingerprint(page(others: "2023年", body: "审结359件", filter: "2024")) != one)
        #expect(try fingerprint(page(others: "2023年", body: "审结358件", filter: "2025")) != one)
        // The body's end is its own closing tag, past the nested <div>: text after the nested one counts.
        let parts = Array(page(others: "", body: "甲", filter: "2024").utf8).withUnsafeBytes { SearchIndex.indexedParts($0) }
        let text = Array(page(others: "", body: "甲", filter: "2024").utf8)
        let covered = parts.map { String(decoding: text[$0], as: UTF8.self) }.joined()
        #expect(covered.contains("<p>尾</p></div>") && covered.contains("data-pagefind-filter") && !covered.contains("<nav>"))

        // What Pagefind is given: the head, then those parts in order; a page that marks nothing is given whole.
        let view = try #require(text.withUnsafeBytes { SearchIndex.indexView($0) })
        let shown = String(decoding: view, as: UTF8.self)
        #expect(shown.hasPrefix("<!DOCTYPE html><html lang=\"zh-CN\"><head><title>T</title></head><body>"))
        #expect(shown.hasSuffix("</body>\n</html>\n") && !shown.contains("<nav>") && !shown.contains("reports"))
        let order = ["data-pagefind-meta", "data-pagefind-filter", "data-pagefind-body", "<p>尾</p>"].map { shown.range(of: $0)?.lowerBound }
        #expect(order.allSatisfy { $0 != nil } && order.map { $0! } == order.map { $0! }.sorted())
        #expect(Array("<html><body><p>甲</p></body></html>".utf8).withUnsafeBytes { SearchIndex.indexView($0) } == nil)
    }
}

/// Progress lines, in the order they came.
final class LineBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
    func all() -> [String] { lock.lock(); defer { lock.unlock() }; return items }
}
