import FazhiModel
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The incremental build's memory of the last build, kept beside the output in `.fazhi-cache/` (git-ignored:
/// the folder carries its own `.gitignore`). For output `public` it is `.fazhi-cache/public.build`.
///
/// It records every input (config, catalog, each template and asset, each Markdown file) with its size,
/// modification time and content hash (ContentHash); each Markdown file's parsed entry (so an unchanged report is not parsed);
/// each output file with the key of the inputs it was made from; the build's diagnostics; and a stamp of
/// the output's `.fazhi-site` marker, which every build replaces. A cache whose stamp does not match the
/// output (a build killed after changing the site but before writing the cache, a site removed or rebuilt
/// by hand), whose settings differ, or that cannot be read, is ignored: the build is then a full one.
struct BuildCache {
    static let version = 7
    static let magic = "fazhi-build-cache"

    /// Settings that change every page: cache version, the executable, base URL, paths as given.
    var settings: String = ""
    /// `.fazhi-site` marker stamp of the output this cache describes.
    var marker: String = ""
    /// When the inputs were looked at (ns since 1970): a stat is trusted only for files older than this by 1 s.
    var scannedAt: Int64 = 0
    /// Hash of config, catalog, templates and assets together.
    var globalKey: String = ""
    /// Every input: path → stamp.
    var inputs: [String: FileStamp] = [:]
    /// Every file of the output (but the marker and .gitkeep) → key of what it was made from (`SiteBuilder.keys`).
    var outputs: [String: ContentHash.Digest] = [:]
    var reportsCount = 0
    var pagesCount = 0
    var warnings = 0
    var failed: [Diagnostic] = []
    var problems: [Diagnostic] = []
    /// `.fazhi-site` marker stamp of the spare tree (the site this build replaced, or the copy of the site a clean
    /// build made), or "none".
    var spareMarker: String = "none"
    /// The files that differ between the spare and the site: what this build wrote or removed.
    var spareChanges: [String] = []
    /// Whether the spare was the site until this build replaced it, so files may have been put into it by hand
    /// (the next build removes what the site had not). False for the spare a clean build made (OutputTree).
    var spareWasSite = true
    /// Export path → where each report's rows lie in that file (`ExportLayout`; decoded with the entries).
    var exportLayouts: [String: ExportLayout] = [:]
    /// Markdown path → what reading it gave (decoded only when a build needs the model).
    var reads: [String: CachedRead] = [:]
    /// Markdown path → its record's bytes in the file this cache was read from. A build that keeps an entry
    /// keeps these too, and writing copies them instead of encoding the entry again (most of a rebuild's
    /// cache write: 5,000 entries are about 25 MB).
    var encodedReads: [String: ArraySlice<UInt8>] = [:]

    enum CachedRead {
        case entry(ReportEntry, [Diagnostic]); case failure(Diagnostic)

        /// What reading a Markdown file gave (`ContentLoader.read`).
        init(_ read: Result<(ReportEntry, [Diagnostic]), Diagnostic>) {
            switch read {
            case .success(let (e, ds)): self = .entry(e, ds)
            case .failure(let d): self = .failure(d)
            }
        }
    }

    /// `<dir of output>/.fazhi-cache/<name of output>.build`.
    static func path(for output: String) -> String { CacheFolder.location(for: output) + ".build" }

    // MARK: reading and writing

    /// Reads a cache; nil when missing, of another version, or garbled. `withReads: false` skips the
    /// per-report entries (all a no-change build needs).
    static func read(_ path: String, withReads: Bool) -> BuildCache? {
        FileText.bytes(path).flatMap { decode($0, withReads: withReads) }
    }

    /// A cache file as a build reads it: its bytes, and the file, kept open so that the next cache can copy the
    /// entries it keeps from it (`Writer`: an entry's bytes are `bytes[range]`, at that offset in the file).
    struct Loaded: Sendable {
        let bytes: [UInt8]
        let file: FileText.OpenFile

