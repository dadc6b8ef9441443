/// MurmurHash3 x64 128 (Austin Appleby's public-domain design), for telling whether bytes changed: the build's
/// input stamps and page keys. About twenty times faster than SHA-256 here, which mattered when a build hashed
/// every Markdown file of a national corpus (half a gigabyte) to find the changed ones. Not for anything an
/// adversary could choose to collide: the `source_sha256` of a report and anchor ids stay SHA-256.
public enum ContentHash {
    /// The two 64-bit halves (h1, h2) of the digest.
    public struct Digest: Sendable, Hashable {
        public var h1: UInt64
        public var h2: UInt64

        public init(h1: UInt64, h2: UInt64) { self.h1 = h1; self.h2 = h2 }

        /// The 16 bytes MurmurHash3 outputs (h1 then h2, each little-endian), as 32 lowercase hex digits.
        public var hex: String {
            var out = [UInt8](repeating: 0, count: 32)
            let digits: StaticString = "0123456789abcdef"
            for (half, v) in [h1, h2].enumerated() {
                for byte in 0..<8 {
                    let b = Int((v >> (8 * UInt64(byte))) & 0xFF)
                    out[half * 16 + byte * 2] = digits.utf8Start[b >> 4]
                    out[half * 16 + byte * 2 + 1] = digits.utf8Start[b & 0xF]
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    public static func digest(_ bytes: [UInt8]) -> Digest {
        bytes.withUnsafeBytes { digest($0) }
    }

    public static func digest(_ message: UnsafeRawBufferPointer) -> Digest {
        let c1: UInt64 = 0x87C3_7B91_1142_53D5, c2: UInt64 = 0x4CF5_AD43_2745_937F
        let n = message.count
        var h1: UInt64 = 0, h2: UInt64 = 0
        var i = 0
        while i + 16 <= n {
            var k1 = UInt64(littleEndian: message.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            var k2 = UInt64(littleEndian: message.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self))
            k1 = rotl(k1 &* c1, 31) &* c2; h1 ^= k1
            h1 = rotl(h1, 27) &+ h2; h1 = h1 &* 5 &+ 0x52DC_E729
            k2 = rotl(k2 &* c2, 33) &* c1; h2 ^= k2
            h2 = rotl(h2, 31) &+ h1; h2 = h2 &* 5 &+ 0x3849_5AB5
            i += 16
        }
        let rest = n - i
        if rest > 0 {
            var k1: UInt64 = 0, k2: UInt64 = 0
            for j in 0..<rest {
                let b = UInt64(message[i + j])
                if j < 8 { k1 |= b << (8 * UInt64(j)) } else { k2 |= b << (8 * UInt64(j - 8)) }
            }
            if rest > 8 { k2 = rotl(k2 &* c2, 33) &* c1; h2 ^= k2 }
            k1 = rotl(k1 &* c1, 31) &* c2; h1 ^= k1
        }
        h1 ^= UInt64(n); h2 ^= UInt64(n)
        h1 &+= h2; h2 &+= h1
        h1 = fmix(h1); h2 = fmix(h2)
        h1 &+= h2; h2 &+= h1
        return Digest(h1: h1, h2: h2)
    }

    public static func hex(_ bytes: [UInt8]) -> String { digest(bytes).hex }

    @inline(__always) static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    @inline(__always) static func fmix(_ k: UInt64) -> UInt64 {
        var k = k
        k ^= k >> 33; k &*= 0xFF51_AFD7_ED55_8CCD
        k ^= k >> 33; k &*= 0xC4CE_B9FE_1A85_EC53
        k ^= k >> 33
        return k
    }
}
