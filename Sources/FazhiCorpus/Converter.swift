import Foundation
import FazhiModel
import FazhiIndicators
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one convert run did.
public struct ConvertSummary: Sendable {
    /// Markdown files written (new or changed input).
    public var converted: [String] = []
    /// Inputs whose Markdown was already up to date.
    public var unchanged: Int = 0
    /// Markdown files marked `locked: true`, kept as they are.
    public var kept: [String] = []
    /// Inputs skipped with an error (file and line when known).
    public var failed: [Diagnostic] = []
    /// Warnings written into front matter, over all reports converted in this run.
    public var warnings: Int = 0
    /// Markdown files removed because their source is gone (or now converts to another file).
    public var removed: [String] = []
    /// Inputs skipped because an earlier input (by path) has the same bytes: "path: duplicate of other".
    public var duplicates: [String] = []
    /// Files under reports/ that are not .txt, .html, .htm or .md.
    public var ignored: [String] = []
    /// Every message for a person, in a stable order (kept, duplicates, ignored, removed).
    public var notes: [String] = []
    /// Report inputs considered (.txt, .html, .htm, .md).
    public var inputs: Int = 0
    /// Wall-clock seconds the run took.
    public var seconds: Double = 0
    public init() {}

    /// "convert: 5 converted, 0 unchanged, 0 kept, 0 failed, 12 warnings (0.8 s)".
    public var line: String {
        var s = "convert: \(converted.count) converted, \(unchanged) unchanged, \(kept.count) kept, \(failed.count) failed"
        if !duplicates.isEmpty { s += ", \(duplicates.count) duplicate" }
        if !removed.isEmpty { s += ", \(removed.count) removed" }
        s += ", \(warnings) warning\(warnings == 1 ? "" : "s") (\(String(format: "%.1f", seconds)) s)"
        return s
    }
}

/// Turns the raw report corpus (`<content>/reports/`) into Markdown files (`<content>/markdown/`).
///
/// Reports are analysed concurrently; ids are then decided over the whole corpus in sorted path order, so the
/// output never depends on thread timing. An input whose Markdown is up to date (same bytes, converter version
/// and catalog) is not converted again; a file whose new text equals the old is not rewritten.
public struct Converter: Sendable {
    /// Bump when the Markdown output changes: files written by an older converter are converted again.
    public static let version = 1
    public static let extensions: Set<String> = ["txt", "html", "htm", "md"]
    static let cacheName = ".convert-cache"

    public let layout: ProjectLayout
    let progress: (@Sendable (String) -> Void)?
    /// Report `[i/n] convert …` lines for every corpus; when false, only for corpora of `largeCorpus` inputs or more.
    public var progressAlways = true
    public var largeCorpus = 200
    /// Inputs larger than this are skipped with an error: a report is tens of kilobytes, a saved page with
    /// inline images a few megabytes; a bigger file is something else, and would cost minutes and gigabytes.
    public var maxInputBytes = 16 * 1_048_576
    /// When set, the convert cache is written on another thread in this group, and `run` returns without waiting:
    /// the caller waits on the group before the process ends (`fazhi build`, which renders meanwhile).
    public var cacheWrites: DispatchGroup?
    /// Called once the run finds an input whose size or time changed since the last run (so a report may be
    /// converted), before any report is read: `fazhi build` starts the search index's service then.
    public var mayHaveChanged: (@Sendable () -> Void)?
    /// Given each report this run analyses and writes (`fazhi build`: the build then takes them from memory
    /// instead of reading their files back).
    public var handoff: (any ConvertHandoff)?

    /// Whether a folder of reports changed (a file added, removed or renamed in it) after convert's cache was last
    /// written: a sign, from the folders alone, that the next run will convert something, for a caller to act on
    /// before the run lists every report (`mayHaveChanged` comes after that: 40 ms into an add to 5,000 reports).
    /// A file edited in place does not change its folder: `mayHaveChanged` still tells.
    public static func reportFoldersChanged(_ layout: ProjectLayout) -> Bool {
        var st = stat()
        guard stat(layout.markdown + "/" + cacheName, &st) == 0 else { return true }
        let written = FileText.modificationTime(st)
        func changed(_ path: String, depth: Int) -> Bool {
            var st = stat()
            guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { return false }
            if FileText.modificationTime(st) >= written { return true }
            guard depth < 16, let folder = opendir(path) else { return false }
            defer { closedir(folder) }
            while let entry = readdir(folder) {
                let name = FileText.entryName(entry)
                guard name != ".", name != "..", !name.hasPrefix("."),
                      entry.pointee.d_type == UInt8(DT_DIR) || entry.pointee.d_type == UInt8(DT_UNKNOWN) else { continue }
                if changed(path + "/" + name, depth: depth + 1) { return true }
            }
            return false
        }
        return changed(layout.reports, depth: 0)
    }

    /// `progress` receives one line per step for a progress display.
    public init(layout: ProjectLayout, progress: (@Sendable (String) -> Void)? = nil) {
        self.layout = layout
        self.progress = progress
    }

    struct Input: Sendable {
        var relative: String
        var source: String
        /// Size and modification time when the folder was listed.
        var stamp: (size: Int64, mtime: Int64)
    }

    /// A changed input analysed and rendered in pass 2, waiting for its id (decided over the whole corpus).
    struct PreparedReport: Sendable {
        var key: CacheEntry
        var warnings: Int
        /// Where the document after its id line is in the spill file; nil when it could not be kept there
        /// (pass 3 then analyses the input again).
        var spilled: Range<Int>?
        /// What the run's `handoff` kept of the report, for when its file is written.
        var kept: (any Sendable)?

