/// When a text's Characters are its scalars. Grapheme breaking (what makes Characters) was a tenth of
/// convert's time; text made only of scalars that are a Character of their own whatever surrounds them can be
/// read scalar by scalar, with the same result as Character by Character.
public enum Graphemes {
    /// Scalars that are a Character of their own whatever surrounds them: no combining mark, joiner, variation
    /// selector or conjoining jamo, which Unicode's grapheme rules attach to a neighbour (CR LF is one Character,
    /// but neither is anything a caller looks for). ASCII and Latin-1 up to the combining marks; Greek and
    /// Cyrillic letters (not the Cyrillic combining marks U+0483–0489); general punctuation and symbols; CJK
    /// punctuation, kana (but their combining voiced marks) and unified ideographs; private use; CJK
    /// compatibility and small forms; fullwidth forms (not the halfwidth voiced marks); the replacement character.
    @inlinable
    public static func standsAlone(_ v: UInt32) -> Bool {
        switch v {
        case 0..<0x300, 0x370...0x482, 0x48A...0x52F, 0x2010...0x2027, 0x2030...0x205E, 0x2070...0x20CF, 0x2100...0x2BFF,
             0x3000...0x3029, 0x3030...0x3098, 0x309B...0x9FFF, 0xE000...0xF8FF, 0xFE30...0xFE6F, 0xFF00...0xFF9D, 0xFFFD: true
        default: false
        }
    }

    /// Whether `text`'s Characters are its scalars, one for one: every scalar stands alone (`standsAlone`), and
    /// there is no CR (CR LF is one Character).
    @inlinable
    public static func scalarsAreCharacters(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0.value != 0x0D && standsAlone($0.value) }
    }

    /// `a + b` as one String, encoded straight into UTF-8 (appending scalars to a String one by one is slow).
    public static func string(_ a: ArraySlice<Unicode.Scalar>, _ b: ArraySlice<Unicode.Scalar> = []) -> String {
        var bytes = 0
        for c in a { bytes += UTF8.width(c) }
        for c in b { bytes += UTF8.width(c) }
        if bytes == 0 { return "" }
        return String(unsafeUninitializedCapacity: bytes) { buf in
            var k = 0
            func put(_ c: Unicode.Scalar) {
                let v = c.value
                switch v {
                case 0..<0x80:
                    buf[k] = UInt8(v); k += 1
                case 0x80..<0x800:
                    buf[k] = UInt8(0xC0 | v >> 6); buf[k + 1] = UInt8(0x80 | v & 0x3F); k += 2
                case 0x800..<0x10000:
                    buf[k] = UInt8(0xE0 | v >> 12); buf[k + 1] = UInt8(0x80 | v >> 6 & 0x3F); buf[k + 2] = UInt8(0x80 | v & 0x3F); k += 3
                default:
                    buf[k] = UInt8(0xF0 | v >> 18); buf[k + 1] = UInt8(0x80 | v >> 12 & 0x3F)
                    buf[k + 2] = UInt8(0x80 | v >> 6 & 0x3F); buf[k + 3] = UInt8(0x80 | v & 0x3F); k += 4
                }
            }
            for c in a { put(c) }
            for c in b { put(c) }
            return k
        }
    }
}