        init?(_ path: String) {
            guard let file = FileText.OpenFile(path), let bytes = FileText.bytes(fd: file.fd) else { return nil }
            self.bytes = bytes
            self.file = file
        }
    }

    /// A cache from the bytes of its file (a build reads the file once and decodes it twice: first without the
    /// entries, to see whether anything changed, then with them).
    static func decode(_ bytes: [UInt8], withReads: Bool) -> BuildCache? {
        var r = ByteReader(bytes)
        var c = BuildCache()
        guard (try? r.string()) == magic, (try? r.int()) == Int64(version) else { return nil }
        do {
            let readsLength = Int(try r.int())
            if withReads {
                let nReads = try r.count()
                for _ in 0..<nReads {
                    let from = r.pos
                    let p = try r.string()
                    if try r.int() == 0 {
                        c.reads[p] = .failure(try r.diagnostic())
                    } else {
                        let e = try r.entry()
                        c.reads[p] = .entry(e, try r.diagnostics())
                    }
                    c.encodedReads[p] = r.bytes[from..<r.pos]
                }
            } else {
                try r.skip(readsLength)
            }
            c.settings = try r.string()
            c.marker = try r.string()
            c.scannedAt = try r.int()
            c.globalKey = try r.string()
            let nIn = try r.count()
            c.inputs.reserveCapacity(nIn)
            for _ in 0..<nIn {
                let p = try r.string()
                c.inputs[p] = FileStamp(size: try r.int(), mtime: try r.int(), hash: try r.string())
            }
            let nOut = try r.count()
            c.outputs.reserveCapacity(nOut)
            for _ in 0..<nOut { let p = try r.string(); c.outputs[p] = ContentHash.Digest(h1: UInt64(bitPattern: try r.int()), h2: UInt64(bitPattern: try r.int())) }
            c.reportsCount = Int(try r.int()); c.pagesCount = Int(try r.int()); c.warnings = Int(try r.int())
            c.failed = try r.diagnostics()
            c.problems = try r.diagnostics()
            c.spareMarker = try r.string()
            c.spareChanges = try r.strings()
            c.spareWasSite = try r.bool()
            let layoutsLength = Int(try r.int())
            if withReads { c.exportLayouts = try r.exportLayouts() } else { try r.skip(layoutsLength) }
            guard (try r.string()) == "end" else { return nil }
        } catch { return nil }
        return c
    }

    /// The file: magic and version, the length of the entries, the entries (each Markdown file's read, by
    /// path), the rest (`tail`). The entries come first so that a build can write them early (`Writer`): they
    /// are known once the Markdown is read, the rest only at the end.
    func encoded() -> [UInt8] {
        var records: [ArraySlice<UInt8>] = []
        for (p, read) in reads.sorted(by: { $0.key < $1.key }) { records.append(encodedReads[p] ?? Self.encodedRead(p, read)) }
        return Self.head(entries: records) + tail()
    }

    /// Magic, version and the entries section (their count, then each record), for records sorted by path.
    static func head(entries records: [ArraySlice<UInt8>]) -> [UInt8] {
        let sink = FileSink()
        writeHead(records.map { .bytes($0) }, from: nil, into: sink)
        return sink.bytes
    }

    /// An entry's record for `writeHead`: bytes, or bytes kept from the cache file a build read (`Loaded`).
    enum HeadRecord {
        case bytes(ArraySlice<UInt8>)
        /// A slice of `Loaded.bytes`: the file has it at the slice's offset.
        case kept(ArraySlice<UInt8>)
    }

