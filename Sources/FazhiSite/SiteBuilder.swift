import FazhiModel
import Foundation
import Synchronization

/// What one build wrote.
public struct BuildSummary: Sendable {
    /// HTML pages written.
    public var pagesWritten: Int = 0
    /// All files written (pages, data, feeds, assets).
    public var filesWritten: Int = 0
    public var filesUnchanged: Int = 0
    /// Files of the previous site that this build no longer produces (gone now).
    public var filesRemoved: Int = 0
    /// Warnings in the reports' front matter plus problems the build found.
    public var warnings: Int = 0
    /// Reports rendered.
    public var reports: Int = 0
    /// Inputs skipped or pages not rendered, each with file and line: the site is built without them.
    public var failed: [Diagnostic] = []
    /// Problems that do not stop a page (unknown indicator ids, anchors missing from a body).
    public var problems: [Diagnostic] = []
    /// Wall time, for the closing summary only (never written into the site).
    public var seconds: Double = 0
    /// What the search index step did (see SearchIndex), with its time.
    public var search = SearchOutcome(state: .disabled)
    public init() {}
}

/// Renders `<content>/markdown/` with `<templates>/` into `<output>/`.
public struct SiteBuilder {
    public let layout: ProjectLayout
    public let baseURL: String?
    public let progress: (@Sendable (String) -> Void)?
    /// The Pagefind search index (on by default; off when Pagefind is not installed).
    public var search = SearchOptions()
    /// The build cache, being read ahead (see `prefetchCache`).
    var prefetched: CachePrefetch?
    /// When set, a build hands its model, pages and caches here instead of freeing them as it returns: a
    /// command that ends the process next (`fazhi build`) spares freeing them object by object (about 20 ms
    /// after adding one report to 5,000).
    public var leftovers: BuildLeftovers?
    /// The reports convert wrote just before this build, as it handed them over (`Converter.handoff`): their
    /// files are neither hashed nor parsed again.
    public var converted: ConvertedReports?

    public init(layout: ProjectLayout, baseURL: String? = nil, progress: (@Sendable (String) -> Void)? = nil) {
        self.layout = layout
        self.baseURL = baseURL
        self.progress = progress
    }

    /// Pagefind's service when started before `build` (`searchServiceStarter`), for the build to take.
    let earlyService = EarlySearchService()

    /// What starts Pagefind's service and its segmenter's warm-up, on another thread, for an incremental build
    /// with search that will index pages: `fazhi build` calls it when convert finds a report that may have
    /// changed, so that the warm-up (0.13 s of CPU) runs beside convert rather than beside the model and the
    /// pages. A build that needs no service closes it. Set `search` first.
    public func searchServiceStarter() -> @Sendable () -> Void {
        guard search.enabled else { return {} }
        let early = earlyService, make = searchService()
        return { early.start(make) }
    }

    /// What starts Pagefind's service for the additions bundles and warms it up (nil when it cannot be used).
    func searchService() -> @Sendable () -> PagefindService? {
        let memo = SearchIndex.pagefindMemo(views: search.views ?? keptViews), python = search.python
        return {
            let command = SearchIndex.pagefindCommand(python: python, memo: memo)
            guard command.arguments.isEmpty, let service = PagefindService(program: command.program, config: SearchIndex.serviceConfig) else { return nil }
            if service.warmUp() { return service }
            service.close()
            return nil
        }
    }

    /// Where the pages' index views are kept unless the caller says where: beside the build cache.
    var keptViews: String { CacheFolder.location(for: layout.output) + ".search" }

    /// Starts reading and decoding the build cache on another thread, so that work done before `build` (convert)
    /// hides it: a build after adding one report to 5,000 spent 0.08 s there. Nothing else writes the cache.
    /// The reports' entries in it are decoded only once `changesAhead`'s closure is called, or when `build` needs
    /// them.
    public mutating func prefetchCache() {
        prefetched = CachePrefetch(path: BuildCache.path(for: layout.output))
    }

    /// For convert to call when it sees an input whose size or time changed (`Converter.mayHaveChanged`): starts
    /// what a build with something to do needs, ahead of it: the build cache's entries (see `prefetchCache`) and
    /// Pagefind's service (`searchServiceStarter`).
    public func changesAhead() -> @Sendable () -> Void {
        let startSearch = searchServiceStarter(), cache = prefetched
        return { cache?.startEntries(); startSearch() }
    }

