import FazhiModel
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The output folder, replaced whole and atomically: a build writes into `<output>.tmp-build` beside it and
/// swaps it in only when complete, so a failed or killed build leaves the previous site as it was, and files
/// no longer produced disappear. A folder without the `.fazhi-site` marker is never replaced unless empty.
///
/// An incremental build does not start from an empty staging folder. After each swap the replaced tree is
/// kept as the *spare* (`.fazhi-cache/<output name>.spare`); the next build moves it back to the staging
/// path and brings it up to date with the site (`bringUpToDate`: the files the last build wrote or removed,
/// hard-linked from the site), then writes its own changes as new files and removes what it no longer
/// makes (`remove`). The cost is the number of changed files, not the size of the site. A clean build, which
/// replaces everything, makes a spare of its own (`startSpare`). Without a usable spare (after a kill), the
/// unchanged files are hard-linked one by one (`linkUnchanged`). A staging file that is also a name of the
/// site's file is never written through: a new file takes its place (`write`).
public struct OutputTree: Sendable {
    public static let marker = ".fazhi-site"
    public let output: String

    public init(_ output: String) {
        var o = output
        while o.count > 1, o.hasSuffix("/") { o.removeLast() }
        self.output = o
    }

    public var staging: String { output + ".tmp-build" }
    public var old: String { output + ".old" }
    /// The tree the last swap replaced, kept for the next build (see above).
    public var spare: String { CacheFolder.location(for: output) + ".spare" }

    enum Kind { case missing, file, emptyDir, site, foreign }