        /// A document starts with its id line: `---`, then `id: "…"`; everything after it is the same for any id.
        static let idlessHead = Array(("---\nid: " + FrontMatterWriter.quoted("") + "\n").utf8)

        init(report: AnalyzedReport, spill: ScratchFile?, handoff: (any ConvertHandoff)?) {
            key = CacheEntry(sha: report.frontMatter.sourceSHA256, converter: Converter.version, id: "", idBase: report.idBase,
                             department: report.department, fixedID: report.fixedID)
            warnings = report.frontMatter.warnings.count
            let document = report.document(id: "")
            if let spill, document.starts(with: Self.idlessHead) {
                spilled = spill.append(document[Self.idlessHead.count...])
            }
            kept = handoff?.analysed(report.reportDocument(id: ""))
        }

        /// The document with its id, or nil when it was not kept.
        func document(id: String, from spill: ScratchFile?) -> [UInt8]? {
            guard let spilled, let rest = spill?.read(spilled) else { return nil }
            return Array(("---\nid: " + FrontMatterWriter.quoted(id) + "\n").utf8) + rest
        }
    }

    struct CacheEntry: Sendable, Equatable {
        var sha: String
        var converter: Int
        var id: String
        var idBase: String
        var department: Bool
        var fixedID: String?
        /// Size and modification time (ns) of the input when it was hashed: the same stat means the same hash.
        var size: Int64 = -1
        var mtime: Int64 = 0
        /// The input's bytes' `ContentHash` (hex; empty when not known), to tell that a file whose stat proves
        /// nothing (see `Cache.trusts`) has not changed without its SHA-256: twenty times faster here, and every
        /// report a user has just copied in is read again by the next run.
        var quick = ""
    }

    /// What the last run knew: per input its hash and id key, per Markdown file the fields `scanMarkdown`
    /// reads, each with the stat it was taken at, and when those stats were taken.
    struct Cache: Sendable {
        var entries: [String: CacheEntry] = [:]
        var markdown: [String: (size: Int64, mtime: Int64, info: ExistingInfo)] = [:]
        var scannedAt: Int64 = 0
        /// The cache was written for the current catalog bytes, so a run parsed them without error.
        var vouchesForCatalog = false
        /// A stat proves nothing for a file changed within a second of the scan (it may have changed again
        /// within the same timestamp tick): such files are read again next time.
        func trusts(size: Int64, mtime: Int64, as old: (size: Int64, mtime: Int64)) -> Bool {
            old.size >= 0 && old.size == size && old.mtime == mtime && mtime < scannedAt - 1_000_000_000
        }
    }

    /// Converts what changed since the last run; `force` converts everything again (locked files are still kept).
    public func run(force: Bool = false) throws -> ConvertSummary {
        let started = Date()
        var clock = PhaseClock()
        let scannedAt = Int64(started.timeIntervalSince1970 * 1e9)
        let fm = FileManager.default
        var summary = ConvertSummary()

        // The catalog: an error in it stops the whole run. It is hashed now and parsed only when a report
        // must be analysed, or when no cache vouches for these bytes (then it is parsed now, so an error in
        // it stops the run before anything is written, as it always did).
        let catalogBytes = fm.contents(atPath: layout.catalog)
        let catalogHash = catalogBytes.map { SHA256.hex(Array($0)) } ?? "none"
        let catalogFile = layout.catalog
        func parseCatalog() throws -> FactExtractor {
            guard let data = catalogBytes else { return FactExtractor(catalog: Catalog(themes: [], indicators: [])) }
            guard let yaml = String(data: data, encoding: .utf8) else {
                throw Diagnostic(file: catalogFile, "the catalog is not UTF-8 text")
            }
            return try FactExtractor(catalogYAML: yaml, file: catalogFile)
        }
        // The reports folder is listed on another thread while the cache is read.
        let listed = Slots<[Listed]>(1)
        let listing = DispatchGroup()
        let lister = UncheckedBox(self), reportsDir = layout.reports
        DispatchQueue.global().async(group: listing) { listed.set(0, lister.value.listFiles(reportsDir)) }
        let cacheAll = force ? Cache() : readCache(layout.markdown, catalogHash: catalogHash)
        listing.wait()
        var parsedExtractor: FactExtractor? = cacheAll.vouchesForCatalog ? nil : try parseCatalog()

        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: layout.reports, isDirectory: &isDir), isDir.boolValue else {
            throw Diagnostic(file: layout.reports, "no reports folder: put report files (.txt, .html, .md) under \(layout.reports)/")
        }
        let markdownDir = layout.markdown
        if !fm.fileExists(atPath: markdownDir) {
            do { try fm.createDirectory(atPath: markdownDir, withIntermediateDirectories: true) } catch {
                throw Diagnostic(file: markdownDir, "cannot create the folder: \(error.localizedDescription)")
            }
        }

        // Temporary files a killed convert left in the Markdown folder.
        FileText.removeStaleTemporaryFiles(in: markdownDir)