    /// Builds the site. Throws only when nothing sensible can be built (bad config, catalog or templates; an
    /// output folder that is not Fazhi's); a bad report is listed in `failed` and skipped.
    ///
    /// Incremental unless `clean` (see `BuildCache`): inputs are compared with the last build's by size and
    /// modification time, hashed only when those differ; with nothing changed the build stops there. Otherwise
    /// only changed Markdown files are parsed, only pages whose inputs changed are rendered, only files whose
    /// bytes changed are written (as new files) into `<output>.tmp-build`, which already holds the rest (the
    /// spare tree brought up to date, or hard links made now: see OutputTree), and the folder is swapped in
    /// whole. Without a usable previous site, or with `clean`, every file is written there. Either way the
    /// result is the same bytes, and a kill at any moment leaves one whole site.
    public func build(clean: Bool = false) throws -> BuildSummary {
        let start = DispatchTime.now().uptimeNanoseconds
        // Pagefind's service, if `searchServiceStarter`'s closure started it: used below when this build indexes pages,
        // else closed.
        let startedService = earlyService.take()
        var serviceTaken = false
        defer { if !serviceTaken { EarlySearchService.discard(startedService) } }
        let scannedAt = FileStamp.nowNanos()
        var summary = BuildSummary()
        var clock = PhaseClock()
        let out = OutputTree(layout.output)
        let cachePath = BuildCache.path(for: layout.output)
        // Turning search on or off is a change of settings: the next build is not a no-change build.
        let settings = Self.settings(layout: layout, baseURL: baseURL) + "\nsearch=\(search.enabled)"
        let previousSite = out.isSite
        var old: BuildCache? = nil
        // The cache's bytes, and the cache without its entries; both read ahead when `prefetchCache` was called.
        let ahead = prefetched?.path == cachePath ? prefetched : nil
        var cacheFile: BuildCache.Loaded? = nil
        var head: BuildCache? = nil
        if !clean && previousSite {
            if let ahead { (cacheFile, head) = ahead.withoutEntries() } else {
                cacheFile = BuildCache.Loaded(cachePath)
                head = cacheFile.flatMap { BuildCache.decode($0.bytes, withReads: false) }
            }
        }
        /// The cache with its entries.
        func withEntries() -> BuildCache? { ahead?.withEntries() ?? cacheFile.flatMap { BuildCache.decode($0.bytes, withReads: true) } }
        if let c = head, c.settings == settings, c.marker == Self.markerStamp(out) {
            old = c
        }
        let scan = scanInputs(old: old)
        clock.lap("scan")
        func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

        // Nothing changed: the site is what the last build made.
        if let old, scan.hashes == old.inputs.mapValues(\.hash) {
            out.abort() // the staging folder of a build killed while rendering, if any
            if scan.rehashed, var full = withEntries() {
                full.inputs = scan.stamps
                full.scannedAt = scannedAt
                full.write(to: cachePath)
            }
            summary.reports = old.reportsCount
            summary.warnings = old.warnings
            summary.failed = old.failed
            summary.problems = old.problems
            summary.filesUnchanged = old.outputs.count
            // Nothing changed, so the index the site has is the one for its pages.
            if !search.enabled {
                summary.search = SearchOutcome(state: .disabled)
            } else if FileManager.default.fileExists(atPath: layout.output + "/" + SearchIndex.bundle + "/" + SearchIndex.manifest) {
                summary.search = SearchOutcome(state: .reused, pages: old.reportsCount)
            } else {
                summary.search = SearchOutcome(state: .missing)
            }
            summary.seconds = seconds()
            progress?("[build] nothing changed")
            return summary
        }

        MarkdownRenderer.prepare()
        let templates = try SiteTemplates(directory: layout.templates)
        let loader = ContentLoader(layout: layout)
        let config = try loader.config()
        // (Convert's handoff parsed the catalog when it had reports to hand over: the same bytes are not parsed again.)
        let catalog = try converted?.catalog(hash: scan.hashes["catalog"]) ?? loader.catalog()
        var global = settings
        for (k, v) in scan.hashes.sorted(by: { $0.key < $1.key }) where !k.hasPrefix("m:") { global += "\n" + k + "=" + v }
        let globalKey = ContentHash.hex(Array(global.utf8))
        if old != nil {
            old = withEntries()
            if old?.settings != settings { old = nil }
        }
        let reuseReads = old != nil && old!.globalKey == globalKey
        clock.lap("cache read")
        // Incremental when there is a site to update; a whole new tree otherwise (first build, --clean).
        let incremental = previousSite && !clean
        // The staging folder starts as the spare (the site before the previous one) when the cache says which
        // files differ between the two; as an empty folder otherwise.
        let spareChanges = incremental ? old.flatMap { $0.spareMarker == Self.markerStamp(out.spare) ? $0.spareChanges : nil } : nil
        let fromSpare = try out.prepare(reuseSpare: spareChanges != nil)
        if fromSpare, let spareChanges {
            do {
                try out.bringUpToDate(changed: spareChanges)
            } catch {
                out.abort()
                throw error
            }
        }
        clock.lap("staging")
        let base = BaseURL(baseURL ?? config.baseURL)

        // The model: cached entries for unchanged files, entries convert handed over for the files it has just
        // written, parsed (with their page fragments) for the rest.
        let files = scan.markdown
        typealias Read = Result<(ReportEntry, [Diagnostic]), Diagnostic>
        var results: [Read?] = Array(repeating: nil, count: files.count)
        var toParse: [Int] = []
        var handedOver = 0
        var encodedReads: [String: ArraySlice<UInt8>] = [:]
        for (k, f) in files.enumerated() {
            let hash = scan.hashes["m:" + f]
            if reuseReads, let o = old, o.inputs["m:" + f]?.hash == hash, let cached = o.reads[f] {
                switch cached {
                case .entry(let e, let ds): results[k] = .success((e, ds))
                case .failure(let d): results[k] = .failure(d)
                }
            } else if let hash, let handed = converted?.read(f, hash: hash, catalogHash: scan.hashes["catalog"]) {
                results[k] = handed.read
                encodedReads[f] = handed.encoded
                handedOver += 1
            } else {
                toParse.append(k)
            }
        }
        // Reports changed in an incremental build with search: Pagefind's service, unless convert's run started it
        // already, is started now and loads its Chinese segmenter while the model and the pages are made, for the
        // additions bundles (PagefindService). The pages' index views are kept beside the build cache unless the
        // caller says where.
        let pagefindService: BackgroundWork<PagefindService?>?
        if search.enabled && incremental && (!toParse.isEmpty || handedOver > 0) {
            pagefindService = startedService ?? BackgroundWork(searchService())
            serviceTaken = true
        } else {
            pagefindService = nil
        }
        /// The started service, once it is ready (nil when none was started or it failed).
        @Sendable func readyService() -> PagefindService? { (try? pagefindService?.wait()) ?? nil }
        guard let fragments = ScratchFile(directory: out.staging) else {
            let why = String(cString: strerror(errno))
            out.abort()
            throw Diagnostic(file: out.staging, "cannot create a scratch file: \(why)")
        }
        // Files the spare has and the previous site had not (put there by hand): removed on another thread
        // while the model, the page list and the keys are made, which do not touch the staging folder. Started
        // after the scratch file was made (and unlinked), so the walk cannot meet it.
        // Only folders changed since the spare's marker was written (less a second, for the coarse clock of file
        // times) are looked into.
        // (A spare a clean build made was never the site: nothing can have been put into it.)
        let spareSince = old.flatMap { Self.markerTime($0.spareMarker) }.map { $0 - 1_000_000_000 }
        let strayRemoval = fromSpare && old!.spareWasSite ? BackgroundWork { [keep = Set(old!.outputs.keys)] in
            _ = try out.removeStrays(keeping: keep, changedSince: spareSince)
        } : nil
        // Without a usable spare (after a kill, or with the spare removed), the staging folder is made a copy of
        // the site out of hard links to the files the previous build made, on other threads while the model and
        // the keys are made; the build then goes on as from the spare. (Linking after the rendering, only what was
        // not rendered, left those threads nothing to overlap.)
        let siteCopy: BackgroundWork<Void>? = incremental && !fromSpare && old != nil ? BackgroundWork { [keep = Array(old!.outputs.keys)] in
            try out.linkUnchanged(keep, except: SearchIndex.bundle)
        } : nil
        /// Whether the staging folder holds the previous site's files (every one not written again stays).
        let stagingHoldsSite = fromSpare || siteCopy != nil
        let progress = self.progress
        let parseCount = toParse.count
        let readCount = ProgressCounter(total: parseCount)
        let parsed: [(read: Read, cached: ArraySlice<UInt8>)] = ParallelMap.map(toParse) { k in
            let file = files[k]
            let r = ContentLoader.read(file: file, catalog: catalog, fragment: { ReportFragment.store($0, in: fragments) })
            if let progress { readCount.finished { progress("[\($0)/\(parseCount)] read \(file)") } }
            return (r, BuildCache.encodedRead(file, .init(r)))
        }
        for (j, k) in toParse.enumerated() {
            results[k] = parsed[j].read
            encodedReads[files[k]] = parsed[j].cached
        }
        clock.lap("parse")
        let allResults = results.map { $0! }
        let loaded = ContentLoader.merge(files: files, results: allResults)
        // The new cache's entries are known now: its head is written on another thread while the model, page
        // list and keys are made (the rest and the rename come last). A file read now was encoded as it was
        // read; an entry taken from the cache is written back as the bytes it was read from.
        FileText.removeStaleTemporaryFiles(in: CacheFolder.directory(of: cachePath))
        let cacheWriter = BuildCache.Writer(path: cachePath, source: old == nil ? nil : cacheFile?.file) { [oldEntries = old?.encodedReads ?? [:], encodedReads] in
            zip(files, allResults).sorted { $0.0 < $1.0 }.map { f, r -> BuildCache.HeadRecord in
                if let e = encodedReads[f] { return .bytes(e) }
                if let e = oldEntries[f] { return .kept(e) }
                return .bytes(BuildCache.encodedRead(f, .init(r)))
            }
        }
        clock.lap("merge")
        let model = SiteModel(config: config, base: base, catalog: catalog, reports: loaded.entries, contentPath: layout.content)
        clock.lap("model")
        progress?("[model] \(model.reports.count) reports (\(parseCount) read), \(model.localities.count) localities, \(model.years.count) years")
        summary.failed = loaded.failed
        summary.problems = loaded.problems
        summary.reports = model.reports.count
        summary.warnings = model.reports.reduce(0) { $0 + $1.meta.warnings.count + $1.problems.count }

        let reportKeys = Self.reportDigests(model, hashes: scan.hashes)
        // The exports copy unchanged reports' rows from the site's files when the cache describes them and
        // nothing global changed (config, catalog, templates, settings).
        let exportMemory = ExportMemory(site: incremental && reuseReads ? out.output : nil, previous: old?.exportLayouts ?? [:])
        let pages = SitePages(model: model, templates: templates, reportKeys: reportKeys, exportMemory: exportMemory)
        let jobs = pages.jobs() + pages.searchJobs()
        clock.lap("jobs")
        let keys = Self.keys(jobs: jobs, model: model, global: globalKey, markdown: files, hashes: scan.hashes, reportKeys: reportKeys)
        clock.lap("keys")
        let assets = assetFiles()
        let staged = PathBox()
        let rendered = PathBox()
        let unchanged = Counter()
        var produced: [String: KeyText.Digest] = [:]
        var removedFiles: [String] = []
        // Pagefind, when it runs beside the rendering: waited for before the staging folder is given up.
        var searchWork: BackgroundWork<SearchOutcome>?
        // A clean build's spare for the next build (OutputTree.startSpare): its folders are made beside the staging
        // folder's, its files linked while the search index is made.
        var spareStart: BackgroundWork<Bool>?
        var spareFill: BackgroundWork<Bool>?
        do {
            // Which files to make: all of them, or those whose inputs changed.
            var todo: [Int] = []
            for (i, job) in jobs.enumerated() {
                if incremental, let o = old, o.outputs[job.path] == keys[i] { _ = unchanged.next() } else { todo.append(i) }
            }
            if incremental {
                // Largest first (by the size the file has in the site now): the corpus-wide exports take a third
                // of an add-one build's rendering, and started last they would run alone on one core.
                let sizes = todo.map { FileStamp.look(out.output + "/" + jobs[$0].path)?.size ?? 0 }
                todo = zip(todo, sizes).sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.map(\.0)
            }
            try strayRemoval?.wait()
            try siteCopy?.wait()
            let folders = todo.map { jobs[$0].path } + assets.map { "assets/" + $0 }
            if !incremental { spareStart = BackgroundWork { out.startSpare(folders: folders) } }
            try out.makeDirectories(for: folders)
            // Writes `bytes` unless the site already has exactly them.
            let output = out.output
            @Sendable func put(_ path: String, _ bytes: [UInt8]) throws {
                // (The old file is read only when it has the new size: a grown export is not read to be compared.)
                if incremental, FileText.holds(output + "/" + path, bytes) {
                    _ = unchanged.next()
                    return
                }
                try out.write(path, bytes, replacing: stagingHoldsSite)
                staged.append(path)
            }
            for a in assets {
                let path = "assets/" + a
                var assetKey = KeyText()
                assetKey.text("asset"); assetKey.text(scan.hashes["t:assets/" + a] ?? "")
                let key = assetKey.digest
                produced[path] = key
                if incremental, let o = old, o.outputs[path] == key { _ = unchanged.next(); continue }
                let data = FileManager.default.contents(atPath: assetsDir + "/" + a) ?? Data()
                try put(path, [UInt8](data))
            }
            let renderCount = ProgressCounter(total: todo.count)
            let errors = DiagnosticBox()
            let writeErrors = DiagnosticBox()
            let jobTimes = JobTimes(enabled: clock.enabled)
            /// Renders and writes the jobs `list` (indexes into `jobs`), in parallel.
            func render(_ list: [Int]) {
                let total = todo.count
                DispatchQueue.concurrentPerform(iterations: list.count) { t in
                    let job = jobs[list[t]]
                    let jobStart = DispatchTime.now().uptimeNanoseconds
                    defer { jobTimes.add(job.path, since: jobStart) }
                    do {
                        let write: () throws -> Void
                        switch job.body {
                        case .bytes(let render):
                            let bytes = try render()
                            write = { try put(job.path, bytes) }
                        case .stream(let make):
                            // Written as it is made (it cannot fail as a page can; only its writing can).
                            write = {
                                if try out.writeStream(job.path, unlessSiteHolds: incremental, make) { staged.append(job.path) } else { _ = unchanged.next() }
                            }
                        }
                        // A file that cannot be written (full disk) is not a bad input: the whole build fails.
                        do {
                            try write()
                            rendered.append(job.path)
                        } catch let d as Diagnostic { writeErrors.append(d) }
                    } catch let d as Diagnostic {
                        errors.append(d)
                    } catch {
                        errors.append(Diagnostic(file: job.path, "cannot render: \(error)"))
                    }
                    if let progress { renderCount.finished { progress("[\($0)/\(total)] render \(job.path)") } }
                }
            }
            let todoSet = Set(todo)
            let previousOutputs: [String] = incremental
                ? old.map { Array($0.outputs.keys) } ?? OutputTree.files(under: out.output).filter { $0 != OutputTree.marker && $0 != ".gitkeep" }
                : []
            // The kept index views (a clean build starts them again).
            var searchOptions = search
            if searchOptions.views == nil {
                if clean { try? FileManager.default.removeItem(atPath: keptViews) }
                if CacheFolder.make(for: keptViews) { searchOptions.views = keptViews }
            }
            /// Indexes the staged report pages (see SearchIndex): one index per report year, of the report pages
            /// this site has. `changed`: what this build wrote or removed, in an incremental build.
            let indexer = SearchIndex(options: searchOptions)
            @Sendable func indexSearch(done: Set<String>, changed: Set<String>?) -> SearchOutcome {
                let reportPages = model.reports.compactMap { r -> (path: String, year: Int?)? in
                    let path = SearchIndex.reportPage(r.id)
                    return done.contains(path) ? (path, r.year) : nil
                }
                return indexer.update(site: out.staging, previous: out.output, shards: SearchIndex.shards(reportPages), changed: changed,
                                      service: readyService)
            }
            // The report pages first: the search index is made only of them, so Pagefind can run beside the
            // rendering of the other pages (it mostly uses one core), when the staging folder already holds the
            // site's unchanged report pages (a clean build has none; the spare and the site's copy have them all).
            // Otherwise the index is made after the unchanged pages are linked in.
            let reportJobs = Set(model.reports.map { SearchIndex.reportPage($0.id) })
            let todoPaths = Set(todo.map { jobs[$0].path })
            render(todo.filter { reportJobs.contains(jobs[$0].path) })
            if !incremental || stagingHoldsSite {
                let written = Set(rendered.sorted())
                let reportsDone = reportJobs.filter { written.contains($0) || !todoPaths.contains($0) }
                let changed = incremental
                    ? Set(staged.sorted().filter(SearchIndex.isReportPage) + previousOutputs.filter { SearchIndex.isReportPage($0) && !reportsDone.contains($0) })
                    : nil
                progress?("[search] indexing")
                searchWork = BackgroundWork { indexSearch(done: reportsDone, changed: changed) }
            }
            var rest = todo.filter { !reportJobs.contains(jobs[$0].path) }
            if !incremental {
                // The corpus-wide exports first (an incremental build puts the largest files first by their size
                // in the site, above): each is one job of a third of a second at 20,000 reports, and started
                // last they ran alone on one core.
                let exports = Set(DataExports.copyablePaths)
                rest = rest.filter { exports.contains(jobs[$0].path) } + rest.filter { !exports.contains(jobs[$0].path) }
            }
            render(rest)
            clock.lap("render")
            jobTimes.printSlowest(ProcessInfo.processInfo.environment["FAZHI_TIMINGS_ALL"] == nil ? 8 : 100_000)
            if let w = writeErrors.sorted().first { throw w }
            summary.failed += errors.sorted()
            // What the site has now: pages not rendered (unchanged) and pages rendered without error.
            let done = Set(rendered.sorted())
            for (i, job) in jobs.enumerated() where !todoSet.contains(i) || done.contains(job.path) { produced[job.path] = keys[i] }
            if let spareStart {
                spareFill = BackgroundWork { [files = Array(produced.keys)] in try spareStart.wait() && out.fillSpare(files) }
            }
            if incremental {
                removedFiles = previousOutputs.filter { produced[$0] == nil && !$0.hasPrefix(SearchIndex.bundle + "/") }.sorted()
                // The staging folder becomes the whole new site: the changed files are there; the rest is there
                // already (the spare brought up to date, or the site's copy) or is linked now (a site without a
                // usable cache).
                if stagingHoldsSite {
                    try out.remove(removedFiles)
                } else {
                    try out.linkUnchanged(previousOutputs.filter { produced[$0] != nil }.sorted(), except: SearchIndex.bundle)
                }
                summary.filesRemoved = removedFiles.count
            }
            clock.lap("removals")
            // The index is made before the swap, so the published site carries its own pages' index (the
            // previous index is carried over when the report pages are the same).
            if let searchWork {
                summary.search = try searchWork.wait()
            } else {
                progress?("[search] indexing")
                summary.search = indexSearch(done: Set(produced.keys), changed: Set(staged.sorted() + removedFiles))
            }
            readyService()?.close(waiting: false)
            clock.lap("search")
            // The spare a clean build makes gets the index too.
            if let spareFill, try spareFill.wait() {
                _ = out.fillSpare(OutputTree.files(under: out.staging + "/" + SearchIndex.bundle).map { SearchIndex.bundle + "/" + $0 })
            }
            clock.lap("spare")
            // The replaced site is kept as the next build's spare after an incremental build (a clean build
            // replaces everything, so the next one would gain nothing from it: it made its own above).
            summary.filesRemoved = try out.commit(removed: incremental ? summary.filesRemoved : nil, keepPrevious: incremental)
            clock.lap("commit")
        } catch {
            _ = try? strayRemoval?.wait()
            _ = try? siteCopy?.wait()
            _ = try? searchWork?.wait()
            _ = try? spareStart?.wait()
            _ = try? spareFill?.wait()
            if spareStart != nil { out.dropSpare() }
            readyService()?.close()
            cacheWriter.cancel()
            out.abort()
            throw error
        }
        let written = incremental ? staged.sorted() : Array(produced.keys)
        summary.filesWritten = written.count + 1 // and the marker
        summary.pagesWritten = written.filter { $0.hasSuffix(".html") }.count
        summary.filesUnchanged = incremental ? unchanged.value : 0

        // The cache, last: a build killed before this line leaves a cache that no longer matches the marker.
        var cache = BuildCache()
        cache.settings = settings
        cache.marker = Self.markerStamp(out)
        cache.scannedAt = scannedAt
        cache.globalKey = globalKey
        cache.inputs = scan.stamps
        cache.outputs = produced
        cache.reportsCount = summary.reports
        cache.pagesCount = produced.keys.filter { $0.hasSuffix(".html") }.count
        cache.warnings = summary.warnings
        cache.failed = summary.failed
        cache.problems = summary.problems
        // The exports' layouts, with the stamps their files have in the site now: made by this build, or kept
        // with a file that was not made again.
        for path in DataExports.copyablePaths {
            if let made = exportMemory.layout(path) {
                cache.exportLayouts[path] = made.stamped(out.output + "/" + path)
            } else if produced[path] != nil, produced[path] == old?.outputs[path] {
                cache.exportLayouts[path] = old?.exportLayouts[path]
            }
        }
        cache.spareMarker = Self.markerStamp(out.spare)
        if cache.spareMarker != "none", incremental { cache.spareChanges = staged.sorted() + removedFiles }
        cache.spareWasSite = incremental
        let tail = cache.tail()
        clock.lap("cache tail")
        cacheWriter.finish(tail: tail)
        clock.lap("cache write")
        leftovers?.keep([model, pages, jobs, keys, produced, old as Any, allResults, loaded.entries, cache])
        summary.seconds = seconds()
        return summary
    }

