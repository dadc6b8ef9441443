extension Array where Element == UInt8 {
    /// Appends a literal's UTF-8 bytes (no String made): how the writers of Markdown, HTML and exports put
    /// their fixed markup.
    @inlinable
    public mutating func append(literal s: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }
}