    /// Writes magic, version and the entries section. Kept records are copied from `source` by the kernel, the
    /// neighbours in one range (`FileSink.copy`): an add to 5,000 reports keeps 25 MB of them, which took
    /// 60 ms of CPU to gather in memory and write.
    static func writeHead(_ records: [HeadRecord], from source: FileText.OpenFile?, into sink: FileSink) {
        var w = ByteWriter()
        w.string(magic); w.int(Int64(version))
        w.int(Int64(records.reduce(8) { total, record in
            switch record { case .bytes(let b), .kept(let b): total + b.count }
        }))
        w.int(Int64(records.count))
        var out = SpliceWriter(into: sink, copyingFrom: source?.fd, bytes: w.bytes)
        for record in records {
            switch record {
            case .kept(let b) where source != nil:
                out.copy(b.indices)
            case .kept(let b), .bytes(let b):
                out.endCopy()
                out.bytes += b
                out.handOverIfFull()
            }
        }
        out.finish()
    }

    /// Everything after the entries.
    func tail() -> [UInt8] {
        // The inputs and the outputs (thousands each, sorted for a stable file) on both cores: this is a build's
        // last step but the rename, and the other core is idle then.
        let inputs = self.inputs, outputs = self.outputs
        let lists: [[UInt8]] = ParallelMap.map([true, false]) { isInputs in
            var w = ByteWriter()
            if isInputs {
                w.int(Int64(inputs.count))
                for (p, s) in inputs.sorted(by: { $0.key < $1.key }) { w.string(p); w.int(s.size); w.int(s.mtime); w.string(s.hash) }
            } else {
                w.int(Int64(outputs.count))
                for (p, k) in outputs.sorted(by: { $0.key < $1.key }) { w.string(p); w.int(Int64(bitPattern: k.h1)); w.int(Int64(bitPattern: k.h2)) }
            }
            return w.bytes
        }
        var w = ByteWriter()
        w.string(settings); w.string(marker); w.int(scannedAt); w.string(globalKey)
        w.bytes += lists[0]
        w.bytes += lists[1]
        w.int(Int64(reportsCount)); w.int(Int64(pagesCount)); w.int(Int64(warnings))
        w.diagnostics(failed); w.diagnostics(problems)
        w.string(spareMarker); w.strings(spareChanges); w.bool(spareWasSite)
        var layouts = ByteWriter()
        layouts.exportLayouts(exportLayouts)
        w.int(Int64(layouts.bytes.count)); w.bytes += layouts.bytes
        w.string("end")
        return w.bytes
    }

    /// One file's read as the cache stores it (what `encodedReads` holds): made while the build reads the file,
    /// on both cores, so that writing the cache only joins bytes.
    static func encodedRead(_ path: String, _ read: CachedRead) -> ArraySlice<UInt8> {
        var w = ByteWriter()
        w.string(path)
        switch read {
        case .failure(let d): w.int(0); w.diagnostic(d)
        case .entry(let e, let ds): w.int(1); w.entry(e); w.diagnostics(ds)
        }
        return w.bytes[...]
    }

    /// Writes the whole file or none (`FileText.replaceCache`); a failure to write only costs the next build time.
    func write(to path: String) {
        guard CacheFolder.make(for: path) else { return }
        try? FileText.replaceCache(path, with: encoded())
    }

    static func remove(_ path: String) { unlink(path) }

    /// Writes a cache in two steps: its head and entries into a temporary file on another thread, as soon as
    /// they are known (a build after adding one report to 5,000 wrote 25 MB at its very end, on one core), then
    /// the rest and the rename into place (`finish`), last, as `write(to:)` does.
    final class Writer: @unchecked Sendable {
        let path: String
        let temporary: String
        private let started: BackgroundWork<Bool>

        /// `records`: the entries, sorted by path; those `.kept` are in `source`, the file the build read.
        init(path: String, source: FileText.OpenFile?, records: @escaping @Sendable () -> [HeadRecord]) {
            self.path = path
            let temporary = FileText.temporaryPath(beside: path)
            self.temporary = temporary
            started = BackgroundWork {
                guard CacheFolder.make(for: path) else { return false }
                return FileText.writeNew(temporary) { fd in
                    let sink = FileSink(fd: fd)
                    BuildCache.writeHead(records(), from: source, into: sink)
                    return sink.failure
                } == 0
            }
        }