        // Inputs, sorted by path. Anything under reports/ that is not read is said, never dropped in silence.
        var found: [Input] = []
        var skippedNotes: [String] = []
        for entry in listed.items[0] ?? [] {
            let rel = entry.relative
            let path = layout.reports + "/" + rel
            let ext = Converter.pathExtension(rel).lowercased()
            switch entry.kind {
            case .file(let size):
                guard Converter.extensions.contains(ext) else { summary.ignored.append(path); continue }
                if size > maxInputBytes {
                    summary.failed.append(Diagnostic(file: path, "the file is \(Converter.megabytes(size)) MB, larger than the \(Converter.megabytes(Int64(maxInputBytes))) MB a report may have; skipped (a report is rarely above 1 MB: is it a report?)"))
                    continue
                }
                found.append(Input(relative: rel, source: path, stamp: (size, entry.mtime)))
            case .hidden:
                if Converter.extensions.contains(ext) { skippedNotes.append("\(path): ignored (a hidden file: its name starts with '.')") }
            case .special(let what):
                if Converter.extensions.contains(ext) { summary.failed.append(Diagnostic(file: path, "not a regular file (\(what)); skipped")) }
                else { skippedNotes.append("\(path): ignored (\(what))") }
            case .brokenLink(let why):
                summary.failed.append(Diagnostic(file: path, "\(why); skipped"))
            case .loop(let target):
                skippedNotes.append("\(path): ignored (a symbolic link loop: it leads back to \(target), which is read once)")
            case .unreadableFolder(let why):
                summary.failed.append(Diagnostic(file: path, "cannot read the folder: \(why); its files are skipped"))
            }
        }
        let inputs = found
        summary.inputs = inputs.count
        let cache = cacheAll.entries
        // Looked up once per input: hashing a Chinese path costs more than anything else this loop does.
        let cached: [CacheEntry?] = inputs.map { cache[$0.source] }
        let trusted: [Bool] = inputs.indices.map { i in
            let st = inputs[i].stamp
            guard let c = cached[i] else { return false }
            return cacheAll.trusts(size: st.size, mtime: st.mtime, as: (c.size, c.mtime))
        }
        // A report that may have changed will likely be analysed: the gazetteer (tens of milliseconds to load)
        // is loaded on another thread meanwhile.
        if trusted.contains(false) {
            DispatchQueue.global().async { _ = Gazetteer.shared }
            mayHaveChanged?()
        }

        // Existing Markdown files: which are locked, which source each came from.
        let (existing, markdownStamps, markdownAllTrusted) = scanMarkdown(markdownDir, cache: cacheAll)
        var lockedBySource: [String: String] = [:]
        var reserved = Set<String>()
        for (file, info) in existing.sorted(by: { $0.key < $1.key }) where info.locked {
            reserved.insert(String(file.dropLast(3)))
            if !info.source.isEmpty, lockedBySource[info.source] == nil { lockedBySource[info.source] = file }
        }

        clock.lap("convert scan")
        // Pass 1 (concurrent): hash every input whose size or time changed (the cache's hash is kept for the
        // rest). Bytes are not kept: a national corpus does not fit in memory.
        let total = inputs.count
        let hashes: [Result<(sha: String, quick: String), Diagnostic>] = parallelMap(inputs.count) { i in
            if trusted[i], let c = cached[i] { return .success((c.sha, c.quick)) }
            guard let data = fm.contents(atPath: inputs[i].source) else {
                return .failure(Diagnostic(file: inputs[i].source, "cannot read the file"))
            }
            let quick = data.withUnsafeBytes { ContentHash.digest($0).hex }
            if let c = cached[i], !c.quick.isEmpty, c.quick == quick, c.size == inputs[i].stamp.size { return .success((c.sha, quick)) }
            return .success((SHA256.hex([UInt8](data)), quick))
        }

        // Duplicates, kept files, up-to-date files.
        var firstBySHA: [String: String] = [:]
        var duplicateSources = Set<String>()
        var live: [Int] = []                 // inputs that get a Markdown file of their own
        var sha: [Int: String] = [:]
        var quick: [Int: String] = [:]       // ContentHash per input, as pass 1 found it
        var keys: [Int: CacheEntry] = [:]    // id key per live input
        var toAnalyze: [Int] = []
        var outputs = Set<String>()          // Markdown file names this run stands behind
        for (i, input) in inputs.enumerated() {
            let h: String
            switch hashes[i] {
            case .failure(let d): summary.failed.append(d); continue
            case .success(let v): h = v.sha; quick[i] = v.quick
            }
            if let first = firstBySHA[h] {
                duplicateSources.insert(input.source)
                summary.duplicates.append("\(input.source): duplicate of \(first)")
                continue
            }
            firstBySHA[h] = input.source
            if !lockedBySource.isEmpty, let lockedFile = lockedBySource[input.source] {
                summary.kept.append(markdownDir + "/" + lockedFile)
                outputs.insert(lockedFile)
                continue
            }
            live.append(i)
            sha[i] = h
            if let c = cached[i], c.sha == h, c.converter == Converter.version,
               let e = existing[c.id + ".md"], e.source == input.source, e.sha == h, e.converter == Converter.version, !e.locked {
                keys[i] = c
            } else {
                toAnalyze.append(i)
            }
        }

