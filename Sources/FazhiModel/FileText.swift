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
        return bytes(fd: fd)
    }

    /// The bytes of the open file `fd` from its current offset to its end (as `bytes(path)`); nil when a read fails.
    public static func bytes(fd: Int32) -> [UInt8]? {
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
        writeNew(path, mode: mode) { fd in bytes.withUnsafeBytes { writeAll(fd, $0) } }
    }

    /// Creates `path`, which must not exist, and lets `write` write into it (returning 0, or the error number of
    /// a failed write). 0 when done; otherwise the error number, and nothing is left behind.
    public static func writeNew(_ path: String, mode: mode_t = 0o666, _ write: (Int32) -> Int32) -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { return errno }
        var failure = write(fd)
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
    /// Returns the new file's size and modification time (ns since 1970), as it was written.
    @discardableResult
    public static func replace(_ path: String, with bytes: [UInt8]) throws(ReplaceFailure) -> (size: Int64, mtime: Int64) {
        let tmp = temporaryPath(beside: path)
        var written: (size: Int64, mtime: Int64) = (-1, 0)
        let failure = writeNew(tmp) { fd in
            let e = bytes.withUnsafeBytes { writeAll(fd, $0) }
            var st = stat()
            if e == 0, fstat(fd, &st) == 0 { written = (Int64(st.st_size), modificationTime(st)) }
            return e
        }
        if failure != 0 { throw .write(failure) }
        if rename(tmp, path) != 0 {
            let e = errno
            unlink(tmp)
            throw .rename(e)
        }
        return written
    }

    /// Writes the new file `path` with `bytes` as `replace` does (a reader or a kill sees no file or the whole
    /// one), with one change to its folder instead of two: the file is written without a name in the folder
    /// (Linux's `O_TMPFILE`) and then linked under its name, where `replace` creates a temporary name and
    /// renames it. Each change takes the folder's lock, and convert writes every report into one folder from
    /// both cores: 20,000 files from two threads took 0.46–1.09 s this way (median 0.72 s) against 0.98–1.27 s
    /// with a look first, a temporary name and a rename (a C test, five runs each). Falls
    /// back to `replace` where there is no `O_TMPFILE`, or when `path` exists after all.
    @discardableResult
    public static func create(_ path: String, with bytes: [UInt8]) throws(ReplaceFailure) -> (size: Int64, mtime: Int64) {
        let (failure, written) = linkNew(path, bytes)
        if failure == 0 { return written }
        if failure != EEXIST && failure != ENOENT && failure != EPERM && failure != EXDEV && failure != EOPNOTSUPP && failure != EISDIR {
            throw .write(failure)
        }
        return try replace(path, with: bytes)
    }

    /// `create` without its fallback: 0 and the file's size and time when `path` was made from an unnamed file;
    /// otherwise the error number (EOPNOTSUPP where there is no `O_TMPFILE`, EEXIST when `path` exists, which is
    /// left as it was).
    static func linkNew(_ path: String, _ bytes: [UInt8]) -> (Int32, (size: Int64, mtime: Int64)) {
        #if os(Linux)
        let slash = path.utf8.lastIndex(of: UInt8(ascii: "/"))
        let folder = slash.map { String(path[..<$0]) } ?? "."
        let oTmpfile: Int32 = 0o20_000_000 | O_DIRECTORY // O_TMPFILE, which Glibc's module does not import
        let fd = open(folder.isEmpty ? "/" : folder, oTmpfile | O_WRONLY | O_CLOEXEC, 0o666)
        guard fd >= 0 else { return (errno, (-1, 0)) }
        defer { close(fd) }
        if case let failure = bytes.withUnsafeBytes({ writeAll(fd, $0) }), failure != 0 { return (failure, (-1, 0)) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return (errno, (-1, 0)) }
        if linkat(AT_FDCWD, "/proc/self/fd/\(fd)", AT_FDCWD, path, AT_SYMLINK_FOLLOW) != 0 { return (errno, (-1, 0)) }
        return (0, (Int64(st.st_size), modificationTime(st)))
        #else
        return (EOPNOTSUPP, (-1, 0))
        #endif
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

    /// A file open for reading, closed when released, with the stamp it had when it was opened.
    public final class OpenFile: @unchecked Sendable {
        public let fd: Int32
        public let size: Int
        public let mtime: Int64
        public let inode: UInt64

        /// nil when the file cannot be opened or is not a regular file.
        public init?(_ path: String) {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            var st = stat()
            guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { close(fd); return nil }
            self.fd = fd
            size = Int(st.st_size)
            mtime = FileText.modificationTime(st)
            inode = UInt64(st.st_ino)
        }

        deinit { close(fd) }
    }

    /// Appends `length` bytes of the open file `fd` from `offset` to `bytes`. 0 when done; otherwise the error
    /// number (EIO when the file ends before).
    public static func readRange(_ fd: Int32, offset: Int, length: Int, into bytes: inout [UInt8]) -> Int32 {
        let start = bytes.count
        var failure: Int32 = 0
        bytes.append(contentsOf: repeatElement(0, count: length))
        bytes.withUnsafeMutableBytes { buffer in
            var done = 0
            while done < length {
                let n = pread(fd, buffer.baseAddress! + start + done, length - done, off_t(offset + done))
                if n < 0, errno == EINTR { continue }
                if n <= 0 { failure = n < 0 ? errno : EIO; return }
                done += n
            }
        }
        return failure
    }

    /// Writes `length` bytes of the open file `source` from `offset` to `target` at its current offset. Linux
    /// copies them inside the kernel (`copy_file_range`: three times faster than reading and writing them here,
    /// for the 30 MB of an export); elsewhere, or when the kernel declines, they are read and written in chunks.
    /// 0 when done; otherwise the error number.
    public static func copyRange(from source: Int32, offset: Int, length: Int, to target: Int32) -> Int32 {
        var from = Int64(offset), left = length
        #if canImport(Glibc)
        if let copy = kernelCopy {
            while left > 0 {
                let n = copy(source, &from, target, nil, left, 0)
                if n < 0, errno == EINTR { continue }
                if n < 0, [EXDEV, EINVAL, ENOSYS, EOPNOTSUPP, EBADF].contains(errno) { break } // this pair of files: the slow way
                if n < 0 { return errno }
                if n == 0 { return EIO } // the source ended early
                from += Int64(n); left -= n
            }
        }
        #endif
        var chunk: [UInt8] = []
        while left > 0 {
            chunk.removeAll(keepingCapacity: true)
            let n = min(left, 1 << 20)
            let failure = readRange(source, offset: Int(from), length: n, into: &chunk)
            if failure != 0 { return failure }
            let written = chunk.withUnsafeBytes { writeAll(target, $0) }
            if written != 0 { return written }
            from += Int64(n); left -= n
        }
        return 0
    }

    #if canImport(Glibc)
    /// glibc's `copy_file_range` (2.27 and later), which Swift's Glibc module does not declare.
    private typealias CopyFileRange = @convention(c) (Int32, UnsafeMutablePointer<Int64>?, Int32, UnsafeMutablePointer<Int64>?, Int, UInt32) -> Int
    private static let kernelCopy: CopyFileRange? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "copy_file_range")
        .map { unsafeBitCast($0, to: CopyFileRange.self) }
    #endif

    /// Whether the files at `a` and `b` hold the same bytes (false when either cannot be read). Compared a
    /// mebibyte at a time, after their sizes.
    public static func sameBytes(_ a: String, _ b: String) -> Bool {
        guard let x = OpenFile(a), let y = OpenFile(b), x.size == y.size else { return false }
        var p: [UInt8] = [], q: [UInt8] = []
        var offset = 0
        while offset < x.size {
            let n = min(x.size - offset, 1 << 20)
            p.removeAll(keepingCapacity: true); q.removeAll(keepingCapacity: true)
            guard readRange(x.fd, offset: offset, length: n, into: &p) == 0, readRange(y.fd, offset: offset, length: n, into: &q) == 0,
                  p == q else { return false }
            offset += n
        }
        return true
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
