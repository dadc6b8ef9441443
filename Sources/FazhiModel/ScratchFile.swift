#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One temporary file that many threads append to and read back by range: documents kept out of memory until
/// they are needed (convert's rendered documents, the build's report fragments). It is created in `directory`
/// and unlinked at once, so nothing is left in the folder and the system frees it when the process ends, even
/// a killed one. One file, not one per document: on ext4, creating and deleting thousands of small files was a
/// large part of a full build.
public final class ScratchFile: @unchecked Sendable {
    private let fd: Int32
    private var end = 0
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    /// Nil when no file can be made in `directory` (`errno` says why).
    public init?(directory: String) {
        var template = Array((directory + "/.scratch-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { lock.deallocate(); return nil }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.fd = fd
        pthread_mutex_init(lock, nil)
    }

    deinit {
        close(fd)
        pthread_mutex_destroy(lock)
        lock.deallocate()
    }

    /// Appends `bytes`; returns where they are, or nil when they could not be written.
    public func append(_ bytes: some Collection<UInt8>) -> Range<Int>? {
        let data = Array(bytes)
        pthread_mutex_lock(lock)
        let start = end
        end += data.count
        pthread_mutex_unlock(lock)
        let failure = data.withUnsafeBytes { FileText.writeAll(fd, $0, at: start) }
        return failure == 0 ? start..<(start + data.count) : nil
    }

    /// The bytes at `range`; nil when they cannot be read.
    public func read(_ range: Range<Int>) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: range.count)
        var done = 0
        let ok = out.withUnsafeMutableBytes { buf -> Bool in
            while done < range.count {
                let n = pread(fd, buf.baseAddress! + done, range.count - done, off_t(range.lowerBound + done))
                if n < 0, errno == EINTR { continue }
                if n <= 0 { return false }
                done += n
            }
            return true
        }
        return ok ? out : nil
    }
}