    // MARK: - Incremental: inputs and keys

    /// What makes every page different: the cache format, this executable, the base URL, the paths as given.
    static func settings(layout: ProjectLayout, baseURL: String?) -> String {
        #if os(Linux)
        let exe = "/proc/self/exe"
        #else
        let exe = CommandLine.arguments.first ?? ""
        #endif
        let e = FileStamp.look(exe).map { "\($0.size):\($0.mtime):\($0.inode)" } ?? "?"
        return "v\(BuildCache.version)|exe=\(e)|base=\(baseURL ?? "(config)")|content=\(layout.content)|templates=\(layout.templates)|output=\(layout.output)"
    }

    static func markerStamp(_ out: OutputTree) -> String { markerStamp(out.output) }

    /// The stamp of a site folder's `.fazhi-site` marker (a new inode on every build), or "none".
    static func markerStamp(_ folder: String) -> String {
        FileStamp.look(folder + "/" + OutputTree.marker).map { "\($0.inode):\($0.mtime):\($0.size)" } ?? "none"
    }

    /// The modification time (ns) in a marker stamp.
    static func markerTime(_ stamp: String) -> Int64? {
        let parts = stamp.split(separator: ":")
        return parts.count == 3 ? Int64(parts[1]) : nil
    }

    struct InputScan {
        /// `config`, `catalog`, `t:<file under templates>`, `m:<Markdown path>` → stamp.
        var stamps: [String: FileStamp] = [:]
        var hashes: [String: String] = [:]
        /// Markdown files, sorted (as `ContentLoader.markdownFiles`).
        var markdown: [String] = []
        /// Whether any file had to be hashed.
        var rehashed = false
    }