        clock.lap("convert hash")
        // Pass 2 (concurrent): analyse and render each changed input once. Its id needs the whole corpus's keys
        // (place, year, kind), so the document is kept without one, in a spill file (a national corpus's
        // documents do not fit in memory), and pass 3 puts the id in.
        if parsedExtractor == nil, !toAnalyze.isEmpty { parsedExtractor = try parseCatalog() }
        let extractor = parsedExtractor
        let hashOf = sha
        // Read again when needed; the hash is the one from pass 1.
        @Sendable func read(_ i: Int) -> Result<([UInt8], String), Diagnostic> {
            guard let data = fm.contents(atPath: inputs[i].source), let h = hashOf[i] else {
                return .failure(Diagnostic(file: inputs[i].source, "cannot read the file"))
            }
            return .success(([UInt8](data), h))
        }
        @Sendable func analyze(_ i: Int, _ extractor: FactExtractor) -> Result<AnalyzedReport, Diagnostic> {
            switch read(i) {
            case .failure(let d): return .failure(d)
            case .success(let (bytes, h)):
                let analyzer = ReportAnalyzer(gazetteer: Gazetteer.shared, extractor: extractor)
                do throws(Diagnostic) {
                    return .success(try analyzer.analyze(bytes: bytes, source: inputs[i].source, relativePath: inputs[i].relative, sha256: h))
                } catch { return .failure(error) }
            }
        }
        let spill = toAnalyze.isEmpty ? nil : ScratchFile(directory: markdownDir)
        // Progress is shown here, where the time goes (pass 3 only writes).
        let analyseCount = ProgressCounter(total: toAnalyze.count)
        let showProgress = progress != nil && (progressAlways || total >= largeCorpus)
        let prepared: [Result<PreparedReport, Diagnostic>] = parallelMap(toAnalyze.count) { j in
            let i = toAnalyze[j]
            if showProgress, let progress { analyseCount.finished { progress("[\($0)/\(toAnalyze.count)] convert \(inputs[i].source)") } }
            return analyze(i, extractor!).map { PreparedReport(report: $0, spill: spill, handoff: handoff) }
        }
        var changed: [Int: PreparedReport] = [:]
        for (j, i) in toAnalyze.enumerated() {
            switch prepared[j] {
            case .success(let p):
                keys[i] = p.key
                changed[i] = p
            case .failure(let d): summary.failed.append(d)
            }
        }
        live = live.filter { keys[$0] != nil }

        clock.lap("convert analyse")
        // Ids over the whole corpus, in path order. An up-to-date input whose id moved is written again.
        let liveIDs = assignIDs(live.map { (inputs[$0].source, keys[$0]!) }, reserved: reserved)
        var idOf = [String?](repeating: nil, count: inputs.count)   // by input index
        for (n, i) in live.enumerated() { idOf[i] = liveIDs[n] }
        let ids = idOf
        let toWrite = live.filter { changed[$0] != nil || keys[$0]!.id != ids[$0] }
        summary.unchanged = live.count - toWrite.count
        // An up-to-date input whose id moved is analysed again here (it was not in pass 2).
        if parsedExtractor == nil, toWrite.contains(where: { changed[$0] == nil }) { parsedExtractor = try parseCatalog() }
        let writeExtractor = parsedExtractor

        // Pass 3 (concurrent): put the id in and write; a file whose text is unchanged is not rewritten.
        enum Outcome: Sendable { case written(String, warnings: Int), same, failed(Diagnostic) }
        let outcomes: [Outcome] = parallelMap(toWrite.count) { j in
            let i = toWrite[j]
            let input = inputs[i]
            guard let id = ids[i] else { return .failed(Diagnostic(file: input.source, "no id")) }
            let text: [UInt8]
            let warnings: Int
            let kept: (any Sendable)?
            if let p = changed[i], let document = p.document(id: id, from: spill) {
                text = document
                warnings = p.warnings
                kept = p.kept
            } else {
                switch analyze(i, writeExtractor!) {
                case .failure(let d): return .failed(d)
                case .success(let report):
                    text = report.document(id: id)
                    warnings = report.frontMatter.warnings.count
                    kept = handoff?.analysed(report.reportDocument(id: ""))
                }
            }
            let path = markdownDir + "/" + id + ".md"
            // A file the folder did not have when it was scanned is created (not looked for first: each look took
            // the folder's lock while the other core was writing into it).
            let isNew = existing[id + ".md"] == nil
            if !isNew && FileText.holds(path, text) { return .same }
            do throws(Diagnostic) {
                let stat = try Converter.writeAtomically(text, to: path, new: isNew)
                handoff?.written(path: path, id: id, bytes: text, size: stat.size, mtime: stat.mtime, kept: kept)
            } catch { return .failed(error) }
            return .written(path, warnings: warnings)
        }
        clock.lap("convert write")
        var failedWrite = Set<Int>()
        for (j, o) in outcomes.enumerated() {
            switch o {
            case .written(let path, let w): summary.converted.append(path); summary.warnings += w
            case .same: summary.unchanged += 1
            case .failed(let d): summary.failed.append(d); failedWrite.insert(toWrite[j])
            }
        }
        var newCache: [(source: String, entry: CacheEntry)] = []
        var entriesAsCached = true
        for i in live where !failedWrite.contains(i) {
            guard let id = ids[i] else { continue }
            outputs.insert(id + ".md")
            var entry = keys[i]!
            entry.sha = sha[i] ?? entry.sha; entry.converter = Converter.version; entry.id = id; entry.quick = quick[i] ?? ""
            entry.size = inputs[i].stamp.size; entry.mtime = inputs[i].stamp.mtime
            if entry != cached[i] { entriesAsCached = false }
            newCache.append((inputs[i].source, entry))
        }

