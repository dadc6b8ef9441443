/// Where a short sequence first occurs in another, by a plain scan: the texts searched here are a page, a
/// sentence or a template, and the needles a few elements long. Inlinable, so each caller gets a copy for its
/// own element type (bytes, Unicode scalars) instead of a generic call per element.
public enum Occurrence {
    /// The first index at or after `start`, with the whole of `needle` before `end` (default: the end of
    /// `haystack`), where `needle` begins; nil when there is none, or when `needle` is empty.
    @inlinable
    public static func first<H: RandomAccessCollection, N: RandomAccessCollection>(
        _ needle: N, in haystack: H, from start: Int, to end: Int? = nil
    ) -> Int? where H.Index == Int, N.Index == Int, H.Element == N.Element, H.Element: Equatable {
        let upper = end ?? haystack.endIndex
        guard let first = needle.first, upper - start >= needle.count else { return nil }
        let n0 = needle.startIndex
        var i = start
        let last = upper - needle.count
        while i <= last {
            if haystack[i] == first {
                var k = 1
                while k < needle.count, haystack[i + k] == needle[n0 + k] { k += 1 }
                if k == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