    /// Looks at every input; hashes only files whose size or time differ from the cache's (or are too new
    /// for their time to prove anything).
    func scanInputs(old: BuildCache?) -> InputScan {
        var scan = InputScan()
        scan.markdown = ContentLoader(layout: layout).markdownFiles()
        var named: [(String, String)] = [("config", layout.config), ("catalog", layout.catalog)]
        let tdir = layout.templates.hasSuffix("/") ? layout.templates : layout.templates + "/"
        for rel in OutputTree.files(under: tdir) { named.append(("t:" + rel, tdir + rel)) }
        for f in scan.markdown { named.append(("m:" + f, f)) }
        let trustedBefore = (old?.scannedAt ?? 0) - 1_000_000_000
        let converted = self.converted
        let stamps: [FileStamp] = ParallelMap.map(named) { item in
            let (key, path) = item
            guard let st = FileStamp.look(path) else { return FileStamp(size: -1, mtime: 0, hash: "missing") }
            if let o = old?.inputs[key], o.size == st.size, o.mtime == st.mtime, st.mtime < trustedBefore {
                return o
            }
            if let hash = converted?.stamp(path, size: st.size, mtime: st.mtime) {
                return FileStamp(size: st.size, mtime: st.mtime, hash: hash)
            }
            let data = FileManager.default.contents(atPath: path) ?? Data()
            return FileStamp(size: st.size, mtime: st.mtime, hash: data.withUnsafeBytes { ContentHash.digest($0).hex })
        }
        for ((key, _), st) in zip(named, stamps) {
            scan.stamps[key] = st
            scan.hashes[key] = st.hash
            if old?.inputs[key] != st { scan.rehashed = true }
        }
        return scan
    }

