/// A set of words compiled once, found in text by a scan over unicode scalars (no regular expressions).
///
/// `compile()` (after the last `add`) builds a table from a word's first scalar to the words starting with it:
/// a direct array for the Basic Multilingual Plane, so the scan costs one array load per scalar.
struct WordIndex: Sendable {
    typealias S = Unicode.Scalar
    private(set) var words: [[S]] = []
    private var ids: [String: Int] = [:]
    private var byFirst: [S: [Int]] = [:]
    /// BMP scalar value → 1 + index of its candidate list (0: no word starts with it).
    private var bmpSlot: [UInt16] = []
    /// Scalars outside the BMP → 1 + index of its candidate list.
    private var astralSlot: [UInt32: Int] = [:]
    /// Candidate lists: the ids of the words starting with one scalar, `candidates[candidateStart[k]..<candidateStart[k + 1]]`.
    private var candidateStart: [Int32] = [0]
    private var candidates: [Int32] = []
    private var lengths: [Int32] = []

    /// The id of `word`, adding it when new.
    mutating func add(_ word: String) -> Int {
        if let id = ids[word] { return id }
        let id = words.count
        let scalars = Array(word.unicodeScalars)
        words.append(scalars)
        ids[word] = id
        if let f = scalars.first { byFirst[f, default: []].append(id) }
        return id
    }

    /// Builds the first-scalar tables. Call once after the last `add`.
    mutating func compile() {
        bmpSlot = [UInt16](repeating: 0, count: 0x10000)
        astralSlot = [:]
        candidateStart = [0]
        candidates = []
        // deterministic order of lists (the ids inside a list keep their order of addition)
        for first in byFirst.keys.sorted(by: { $0.value < $1.value }) {
            let list = byFirst[first]!
            let slot = candidateStart.count  // 1 + index of the list
            candidates.append(contentsOf: list.map { Int32($0) })
            candidateStart.append(Int32(candidates.count))
            if first.value < 0x10000 { bmpSlot[Int(first.value)] = UInt16(slot) } else { astralSlot[first.value] = slot }
        }
        precondition(candidateStart.count < 0xFFFF, "too many distinct first characters in the catalog")
        lengths = words.map { Int32($0.count) }
    }

    var count: Int { words.count }

    @inline(__always) func length(_ id: Int) -> Int { Int(lengths[id]) }

    /// Every occurrence of every word in `s[range]`, for each, `found(id, start)`, in order of start.
    @inline(__always)
    func scan(_ s: UnsafeBufferPointer<S>, _ range: Range<Int>, _ found: (Int, Int) -> Void) {
        let end = range.upperBound
        bmpSlot.withUnsafeBufferPointer { slots in
            candidateStart.withUnsafeBufferPointer { cs in
                candidates.withUnsafeBufferPointer { cands in
                    var i = range.lowerBound
                    while i < end {
                        let v = s[i].value
                        let slot: Int
                        if v < 0x10000 { slot = Int(slots[Int(v)]) } else { slot = astralSlot[v] ?? 0 }
                        if slot != 0 {
                            for c in Int(cs[slot - 1])..<Int(cs[slot]) {
                                let id = Int(cands[c])
                                let w = words[id]
                                let n = w.count
                                if i + n > end { continue }
                                var ok = true
                                var k = 1
                                while k < n { if s[i + k] != w[k] { ok = false; break }; k += 1 }
                                if ok { found(id, i) }
                            }
                        }
                        i += 1
                    }
                }
            }
        }
    }

    /// Every occurrence of every word in `s[range]`.
    func hits(_ s: [S], _ range: Range<Int>) -> Hits {
        var packed: [UInt64] = []
        s.withUnsafeBufferPointer { buf in
            scan(buf, range) { id, start in packed.append(UInt64(id) << 32 | UInt64(start)) }
        }
        packed.sort()
        return Hits(packed: packed)
    }

    /// The occurrences in one block: (word id, start) packed as `id << 32 | start`, sorted by id, then start.
    struct Hits: Sendable {
        var packed: [UInt64]
    }

    /// Answers "does word `id` occur inside this range" for one block at a time, in constant time for the
    /// words that do not occur at all in the block (a table over all word ids, reset when the block changes).
    struct Lookup {
        private var first: [Int32]
        private var loaded: [UInt64] = []
        private let index: WordIndex

        init(_ index: WordIndex) {
            self.index = index
            first = [Int32](repeating: -1, count: index.count)
        }

        mutating func load(_ hits: Hits) {
            for p in loaded { first[Int(p >> 32)] = -1 }
            loaded = hits.packed
            var k = loaded.count - 1
            while k >= 0 { first[Int(loaded[k] >> 32)] = Int32(k); k -= 1 }
        }

        /// Does word `id` occur wholly inside `range`, and not inside any of `skip` (book titles 《…》)?
        @inline(__always)
        func occurs(_ id: Int, in range: Range<Int>, outside skip: [Range<Int>] = []) -> Bool {
            var p = Int(first[id])
            if p < 0 { return false }
            let len = index.length(id)
            let key = UInt64(id)
            while p < loaded.count, loaded[p] >> 32 == key {
                let st = Int(loaded[p] & 0xFFFF_FFFF)
                if st >= range.lowerBound && st + len <= range.upperBound && (skip.isEmpty || !skip.contains(where: { $0.contains(st) })) {
                    return true
                }
                p += 1
            }
            return false
        }
    }
}