    static func kind(_ path: String) -> Kind {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return .missing }
        guard isDir.boolValue else { return .file }
        if FileManager.default.fileExists(atPath: path + "/" + marker) { return .site }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return entries.allSatisfy({ $0 == ".gitkeep" }) ? .emptyDir : .foreign
    }

    /// Checks the output may be replaced, clears leftovers of an interrupted build, and makes the staging
    /// folder: the spare moved there when `reuseSpare` (the caller knows which files it must bring up to date;
    /// returns true), an empty folder otherwise (a spare not reused is removed).
    @discardableResult
    public func prepare(reuseSpare: Bool = false) throws -> Bool {
        let fm = FileManager.default
        // A build killed between its two renames leaves `<output>.old` and no `<output>`: put the old site back.
        if Self.kind(output) == .missing, Self.kind(old) == .site {
            try fm.moveItem(atPath: old, toPath: output)
        }
        switch Self.kind(output) {
        case .file: throw Diagnostic(file: output, "the output is a file, not a folder; refusing to replace it")
        case .foreign: throw Diagnostic(file: output, "the output folder is not empty and has no \(Self.marker) marker, so it is not a site Fazhi built; refusing to replace it (empty it or choose another --output)")
        default: break
        }
        for leftover in [staging, old] {
            switch Self.kind(leftover) {
            case .missing: break
            case .site, .emptyDir: try fm.removeItem(atPath: leftover)
            case .file, .foreign: throw Diagnostic(file: leftover, "is in the way of the build and is not Fazhi's; refusing to remove it")
            }
        }
        var reused = false
        if reuseSpare, Self.kind(spare) == .site, rename(spare, staging) == 0 {
            reused = true
        } else {
            try removeSpare()
            try fm.createDirectory(atPath: staging, withIntermediateDirectories: true)
        }
        // A new marker (a new inode): a reused spare no longer matches the stamp the cache kept of it.
        try write(Self.marker, Self.markerText)
        return reused
    }

    static let markerText = Array("This folder is built by `fazhi build` and replaced whole on every build.\n".utf8)

    /// Creates the staging folders of files about to be written (one `mkdir` each).
    public func makeDirectories(for paths: [String]) throws {
        var made = Set<String>()
        for p in paths { try Self.makeFolders(above: p, in: staging, made: &made) }
    }

    /// Writes a file into the staging folder (its folder must exist). A file already there is written over
    /// in place when it has no other name (`FileText.overwrite`); otherwise (it may be a hard link to the
    /// site's file, which must not change) a new file takes its place. `replacing: false` when the staging
    /// folder started empty (it holds nothing to replace).
    public func write(_ relative: String, _ bytes: [UInt8], replacing: Bool = true) throws {
        let path = staging + "/" + relative
        // Anything but a done overwrite (no such file, other names, a file not writable, a failed write) takes
        // the way of a new file, whose own failure is the error.
        if replacing, FileText.overwrite(path, bytes) == 0 { return }
        if replacing, unlink(path) != 0, errno != ENOENT {
            throw Diagnostic(file: path, "cannot replace: \(String(cString: strerror(errno)))")
        }
        let failure = FileText.writeNew(path, bytes, mode: 0o644)
        if failure != 0 { throw Diagnostic(file: path, "cannot write: \(String(cString: strerror(failure)))") }
    }

    /// Writes a file into the staging folder as `make` makes it (its folder must exist): into a new file beside
    /// it, renamed over it when done (a file already there may be a hard link to the site's file, which must not
    /// change). With `unlessSiteHolds`, a result with the bytes the site's file has is dropped and the staging
    /// folder left as it was; returns whether the file was written.
    public func writeStream(_ relative: String, unlessSiteHolds: Bool, _ make: (FileSink) -> Void) throws -> Bool {
        let path = staging + "/" + relative
        let temporary = FileText.temporaryPath(beside: path)
        let failure = FileText.writeNew(temporary, mode: 0o644) { fd in
            let sink = FileSink(fd: fd)
            make(sink)
            return sink.failure
        }
        if failure != 0 { throw Diagnostic(file: path, "cannot write: \(String(cString: strerror(failure)))") }
        if unlessSiteHolds, FileText.sameBytes(temporary, output + "/" + relative) {
            unlink(temporary)
            return false
        }
        if rename(temporary, path) != 0 {
            let e = errno
            unlink(temporary)
            throw Diagnostic(file: path, "cannot write: \(String(cString: strerror(e)))")
        }
        return true
    }

    /// Every file under a folder, relative, sorted.
    static func files(under root: String) -> [String] {
        FileWalk.files(under: root, skipHidden: false).sorted()
    }

    /// Swaps the staging folder in. Returns how many files of the previous site are gone, counted by
    /// comparing the two trees unless the caller knows (`removed`: an incremental build). With `keepPrevious`
    /// the replaced tree becomes the spare; otherwise it is removed.
    @discardableResult
    public func commit(removed known: Int? = nil, keepPrevious: Bool = false) throws -> Int {
        let fm = FileManager.default
        var removed = known ?? 0
        let previous = Self.kind(output)
        if previous == .site || previous == .emptyDir {
            if fm.fileExists(atPath: output + "/.gitkeep"), !fm.fileExists(atPath: staging + "/.gitkeep") {
                // Keep the placeholder a repository tracks in an empty output folder.
                try write(".gitkeep", [])
            }
            if previous == .site, known == nil {
                let newFiles = Set(Self.files(under: staging))
                removed = Self.files(under: output).filter { !newFiles.contains($0) && $0 != ".gitkeep" }.count
            }
            let replaced: String
            if renameExchange(staging, output) {
                replaced = staging
            } else {
                try fm.moveItem(atPath: output, toPath: old)
                try fm.moveItem(atPath: staging, toPath: output)
                replaced = old
            }
            if previous == .site, keepPrevious, CacheFolder.make(for: spare), Self.kind(spare) == .missing, rename(replaced, spare) == 0 {
                return removed
            }
            try fm.removeItem(atPath: replaced)
        } else {
            try fm.moveItem(atPath: staging, toPath: output)
        }
        return removed
    }

    // MARK: Incremental: complete a partial staging folder with the previous site's unchanged files

    /// Whether `<output>` is a site Fazhi built (to update incrementally).
    public var isSite: Bool { Self.kind(output) == .site }

    /// Makes a staging folder that was the spare (the site before the previous one) equal to the site again:
    /// every file in `changed` (what the previous build wrote or removed) is replaced by a hard link to the
    /// site's file, or removed when the site has none. The site is only read.
    public func bringUpToDate(changed: [String]) throws {
        var made = Set<String>()
        for rel in changed where Self.isPlain(rel) && rel != Self.marker {
            let src = output + "/" + rel, dst = staging + "/" + rel
            if unlink(dst) != 0, errno != ENOENT {
                throw Diagnostic(file: dst, "cannot replace: \(String(cString: strerror(errno)))")
            }
            if link(src, dst) == 0 { continue }
            guard errno == ENOENT else { throw Diagnostic(file: dst, "cannot link: \(String(cString: strerror(errno)))") }
            var st = stat()
            if lstat(src, &st) != 0 { removeEmptyFolders(above: rel); continue } // gone from the site too
            try Self.makeFolders(above: rel, in: staging, made: &made)
            if link(src, dst) != 0 { throw Diagnostic(file: dst, "cannot link: \(String(cString: strerror(errno)))") }
        }
    }

    /// Removes every file of the staging folder that is not in `keep` (nor the marker, `.gitkeep` or the search
    /// bundle, which the build handles itself): a file put into the site by hand is never carried into a later
    /// site through the spare. Returns how many were removed.
    ///
    /// With `changedSince`, only folders whose status changed since then are looked into (`FileWalk`): for a
    /// spare, the time its marker was written, when the build that made it began. Every folder a file was put
    /// into since (by hand while the tree was the site, or by that build and this one) has changed since.
    @discardableResult
    public func removeStrays(keeping keep: Set<String>, changedSince: Int64? = nil) throws -> Int {
        // (The search bundle is the search step's to bring up to date: not walked.)
        let strays = FileWalk.files(under: staging, skipHidden: false, except: SearchIndex.bundle, changedSince: changedSince).filter {
            !keep.contains($0) && $0 != Self.marker && $0 != ".gitkeep"
        }
        try remove(strays)
        return strays.count
    }

    /// Removes files from the staging folder (with the folders they leave empty).
    public func remove(_ paths: [String]) throws {
        for rel in paths where Self.isPlain(rel) && rel != Self.marker {
            if unlink(staging + "/" + rel) != 0, errno != ENOENT {
                throw Diagnostic(file: staging + "/" + rel, "cannot remove: \(String(cString: strerror(errno)))")
            }
            removeEmptyFolders(above: rel)
        }
    }

    /// A relative path inside the tree: not empty, not absolute, no `..`.
    static func isPlain(_ rel: String) -> Bool {
        !rel.isEmpty && !rel.hasPrefix("/") && !rel.split(separator: "/").contains("..")
    }

    /// Creates the folders of a relative file path under `root` that are not there yet.
    private static func makeFolders(above rel: String, in root: String, made: inout Set<String>) throws {
        var comps = rel.split(separator: "/").dropLast()
        var missing: [String] = []
        while !comps.isEmpty, !made.contains(comps.joined(separator: "/")) { missing.append(comps.joined(separator: "/")); comps = comps.dropLast() }
        for d in missing.reversed() {
            if mkdir(root + "/" + d, 0o755) != 0, errno != EEXIST {
                throw Diagnostic(file: root + "/" + d, "cannot create the folder: \(String(cString: strerror(errno)))")
            }
            made.insert(d)
        }
    }

    private func removeEmptyFolders(above rel: String) {
        var comps = rel.split(separator: "/").dropLast()
        while !comps.isEmpty, rmdir(staging + "/" + comps.joined(separator: "/")) == 0 { comps = comps.dropLast() }
    }

    /// For an incremental build, whose staging folder holds only the files that changed (and a new marker):
    /// hard-links every other file of the previous site that the new site keeps into the staging folder, so
    /// that it becomes the whole new site, ready for `commit` to swap in at once. Links cost no copy; the
    /// previous site is never written to (the staged files were written before, as new files), so a build
    /// killed at any moment leaves it whole. `keep` lists the previous site's files, relative; those staged,
    /// the marker and anything under `except` (a folder the caller rebuilds) are skipped.
    public func linkUnchanged(_ keep: [String], except: String) throws {
        try Self.linkFiles(keep.filter { $0 != Self.marker && !$0.hasPrefix(except + "/") }, from: output, into: staging)
    }

    /// Hard-links the files `paths` (relative) of the tree `source` into the tree `target`, making the folders
    /// missing there; a file `target` has already is left as it is (staged: the new bytes), one `source` does
    /// not have is skipped.
    ///
    /// The list is linked in contiguous parts (sorted, mostly different folders), one a core, side by side: most
    /// of the time goes to creating the folders (ext4 looking for a free inode), and two parts took 0.27 s where
    /// one took 0.50–0.66 s for the 9,000 folders and 12,000 files of 5,000 reports.
    static func linkFiles(_ paths: [String], from source: String, into target: String) throws {
        let paths = paths.filter(isPlain).sorted()
        let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount, paths.count / 32))
        let failures = ParallelMap.map(Array(0..<parts)) { part -> Diagnostic? in
            var made = Set<String>()
            for rel in paths[(paths.count * part / parts)..<(paths.count * (part + 1) / parts)] {
                let src = source + "/" + rel, dst = target + "/" + rel
                func failed() -> Diagnostic { Diagnostic(file: dst, "cannot link: \(String(cString: strerror(errno)))") }
                if link(src, dst) == 0 { continue }
                switch errno {
                case EEXIST: continue // staged: the new bytes
                case ENOENT:
                    // The folder is not in the target yet (or the file is gone from the source: nothing to keep).
                    // Another part may be making it too: that is no error.
                    do { try makeFolders(above: rel, in: target, made: &made) } catch { return error as? Diagnostic ?? Diagnostic(file: dst, "\(error)") }
                    if link(src, dst) != 0, errno != ENOENT, errno != EEXIST { return failed() }
                default:
                    return failed()
                }
            }
            return nil
        }
        if let failure = failures.compactMap({ $0 }).first { throw failure }
    }

    // MARK: A clean build leaves a spare too

    /// A clean build (or a first one) replaces everything, so it has no replaced tree to keep, and the next build
    /// would have to make its staging folder a copy of the site: one `mkdir` a folder and one `link` a file, on
    /// that build's clock (0.2–0.3 s of an add at 5,000 reports). It makes the spare itself instead, as its own
    /// work leaves a core free: `startSpare` (beside the staging folder's folders) makes the spare's folder, its
    /// marker and the folders above `paths`; `fillSpare` links the staging folder's files into it before the
    /// swap. The marker comes first, so a spare left half made by a kill is a site the next build removes (its
    /// stamp is not the one the cache keeps, since the cache is written last). Returns false when it cannot
    /// (nothing is wrong with the build: the next one links the site instead); the spare is then removed.
    public func startSpare(folders paths: [String]) -> Bool {
        guard Self.kind(spare) == .missing, CacheFolder.make(for: spare), mkdir(spare, 0o755) == 0 else { return false }
        var made = Set<String>()
        do {
            guard FileText.writeNew(spare + "/" + Self.marker, Self.markerText, mode: 0o644) == 0 else { dropSpare(); return false }
            for p in paths where Self.isPlain(p) { try Self.makeFolders(above: p, in: spare, made: &made) }
            return true
        } catch {
            dropSpare()
            return false
        }
    }

    /// Links the staging folder's files `paths` into the spare `startSpare` made (see there).
    public func fillSpare(_ paths: [String]) -> Bool {
        do {
            try Self.linkFiles(paths.filter { $0 != Self.marker }, from: staging, into: spare)
            return true
        } catch {
            dropSpare()
            return false
        }
    }

    /// Removes the spare (a clean build that failed after `startSpare`).
    func dropSpare() { try? removeSpare() }

    /// Removes the spare, its marker first: the build cache trusts a spare by its marker's stamp, and a removal
    /// killed half way (files go one by one) left a spare that still had it, with files missing, which the next
    /// build took as its staging folder (the kill test found it: a site without hundreds of pages). A spare
    /// without its marker, left so by a kill, is removed too: the cache folder is Fazhi's alone. Anything else in
    /// its place (a link, a file) loses only its name. (`rest` removes the folder; a test stops it half way.)
    func removeSpare(rest: (String) throws -> Void = { try FileManager.default.removeItem(atPath: $0) }) throws {
        var st = stat()
        guard lstat(spare, &st) == 0 else { return }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { unlink(spare); return }
        unlink(spare + "/" + Self.marker)
        try rest(spare)
    }

    /// Removes the staging folder after a failure; the previous site stays.
    public func abort() {
        if Self.kind(staging) == .site { try? FileManager.default.removeItem(atPath: staging) }
    }
}

#if os(Linux)
@_silgen_name("renameat2")
private func c_renameat2(_ olddirfd: Int32, _ oldpath: UnsafePointer<CChar>, _ newdirfd: Int32, _ newpath: UnsafePointer<CChar>, _ flags: UInt32) -> Int32

/// Atomically exchanges two paths (Linux renameat2 RENAME_EXCHANGE); false when the system cannot.
func renameExchange(_ a: String, _ b: String) -> Bool {
    let AT_FDCWD: Int32 = -100
    let RENAME_EXCHANGE: UInt32 = 1 << 1
    return c_renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == 0
}
#else
func renameExchange(_ a: String, _ b: String) -> Bool { false }
#endif

