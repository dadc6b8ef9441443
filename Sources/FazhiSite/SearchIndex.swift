import FazhiModel
import Foundation

/// Whether and how a build indexes the site for search.
public struct SearchOptions: Sendable {
    /// False: no index (`fazhi build --no-search`).
    public var enabled: Bool
    /// The Python that runs Pagefind: `<python> -m pagefind …`.
    public var python: String

    /// Where the pages as Pagefind reads them (`SearchIndex.indexView`) are kept between builds, one folder per
    /// year bundle, so that indexing a year again writes only its changed pages' views. nil: a scratch folder
    /// in the site, made and removed each time. (The builder keeps them in `.fazhi-cache/<output>.search`.)
    public var views: String?

    public init(enabled: Bool = true, python: String = "python3", views: String? = nil) {
        self.enabled = enabled
        self.python = python
        self.views = views
    }
}

/// What the search step of a build did, for the build summary.
public struct SearchOutcome: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// `--no-search`.
        case disabled
        /// Pagefind is not installed: the site is built without an index.
        case missing
        /// Pagefind indexed the pages.
        case indexed
        /// No indexed page changed: the previous site's index was carried over.
        case reused
        /// Pagefind ran and failed: the site is built without an index.
        case failed
    }
    public var state: State
    /// Pages in the index (report pages).
    public var pages: Int = 0
    /// Wall time of the search step (hashing, and indexing or carrying over).
    public var seconds: Double = 0
    /// Pagefind's output when it failed.
    public var detail: String = ""
    /// Pages indexed again, and year bundles (of `shards`) made again, when `indexed`.
    public var reindexed: Int = 0
    public var shards: Int = 0
    public var shardsIndexed: Int = 0
    /// Whether every bundle made was the additions bundle of its year (`SearchIndex.additionsSuffix`).
    public var additionsOnly = false
    /// Bundles made by Pagefind's service (`PagefindService`) rather than by the command.
    public var madeByService = 0

    public init(state: State, pages: Int = 0, reindexed: Int? = nil, shards: Int = 0, shardsIndexed: Int = 0,
                additionsOnly: Bool = false, seconds: Double = 0, detail: String = "") {
        self.state = state; self.pages = pages; self.seconds = seconds; self.detail = detail
        self.reindexed = reindexed ?? pages; self.shards = shards; self.shardsIndexed = shardsIndexed
        self.additionsOnly = additionsOnly
    }

    /// One line for the build summary.
    public var line: String {
        let t = String(format: "%.2f", seconds)
        switch state {
        case .disabled: return "search is off (--no-search)"
        case .missing: return "search is off (pagefind not found: \(SearchIndex.installHint))"
        case .indexed where reindexed == pages: return "search: indexed \(pages) pages in \(t) s"
        case .indexed where additionsOnly:
            return "search: indexed \(reindexed) of \(pages) pages (pages added to \(shardsIndexed) of \(shards) years, beside their indexes; the others kept) in \(t) s"
        case .indexed: return "search: indexed \(reindexed) of \(pages) pages (\(shardsIndexed) of \(shards) year indexes; the others kept) in \(t) s"
        case .reused: return "search: \(pages) pages unchanged, index kept (\(t) s)"
        case .failed: return "search is off (pagefind failed in \(t) s)"
        }
    }
}