    /// The key of each job: a hash of exactly what its page is made from (see the rules inline). Equal keys
    /// mean equal bytes; a page whose key is unchanged is not rendered. Keys are hashed from texts and 128-bit
    /// digests in binary (`KeyText`): a national corpus makes thousands of keys from thousands of reports each.
    static func keys(jobs: [PageJob], model m: SiteModel, global: String, markdown: [String], hashes: [String: String],
                     reportKeys fp: [KeyText.Digest]) -> [KeyText.Digest] {
        var corpus = KeyText()
        for f in markdown { corpus.text(f); corpus.text(hashes["m:" + f] ?? "") }
        let corpusKey = corpus.digest
        // Each locality's reports, once, as one digest (report pages, localities, years and indicators use it).
        let localityDigests: [KeyText.Digest] = ParallelMap.map(Array(m.localities.indices)) { li in
            var k = KeyText(); k.text(m.localities[li].adcode)
            for i in m.localities[li].reports { k.digest(fp[i]) }
            return k.digest
        }
        // What a page that only names a locality shows of it (name, chain, level: from its newest report).
        let localityIdentity: [KeyText.Digest] = m.localities.map { l in
            var k = KeyText()
            for t in [l.adcode, l.name, l.prefecture, l.province, l.level?.rawValue ?? ""] { k.text(t) }
            return k.digest
        }
        let localityOf = m.localityOfReport
        let years = m.years.map(String.init).joined(separator: ",")
        let withData = m.indicatorsWithData.joined(separator: ",")
        /// A set of reports and how their localities are named (a locality's name comes from its newest report,
        /// whatever its year), as one digest. Year, theme and indicator pages show no more of a locality than its
        /// name: a report added to a locality for another year does not change them unless it renames it.
        /// (A locality's identity follows the first of each run of its reports: reports are listed in id order,
        /// which keeps a locality's together. Marking the localities seen took an array of them per key, and the
        /// province pages have thousands of keys.)
        @Sendable func reportsKey(_ reports: [Int]) -> KeyText.Digest {
            var k = KeyText()
            var last = -1
            for i in reports {
                k.tag(1); k.digest(fp[i])
                if let li = localityOf[i], li != last { last = li; k.tag(2); k.digest(localityIdentity[li]) }
            }
            return k.digest
        }
        let yearDigests = ParallelMap.map(m.years) { reportsKey(m.reportsByYear[$0] ?? []) }
        var byYear: [Int: KeyText.Digest] = [:]
        for (y, d) in zip(m.years, yearDigests) { byYear[y] = d }
        let yearKeys = byYear
        // Each theme's page years (for the prev/next links of its year pages), from the page list itself.
        var yearsOfTheme: [String: [String]] = [:]
        for job in jobs where job.path.hasPrefix("themes/") {
            let parts = job.path.split(separator: "/")
            if parts.count == 4, parts[0] == "themes", parts[3] == "index.html" { yearsOfTheme[String(parts[1]), default: []].append(String(parts[2])) }
        }
        let themeYears = yearsOfTheme
        // The reports with a value of each catalog indicator (by its first position in the catalog), and by
        // province (an indicator's province page).
        var position: [String: Int] = [:]
        for (k, d) in m.catalog.indicators.enumerated() where position[d.id] == nil { position[d.id] = k }
        var withValues = [[Int]](repeating: [], count: m.catalog.indicators.count)
        var withValuesIn = [[String: [Int]]](repeating: [:], count: m.catalog.indicators.count)
        for i in m.reports.indices {
            let province = SiteModel.provinceCode(of: m.reports[i].adcode)
            for v in m.reports[i].meta.indicators {
                guard let p = position[v.indicator] else { continue }
                withValues[p].append(i)
                withValuesIn[p][province, default: []].append(i)
            }
        }
        let reportsWithIn = withValuesIn, positions = position
        let indicatorDigests = ParallelMap.map(withValues) { reportsKey($0) }
        var byIndicator: [String: KeyText.Digest] = [:]
        for (id, p) in position where !withValues[p].isEmpty { byIndicator[id] = indicatorDigests[p] }
        let indicatorKeys = byIndicator
        return ParallelMap.map(jobs.map(\.path)) { path -> KeyText.Digest in
            let parts = path.utf8.split(separator: UInt8(ascii: "/")).map { String(decoding: $0, as: UTF8.self) } // bytes: no grapheme breaking
            var key = KeyText()
            key.text(global); key.text(path)
            func corpusWide() -> KeyText.Digest { key.text("corpus"); key.digest(corpusKey); return key.digest }
            if let id = SearchIndex.reportID(ofPage: path), let i = m.byID[String(id)] {
                // A report page: the report, and the other reports of its locality (names, links, prev/next).
                key.text("report"); key.digest(fp[i])
                if let li = localityOf[i] { key.text("locality"); key.digest(localityDigests[li]) }
            } else if (parts.count == 3 && parts[0] == "localities" && parts[2] == "index.html")
                        || (parts.count == 3 && parts[0] == "data" && parts[1] == "localities") {
                // A locality: its reports, which indicators have data; its page also lists its neighbours in the
                // same prefecture by name (their reports are not shown: a report added to a neighbour leaves it).
                // Its CSV is its own table alone.
                let isPage = parts[0] == "localities"
                let code = isPage ? parts[1] : String(parts[2].dropLast(4))
                guard let li = m.localityIndex[code] else { return corpusWide() }
                key.text(isPage ? "locality" : "locality table"); key.digest(localityDigests[li]); key.text(withData)
                let l = m.localities[li]
                if isPage, !l.prefecture.isEmpty {
                    for n in m.localitiesByPrefecture[l.province + "/" + l.prefecture] ?? [] where n != li {
                        key.digest(localityIdentity[n])
                    }
                }
            } else if (parts.count == 3 && parts[0] == "years" && parts[2] == "index.html")
                        || (parts.count == 3 && parts[0] == "data" && parts[1] == "years") {
                // A year: its reports and their localities (names come from a locality's newest report), the year list.
                let ys = parts[0] == "data" ? String(parts[2].dropLast(4)) : parts[1]
                guard let y = Int(ys) else { return corpusWide() }
                key.text("years"); key.text(years)
                if let d = yearKeys[y] { key.digest(d) }
            } else if (parts.count == 4 && parts[0] == "themes" && parts[3] == "index.html")
                        || (parts.count == 4 && parts[0] == "data" && parts[1] == "themes") {
                // A theme's year (page or CSV): that year's reports, the theme's other years (prev/next).
                let ys = parts[0] == "data" ? String(parts[3].dropLast(4)) : parts[2]
                let theme = parts[0] == "data" ? parts[2] : parts[1]
                guard let y = Int(ys) else { return corpusWide() }
                key.text("theme years"); key.text((themeYears[theme] ?? []).joined(separator: ","))
                if let d = yearKeys[y] { key.digest(d) }
            } else if (parts.count == 3 && parts[0] == "indicators" && parts[2] == "index.html")
                        || (parts.count == 3 && parts[0] == "data" && parts[1] == "indicators" && parts[2] != "index.html") {
                // An indicator (page or CSV): the reports with a value of it, and their localities.
                let id = parts[0] == "data" ? String(parts[2].dropLast(4)) : parts[1]
                key.text("indicator")
                if let d = indicatorKeys[id] { key.digest(d) }
            } else if parts.count == 3 && parts[0] == "review" && parts[2] == "index.html", let y = Int(parts[1]) {
                // A year's review list: that year's reports (their problems come from their Markdown and the catalog)
                // and how their localities are named.
                key.text("review year")
                if let d = yearKeys[y] { key.digest(d) }
            } else if parts.count == 4 && parts[0] == "indicators" && parts[3] == "index.html" {
                key.text("indicator in province"); key.digest(reportsKey(positions[parts[1]].flatMap { reportsWithIn[$0][parts[2]] } ?? []))
            } else {
                // Everything else (home, indexes, theme overviews, feeds, sitemap, data files) reads the whole corpus;
                // these pages are small or cheap to make.
                return corpusWide()
            }
            return key.digest
        }
    }

