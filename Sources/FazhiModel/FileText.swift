#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads and writes whole files with plain POSIX calls, without Foundation (this module does without it), for
/// every stage: FileManager's writes go through temporary files of their own and sync to disk, which costs more
/// than the work for a corpus of small files.
public enum FileText {
    /// The file's bytes; nil when it cannot be opened. Read straight into one uninitialised buffer a byte larger
    /// than the file (the build cache and the exports are tens of megabytes: a buffer of the exact size grew
    /// to twice that to see the end of the file), then in chunks for files that grew or have no size (pipes).
    public static func bytes(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        let size = fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG ? Int(st.st_size) : 0
        let capacity = max(size + 1, 65536)
        var failed = false
        var bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            count = 0
            while count < buffer.count {
                let n = posixRead(fd, buffer.baseAddress! + count, buffer.count - count)
                if n < 0 { if errno == EINTR { continue }; failed = true; break }
                if n == 0 { break }
                count += n
            }
        }
        if failed { return nil }
        if bytes.count == capacity {
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = chunk.withUnsafeMutableBytes { posixRead(fd, $0.baseAddress!, $0.count) }
                if n < 0 { if errno == EINTR { continue }; return nil }
                if n == 0 { break }
                bytes.append(contentsOf: chunk[0..<n])
            }
        }
        return bytes
    }

    /// Writes all of `buffer` to `fd`, at `offset` or, when nil, at the current position. 0 when done, otherwise
    /// the error number.
    public static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, at offset: Int? = nil) -> Int32 {
        var done = 0
        while done < buffer.count {
            let rest = buffer.count - done
            let n = offset.map { pwrite(fd, buffer.baseAddress! + done, rest, off_t($0 + done)) } ?? posixWrite(fd, buffer.baseAddress! + done, rest)
            if n < 0, errno == EINTR { continue }
            if n < 0 { return errno }
            if n == 0 { return EIO }
            done += n
        }
        return 0
    }

    /// Creates `path`, which must not exist, with `bytes`. 0 when done; otherwise the error number, and nothing is
    /// left behind.
    public static func writeNew(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o666) -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { return errno }
        var failure = bytes.withUnsafeBytes { writeAll(fd, $0) }
        if close(fd) != 0, failure == 0 { failure = errno }
        if failure != 0 { unlink(path) }
        return failure
    }

    /// Writes `bytes` over the file at `path` in place, when it exists and has no other name (one link): its blocks
    /// are reused and no inode is made, where creating a file cost a rebuild a tenth of its system time in
    /// ext4's inode allocator (which scans for recently freed inodes). Written over, then cut to the new length,
    /// never truncated to zero first (ext4 writes a file truncated to zero out at once on close). 0 when done;
    /// EMLINK when it has other names (or is not a regular file) and the open's error number when it cannot be
    /// opened: nothing was changed then; the write's error number when writing failed (part may be written).
    public static func overwrite(_ path: String, _ bytes: [UInt8]) -> Int32 {
        let fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return errno == ELOOP ? EMLINK : errno }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_nlink == 1 else {
            close(fd)
            return EMLINK
        }
        var failure = bytes.withUnsafeBytes { writeAll(fd, $0, at: 0) }
        if failure == 0, Int(st.st_size) != bytes.count, ftruncate(fd, off_t(bytes.count)) != 0 { failure = errno }
        if close(fd) != 0, failure == 0 { failure = errno }
        return failure
    }

    /// Why `replace` failed, with the error number.
    public enum ReplaceFailure: Error { case write(Int32), rename(Int32) }

    /// Replaces `path` with `bytes` atomically: writes a new temporary file beside it, then renames it over it, so
    /// a reader (or a kill) sees the old file or the new one, never a part.
    public static func replace(_ path: String, with bytes: [UInt8]) throws(ReplaceFailure) {
        let tmp = temporaryPath(beside: path)
        let failure = writeNew(tmp, bytes)
        if failure != 0 { throw .write(failure) }
        if rename(tmp, path) != 0 {
            let e = errno
            unlink(tmp)
            throw .rename(e)
        }
    }

    /// Replaces a cache file, whose loss only costs time: like `replace` (never half a file), but the old file is
    /// removed before the rename. ext4 writes a file renamed over another out at once (its safeguard for
    /// replace-via-rename), which cost a rebuild 15 ms for a 25 MB cache; a kill in between leaves no cache.
    public static func replaceCache(_ path: String, with bytes: [UInt8]) throws(ReplaceFailure) {
        let tmp = temporaryPath(beside: path)
        let failure = writeNew(tmp, bytes)
        if failure != 0 { throw .write(failure) }
        try renameCache(tmp, to: path)
    }

    /// Moves a finished temporary file to a cache's path, removing the old cache first (see `replaceCache`).
    public static func renameCache(_ temporary: String, to path: String) throws(ReplaceFailure) {
        unlink(path)
        if rename(temporary, path) != 0 {
            let e = errno
            unlink(temporary)
            throw .rename(e)
        }
    }

    /// A new temporary file name beside `path`: `.<name>.tmp-<pid>-<random>` in the same folder, so that a rename
    /// moves it into place.
    public static func temporaryPath(beside path: String) -> String {
        var dir = "", name = path
        if let slash = path.lastIndex(of: "/") {
            dir = String(path[..<slash])
            name = String(path[path.index(after: slash)...])
        }
        return (dir.isEmpty && !path.hasPrefix("/") ? "." : dir) + "/.\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// The name of an entry `readdir` returned, read where it lies. An entry is only as long as its name needs
    /// (`d_reclen`): copying its whole `d_name` array (256 bytes) read past the end of the entry, and past the
    /// end of readdir's buffer when the entry was its last, which crashed convert once in about ten runs.
    public static func entryName(_ entry: UnsafeMutablePointer<dirent>) -> String {
        let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        return String(cString: (UnsafeRawPointer(entry) + offset).assumingMemoryBound(to: CChar.self))
    }

    /// Removes from `dir` the temporary files (`temporaryPath`) of processes that no longer run: a write killed
    /// before its rename. A running process's files are left alone (another build may be writing them).
    public static func removeStaleTemporaryFiles(in dir: String) {
        guard let d = opendir(dir) else { return }
        var stale: [String] = []
        while let entry = readdir(d) {
            let name = entryName(entry)
            // `.<name>.tmp-<pid>-<random>`: what follows the last `.tmp-` is two numbers.
            let bytes = Array(name.utf8), marker = Array(".tmp-".utf8)
            guard bytes.first == UInt8(ascii: "."),
                  let at = (0...max(bytes.count - marker.count, 0)).last(where: { bytes[$0...].starts(with: marker) })
            else { continue }
            let parts = bytes[(at + marker.count)...].split(separator: UInt8(ascii: "-")).map { String(decoding: $0, as: UTF8.self) }
            guard parts.count == 2, let pid = Int32(parts[0]), UInt32(parts[1]) != nil else { continue }
            if pid != getpid(), kill(pid, 0) != 0, errno == ESRCH { stale.append(name) }
        }
        closedir(d)
        for name in stale { unlink(dir + "/" + name) }
    }

    /// Whether the file at `path` holds exactly `bytes` (read only when its size is theirs).
    public static func holds(_ path: String, _ bytes: [UInt8]) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0, Int(st.st_size) == bytes.count, let old = FileText.bytes(path), old.count == bytes.count else { return false }
        if bytes.isEmpty { return true }
        return old.withUnsafeBytes { o in bytes.withUnsafeBytes { memcmp(o.baseAddress!, $0.baseAddress!, bytes.count) == 0 } }
    }

    /// A stat's modification time, in nanoseconds since 1970.
    public static func modificationTime(_ st: stat) -> Int64 {
        #if canImport(Darwin)
        nanoseconds(st.st_mtimespec)
        #else
        nanoseconds(st.st_mtim)
        #endif
    }

    /// When a file's status (entries, links, times, owner) last changed, in ns since 1970: `ctime`, which no
    /// call can set back.
    public static func statusTime(_ st: stat) -> Int64 {
        #if canImport(Darwin)
        nanoseconds(st.st_ctimespec)
        #else
        nanoseconds(st.st_ctim)
        #endif
    }

    static func nanoseconds(_ t: timespec) -> Int64 { Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec) }

    /// A file mapped read-only into memory, unmapped when released: its bytes are the page cache's, not a copy
    /// (a build copies parts of the previous tens-of-megabytes exports).
    public final class Mapped: @unchecked Sendable {
        public let bytes: UnsafeRawBufferPointer
        public let size: Int
        public let mtime: Int64
        public let inode: UInt64

        /// nil when the file cannot be opened or mapped, or is not a regular file.
        public init?(_ path: String) {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            var st = stat()
            guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
            size = Int(st.st_size)
            mtime = FileText.modificationTime(st)
            inode = UInt64(st.st_ino)
            if size == 0 {
                bytes = UnsafeRawBufferPointer(start: nil, count: 0)
                return
            }
            guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else { return nil }
            bytes = UnsafeRawBufferPointer(start: p, count: size)
        }

        deinit {
            if let p = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: p), size) }
        }
    }

    /// The file as text (invalid UTF-8 shows as U+FFFD); nil when it cannot be opened.
    public static func read(_ path: String) -> String? {
        bytes(path).map { String(decoding: $0, as: UTF8.self) }
    }
}

#if canImport(Glibc)
private func posixRead(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ n: Int) -> Int { Glibc.read(fd, p, n) }
private func posixWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { Glibc.write(fd, p, n) }
#elseif canImport(Darwin)
private func posixRead(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ n: Int) -> Int { Darwin.read(fd, p, n) }
private func posixWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { Darwin.write(fd, p, n) }
#endif
