import FazhiModel
import Foundation

/// Whether and how a build indexes the site for search.
public struct SearchOptions: Sendable {
    /// False: no index (`fazhi build --no-search`).
    public var enabled: Bool
    /// The Python that runs Pagefind: `<python> -m pagefind …`.
    public var python: String

    public init(enabled: Bool = true, python: String = "python3") {
        self.enabled = enabled
        self.python = python
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

    public init(state: State, pages: Int = 0, seconds: Double = 0, detail: String = "") {
        self.state = state; self.pages = pages; self.seconds = seconds; self.detail = detail
    }

    /// One line for the build summary.
    public var line: String {
        let t = String(format: "%.2f", seconds)
        switch state {
        case .disabled: return "search is off (--no-search)"
        case .missing: return "search is off (pagefind not found: \(SearchIndex.installHint))"
        case .indexed: return "search: indexed \(pages) pages in \(t) s"
        case .reused: return "search: \(pages) pages unchanged, index kept (\(t) s)"
        case .failed: return "search is off (pagefind failed in \(t) s)"
        }
    }
}

/// The Pagefind index of the built site, in `<site>/pagefind/`.
///
/// Runs `python3 -m pagefind` (PyPI `pagefind[extended]`, whose extended build segments Chinese) over a
/// finished site folder: the builder calls it on its staging folder before the swap, so a published site
/// always carries the index of its own pages. Only report pages are indexed (`--glob reports/**/*.html`), and
/// within them only what `data-pagefind-body` marks (the report text), without tables.
///
/// Incremental: the index is stamped with a fingerprint of every indexed page (path and bytes) and of the
/// Pagefind arguments. When the previous site's stamp matches, its `pagefind/` folder is carried over
/// (hard links) and Pagefind does not run.
public struct SearchIndex: Sendable {
    public static let pagefindVersion = "1.5.2"
    public static let installHint = "pip install 'pagefind[extended]==\(pagefindVersion)'"
    /// The bundle's folder under the site root (the search page loads `<base>pagefind/pagefind-ui.js`).
    public static let bundle = "pagefind"
    /// Written into the bundle: the fingerprint of what it indexes.
    public static let stamp = ".fazhi-index"
    /// The pages Pagefind reads, relative to the site root.
    public static let glob = "reports/**/*.html"

    public let options: SearchOptions

    public init(options: SearchOptions = SearchOptions()) { self.options = options }

    /// Pagefind's arguments, after `-m pagefind`.
    func arguments(site: String) -> [String] {
        ["--site", site, "--output-subdir", Self.bundle, "--glob", Self.glob, "--force-language", "zh",
         "--exclude-selectors", "table", "--exclude-selectors", "nav", "--quiet"]
    }

    /// Indexes `site` (a finished site folder). `previous` is the site it replaces, whose index is carried
    /// over when no indexed page changed. Never throws: a missing or failing
    /// Pagefind leaves the site without an index and says so in the outcome.
    public func update(site: String, previous: String?) -> SearchOutcome {
        let start = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        let fm = FileManager.default
        let bundleDir = site + "/" + Self.bundle
        // `site` may already hold an index: the one of the site before the previous, when the build reuses that
        // tree (see OutputTree.prepare). It is kept only if it was made from exactly these pages.
        guard options.enabled else {
            try? fm.removeItem(atPath: bundleDir)
            return SearchOutcome(state: .disabled)
        }
        let pages = Self.pages(in: site)
        let fingerprint = Self.fingerprint(site: site, pages: pages, arguments: arguments(site: "SITE"))
        if Self.readStamp(bundleDir) == fingerprint {
            return SearchOutcome(state: .reused, pages: pages.count, seconds: elapsed())
        }
        try? fm.removeItem(atPath: bundleDir)

        // Carry the previous index over when it was made from the same pages.
        if let previous, previous != site, Self.readStamp(previous + "/" + Self.bundle) == fingerprint {
            if Self.linkTree(from: previous + "/" + Self.bundle, to: bundleDir) {
                return SearchOutcome(state: .reused, pages: pages.count, seconds: elapsed())
            }
            try? fm.removeItem(atPath: bundleDir)
        }

        // A fresh index: Pagefind adds to its output folder, so clear it first.
        try? fm.removeItem(atPath: bundleDir)
        let run = Self.run(options.python, ["-m", "pagefind"] + arguments(site: site))
        guard let run else { return SearchOutcome(state: .missing, seconds: elapsed()) }
        if run.status != 0 {
            if run.output.contains("No module named pagefind") || run.status == 127 {
                return SearchOutcome(state: .missing, seconds: elapsed())
            }
            try? fm.removeItem(atPath: bundleDir)
            return SearchOutcome(state: .failed, seconds: elapsed(), detail: run.output)
        }
        guard fm.fileExists(atPath: bundleDir + "/pagefind-ui.js") else {
            return SearchOutcome(state: .failed, seconds: elapsed(), detail: "pagefind wrote no \(Self.bundle)/pagefind-ui.js\n" + run.output)
        }
        fm.createFile(atPath: bundleDir + "/" + Self.stamp, contents: Data((fingerprint + "\n").utf8))
        return SearchOutcome(state: .indexed, pages: pages.count, seconds: elapsed())
    }

    // MARK: - Pages and fingerprint

    /// The pages the glob selects: `reports/<id>/index.html`, relative, sorted.
    static func pages(in site: String) -> [String] {
        OutputTree.files(under: site + "/reports").filter { $0.hasSuffix(".html") }.map { "reports/" + $0 }
    }

    /// A hash of the Pagefind version and arguments and of every indexed page's path and bytes.
    static func fingerprint(site: String, pages: [String], arguments: [String]) -> String {
        var h = Hash64()
        h.add(Array(("pagefind \(pagefindVersion) " + arguments.joined(separator: " ") + "\n").utf8))
        for p in pages {
            h.add(Array((p + "\n").utf8))
            if let data = FileManager.default.contents(atPath: site + "/" + p) {
                h.add(UInt64(data.count))
                data.withUnsafeBytes { h.add(raw: $0) }
            }
        }
        return "v1 \(pages.count) " + String(h.a, radix: 16) + String(h.b, radix: 16)
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

/// Two independent 64-bit FNV-1a style lanes over 8-byte words: fast enough to run over every report page
/// on each build, wide enough that two different sets of pages do not collide in practice.
struct Hash64 {
    var a: UInt64 = 0xcbf2_9ce4_8422_2325
    var b: UInt64 = 0x8422_2325_cbf2_9ce4

    mutating func add(_ v: UInt64) {
        a = (a ^ v) &* 0x0000_0100_0000_01b3
        b = (b ^ (v &+ 0x9e37_79b9_7f4a_7c15)) &* 0xff51_afd7_ed55_8ccd
        b ^= b >> 29
    }

    mutating func add(_ bytes: [UInt8]) { bytes.withUnsafeBytes { add(raw: $0) } }

    mutating func add(raw buf: UnsafeRawBufferPointer) {
        let n = buf.count
        var i = 0
        while i + 8 <= n {
            add(buf.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n { tail |= UInt64(buf[i]) << shift; shift += 8; i += 1 }
        add(tail ^ (UInt64(n) << 56))
    }
}

// MARK: - What report pages tell the index

extension SitePages {
    /// The pages search adds: `/search/`.
    func searchJobs() -> [PageJob] {
        [PageJob(path: "search/index.html", inputs: ["config", "catalog", "template:layout", "template:search"]) { self.searchPage() }]
    }

    /// The search page, `/search/`: Pagefind's UI, loaded by `assets/search.js` from `<base>pagefind/`.
    func searchPage() -> String {
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
