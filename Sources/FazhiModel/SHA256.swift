/// SHA-256 (FIPS 180-4), for content hashes and stable anchor ids. Small and dependency-free; hashing reads the
/// message in place (no copy of a large input, no heap allocation per call).
public enum SHA256 {
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    /// The eight 32-bit words of the digest of `message`.
    public typealias Words = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)

    /// The digest of `message` as eight big-endian words, computed in place.
    public static func words(_ message: UnsafeBufferPointer<UInt8>) -> Words {
        var h0: UInt32 = 0x6a09e667, h1: UInt32 = 0xbb67ae85, h2: UInt32 = 0x3c6ef372, h3: UInt32 = 0xa54ff53a
        var h4: UInt32 = 0x510e527f, h5: UInt32 = 0x9b05688c, h6: UInt32 = 0x1f83d9ab, h7: UInt32 = 0x5be0cd19
        k.withUnsafeBufferPointer { kk in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { tail in
                    func block(_ p: UnsafePointer<UInt8>) {
                        for t in 0..<16 {
                            w[t] = UInt32(p[t * 4]) << 24 | UInt32(p[t * 4 + 1]) << 16 | UInt32(p[t * 4 + 2]) << 8 | UInt32(p[t * 4 + 3])
                        }
                        for t in 16..<64 {
                            let s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
                            let s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
                            w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
                        }
                        var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, hh = h7
                        for t in 0..<64 {
                            let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                            let ch = (e & f) ^ (~e & g)
                            let t1 = hh &+ s1 &+ ch &+ kk[t] &+ w[t]
                            let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                            let maj = (a & b) ^ (a & c) ^ (b & c)
                            let t2 = s0 &+ maj
                            hh = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
                        }
                        h0 = h0 &+ a; h1 = h1 &+ b; h2 = h2 &+ c; h3 = h3 &+ d
                        h4 = h4 &+ e; h5 = h5 &+ f; h6 = h6 &+ g; h7 = h7 &+ hh
                    }
                    let n = message.count
                    var off = 0
                    if let base = message.baseAddress {
                        while off + 64 <= n { block(base + off); off += 64 }
                    }
                    // The last partial block, 0x80, zeros, and the bit length: one or two blocks.
                    let rest = n - off
                    for i in 0..<rest { tail[i] = message[off + i] }
                    tail[rest] = 0x80
                    let total = rest + 1 + 8 <= 64 ? 64 : 128
                    for i in (rest + 1)..<(total - 8) { tail[i] = 0 }
                    let bits = UInt64(n) &* 8
                    for i in 0..<8 { tail[total - 8 + i] = UInt8(truncatingIfNeeded: bits >> (UInt64(7 - i) * 8)) }
                    let tp = UnsafePointer(tail.baseAddress!)
                    block(tp)
                    if total == 128 { block(tp + 64) }
                }
            }
        }
        return (h0, h1, h2, h3, h4, h5, h6, h7)
    }

    public static func digest<C: Collection>(_ message: C) -> [UInt8] where C.Element == UInt8 {
        let w = message.withContiguousStorageIfAvailable { words($0) } ?? Array(message).withUnsafeBufferPointer { words($0) }
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for v in [w.0, w.1, w.2, w.3, w.4, w.5, w.6, w.7] {
            for s in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: v >> UInt32(s))) }
        }
        return out
    }

    public static func hex<C: Collection>(_ message: C) -> String where C.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in digest(message) { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0xF)]) }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always) private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
}