        /// Appends `tail` and renames the file into place; a failure only costs the next build time.
        func finish(tail: [UInt8]) {
            guard (try? started.wait()) == true else { return }
            let fd = open(temporary, O_WRONLY | O_APPEND | O_CLOEXEC)
            guard fd >= 0 else { unlink(temporary); return }
            let failure = tail.withUnsafeBytes { FileText.writeAll(fd, $0) }
            if close(fd) != 0 || failure != 0 { unlink(temporary); return }
            // (The old cache is removed first: see FileText.replaceCache.)
            try? FileText.renameCache(temporary, to: path)
        }

        /// The build failed: no cache is written.
        func cancel() {
            _ = try? started.wait()
            unlink(temporary)
        }
    }
}

/// `.fazhi-cache/` beside an output folder: the build cache and the spare tree (see OutputTree). The same
/// file system as the output, so trees move between them by rename.
enum CacheFolder {
    /// `<dir of output>/.fazhi-cache/<name of output>` (a prefix: callers add `.build`, `.spare`).
    static func location(for output: String) -> String {
        var o = output
        while o.count > 1, o.hasSuffix("/") { o.removeLast() }
        let ns = o as NSString
        let parent = ns.deletingLastPathComponent
        return (parent.isEmpty ? "." : parent) + "/.fazhi-cache/" + ns.lastPathComponent
    }

    /// The folder of a path in it.
    static func directory(of path: String) -> String { (path as NSString).deletingLastPathComponent }

    /// Creates the folder of a path in it, with its `.gitignore` (`*`), if missing; false when it cannot.
    static func make(for path: String) -> Bool {
        let dir = directory(of: path)
        let fm = FileManager.default
        if fm.fileExists(atPath: dir) { return true }
        guard (try? fm.createDirectory(atPath: dir, withIntermediateDirectories: true)) != nil else { return false }
        _ = fm.createFile(atPath: dir + "/.gitignore", contents: Data("# Fazhi's build cache: never committed.\n*\n".utf8))
        return true
    }
}

/// Size, modification time (ns) and content hash (ContentHash, hex) of an input file.
struct FileStamp: Equatable {
    var size: Int64
    var mtime: Int64
    var hash: String

    /// Size and mtime of a file; nil when it cannot be looked at.
    static func look(_ path: String) -> (size: Int64, mtime: Int64, inode: UInt64)? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return (Int64(st.st_size), FileText.modificationTime(st), UInt64(st.st_ino))
    }

    static func nowNanos() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}

// MARK: - A small binary format

struct ByteWriter {
    var bytes: [UInt8] = []
    mutating func int(_ v: Int64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func double(_ v: Double) { int(Int64(bitPattern: v.bitPattern)) }
    mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }
    mutating func string(_ s: String) { let u = Array(s.utf8); int(Int64(u.count)); bytes += u }
    mutating func strings(_ a: [String]) { int(Int64(a.count)); for s in a { string(s) } }
    mutating func optInt(_ v: Int?) { bool(v != nil); if let v { int(Int64(v)) } }
    mutating func diagnostic(_ d: Diagnostic) {
        string(d.severity.rawValue); string(d.file); optInt(d.line); optInt(d.column); string(d.message)
    }
    mutating func diagnostics(_ ds: [Diagnostic]) { int(Int64(ds.count)); for d in ds { diagnostic(d) } }
    mutating func exportLayouts(_ layouts: [String: ExportLayout]) {
        int(Int64(layouts.count))
        for (path, l) in layouts.sorted(by: { $0.key < $1.key }) {
            string(path); int(l.size); int(l.mtime); int(Int64(bitPattern: l.inode))
            int(Int64(l.blocks.count))
            // In file order, so the same layout is the same bytes.
            for (d, b) in l.blocks.sorted(by: { $0.value.start < $1.value.start }) {
                int(Int64(bitPattern: d.h1)); int(Int64(bitPattern: d.h2)); int(Int64(b.start)); int(Int64(b.end)); int(Int64(b.rows))
            }
        }
    }

