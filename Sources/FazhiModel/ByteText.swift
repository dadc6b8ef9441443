extension Array where Element == UInt8 {
    /// Appends a literal's UTF-8 bytes (no String made): how the writers of Markdown, HTML and exports put
    /// their fixed markup.
    @inlinable
    public mutating func append(literal s: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// Whether the eight bytes from `k` (which must exist) all have their high bit set: bytes of characters
    /// beyond ASCII, which no escaping of ours touches. Most text here is Chinese: the escapers test eight
    /// bytes at a time this way before testing one.
    @inlinable @inline(__always)
    public func eightAboveASCII(at k: Int) -> Bool {
        UnsafeRawPointer(baseAddress! + k).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0x8080_8080_8080_8080
    }
}