    /// Each report (by model index) as one digest of its Markdown file's path and bytes: what page keys and the
    /// exports' layouts (`ExportLayout`) know a report by.
    static func reportDigests(_ m: SiteModel, hashes: [String: String]) -> [KeyText.Digest] {
        ParallelMap.map(m.reports.map(\.file)) { f in
            var k = KeyText(); k.text(f); k.text(hashes["m:" + f] ?? ""); return k.digest
        }
    }

    var assetsDir: String { (layout.templates.hasSuffix("/") ? layout.templates : layout.templates + "/") + "assets" }

    /// Files under `<templates>/assets`, relative, sorted.
    func assetFiles() -> [String] {
        OutputTree.files(under: assetsDir).filter { !$0.split(separator: "/").contains { $0.hasPrefix(".") } }
    }
}

final class Counter: Sendable {
    private let n = Atomic<Int>(0)
    func next() -> Int { n.add(1, ordering: .relaxed).newValue }
    var value: Int { n.load(ordering: .relaxed) }
}

final class PathBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ p: String) { lock.lock(); items.append(p); lock.unlock() }
    func sorted() -> [String] { lock.lock(); defer { lock.unlock() }; return items.sorted() }
}

final class DiagnosticBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Diagnostic] = []
    func append(_ d: Diagnostic) { lock.lock(); items.append(d); lock.unlock() }
    func sorted() -> [Diagnostic] {
        lock.lock(); defer { lock.unlock() }
        return items.sorted { $0.file != $1.file ? $0.file < $1.file : ($0.line ?? 0) < ($1.line ?? 0) }
    }
}