    mutating func entry(_ e: ReportEntry) {
        string(e.file); int(Int64(e.factCount))
        strings(e.linkedAnchors.sorted()); strings(e.headingAnchors.sorted()); strings(e.problems)
        let m = e.meta
        for s in [m.id, m.title, m.published, m.publisher, m.indexNumber, m.docNumber, m.locality, m.prefecture,
                  m.province, m.adcode, m.source, m.sourceSHA256] { string(s) }
        optInt(m.year); string(m.kind?.rawValue ?? ""); string(m.level?.rawValue ?? "")
        int(Int64(m.converter)); bool(m.locked); strings(m.warnings)
        int(Int64(m.sections.count))
        for s in m.sections { string(s.anchor); string(s.heading); int(Int64(s.level)); string(s.part.rawValue); strings(s.themes) }
        int(Int64(m.indicators.count))
        for v in m.indicators {
            string(v.indicator); double(v.value); string(v.unit); string(v.qualifier.rawValue); string(v.anchor)
            double(v.confidence); string(v.rule)
            int(Int64(v.alternatives.count))
            for a in v.alternatives { double(a.value); string(a.anchor) }
        }
    }
}

struct ByteReader {
    struct Garbled: Error {}
    let bytes: [UInt8]
    var pos = 0
    /// Strings read with `sharedString`: an open-addressed table of 4,096 slots.
    private var sharedSlots = [(key: UInt64, text: String)?](repeating: nil, count: 4096)
    init(_ b: [UInt8]) { bytes = b }