/// The Pagefind index of the built site, in `<site>/pagefind/`: one Pagefind bundle per report year
/// (`pagefind/2024/`, …, `pagefind/undated/`), listed newest first in `pagefind/shards.json`. The search page
/// (`assets/search.js`) opens the first and merges the others (Pagefind's `mergeIndex`), so a visitor searches
/// all years at once, with the filters of all.
///
/// Runs `python3 -m pagefind` (PyPI `pagefind[extended]`, whose extended build segments Chinese) over a
/// finished site folder: the builder calls it on its staging folder before the swap, so a published site
/// always carries the index of its own pages. Only report pages are indexed, and within them only what
/// `data-pagefind-body` marks (the report text), without tables.
///
/// Incremental, per year: each year's bundle is stamped with a fingerprint of its pages (paths, and the parts
/// Pagefind reads: `indexedParts`) and of the Pagefind arguments, and lists each page's digest. A bundle whose
/// stamp matches is kept (already in the staging folder) or carried over from the previous site (hard links).
/// Pagefind cannot add to a bundle: a year to which an incremental build added a few pages, none of its
/// indexed pages having changed, keeps its bundle and gets a second one of the added pages (`2024-added`),
/// listed after it and merged by the search page like any other; when a page of the year's bundle changes or
/// goes, or too many are added (`additionsLimit`), the year is indexed whole again.
public struct SearchIndex: Sendable {
    public static let pagefindVersion = "1.5.2"
    public static let installHint = "pip install 'pagefind[extended]==\(pagefindVersion)'"
    /// The index's folder under the site root.
    public static let bundle = "pagefind"
    /// Written into each year's bundle: the fingerprint of what it indexes.
    public static let stamp = ".fazhi-index"
    /// The list of year bundles the search page loads, newest first.
    public static let manifest = "shards.json"
    /// The pages Pagefind reads, relative to the folder it is given.
    public static let glob = "reports/*.html"

    /// The report pages of one year (or `undated`), indexed as one Pagefind bundle.
    public struct Shard: Sendable, Equatable {
        public var name: String
        /// Relative to the site: `reports/<id>.html`.
        public var pages: [String]
        public init(name: String, pages: [String]) { self.name = name; self.pages = pages }
    }

    public let options: SearchOptions

    public init(options: SearchOptions = SearchOptions()) { self.options = options }

    /// How Pagefind reads the pages, as the command (`arguments`) and the service (`serviceConfig`) are told:
    /// one index in Chinese, whatever `lang` a page carries, without tables and navigation.
    static let language = "zh"
    static let excludeSelectors = ["table", "nav"]

    /// The options of `arguments` as a configuration of Pagefind's service mode (`PagefindService`).
    static var serviceConfig: [String: Any] { ["force_language": language, "exclude_selectors": excludeSelectors] }

    /// Pagefind's arguments, after `-m pagefind`: index `site` (a folder of report pages) into `output`.
    func arguments(site: String, output: String) -> [String] {
        ["--site", site, "--output-path", output, "--glob", Self.glob, "--force-language", Self.language]
            + Self.excludeSelectors.flatMap { ["--exclude-selectors", $0] } + ["--quiet"]
    }

    /// Where the path of the Pagefind executable is remembered (`pagefindCommand`), beside the kept views.
    static func pagefindMemo(views: String) -> String { views + ".pagefind" }

    /// The page of the report `id`: the pages the index is made of. A file, not a folder with an `index.html`
    /// as the other pages have: a national corpus has tens of thousands of reports, and a folder for each (one
    /// in the site and one in the spare) was 40,000 of a cold 20,000-report build's 100,000 new files and folders,
    /// the costliest kind to make on ext4. The URL ends in `.html`, which every static host serves.
    public static func reportPage(_ id: String) -> String { "reports/\(id).html" }

    /// The id of a report's page (`reportPage`), or nil when `path` is not one.
    public static func reportID(ofPage path: String) -> Substring? {
        guard path.hasPrefix("reports/"), path.hasSuffix(".html") else { return nil }
        let id = path.dropFirst(8).dropLast(5)
        return id.isEmpty || id.utf8.contains(UInt8(ascii: "/")) ? nil : id
    }

    /// Whether a site path is a report's page (`reportPage`).
    public static func isReportPage(_ path: String) -> Bool { reportID(ofPage: path) != nil }

    /// The shards of a site's report pages: by year, newest first, `undated` last; pages sorted.
    public static func shards(_ pages: [(path: String, year: Int?)]) -> [Shard] {
        var byYear: [Int: [String]] = [:]
        var undated: [String] = []
        for p in pages {
            if let y = p.year { byYear[y, default: []].append(p.path) } else { undated.append(p.path) }
        }
        var out = byYear.keys.sorted(by: >).map { Shard(name: String($0), pages: byYear[$0]!.sorted()) }
        if !undated.isEmpty { out.append(Shard(name: "undated", pages: undated.sorted())) }
        return out
    }