/// What a build leaves unfreed for a caller that ends the process next (`SiteBuilder.leftovers`).
public final class BuildLeftovers: @unchecked Sendable {
    private var kept: [Any] = []
    public init() {}
    func keep(_ items: [Any]) { kept.append(contentsOf: items) }
}

/// Work started on a thread of its own (the dispatch queue's threads may all be busy with convert's or the
/// render's concurrentPerform, and the work would wait for them); `wait` returns its result when it is done, or
/// rethrows its error.
final class BackgroundWork<Result>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result?
    private var failure: Error?

    init(_ work: @escaping @Sendable () throws -> Result) {
        Thread {
            do { self.result = try work() } catch { self.failure = error }
            self.done.signal()
        }.start()
    }

    @discardableResult
    func wait() throws -> Result {
        done.wait(); done.signal()
        if let failure { throw failure }
        return result!
    }
}

/// Pagefind's service started ahead of a build (`SiteBuilder.searchServiceStarter`), at most once.
final class EarlySearchService: @unchecked Sendable {
    private let lock = NSLock()
    private var work: BackgroundWork<PagefindService?>?

    func start(_ make: @escaping @Sendable () -> PagefindService?) {
        lock.lock(); defer { lock.unlock() }
        if work == nil { work = BackgroundWork(make) }
    }

