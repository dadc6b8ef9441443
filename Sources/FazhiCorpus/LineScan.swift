/// Hand-written matching over a line's Unicode scalars, for the classifiers that run on every line of every
/// report (debris rules, outline markers, glued years). NSRegularExpression spent most of its time bridging
/// each line to UTF-16 and setting up a matcher; these loops touch each scalar once or twice.
///
/// The character classes follow ICU, the engine the replaced regular expressions ran on: a digit is any
/// decimal digit (Unicode Nd, as `\d`), a space is Unicode White_Space (`\s`), and "any character" (`.`) is
/// any scalar but a line terminator. Counts are in scalars, as ICU counts them.
typealias Scalars = ArraySlice<Unicode.Scalar>

enum Scan {
    /// `\d`: a decimal digit of any script.
    @inline(__always)
    static func isDigit(_ c: Unicode.Scalar) -> Bool {
        if c.value < 0x80 { return c.value >= 0x30 && c.value <= 0x39 }
        // CJK punctuation, kana and ideographs (U+3000–U+9FFF), most of a report, hold no decimal digit: the
        // Unicode property lookup is skipped for them.
        if c.value >= 0x3000 && c.value < 0xA000 { return false }
        return c.properties.generalCategory == .decimalNumber
    }

    /// `\s`: Unicode White_Space.
    @inline(__always)
    static func isSpace(_ c: Unicode.Scalar) -> Bool {
        if c.value < 0x80 { return c.value == 0x20 || (c.value >= 0x09 && c.value <= 0x0D) }
        if c.value > 0x3000 && c.value < 0xA000 { return false } // (U+3000 is the ideographic space)
        return c.properties.isWhitespace
    }

    /// `.`: anything but a line terminator (LF, VT, FF, CR, NEL, LS, PS).
    @inline(__always)
    static func isAnyCharacter(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: return false
        default: return true
        }
    }

    /// `.{0,max}` up to the end of `s` from `i` (`max` nil: `.*`).
    static func restIsAnyCharacters(_ s: Scalars, from i: Int, max: Int?) -> Bool {
        if let max, s.endIndex - i > max { return false }
        var k = i
        while k < s.endIndex { if !isAnyCharacter(s[k]) { return false }; k += 1 }
        return true
    }

    /// Whether `word` occurs in `s` at `i`.
    @inline(__always)
    static func has(_ word: [Unicode.Scalar], in s: Scalars, at i: Int) -> Bool {
        guard i >= s.startIndex, i + word.count <= s.endIndex else { return false }
        var k = 0
        while k < word.count { if s[i + k] != word[k] { return false }; k += 1 }
        return true
    }

    /// Whether `s[i]` exists and is one of `set`.
    @inline(__always)
    static func isOne(of set: [Unicode.Scalar], in s: Scalars, at i: Int) -> Bool {
        i >= s.startIndex && i < s.endIndex && set.contains(s[i])
    }

    /// How many scalars from `i` on satisfy `test` (at most `limit`).
    @inline(__always)
    static func run(in s: Scalars, from i: Int, limit: Int = .max, _ test: (Unicode.Scalar) -> Bool) -> Int {
        var k = i
        while k < s.endIndex, k - i < limit, test(s[k]) { k += 1 }
        return k - i
    }

    /// The position after `s[i]` when it is a space, else `i`: an optional ` ?`, taken when present.
    @inline(__always)
    static func skipSpace(_ s: Scalars, _ i: Int) -> Int {
        i < s.endIndex && s[i] == " " ? i + 1 : i
    }

    /// Whether a non-space character stands at `i` (the lookahead `(?=\S)`).
    @inline(__always)
    static func nonSpace(_ s: Scalars, at i: Int) -> Bool {
        i < s.endIndex && !isSpace(s[i])
    }

    static func scalars(_ words: [String]) -> [[Unicode.Scalar]] { words.map { Array($0.unicodeScalars) } }
    static func scalarSet(_ chars: String) -> [Unicode.Scalar] { Array(chars.unicodeScalars) }

    static let hanNumerals = scalarSet("一二三四五六七八九十")
    static let hanYearDigits = scalarSet("〇○零一二三四五六七八九")
    static let colons = scalarSet(":：")
    static let bars = scalarSet("|｜")

    static func isHanNumeral(_ c: Unicode.Scalar) -> Bool { hanNumerals.contains(c) }
}