        // Markdown whose source is gone (or that its source no longer maps to) is removed, unless locked.
        let failedSources = Set(summary.failed.map(\.file))
        let stale = existing.filter { !outputs.contains($0.key) }
        let idBySource = stale.isEmpty ? [:] : Dictionary(live.map { (inputs[$0].source, ids[$0] ?? "") }, uniquingKeysWith: { a, _ in a })
        for (file, info) in stale.sorted(by: { $0.key < $1.key }) {
            let path = markdownDir + "/" + file
            if info.locked {
                if !summary.kept.contains(path) { summary.kept.append(path) }
                summary.notes.append("\(path): kept (locked: true)\(info.source.isEmpty || fm.fileExists(atPath: info.source) ? "" : "; its source \(info.source) no longer exists")")
                continue
            }
            guard !info.source.isEmpty else { continue } // not written by convert: a person's file, left alone
            let why: String
            if !fm.fileExists(atPath: info.source) { why = "its source \(info.source) no longer exists" }
            else if failedSources.contains(info.source) { continue } // keep the last good Markdown of an input that failed now
            else if duplicateSources.contains(info.source) { why = "\(info.source) is a duplicate of another input" }
            else if let locked = lockedBySource[info.source] { why = "\(info.source) is kept in the locked file \(locked)" }
            else if let id = idBySource[info.source] { why = "\(info.source) now converts to \(id).md" }
            else { why = "\(info.source) is no longer a report input" }
            if unlink(path) == 0 {
                summary.removed.append(path)
                summary.notes.append("\(path): removed: \(why)")
            } else {
                summary.failed.append(Diagnostic(file: path, "cannot remove stale file: \(String(cString: strerror(errno)))"))
            }
        }
        for k in summary.kept where !summary.notes.contains(where: { $0.hasPrefix(k + ":") }) {
            summary.notes.append("\(k): kept (locked: true)")
        }
        for d in summary.duplicates { summary.notes.append("\(d); skipped") }
        for g in summary.ignored { summary.notes.append("\(g): ignored (not .txt, .html, .htm or .md)") }
        summary.notes += skippedNotes

        // Markdown stats from before this run's writes: a file written now differs and is read again next time.
        // When every stat was trusted and nothing else changed, the cache stays as it is: its older scan time
        // trusts the same files (a file read again keeps the scan time moving, so that it is trusted next time).
        let everyStatTrusted = markdownAllTrusted && !trusted.contains(false)
        // With every stat trusted and every entry as the cache has it (and as many of each), the cache would be
        // written with the same lines: it is not even made.
        let cacheHoldsThisRun = everyStatTrusted && entriesAsCached && newCache.count == cacheAll.entries.count
            && markdownStamps.count == cacheAll.markdown.count
        if !cacheHoldsThisRun {
            if let group = cacheWrites {
                let writer = UncheckedBox(self), newCache = newCache
                DispatchQueue.global().async(group: group) {
                    writer.value.writeCache(markdownDir, catalogHash: catalogHash, entries: newCache, markdown: markdownStamps,
                                            scannedAt: scannedAt, keepScanTime: everyStatTrusted)
                }
            } else {
                writeCache(markdownDir, catalogHash: catalogHash, entries: newCache, markdown: markdownStamps, scannedAt: scannedAt,
                           keepScanTime: everyStatTrusted)
            }
        }
        summary.converted.sort()
        summary.kept.sort()
        summary.failed.sort { ($0.file, $0.line ?? 0) < ($1.file, $1.line ?? 0) }
        clock.lap("convert rest")
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    // MARK: ids

    /// `<adcode>-<year>`, `-d` for a department report, `-2`, `-3`… for the next report with the same key,
    /// in the order of `items` (sorted paths). Ids set by a person and ids of locked files are taken first.
    /// Returns the ids in the order of `items` (their sources are distinct paths).
    func assignIDs(_ items: [(source: String, key: CacheEntry)], reserved: Set<String>) -> [String] {
        var taken = reserved
        var out = [String?](repeating: nil, count: items.count)
        for (k, item) in items.enumerated() {
            if let f = item.key.fixedID, !taken.contains(f) { taken.insert(f); out[k] = f }
        }
        for (k, item) in items.enumerated() where out[k] == nil {
            let base = item.key.idBase + (item.key.department ? "-d" : "")
            var id = base
            var n = 2
            while taken.contains(id) { id = "\(base)-\(n)"; n += 1 }
            taken.insert(id)
            out[k] = id
        }
        return out.map { $0! }
    }

    // MARK: files

    /// What the walk of the reports folder found at a path.
    enum ListedKind: Equatable {
        /// A regular file (or a symbolic link to one), with its size in bytes.
        case file(Int64)
        /// A file whose name starts with '.'.
        case hidden
        /// A named pipe, socket or device: reading one could block forever.
        case special(String)
        /// A symbolic link that leads nowhere (dangling, or a loop of links).
        case brokenLink(String)
        /// A folder (through a symbolic link) already walked: not walked again.
        case loop(String)
        case unreadableFolder(String)
    }

    struct Listed: Equatable {
        var relative: String
        var kind: ListedKind
        /// Modification time (ns) of a `.file`, from the same stat as its size.
        var mtime: Int64 = 0
    }