    /// The started service, left in place.
    func peek() -> BackgroundWork<PagefindService?>? { lock.lock(); defer { lock.unlock() }; return work }

    /// The started service, once: the next call gives nil.
    func take() -> BackgroundWork<PagefindService?>? {
        lock.lock(); defer { lock.unlock() }
        let w = work
        work = nil
        return w
    }

    /// Closes a service no build uses, on another thread once its warm-up is over (a build with nothing to index
    /// does not wait for it; if the process ends first, the service sees its input close and ends too).
    static func discard(_ work: BackgroundWork<PagefindService?>?) {
        guard let work else { return }
        DispatchQueue.global().async { ((try? work.wait()) ?? nil)?.close() }
    }
}

/// The build cache read and decoded on threads of their own: first without its entries (all a no-change
/// build needs), then with them once `startEntries` is called (or `withEntries` asks). Each accessor waits for
/// its part.
final class CachePrefetch: @unchecked Sendable {
    let path: String
    private let head: BackgroundWork<(file: BuildCache.Loaded?, cache: BuildCache?)>
    private let lock = NSLock()
    private var full: BackgroundWork<BuildCache?>?

    init(path: String) {
        self.path = path
        head = BackgroundWork { () -> (file: BuildCache.Loaded?, cache: BuildCache?) in
            let file = BuildCache.Loaded(path)
            return (file, file.flatMap { BuildCache.decode($0.bytes, withReads: false) })
        }
    }

    /// Starts decoding the entries too (once), when something may have changed: a build with nothing to do never
    /// needs them, and decoding 5,000 reports' took 46 ms of CPU beside its 0.1 s.
    func startEntries() {
        lock.lock(); defer { lock.unlock() }
        guard full == nil else { return }
        let head = self.head
        full = BackgroundWork {
            let (file, cache) = try head.wait()
            return cache == nil ? nil : file.flatMap { BuildCache.decode($0.bytes, withReads: true) }
        }
    }

    /// Whether the entries are being (or were) decoded.
    var entriesStarted: Bool { lock.lock(); defer { lock.unlock() }; return full != nil }

    /// The file as read and the cache without its entries.
    func withoutEntries() -> (file: BuildCache.Loaded?, cache: BuildCache?) { (try? head.wait()) ?? (nil, nil) }

    /// The cache with its entries (decoded now if `startEntries` was not called).
    func withEntries() -> BuildCache? {
        startEntries()
        lock.lock(); let work = full; lock.unlock()
        return (try? work?.wait()) ?? nil
    }
}

/// How long each page took to render and write, when timings are on; the slowest are printed.
final class JobTimes: @unchecked Sendable {
    let enabled: Bool
    private let lock = NSLock()
    private var items: [(String, UInt64)] = []
    init(enabled: Bool) { self.enabled = enabled }
    func add(_ path: String, since start: UInt64) {
        guard enabled else { return }
        let t = DispatchTime.now().uptimeNanoseconds - start
        lock.lock(); items.append((path, t)); lock.unlock()
    }
    func printSlowest(_ k: Int) {
        guard enabled else { return }
        let total = items.reduce(0) { $0 + $1.1 }
        var text = String(format: "timing   %d pages, %.3f s in all\n", items.count, Double(total) / 1e9)
        for (path, t) in items.sorted(by: { $0.1 > $1.1 }).prefix(k) { text += String(format: "timing   %.3f s %@\n", Double(t) / 1e9, path) }
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// The bytes a page key is hashed from: texts (each ended by a 0 byte), one-byte tags and 128-bit digests, in
/// order, so that different inputs never give the same bytes.
struct KeyText {
    typealias Digest = ContentHash.Digest

    private(set) var bytes: [UInt8] = []

    mutating func text(_ s: String) { bytes.append(contentsOf: s.utf8); bytes.append(0) }
    mutating func tag(_ t: UInt8) { bytes.append(t) }
    mutating func digest(_ d: Digest) {
        withUnsafeBytes(of: d.h1.bigEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: d.h2.bigEndian) { bytes.append(contentsOf: $0) }
    }

    var digest: Digest { ContentHash.digest(bytes) }
}
