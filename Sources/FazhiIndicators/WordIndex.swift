/// A set of words compiled once, found in text by a scan over unicode scalars (no regular expressions).
struct WordIndex: Sendable {
    typealias S = Unicode.Scalar
    private(set) var words: [[S]] = []
    private var ids: [String: Int] = [:]
    private var byFirst: [S: [Int]] = [:]

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

    func length(_ id: Int) -> Int { words[id].count }

    /// Every occurrence of every word in `s[range]`: for each word id, the start offsets.
    func hits(_ s: [S], _ range: Range<Int>) -> Hits {
        var found: [Int: [Int]] = [:]
        for i in range {
            guard let cands = byFirst[s[i]] else { continue }
            for id in cands {
                let w = words[id]
                if i + w.count > range.upperBound { continue }
                var ok = true
                for k in 1..<max(1, w.count) where s[i + k] != w[k] { ok = false; break }
                if ok { found[id, default: []].append(i) }
            }
        }
        return Hits(found: found, lengths: self)
    }

    struct Hits {
        var found: [Int: [Int]]
        let lengths: WordIndex

        /// Does word `id` occur wholly inside `range`?
        func occurs(_ id: Int, in range: Range<Int>) -> Bool {
            guard let starts = found[id] else { return false }
            let len = lengths.length(id)
            return starts.contains { $0 >= range.lowerBound && $0 + len <= range.upperBound }
        }

        /// Does word `id` occur wholly inside `range`, and not inside any of `skip` (book titles 《…》)?
        func occurs(_ id: Int, in range: Range<Int>, outside skip: [Range<Int>]) -> Bool {
            if skip.isEmpty { return occurs(id, in: range) }
            guard let starts = found[id] else { return false }
            let len = lengths.length(id)
            return starts.contains { st in
                st >= range.lowerBound && st + len <= range.upperBound && !skip.contains { $0.contains(st) }
            }
        }

        /// The last start of word `id` inside `range`, if any.
        func lastStart(_ id: Int, in range: Range<Int>) -> Int? {
            guard let starts = found[id] else { return nil }
            let len = lengths.length(id)
            return starts.last { $0 >= range.lowerBound && $0 + len <= range.upperBound }
        }

        func count(_ id: Int) -> Int { found[id]?.count ?? 0 }
    }
}