    /// Indexes the report pages of `site` (a finished site folder), one bundle per shard, and in an incremental
    /// build a second one for pages added since (see `plan`). `previous` is the site it replaces, whose bundles
    /// are carried over when their pages did not change; `site` may already hold some (when the build started
    /// from the spare tree). Never throws: a missing or failing Pagefind leaves the site without an index and
    /// says so in the outcome.
    /// `changed`: the pages this build wrote or removed, when `site` was made from `previous` (an incremental
    /// build); a shard none of whose pages is among them, whose pages the previous site's bundles list, is
    /// served by those bundles without its pages being read.
    /// `service`, when given, returns a Pagefind service started earlier (or nil): additions bundles are made
    /// with it (`PagefindService`), everything else with the command.
    func update(site: String, previous: String?, shards: [Shard], changed: Set<String>? = nil,
                service: (@Sendable () -> PagefindService?)? = nil) -> SearchOutcome {
        let start = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        let fm = FileManager.default
        let root = site + "/" + Self.bundle
        guard options.enabled else {
            try? fm.removeItem(atPath: root)
            return SearchOutcome(state: .disabled)
        }
        try? fm.createDirectory(atPath: root, withIntermediateDirectories: true)

        // Per year: the bundles it is served from and which of them are kept, carried over or made.
        let settings = Self.settingsHash(arguments(site: "SITE", output: "OUT"))
        let previousRoot = previous.flatMap { $0 != site ? $0 + "/" + Self.bundle : nil }
        var plans: [ShardPlan] = ParallelMap.map(shards) { shard in
            Self.plan(shard, root: root, previousRoot: previousRoot, site: site, settings: settings, changed: changed)
        }
        // Only this build's bundles stay; those carried over are linked from the previous site (a year whose
        // link fails is indexed whole).
        let wanted = Set(plans.flatMap(\.bundles))
        for entry in (try? fm.contentsOfDirectory(atPath: root)) ?? [] where !wanted.contains(entry) {
            try? fm.removeItem(atPath: root + "/" + entry)
        }
        for k in plans.indices {
            for name in plans[k].carry + plans[k].make.map(\.name) { try? fm.removeItem(atPath: root + "/" + name) }
            if let previousRoot, !plans[k].carry.allSatisfy({ Self.linkTree(from: previousRoot + "/" + $0, to: root + "/" + $0) }) {
                for name in plans[k].bundles { try? fm.removeItem(atPath: root + "/" + name) }
                plans[k] = ShardPlan(bundles: [shards[k].name], make: [Self.wholeBundle(shards[k], site: site, settings: settings)])
            }
        }
        let jobs = plans.flatMap(\.make)
        let total = shards.reduce(0) { $0 + $1.pages.count }

        // Make the rest, two at a time (Pagefind mostly uses one core), each from a folder holding what Pagefind
        // reads of its pages (`indexView`; a page that marks nothing is given whole). The folder is kept between
        // builds when `options.views` says where: only changed views are written (making 500 folders and files
        // for a year cost more than half a second in ext4's allocator), and views of pages gone are removed.
        let scratch = site + "/.pagefind-pages"
        defer { try? fm.removeItem(atPath: scratch) }
        let kept = options.views
        let command: (program: String, arguments: [String]) = jobs.isEmpty ? (options.python, [])
            : Self.pagefindCommand(python: options.python, memo: kept.map(Self.pagefindMemo))
        if let kept {
            for entry in (try? fm.contentsOfDirectory(atPath: kept)) ?? [] where !wanted.contains(entry) {
                try? fm.removeItem(atPath: kept + "/" + entry)
            }
        }
        let byService = Counter()
        let results: [Run?] = ParallelMap.map(jobs) { job -> Run? in
            let src = (kept ?? scratch) + "/" + job.name
            // An additions bundle (a few pages) is made by the service when one was started: no segmenter to load.
            let viaService = service != nil && job.name.hasSuffix(Self.additionsSuffix)
            var views: [(path: String, contents: [UInt8])] = []
            for page in job.pages {
                let dst = src + "/" + page
                guard let data = FileText.bytes(site + "/" + page) else { continue }
                let view = data.withUnsafeBytes { Self.indexView($0) } ?? data
                if viaService { views.append((page, view)) }
                if kept != nil, FileText.holds(dst, view) { continue }
                unlink(dst)
                if FileText.writeNew(dst, view) != 0 {
                    try? fm.createDirectory(atPath: (dst as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    _ = FileText.writeNew(dst, view)
                }
            }
            if kept != nil {
                let pages = Set(job.pages)
                for stale in FileWalk.files(under: src, skipHidden: false) where !pages.contains(stale) {
                    unlink(src + "/" + stale)
                    rmdir((src + "/" + stale as NSString).deletingLastPathComponent)
                }
            }
            let dir = root + "/" + job.name
            var run: Run?
            if viaService, let service = service?(), service.makeBundle(pages: views, folder: dir) {
                run = Run(status: 0, output: "")
                _ = byService.next()
            } else {
                run = Self.run(command.program, command.arguments + arguments(site: src, output: dir))
            }
            if let run, run.status == 0, fm.fileExists(atPath: dir + "/pagefind-ui.js") {
                // Without its stamp and page list the bundle is only made again next time.
                _ = FileText.writeNew(dir + "/" + Self.pageList, Self.pageListText(job, settings: settings))
                _ = FileText.writeNew(dir + "/" + Self.stamp, Array((job.fingerprint + "\n").utf8))
            }
            return run
        }
        for (j, result) in results.enumerated() {
            guard let run = result, run.status == 0 || !(run.output.contains("No module named pagefind") || run.status == 127) else {
                try? fm.removeItem(atPath: root)
                return SearchOutcome(state: .missing, seconds: elapsed())
            }
            let dir = root + "/" + jobs[j].name
            if run.status != 0 || !fm.fileExists(atPath: dir + "/pagefind-ui.js") {
                try? fm.removeItem(atPath: root)
                let why = run.status != 0 ? run.output : "pagefind wrote no \(Self.bundle)/\(jobs[j].name)/pagefind-ui.js\n" + run.output
                return SearchOutcome(state: .failed, seconds: elapsed(), detail: why)
            }
        }
        // The list the search page reads; rewritten only when it changes (a kept file keeps its inode).
        let list = Array(("{\"pagefind\":\"\(Self.pagefindVersion)\",\"shards\":[" + plans.flatMap(\.bundles).map { JSONText.quoted($0) }.joined(separator: ",") + "]}\n").utf8)
        let listPath = root + "/" + Self.manifest
        if fm.contents(atPath: listPath).map({ [UInt8]($0) }) != list {
            unlink(listPath)
            guard fm.createFile(atPath: listPath, contents: Data(list)) else {
                try? fm.removeItem(atPath: root)
                return SearchOutcome(state: .failed, seconds: elapsed(), detail: "cannot write \(listPath)")
            }
        }
        if jobs.isEmpty { return SearchOutcome(state: .reused, pages: total, seconds: elapsed()) }
        var outcome = SearchOutcome(state: .indexed, pages: total, reindexed: jobs.reduce(0) { $0 + $1.pages.count }, shards: shards.count,
                                    shardsIndexed: plans.filter { !$0.make.isEmpty }.count,
                                    additionsOnly: jobs.allSatisfy { $0.name.hasSuffix(Self.additionsSuffix) }, seconds: elapsed())
        outcome.madeByService = byService.value
        return outcome
    }

    // MARK: - Which bundles serve a year

    /// Appended to a year's name for the bundle of the pages added since the year's own bundle was made.
    public static let additionsSuffix = "-added"

    /// How many pages added since a year's bundle was made are indexed apart, in the year's additions bundle,
    /// before the year is indexed again whole: Pagefind cannot add to a bundle, and indexing a year of 500 pages
    /// takes about a second where one page takes a fifth of that.
    static func additionsLimit(_ pages: Int) -> Int { max(10, pages / 20) }

    /// A bundle to make: its name under `pagefind/`, its pages with their digests (`pageDigest`), and its stamp.
    struct BundleJob: Sendable {
        var name: String
        var pages: [String]
        var digests: [String]
        var fingerprint: String
    }

    /// The bundles a year is served from: its own, and the bundle of pages added since it was made, if any
    /// (`bundles`, in that order); those to link from the previous site (`carry`) and to make (`make`). The
    /// others are in the staging site already.
    struct ShardPlan: Sendable {
        var bundles: [String]
        var carry: [String] = []
        var make: [BundleJob] = []
    }

    /// Decides how a year is served, looking at the bundles the staging site has and the previous site had:
    /// - no page of the year was written or removed by this build (`unchanged`), and the previous site's bundles
    ///   list exactly its pages: those bundles, without reading a page;
    /// - a bundle (staged, or the previous site's) made from exactly the year's pages as they are: that one;
    /// - a bundle made from some of them, all unchanged, the others being few (`additionsLimit`): that one, and
    ///   the others in the additions bundle (kept, carried over or made);
    /// - otherwise the year is indexed whole.
    /// `changed`: the pages an incremental build wrote or removed (see `update`). A page not among them is the
    /// previous site's, whose bundles list its digest, so it is not read. Without it (`--clean`, a first build)
    /// a year is served by one bundle.
    static func plan(_ shard: Shard, root: String, previousRoot: String?, site: String, settings: String,
                     changed: Set<String>?) -> ShardPlan {
        let base = shard.name, added = shard.name + additionsSuffix
        // The previous site's bundles of the year (complete ones: stamped) and their pages, each read once.
        func pageList(_ dir: String) -> [String: String]? { readStamp(dir) == nil ? nil : readPageList(dir, settings: settings) }
        let previousBase = previousRoot.flatMap { pageList($0 + "/" + base) }
        let previousAdded = previousRoot.flatMap { pageList($0 + "/" + added) }
        // Where a bundle can come from: the staging site (kept), then the previous site (carried over).
        func candidates(_ name: String) -> [(dir: String, carried: Bool)] {
            [(root + "/" + name, false)] + (previousRoot.map { [($0 + "/" + name, true)] } ?? [])
        }
        func serve(_ parts: [(name: String, from: (dir: String, carried: Bool))], make: [BundleJob] = []) -> ShardPlan {
            var p = ShardPlan(bundles: parts.map(\.name) + make.map(\.name), make: make)
            for part in parts {
                // A staged bundle is kept when it is the previous site's too (same stamp); otherwise carried.
                if part.from.carried, readStamp(root + "/" + part.name) != readStamp(part.from.dir) { p.carry.append(part.name) }
            }
            return p
        }
        let unchanged = changed.map { c in !shard.pages.contains(where: c.contains) } ?? false
        if unchanged, let previousRoot, let b = previousBase {
            let a = previousAdded
            let pages = Set(b.keys).union(a.map { Array($0.keys) } ?? [])
            if pages.count == b.count + (a?.count ?? 0), pages == Set(shard.pages) {
                var parts = [(name: base, from: (dir: previousRoot + "/" + base, carried: true))]
                if a != nil { parts.append((added, (previousRoot + "/" + added, true))) }
                return serve(parts)
            }
        }
        var known: [String: String] = [:]
        if let changed {
            for list in [previousBase, previousAdded] {
                for (page, digest) in list ?? [:] where !changed.contains(page) { known[page] = digest }
            }
        }
        let whole = wholeBundle(shard, site: site, settings: settings, known: known)
        for c in candidates(base) where readStamp(c.dir) == whole.fingerprint {
            return serve([(base, c)])
        }
        guard changed != nil else { return ShardPlan(bundles: [base], make: [whole]) }
        var digestOf: [String: String] = [:]
        for (p, d) in zip(whole.pages, whole.digests) { digestOf[p] = d }
        // The bundle of unchanged pages that leaves the fewest added (the staged one on a tie: nothing to link).
        var best: (from: (dir: String, carried: Bool), new: [String])? = nil
        for c in candidates(base) {
            guard let made = c.carried ? previousBase : pageList(c.dir), made.allSatisfy({ digestOf[$0.key] == $0.value }) else { continue }
            let new = whole.pages.filter { made[$0] == nil }
            if best == nil || new.count < best!.new.count { best = (c, new) }
        }
        guard let best, best.new.count <= additionsLimit(whole.pages.count) else { return ShardPlan(bundles: [base], make: [whole]) }
        if best.new.isEmpty { return serve([(base, best.from)]) }
        let digests = best.new.map { digestOf[$0]! }
        let job = BundleJob(name: added, pages: best.new, digests: digests,
                            fingerprint: fingerprint(pages: best.new, digests: digests, settings: settings))
        for a in candidates(added) where readStamp(a.dir) == job.fingerprint {
            return serve([(base, best.from), (added, a)])
        }
        return serve([(base, best.from)], make: [job])
    }

    /// The year's own bundle made from all its pages.
    static func wholeBundle(_ shard: Shard, site: String, settings: String, known: [String: String] = [:]) -> BundleJob {
        let digests = shard.pages.map { known[$0] ?? pageDigest(site: site, page: $0) }
        return BundleJob(name: shard.name, pages: shard.pages, digests: digests,
                         fingerprint: fingerprint(pages: shard.pages, digests: digests, settings: settings))
    }

    /// Written into each bundle beside its stamp: the settings hash, then a line per page, its digest and path.
    public static let pageList = ".fazhi-pages"

    static func pageListText(_ job: BundleJob, settings: String) -> [UInt8] {
        var text = settings + "\n"
        for (p, d) in zip(job.pages, job.digests) { text += d + " " + p + "\n" }
        return Array(text.utf8)
    }

    /// A bundle's pages and their digests, when it was made with these settings; nil otherwise.
    static func readPageList(_ bundleDir: String, settings: String) -> [String: String]? {
        guard let text = FileText.read(bundleDir + "/" + pageList) else { return nil }
        var lines = text.split(separator: "\n")
        guard let first = lines.first, first == settings else { return nil }
        lines.removeFirst()
        var out: [String: String] = [:]
        for line in lines {
            guard let space = line.firstIndex(of: " ") else { return nil }
            out[String(line[line.index(after: space)...])] = String(line[..<space])
        }
        return out
    }

    // MARK: - Pages and fingerprint

    /// A hash of the Pagefind version and arguments and, for every page, its path and the parts Pagefind reads
    /// (`indexedParts`).
    static func fingerprint(site: String, pages: [String], arguments: [String]) -> String {
        fingerprint(pages: pages, digests: pages.map { pageDigest(site: site, page: $0) }, settings: settingsHash(arguments))
    }

    static func fingerprint(pages: [String], digests: [String], settings: String) -> String {
        var bytes: [UInt8] = []
        for (p, d) in zip(pages, digests) { bytes += (p + "\n" + d + "\n").utf8 }
        return "v5 \(pages.count) " + settings + " " + ContentHash.digest(bytes).hex
    }

    /// A page's path and the parts Pagefind reads of it (`indexedParts`), hashed: each part's length and bytes.
    static func pageDigest(site: String, page: String) -> String {
        var bytes = Array((page + "\n").utf8)
        if let data = FileText.bytes(site + "/" + page) {
            data.withUnsafeBytes { raw in
                for part in indexedParts(raw) {
                    withUnsafeBytes(of: UInt64(part.count).littleEndian) { bytes += $0 }
                    bytes += UnsafeRawBufferPointer(rebasing: raw[part])
                }
            }
        }
        return ContentHash.digest(bytes).hex
    }

    /// The Pagefind version and arguments, hashed: the part of a fingerprint that is not the pages.
    static func settingsHash(_ arguments: [String]) -> String {
        ContentHash.hex(Array(("pagefind \(pagefindVersion) " + arguments.joined(separator: " ")).utf8))
    }

    /// The byte ranges of a page that its index entry is made from. When the page marks its text with
    /// `data-pagefind-body` (report pages do), Pagefind reads only the elements that carry a `data-pagefind-…`
    /// attribute (the body, the title, the filters) and the first `<h1>`: those elements, with their content.
    /// Otherwise it reads the whole page. So a report page whose list of its locality's other reports changed
    /// (a report was added for another year) keeps its fingerprint, and its year's index is kept.
    static func indexedParts(_ page: UnsafeRawBufferPointer) -> [Range<Int>] {
        let marker = Array("data-pagefind-".utf8)
        guard find(marker, in: page, from: 0) != nil, find(Array("data-pagefind-body".utf8), in: page, from: 0) != nil else {
            return [0..<page.count]
        }
        var parts: [Range<Int>] = []
        var covered = 0
        var at = 0
        while let hit = find(marker, in: page, from: at) {
            at = hit + marker.count
            guard hit >= covered, let open = lastIndex(of: UInt8(ascii: "<"), in: page, before: hit) else { continue }
            let element = self.element(at: open, in: page)
            parts.append(element)
            covered = element.upperBound
            at = max(at, covered)
        }
        if let h1 = find(Array("<h1".utf8), in: page, from: 0) { parts.append(element(at: h1, in: page)) }
        return parts
    }

    /// A page cut down to what Pagefind reads of it: the page up to its `<body …>` tag, then the `indexedParts`
    /// in the body, in order. Pagefind gives such a page the same index entry and reads it faster: on 5,005
    /// synthetic report pages all ten year bundles had the same fragment and index files as from the whole
    /// pages, made in 6.8 s against 8.3 s. Nil for a page that marks nothing, which Pagefind reads whole.
    static func indexView(_ page: UnsafeRawBufferPointer) -> [UInt8]? {
        let parts = indexedParts(page)
        guard parts != [0..<page.count], let body = find(Array("<body".utf8), in: page, from: 0),
              let bodyTagEnd = find([UInt8(ascii: ">")], in: page, from: body) else { return nil }
        var out = Array(page[0...bodyTagEnd])
        var end = bodyTagEnd + 1
        for part in parts.sorted(by: { $0.lowerBound < $1.lowerBound }) where part.lowerBound >= end {
            out.append(contentsOf: page[part])
            out.append(0x0A)
            end = part.upperBound
        }
        out.append(contentsOf: "</body>\n</html>\n".utf8)
        return out
    }

    /// The element whose start tag begins at `open` (a `<`): up to its matching end tag; the start tag alone for
    /// a void or self-closed element; up to the end of the page when it is never closed.
    static func element(at open: Int, in page: UnsafeRawBufferPointer) -> Range<Int> {
        func isNameByte(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x2D }
        var k = open + 1
        while k < page.count, isNameByte(page[k]) { k += 1 }
        let name = Array(page[(open + 1)..<k]).map { $0 | 0x20 }
        guard let tagEnd = find([UInt8(ascii: ">")], in: page, from: k) else { return open..<page.count }
        let void: Set<String> = ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]
        if name.isEmpty || void.contains(String(decoding: name, as: UTF8.self)) || page[tagEnd - 1] == UInt8(ascii: "/") {
            return open..<(tagEnd + 1)
        }
        // Same-name elements nest: count them.
        var depth = 1
        var i = tagEnd + 1
        while i < page.count, let lt = find([UInt8(ascii: "<")], in: page, from: i) {
            let closing = lt + 1 < page.count && page[lt + 1] == UInt8(ascii: "/")
            let start = lt + (closing ? 2 : 1)
            var e = start
            while e < page.count, isNameByte(page[e]) { e += 1 }
            if e - start == name.count, zip(page[start..<e], name).allSatisfy({ ($0 | 0x20) == $1 }) {
                depth += closing ? -1 : 1
                if depth == 0 {
                    let end = find([UInt8(ascii: ">")], in: page, from: e).map { $0 + 1 } ?? page.count
                    return open..<end
                }
            }
            i = e
        }
        return open..<page.count
    }

    static func find(_ needle: [UInt8], in page: UnsafeRawBufferPointer, from start: Int) -> Int? {
        Occurrence.first(needle, in: page, from: start)
    }

    static func lastIndex(of byte: UInt8, in page: UnsafeRawBufferPointer, before end: Int) -> Int? {
        var i = end - 1
        while i >= 0 { if page[i] == byte { return i }; i -= 1 }
        return nil
    }

    static func readStamp(_ bundleDir: String) -> String? {
        guard let data = FileManager.default.contents(atPath: bundleDir + "/" + stamp),
              let s = String(data: data, encoding: .utf8) else { return nil }
        return s.trimmingCharacters()
    }

    /// Recreates a folder tree with hard links to its files (the old site is deleted after the swap, and
    /// nothing writes into a bundle in place). False when any file cannot be linked or copied.
    static func linkTree(from src: String, to dst: String) -> Bool {
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: dst, withIntermediateDirectories: true)
            for rel in OutputTree.files(under: src) {
                let target = dst + "/" + rel
                let dir = (target as NSString).deletingLastPathComponent
                try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
                do { try fm.linkItem(atPath: src + "/" + rel, toPath: target) } catch {
                    try fm.copyItem(atPath: src + "/" + rel, toPath: target)
                }
            }
            return true
        } catch {
            return false
        }
    }

    // MARK: - The subprocess

    struct Run { var status: Int32; var output: String }

    /// Runs `program` (looked up on PATH) with its output captured; nil when it cannot be started.
    /// How to start Pagefind: its executable, as `<python> -m pagefind` would run it, when known; otherwise
    /// `<python> -m pagefind` itself (whose failure says whether Pagefind is installed). Starting the wrapper
    /// cost 0.09 s a run (a pyenv shim, then Python). The executable's path is remembered in `memo` (beside the
    /// build cache) and looked up again when the file is gone or names another Python.
    static func pagefindCommand(python: String, memo: String?) -> (program: String, arguments: [String]) {
        let fallback = (python, ["-m", "pagefind"])
        guard let memo else { return fallback }
        if let text = FileText.read(memo) {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.count >= 2, lines[0] == python, lines[1].hasPrefix("/"), FileManager.default.isExecutableFile(atPath: lines[1]) {
                return (lines[1], [])
            }
        }
        let script = "from pagefind.service import _must_get_executable; print(_must_get_executable().resolve().absolute())"
        guard let found = run(python, ["-c", script]), found.status == 0 else { return fallback }
        let path = found.output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard path.hasPrefix("/"), !path.contains("\n"), FileManager.default.isExecutableFile(atPath: path) else { return fallback }
        try? FileText.replaceCache(memo, with: Array((python + "\n" + path + "\n").utf8))
        return (path, [])
    }

    static func run(_ program: String, _ args: [String]) -> Run? {
        let p = Process()
        if program.contains("/") {
            p.executableURL = URL(fileURLWithPath: program)
            p.arguments = args
        } else {
            guard let path = which(program) else { return nil }
            p.executableURL = URL(fileURLWithPath: path)
            p.arguments = args
        }
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        // Read before waiting, so a full pipe cannot stall the child.
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = dir + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

// MARK: - What report pages tell the index

extension SitePages {
    /// The pages search adds: `/search/`.
    func searchJobs() -> [PageJob] {
        [PageJob(path: "search/index.html") { self.searchPage() }]
    }

    /// The search page, `/search/`: Pagefind's UI, loaded by `assets/search.js` from `<base>pagefind/`.
    func searchPage() -> [UInt8] {
        let ctx: [String: Any] = [
            "bundle": base.url(SearchIndex.bundle + "/"),
            "search_js": base.url("assets/search.js"),
            "search_css": base.url("assets/search.css"),
        ]
        return page("search", title: "搜索", section: nil, crumbs: [("搜索", nil)], path: "search/index.html", ctx)
    }

    /// Filters of a report page in the index (`data-pagefind-filter`): province, locality, year, and the
    /// catalog names of the themes its sections speak to.
    func searchFilters(_ r: ReportEntry) -> [String: Any] {
        let m = model
        let fm = r.meta
        let loc = m.locality(r.adcode)
        let province = fm.province.isEmpty ? (loc?.province ?? "") : fm.province
        var locality = loc.map { $0.name } ?? fm.locality
        if locality.isEmpty { locality = r.placeName }
        // A county-level name can repeat across provinces: keep its prefecture in front of it.
        if let loc, !loc.prefecture.isEmpty, loc.prefecture != loc.name, loc.prefecture != loc.province {
            locality = loc.prefecture + locality
        }
        var ids = Set<String>()
        for s in fm.sections { ids.formUnion(s.themes) }
        let names = m.catalog.themes.filter { ids.contains($0.id) }.map { ["name": $0.name] as [String: Any] }
        return [
            "province": opt(province.isEmpty ? nil : province),
            "locality": opt(locality.isEmpty ? nil : locality),
            "year": opt(r.year.map { String($0) }),
            "themes": names,
        ]
    }
}
