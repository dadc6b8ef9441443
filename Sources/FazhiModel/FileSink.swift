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

/// Bytes made in memory and ranges of one open file (`source`), handed to a sink in the order they come, ranges
/// that follow each other in the source copied in one call (`FileSink.copy`): a file made again from the previous
/// one where its parts did not change (the exports, the build cache). The maker appends to `bytes` only after
/// `endCopy()`, so that `bytes` always come before the range being gathered, and calls `finish()` last.
public struct SpliceWriter {
    public let sink: FileSink
    let source: Int32?
    /// Made, not yet handed over.
    public var bytes: [UInt8]
    /// The range of `source` being gathered, after `bytes`.
    private var copying: Range<Int>?

    public init(into sink: FileSink, copyingFrom source: Int32?, bytes: [UInt8] = []) {
        self.sink = sink; self.source = source; self.bytes = bytes
    }

    /// Where the next byte lands: the sink's offset after what it has been given and what is pending.
    public var position: Int { sink.count + bytes.count + (copying?.count ?? 0) }

    /// The end, in the source, of the range being gathered (nil when bytes come last).
    public var copyEnd: Int? { copying?.upperBound }

    /// Copies `range` of the source next; joined to the range before it when they touch.
    public mutating func copy(_ range: Range<Int>) {
        precondition(source != nil, "a SpliceWriter without a source has nothing to copy")
        if let c = copying, c.upperBound == range.lowerBound {
            copying = c.lowerBound..<range.upperBound
            return
        }
        endCopy()
        copying = range
    }

    /// Hands over the bytes and the range gathered so far (before more bytes are appended).
    public mutating func endCopy() {
        guard let c = copying, let source else { return }
        sink.take(&bytes)
        sink.copy(from: source, offset: c.lowerBound, length: c.count)
        copying = nil
    }

    /// Hands the bytes over once they have grown to `FileSink.chunk` (while no range is pending).
    public mutating func handOverIfFull() {
        if copying == nil, bytes.count >= FileSink.chunk { sink.take(&bytes) }
    }

    /// Hands over everything still pending.
    public mutating func finish() {
        endCopy()
        sink.take(&bytes)
    }
}
