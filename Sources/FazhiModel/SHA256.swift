import CSHA256

/// SHA-256 (FIPS 180-4), for content hashes and stable anchor ids. Hashing reads the message in place (no copy of
/// a large input, no heap allocation per call); whole blocks go to the processor's SHA instructions when it has
/// them (Sources/CSHA256), else to the Swift rounds here.
public enum SHA256 {
    /// The eight 32-bit words of the digest of `message`.
    public typealias Words = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)

    /// The digest of `message` as eight big-endian words, computed in place.
    public static func words(_ message: UnsafeBufferPointer<UInt8>) -> Words {
        words(message, hardware: hardware)
    }

    /// Whether this processor has the SHA-256 instructions (x86-64 SHA extensions): whole blocks are then hashed
    /// by `fazhi_sha256_hardware_blocks` (Sources/CSHA256) instead of the Swift rounds below (convert's hashing of
    /// 20,000 reports, file reading included: 0.21 s of CPU instead of 0.38 s).
    static let hardware = fazhi_sha256_hardware_available() != 0

    /// `words`, with the blocks compressed by the processor's SHA instructions or by `softwareBlocks`.
    static func words(_ message: UnsafeBufferPointer<UInt8>, hardware: Bool) -> Words {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 8) { h in
            let state = h.baseAddress!
            h[0] = 0x6a09e667; h[1] = 0xbb67ae85; h[2] = 0x3c6ef372; h[3] = 0xa54ff53a
            h[4] = 0x510e527f; h[5] = 0x9b05688c; h[6] = 0x1f83d9ab; h[7] = 0x5be0cd19
            func compress(_ p: UnsafePointer<UInt8>, _ blocks: Int) {
                if hardware { fazhi_sha256_hardware_blocks(state, p, blocks) } else { softwareBlocks(h, p, blocks) }
            }
            let n = message.count
            let whole = n / 64
            if whole > 0, let base = message.baseAddress { compress(base, whole) }
            // The last partial block, 0x80, zeros, and the bit length: one or two blocks.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { tail in
                let off = whole * 64, rest = n - off
                for i in 0..<rest { tail[i] = message[off + i] }
                tail[rest] = 0x80
                let total = rest + 1 + 8 <= 64 ? 64 : 128
                for i in (rest + 1)..<(total - 8) { tail[i] = 0 }
                let bits = UInt64(n) &* 8
                for i in 0..<8 { tail[total - 8 + i] = UInt8(truncatingIfNeeded: bits >> (UInt64(7 - i) * 8)) }
                compress(UnsafePointer(tail.baseAddress!), total / 64)
            }
            return (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
        }
    }

    /// The compression function over `blocks` 64-byte blocks at `p`, updating `h` (h0…h7), in Swift.
    private static func softwareBlocks(_ h: UnsafeMutableBufferPointer<UInt32>, _ p: UnsafePointer<UInt8>, _ blocks: Int) {
        let k = fazhi_sha256_round_constants()! // the C target's table, one for both kinds of rounds
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for b in 0..<blocks {
                let p = p + 64 * b
                for t in 0..<16 {
                    w[t] = UInt32(p[t * 4]) << 24 | UInt32(p[t * 4 + 1]) << 16 | UInt32(p[t * 4 + 2]) << 8 | UInt32(p[t * 4 + 3])
                }
                for t in 16..<64 {
                    let s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
                    let s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
                    w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
                }
                var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7]
                for t in 0..<64 {
                    let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                    let ch = (e & f) ^ (~e & g)
                    let t1 = hh &+ s1 &+ ch &+ k[t] &+ w[t]
                    let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                    let maj = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ maj
                    hh = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
                }
                h[0] = h[0] &+ a; h[1] = h[1] &+ b; h[2] = h[2] &+ c; h[3] = h[3] &+ d
                h[4] = h[4] &+ e; h[5] = h[5] &+ f; h[6] = h[6] &+ g; h[7] = h[7] &+ hh
            }
        }
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