    /// Every entry under `root` that is not a folder, relative, sorted by UTF-8 bytes. Symbolic links are
    /// followed, each folder is walked once (a link loop is named, not followed again); hidden folders
    /// (.git) are skipped; only folders are opened (`O_DIRECTORY`), so a named pipe cannot block the run.
    ///
    /// Read with opendir/readdir, each entry looked at relative to its folder's descriptor (`fstatat`), and sorted
    /// once by its bytes: Foundation's listing, a whole-path `lstat` per entry and a sort comparing Strings made
    /// most of a no-change convert's time on 5,000 reports.
    func listFiles(_ root: String) -> [Listed] {
        struct FolderID: Hashable { var dev: UInt64; var ino: UInt64 }
        func folderID(_ st: stat) -> FolderID { FolderID(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino)) }
        var out: [Listed] = []
        var visited: [FolderID: String] = [:] // the relative path walked first
        var rootStat = stat()
        guard stat(root, &rootStat) == 0 else { return [] }
        visited[folderID(rootStat)] = "."
        func walk(_ fd: Int32, _ rel: String) {
            guard let dir = fdopendir(fd) else {
                let why = String(cString: strerror(errno))
                close(fd)
                if !rel.isEmpty { out.append(Listed(relative: rel, kind: .unreadableFolder(why))) }
                return
            }
            defer { closedir(dir) }
            let dfd = dirfd(dir)
            while let entry = readdir(dir) {
                let name = FileText.entryName(entry)
                if name == "." || name == ".." { continue }
                let r = rel.isEmpty ? name : rel + "/" + name
                var lst = stat()
                guard fstatat(dfd, name, &lst, AT_SYMLINK_NOFOLLOW) == 0 else {
                    out.append(Listed(relative: r, kind: .brokenLink("cannot read the file: \(String(cString: strerror(errno)))")))
                    continue
                }
                let isLink = lst.st_mode & S_IFMT == S_IFLNK
                var st = lst
                if isLink, fstatat(dfd, name, &st, 0) != 0 {
                    let e = errno
                    var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                    let n = readlinkat(dfd, name, &target, Int(PATH_MAX))
                    let to = n >= 0 ? String(decoding: target[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
                    let why = e == ELOOP ? "a symbolic link loop (\(name) → \(to))" : "a broken symbolic link (to \(to): \(String(cString: strerror(e))))"
                    out.append(Listed(relative: r, kind: name.hasPrefix(".") ? .hidden : .brokenLink(why)))
                    continue
                }
                switch st.st_mode & S_IFMT {
                case S_IFDIR:
                    if name.hasPrefix(".") { continue }
                    if let first = visited[folderID(st)] {
                        out.append(Listed(relative: r, kind: .loop(first == "." ? "the reports folder" : first)))
                        continue
                    }
                    visited[folderID(st)] = r
                    let sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                    guard sub >= 0 else {
                        out.append(Listed(relative: r, kind: .unreadableFolder(String(cString: strerror(errno)))))
                        continue
                    }
                    walk(sub, r)
                case S_IFREG:
                    out.append(Listed(relative: r, kind: name.hasPrefix(".") ? .hidden : .file(Int64(st.st_size)), mtime: FileText.modificationTime(st)))
                case S_IFIFO: out.append(Listed(relative: r, kind: .special("a named pipe")))
                case S_IFSOCK: out.append(Listed(relative: r, kind: .special("a socket")))
                case S_IFCHR, S_IFBLK: out.append(Listed(relative: r, kind: .special("a device")))
                default: out.append(Listed(relative: r, kind: .special("not a file")))
                }
            }
        }
        let fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        walk(fd, "")
        return Converter.sortedByBytes(out, \.relative)
    }

    /// `items` sorted by the UTF-8 bytes of `key` (as `utf8Precedes` orders them), each key's bytes copied once.
    static func sortedByBytes<T>(_ items: [T], _ key: (T) -> String) -> [T] {
        let keys: [[UInt8]] = items.map { Array(key($0).utf8) }
        let order = keys.indices.sorted { a, b in
            keys[a].withUnsafeBufferPointer { x in keys[b].withUnsafeBufferPointer { y in bytesPrecede(x, y) } }
        }
        return order.map { items[$0] }
    }

    /// The extension of a listed path, as `NSString.pathExtension` reads it (for a path without empty
    /// components or a trailing slash, which a listing never has): what follows the last "." of the last
    /// component, unless that dot starts the component (a hidden file). Without NSString's bridging and
    /// slash clean-up, which cost more than the rest of a no-change run's listing.
    static func pathExtension(_ path: String) -> String {
        let componentStart = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        let component = path[componentStart...]
        guard let dot = component.lastIndex(of: "."), dot != component.startIndex else { return "" }
        return String(component[component.index(after: dot)...])
    }

    static func megabytes(_ bytes: Int64) -> String { String(format: "%.1f", Double(bytes) / 1_048_576) }

    struct ExistingInfo: Sendable {
        var source: String
        var sha: String
        var converter: Int
        var locked: Bool
    }

    /// The Markdown files in `dir`, with the few front-matter fields convert needs (from the cache for a file
    /// whose size and time are unchanged), and the stats they were taken at.
    /// The third value says whether every file's fields came from the cache (its stat was trusted).
    func scanMarkdown(_ dir: String, cache: Cache = Cache())
        -> ([String: ExistingInfo], [String: (size: Int64, mtime: Int64, info: ExistingInfo)], Bool) {
        let fm = FileManager.default
        // Listed and looked at relative to the folder's descriptor (a whole-path stat per file cost more).
        guard let folder = opendir(dir) else { return ([:], [:], true) }
        var names: [String] = []
        var stats: [(size: Int64, mtime: Int64)?] = []
        let dfd = dirfd(folder)
        while let entry = readdir(folder) {
            let name = FileText.entryName(entry)
            guard name.hasSuffix(".md"), !name.hasPrefix(".") else { continue }
            var st = stat()
            names.append(name)
            stats.append(fstatat(dfd, name, &st, 0) == 0 ? (Int64(st.st_size), FileText.modificationTime(st)) : nil)
        }
        closedir(folder)
        let fromCache: [ExistingInfo?] = (0..<names.count).map { i in
            guard let st = stats[i], let c = cache.markdown[names[i]], cache.trusts(size: st.size, mtime: st.mtime, as: (c.size, c.mtime)) else { return nil }
            return c.info
        }
        let infos: [ExistingInfo?] = parallelMap(names.count) { i in
            if let info = fromCache[i] { return info }
            guard let data = fm.contents(atPath: dir + "/" + names[i]), let wanted = Converter.convertFields(data) else { return nil }
            if let f = CanonicalFrontMatter.convertFields(wanted) {
                return ExistingInfo(source: f.source, sha: f.sourceSHA256, converter: f.converter, locked: f.locked)
            }
            guard let f = try? FrontMatterReader.frontMatter(wanted, file: names[i]) else {
                // Unreadable fields: never overwrite or remove what a person may have locked.
                let locked = wanted.contains("locked:") && !wanted.contains("locked: false")
                return ExistingInfo(source: "", sha: "", converter: 0, locked: locked)
            }
            return ExistingInfo(source: f.source, sha: f.sourceSHA256, converter: f.converter, locked: f.locked)
        }
        var out: [String: ExistingInfo] = [:]
        var stamped: [String: (size: Int64, mtime: Int64, info: ExistingInfo)] = [:]
        for (k, (name, info)) in zip(names, infos).enumerated() {
            guard let info else { continue }
            out[name] = info
            if let st = stats[k] { stamped[name] = (st.size, st.mtime, info) }
        }
        return (out, stamped, !fromCache.contains { $0 == nil })
    }

    /// Whether the bytes hold a "\r" (on the buffer: Data's own iterator is slow).
    static func hasCarriageReturn(_ data: Data) -> Bool {
        data.withUnsafeBytes { $0.contains(0x0D) }
    }

    static let convertFieldNames = ["source:", "source_sha256:", "converter:", "locked:"]

    /// The front-matter lines convert needs (source, source_sha256, converter, locked), joined by line breaks;
    /// nil when the file has no front matter. Only these fields are read: a big facts list is not parsed.
    static func convertFields(_ data: Data) -> String? {
        data.withUnsafeBytes { raw -> String? in
            let bytes = raw.bindMemory(to: UInt8.self)
            let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            guard let yaml = FrontMatterReader.bounds(bytes, from: start)?.yaml else { return nil }
            var wanted: [String] = []
            var i = yaml.lowerBound
            while i < yaml.upperBound {
                var end = i
                while end < yaml.upperBound, bytes[end] != 0x0A { end += 1 }
                let next = end + 1
                if end > i, bytes[end - 1] == 0x0D { end -= 1 } // CRLF line ends: a locked file edited on Windows
                if let first = bytes[i..<end].first, first == UInt8(ascii: "s") || first == UInt8(ascii: "c") || first == UInt8(ascii: "l") {
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<end]), as: UTF8.self)
                    if convertFieldNames.contains(where: { text.hasPrefix($0) }) { wanted.append(text) }
                }
                i = next
            }
            return wanted.joined(separator: "\n")
        }
    }

    static let cacheHeader = "fazhi-convert-cache 2"

    /// The cache; empty when missing, of another version or catalog (then everything is hashed and read).
    func readCache(_ dir: String, catalogHash: String) -> Cache {
        guard let data = FileManager.default.contents(atPath: dir + "/" + Converter.cacheName) else { return Cache() }
        // Lines and fields split on bytes: the cache is written with "\n" and "\t" only (a carriage return
        // would join "\r\n" into one Character, so a file with one is split as text).
        var out = Cache()
        if Converter.hasCarriageReturn(data) {
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
            for (k, f) in lines.enumerated() where !Converter.readCacheLine(k, f, catalogHash: catalogHash, into: &out) { return Cache() }
            return lines.count >= 3 ? out : Cache()
        }
        // Lines split at "\n" and their fields at "\t", on the bytes (both ASCII, never inside a character), into
        // one reused array of fields.
        var lineCount = 0
        let complete = data.withUnsafeBytes { raw -> Bool in
            let bytes = raw.bindMemory(to: UInt8.self)
            // Room for every line in each table: growing them rehashed every path several times.
            let lines = bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            out.entries.reserveCapacity(lines)
            out.markdown.reserveCapacity(lines)
            var fields: [String] = []
            fields.reserveCapacity(10)
            var start = 0
            for k in 0...bytes.count {
                let b: UInt8 = k < bytes.count ? bytes[k] : 0x0A
                guard b == 0x0A || b == 0x09 else { continue }
                fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<k]), as: UTF8.self))
                start = k + 1
                if b == 0x0A {
                    guard Converter.readCacheLine(lineCount, fields, catalogHash: catalogHash, into: &out) else { return false }
                    lineCount += 1
                    fields.removeAll(keepingCapacity: true)
                }
            }
            return true
        }
        return complete && lineCount >= 3 ? out : Cache()
    }

    /// Reads line `k` of the cache (its fields) into `cache`; false when the cache is not for this converter and
    /// catalog (its first three lines: header, catalog hash, scan time).
    static func readCacheLine(_ k: Int, _ f: [String], catalogHash: String, into cache: inout Cache) -> Bool {
        switch k {
        case 0: return f == [Converter.cacheHeader]
        case 1: return f == ["catalog", catalogHash]
        case 2:
            guard f.count == 2, f[0] == "scanned", let scanned = Int64(f[1]) else { return false }
            cache.scannedAt = scanned
            cache.vouchesForCatalog = true
        default:
            if f.count == 10 || f.count == 11, f[0] == "S", let conv = Int(f[3]), let size = Int64(f[8]), let mtime = Int64(f[9]) {
                cache.entries[f[1]] = CacheEntry(sha: f[2], converter: conv, id: f[4], idBase: f[5], department: f[6] == "1",
                                                 fixedID: f[7].isEmpty ? nil : f[7], size: size, mtime: mtime, quick: f.count == 11 ? f[10] : "")
            } else if f.count == 8, f[0] == "M", let size = Int64(f[2]), let mtime = Int64(f[3]), let conv = Int(f[6]) {
                cache.markdown[f[1]] = (size, mtime, ExistingInfo(source: f[4], sha: f[5], converter: conv, locked: f[7] == "1"))
            }
        }
        return true
    }

    func writeCache(_ dir: String, catalogHash: String, entries: [(source: String, entry: CacheEntry)],
                    markdown: [String: (size: Int64, mtime: Int64, info: ExistingInfo)], scannedAt: Int64, keepScanTime: Bool = false) {
        var out: [UInt8] = []
        out.reserveCapacity(256 * (entries.count + markdown.count) + 256)
        func field(_ s: String, _ end: UInt8 = 0x09) { out.append(contentsOf: s.utf8); out.append(end) }
        func clean(_ s: String) -> Bool { !s.utf8.contains(0x09) && !s.utf8.contains(0x0A) }
        field(Converter.cacheHeader, 0x0A)
        field("catalog"); field(catalogHash, 0x0A)
        field("scanned"); field(String(scannedAt), 0x0A)
        // Sorted by UTF-8 bytes (cheaper than String order for Chinese paths; the order only keeps the file stable).
        // Entries come in input order, which is already this order: checking costs less than sorting them.
        let sorted = zip(entries, entries.dropFirst()).allSatisfy { Converter.utf8Precedes($0.source, $1.source) }
            ? entries : entries.sorted { Converter.utf8Precedes($0.source, $1.source) }
        for (source, e) in sorted where clean(source) {
            field("S"); field(source); field(e.sha); field(String(e.converter)); field(e.id); field(e.idBase)
            field(e.department ? "1" : "0"); field(e.fixedID ?? ""); field(String(e.size)); field(String(e.mtime)); field(e.quick, 0x0A)
        }
        for name in markdown.keys.sorted(by: Converter.utf8Precedes) where clean(name) {
            guard let m = markdown[name], clean(m.info.source) else { continue }
            field("M"); field(name); field(String(m.size)); field(String(m.mtime)); field(m.info.source); field(m.info.sha)
            field(String(m.info.converter)); field(m.info.locked ? "1" : "0", 0x0A)
        }
        let path = dir + "/" + Converter.cacheName
        if let old = FileManager.default.contents(atPath: path) {
            if old.elementsEqual(out) { return }
            if keepScanTime, Converter.sameButScanTime(Array(old), out) { return }
        }
        try? FileText.replaceCache(path, with: out)
    }

    /// Whether two caches differ at most in their third line (the scan time).
    static func sameButScanTime(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        func thirdLine(_ x: [UInt8]) -> Range<Int>? {
            var starts = [0]
            for (k, byte) in x.enumerated() where byte == 0x0A {
                starts.append(k + 1)
                if starts.count == 4 { return starts[2]..<starts[3] }
            }
            return nil
        }
        guard let ra = thirdLine(a), let rb = thirdLine(b) else { return false }
        return a[..<ra.lowerBound].elementsEqual(b[..<rb.lowerBound]) && a[ra.upperBound...].elementsEqual(b[rb.upperBound...])
    }

    /// Whether `a` sorts before `b` by their UTF-8 bytes.
    static func utf8Precedes(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in b.withUTF8 { y in bytesPrecede(x, y) } }
    }

    /// Whether the bytes `x` sort before `y` (a prefix first).
    static func bytesPrecede(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Bool {
        let common = min(x.count, y.count)
        let c = common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common)
        return c != 0 ? c < 0 : x.count < y.count
    }

    /// Writes to a temporary file in the same folder, then renames it over the target (`FileText.replace`).
    static func writeAtomically(_ text: String, to path: String) throws(Diagnostic) {
        try writeAtomically(Array(text.utf8), to: path)
    }

    /// Returns the file's size and modification time as written (see `FileText.replace`). `new`: the file is not
    /// expected to exist (`FileText.create`).
    @discardableResult
    static func writeAtomically(_ bytes: [UInt8], to path: String, new: Bool = false) throws(Diagnostic) -> (size: Int64, mtime: Int64) {
        do throws(FileText.ReplaceFailure) {
            return try new ? FileText.create(path, with: bytes) : FileText.replace(path, with: bytes)
        } catch {
            switch error {
            case .write: throw Diagnostic(file: path, "cannot write the file")
            case .rename(let e): throw Diagnostic(file: path, "cannot write the file: \(String(cString: strerror(e)))")
            }
        }
    }
}

final class Slots<T>: @unchecked Sendable {
    var items: [T?]
    let lock = NSLock()
    init(_ n: Int) { items = Array(repeating: nil, count: n) }
    func set(_ i: Int, _ v: T) { lock.lock(); items[i] = v; lock.unlock() }
}

/// `f` over 0..<n on every core; results in index order.
func parallelMap<T>(_ n: Int, _ f: (Int) -> T) -> [T] {
    guard n > 0 else { return [] }
    let slots = Slots<T>(n)
    withoutActuallyEscaping(f) { f in
        let box = UncheckedBox(f)
        DispatchQueue.concurrentPerform(iterations: n) { i in slots.set(i, box.value(i)) }
    }
    return slots.items.map { $0! }
}

struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ v: T) { value = v }
}
