#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a file's bytes go as they are made: an open file, or memory (`FileSink()`). The maker keeps its own
/// buffer and hands it over (`take`) a mebibyte or so at a time, so a file of a hundred megabytes (the
/// corpus-wide exports at national scale) is never held whole. Parts of another file are copied by the kernel
/// (`FileText.copyRange`) without passing through this process.
public final class FileSink {
    private let fd: Int32?
    private var memory: [UInt8] = []
    /// How many bytes it has taken: the offset of the next one.
    public private(set) var count = 0
    /// The first failed write's error number (0: none); the writes after it are skipped.
    public private(set) var failure: Int32 = 0
    /// What a maker lets its buffer grow to before it hands it over.
    public static let chunk = 1 << 20

    /// Bytes kept in memory (`bytes`).
    public init() { fd = nil }

    /// Bytes written to `fd` (opened for writing by the caller, who closes it), from its current offset.
    public init(fd: Int32) { self.fd = fd }

    /// Takes `buffer`'s bytes and empties it, keeping its capacity.
    public func take(_ buffer: inout [UInt8]) {
        if buffer.isEmpty { return }
        if let fd {
            if failure == 0 { failure = buffer.withUnsafeBytes { FileText.writeAll(fd, $0) } }
        } else {
            memory.append(contentsOf: buffer)
        }
        count += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Takes `length` bytes of the open file `source` from `offset`.
    public func copy(from source: Int32, offset: Int, length: Int) {
        if length <= 0 { return }
        if let fd {
            if failure == 0 { failure = FileText.copyRange(from: source, offset: offset, length: length, to: fd) }
        } else if failure == 0 {
            failure = FileText.readRange(source, offset: offset, length: length, into: &memory)
        }
        count += length
    }

    /// The bytes taken, for a memory sink (empty for a file).
    public var bytes: [UInt8] { memory }
}