    mutating func int() throws -> Int64 {
        guard pos + 8 <= bytes.count else { throw Garbled() }
        let at = pos
        pos += 8
        return Int64(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: Int64.self) })
    }
    mutating func count() throws -> Int {
        let n = try int()
        guard n >= 0, n <= Int64(bytes.count) else { throw Garbled() }
        return Int(n)
    }
    mutating func skip(_ n: Int) throws { guard n >= 0, pos + n <= bytes.count else { throw Garbled() }; pos += n }
    mutating func double() throws -> Double { Double(bitPattern: UInt64(bitPattern: try int())) }
    mutating func bool() throws -> Bool {
        guard pos < bytes.count else { throw Garbled() }
        defer { pos += 1 }
        return bytes[pos] != 0
    }
    mutating func string() throws -> String {
        let n = try count()
        guard pos + n <= bytes.count else { throw Garbled() }
        let at = pos
        pos += n
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[at..<(at + n)]), as: UTF8.self) }
    }
    /// A list of strings; `shared`: each read with `sharedString`.
    mutating func strings(shared: Bool = false) throws -> [String] {
        let n = try count()
        var out: [String] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(shared ? try sharedString() : try string()) }
        return out
    }

    /// A string that repeats from entry to entry (an indicator's id, the rule that found its value, a heading, a
    /// province), made once and shared by every entry that has it. 5,000 synthetic reports hold about 200,000 such
    /// strings (83,000 rules, 66,000 ids and 45,000 headings longer than the 15 bytes a String holds without
    /// allocating) but only 124 different ones: decoding the cache's strings took about 5,800 page faults of an
    /// add's memory before, 1,700 after.
    mutating func sharedString() throws -> String {
        let n = try count()
        guard pos + n <= bytes.count else { throw Garbled() }
        let at = pos
        pos += n
        let all = bytes
        return all.withUnsafeBufferPointer { buffer in
            let text = UnsafeBufferPointer(rebasing: buffer[at..<(at + n)])
            guard n > 15 else { return String(decoding: text, as: UTF8.self) } // held inline: nothing to share
            // Keyed by the length and the first and last eight bytes, compared whole when the key matches.
            let raw = UnsafeRawBufferPointer(text)
            let head = raw.loadUnaligned(as: UInt64.self), tail = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            let key = (head ^ (tail &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(n)) &* 0xFF51_AFD7_ED55_8CCD
            var slot = Int(truncatingIfNeeded: key >> 52) // 12 bits: sharedSlots.count
            for _ in 0..<8 {
                guard let known = sharedSlots[slot] else {
                    let made = String(decoding: text, as: UTF8.self)
                    sharedSlots[slot] = (key, made)
                    return made
                }
                if known.key == key {
                    var candidate = known.text
                    if candidate.withUTF8({ $0.count == n && memcmp($0.baseAddress!, raw.baseAddress!, n) == 0 }) { return known.text }
                }
                slot = (slot + 1) & (sharedSlots.count - 1)
            }
            return String(decoding: text, as: UTF8.self) // the table is full around here: not shared
        }
    }
    mutating func optInt() throws -> Int? { try bool() ? Int(try int()) : nil }
    mutating func diagnostic() throws -> Diagnostic {
        let sev = Diagnostic.Severity(rawValue: try string()) ?? .error
        let file = try string(), line = try optInt(), column = try optInt(), message = try string()
        return Diagnostic(sev, file: file, line: line, column: column, message)
    }
    mutating func diagnostics() throws -> [Diagnostic] {
        let n = try count()
        var out: [Diagnostic] = []
        for _ in 0..<n { out.append(try diagnostic()) }
        return out
    }

    mutating func exportLayouts() throws -> [String: ExportLayout] {
        var out: [String: ExportLayout] = [:]
        for _ in 0..<(try count()) {
            let path = try string()
            var l = ExportLayout(size: try int(), mtime: try int(), inode: UInt64(bitPattern: try int()), blocks: [:])
            let n = try count()
            l.blocks.reserveCapacity(n)
            for _ in 0..<n {
                let d = ContentHash.Digest(h1: UInt64(bitPattern: try int()), h2: UInt64(bitPattern: try int()))
                let start = Int(try int()), end = Int(try int()), rows = Int(try int())
                guard start >= 0, start <= end, end <= l.size, rows >= 0 else { throw Garbled() }
                l.blocks[d] = ExportLayout.Block(start: start, end: end, rows: rows)
            }
            out[path] = l
        }
        return out
    }

    mutating func entry() throws -> ReportEntry {
        let file = try string(), factCount = Int(try int())
        let linked = Set(try strings()), headings = Set(try strings()), problems = try strings()
        var m = ReportFrontMatter()
        m.id = try string(); m.title = try string(); m.published = try string(); m.publisher = try sharedString()
        m.indexNumber = try string(); m.docNumber = try string(); m.locality = try sharedString(); m.prefecture = try sharedString()
        m.province = try sharedString(); m.adcode = try string(); m.source = try string(); m.sourceSHA256 = try string()
        m.year = try optInt()
        m.kind = ReportKind(rawValue: try string())
        m.level = DivisionLevel(rawValue: try string())
        m.converter = Int(try int()); m.locked = try bool(); m.warnings = try strings()
        let ns = try count()
        m.sections.reserveCapacity(ns)
        for _ in 0..<ns {
            let anchor = try string(), heading = try sharedString(), level = Int(try int())
            guard let part = ReportPart(rawValue: try string()) else { throw Garbled() }
            m.sections.append(SectionInfo(anchor: anchor, heading: heading, level: level, part: part, themes: try strings(shared: true)))
        }
        let ni = try count()
        m.indicators.reserveCapacity(ni)
        for _ in 0..<ni {
            let ind = try sharedString(), value = try double(), unit = try sharedString()
            guard let q = Qualifier(rawValue: try string()) else { throw Garbled() }
            let anchor = try string(), conf = try double(), rule = try sharedString()
            let na = try count()
            var alts: [IndicatorValue.Alternative] = []
            for _ in 0..<na { alts.append(.init(value: try double(), anchor: try string())) }
            m.indicators.append(IndicatorValue(indicator: ind, value: value, unit: unit, qualifier: q, anchor: anchor,
                                               confidence: conf, rule: rule, alternatives: alts))
        }
        return ReportEntry(file: file, meta: m, factCount: factCount, linkedAnchors: linked, headingAnchors: headings, problems: problems)
    }
}
