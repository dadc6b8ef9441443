import FazhiModel
import Foundation

/// The text encodings convert can read. Detected, never assumed.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "UTF-8"
    case utf16LE = "UTF-16LE"
    case utf16BE = "UTF-16BE"
    case gb18030 = "GB18030"
    case big5 = "Big5"

    /// GB18030 (a superset of GBK and GB2312): CFStringEncoding kCFStringEncodingGB_18030_2000 = 0x0632.
    static let foundationGB18030 = String.Encoding(rawValue: 0x8000_0632)
    /// Big5: CFStringEncoding kCFStringEncodingBig5 = 0x0A03 (works in swift-corelibs-foundation on Linux).
    static let foundationBig5 = String.Encoding(rawValue: 0x8000_0A03)

    /// Maps a declared charset (`<meta charset>`, `Content-Type`) to an encoding.
    public static func named(_ label: String) -> TextEncoding? {
        switch label.lowercased().trimmingCharacters(in: .whitespaces) {
        case "utf-8", "utf8": return .utf8
        case "gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "gb_2312-80", "chinese": return .gb18030
        case "big5", "big5-hkscs", "x-x-big5", "cn-big5", "csbig5": return .big5
        case "utf-16le": return .utf16LE
        case "utf-16be": return .utf16BE
        case "utf-16": return .utf16LE
        default: return nil
        }
    }
}

/// The result of decoding a file's bytes.
public struct DecodedText: Sendable, Equatable {
    public var text: String
    public var encoding: TextEncoding
    /// Characters that could not be decoded and became U+FFFD.
    public var replaced: Int
}

/// Why a file's bytes are not a text report.
public struct DecodeFailure: Error, Sendable, Equatable {
    public var message: String
}

/// Detects the encoding of a report file and decodes it.
///
/// Order: binary signatures (PNG, PDF, zip…) are refused; a BOM decides (UTF-8, UTF-16LE/BE); a declared
/// charset is honoured when it decodes; NUL bytes at one parity mean BOM-less UTF-16; valid UTF-8 is UTF-8;
/// otherwise GB18030 and Big5 are both tried and the one whose text has the larger share of common Chinese
/// characters wins. Lossy decoding (U+FFFD) is reported in `replaced`, never hidden.
public enum TextDecoder {
    public static func decode(_ bytes: [UInt8], declared: TextEncoding? = nil) throws(DecodeFailure) -> DecodedText {
        if bytes.isEmpty { throw DecodeFailure(message: "the file is empty") }
        if let kind = binarySignature(bytes) { throw DecodeFailure(message: "\(kind), not a text report") }

        // Byte order marks decide.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return try checked(lossyUTF8(Array(bytes.dropFirst(3))), .utf8)
        }
        if bytes.starts(with: [0xFF, 0xFE]) { return try checked(utf16(Array(bytes.dropFirst(2)), littleEndian: true), .utf16LE) }
        if bytes.starts(with: [0xFE, 0xFF]) { return try checked(utf16(Array(bytes.dropFirst(2)), littleEndian: false), .utf16BE) }

        // BOM-less UTF-16: NUL bytes, nearly all at one parity.
        let sample = bytes.prefix(65536)
        var zerosEven = 0, zerosOdd = 0
        for (i, b) in sample.enumerated() where b == 0 { if i % 2 == 0 { zerosEven += 1 } else { zerosOdd += 1 } }
        let zeros = zerosEven + zerosOdd
        if zeros > 0 {
            // Chinese UTF-16 has NULs only in ASCII characters (digits, line breaks), so even a few count,
            // as long as they all sit at one parity and the whole file decodes.
            if bytes.count % 2 == 0 {
                if zerosOdd * 10 >= zeros * 9, let t = strictUTF16(bytes, littleEndian: true) {
                    return try checked((t, 0), .utf16LE)
                }
                if zerosEven * 10 >= zeros * 9, let t = strictUTF16(bytes, littleEndian: false) {
                    return try checked((t, 0), .utf16BE)
                }
            }
            throw DecodeFailure(message: "binary data (NUL bytes), not a text report")
        }

        if let declared {
            if let t = strict(bytes, declared) { return try checked((t, 0), declared) }
        }
        if let t = String(validating: bytes, as: UTF8.self) { return try checked((t, 0), .utf8) }

        // Legacy Chinese encodings, and damaged UTF-8 read with replacement characters: keep the reading with
        // the largest share of common Chinese characters (replacement characters count against it).
        let gb = dbcs(bytes, .gb18030)
        let gbScore = score(gb.text, replaced: gb.replaced)
        // A whole GB18030 reading with a share of common characters no wrong reading comes near is the one the
        // comparison would pick, so the other two are not made (Big5's, character by character where it fails,
        // cost more than the rest of such a file's conversion). Measured on 525 synthetic GB18030 files and on
        // Big5 bytes read as GB18030: right readings score 0.50 or more, wrong ones 0.03 or less.
        if gb.replaced == 0, gbScore >= clearlyRight { return try checked((gb.text, 0), .gb18030) }
        let big5 = dbcs(bytes, .big5)
        let u = lossyUTF8(bytes)
        let readings: [(text: String, replaced: Int, encoding: TextEncoding)] = [
            (gb.text, gb.replaced, .gb18030), (big5.text, big5.replaced, .big5), (u.0, u.1, .utf8),
        ]
        let scores = [gbScore] + readings.dropFirst().map { score($0.text, replaced: $0.replaced) }
        // The first of the best, as `max(by:)` picked it when it scored each reading once per comparison.
        var best = 0
        for k in 1..<readings.count where scores[best] < scores[k] { best = k }
        return try checked((readings[best].text, readings[best].replaced), readings[best].encoding)
    }

    /// The `score` above which a whole GB18030 reading is taken without trying Big5 (see `decode`).
    static let clearlyRight = 0.2

    /// Refuses text that is mostly undecodable or full of control characters.
    static func checked(_ r: (String, Int), _ enc: TextEncoding) throws(DecodeFailure) -> DecodedText {
        var chars = 0, controls = 0
        for s in r.0.unicodeScalars {
            chars += 1
            if s.value < 0x20, s != "\n", s != "\r", s != "\t", s != "\u{0C}" { controls += 1 }
        }
        if chars > 0, r.1 * 10 > chars {
            throw DecodeFailure(message: "cannot be decoded as UTF-8, UTF-16, GB18030 or Big5 (\(r.1) of \(chars) characters undecodable)")
        }
        if chars > 0, controls * 100 > chars {
            throw DecodeFailure(message: "binary data (control characters), not a text report")
        }
        return DecodedText(text: r.0, encoding: enc, replaced: r.1)
    }

    /// Known binary formats, by their first bytes.
    public static func binarySignature(_ b: [UInt8]) -> String? {
        func starts(_ p: [UInt8]) -> Bool { b.starts(with: p) }
        if starts([0x89, 0x50, 0x4E, 0x47]) { return "a PNG image" }
        if starts([0x25, 0x50, 0x44, 0x46]) { return "a PDF file (convert it to text first)" }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return "a zip archive (or .docx/.xlsx)" }
        if starts([0xFF, 0xD8, 0xFF]) { return "a JPEG image" }
        if starts(Array("GIF8".utf8)) { return "a GIF image" }
        if starts([0xD0, 0xCF, 0x11, 0xE0]) { return "an old Office document (.doc/.xls)" }
        if starts([0x1F, 0x8B]) { return "a gzip archive" }
        if starts([0x7F, 0x45, 0x4C, 0x46]) { return "an executable (ELF)" }
        if starts(Array("Rar!".utf8)) { return "a RAR archive" }
        if starts([0x37, 0x7A, 0xBC, 0xAF]) { return "a 7z archive" }
        if starts(Array("RIFF".utf8)), b.count > 12, Array(b[8..<12]) == Array("WEBP".utf8) { return "a WebP image" }
        return nil
    }

    static func strict(_ bytes: [UInt8], _ enc: TextEncoding) -> String? {
        switch enc {
        case .utf8: return String(validating: bytes, as: UTF8.self)
        case .utf16LE: return strictUTF16(bytes, littleEndian: true)
        case .utf16BE: return strictUTF16(bytes, littleEndian: false)
        case .gb18030: return String(data: Data(bytes), encoding: TextEncoding.foundationGB18030)
        case .big5: return String(data: Data(bytes), encoding: TextEncoding.foundationBig5)
        }
    }

    static func lossyUTF8(_ bytes: [UInt8]) -> (String, Int) {
        if let s = String(validating: bytes, as: UTF8.self) { return (s, 0) }
        let s = String(decoding: bytes, as: UTF8.self)
        return (s, s.unicodeScalars.reduce(0) { $0 + ($1 == "\u{FFFD}" ? 1 : 0) })
    }

    static func units(_ bytes: [UInt8], littleEndian: Bool) -> [UInt16] {
        var u: [UInt16] = []
        u.reserveCapacity(bytes.count / 2)
        var i = 0
        while i + 1 < bytes.count {
            u.append(littleEndian ? UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8 : UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]))
            i += 2
        }
        return u
    }

    static func strictUTF16(_ bytes: [UInt8], littleEndian: Bool) -> String? {
        guard bytes.count % 2 == 0 else { return nil }
        return String(validating: units(bytes, littleEndian: littleEndian), as: UTF16.self)
    }

    static func utf16(_ bytes: [UInt8], littleEndian: Bool) -> (String, Int) {
        let u = units(bytes, littleEndian: littleEndian)
        if let s = String(validating: u, as: UTF16.self), bytes.count % 2 == 0 { return (s, 0) }
        let s = String(decoding: u, as: UTF16.self)
        return (s, s.unicodeScalars.filter { $0 == "\u{FFFD}" }.count + bytes.count % 2)
    }

    /// Decodes a double-byte legacy encoding line by line (0x0A never occurs inside a GB18030 or Big5
    /// character), so one damaged character costs one U+FFFD, not the file.
    static func dbcs(_ bytes: [UInt8], _ enc: TextEncoding) -> (text: String, replaced: Int) {
        if let s = strict(bytes, enc) { return (s, 0) }
        var out = ""
        var replaced = 0
        var start = 0
        while start <= bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            let line = Array(bytes[start..<end])
            if let s = strict(line, enc) { out += s } else {
                let r = dbcsLossyLine(line, enc)
                out += r.0; replaced += r.1
            }
            if end < bytes.count { out += "\n" }
            start = end + 1
        }
        return (out, replaced)
    }

    static func dbcsLossyLine(_ b: [UInt8], _ enc: TextEncoding) -> (String, Int) {
        var out = ""
        var replaced = 0
        var i = 0
        while i < b.count {
            let c = b[i]
            if c < 0x80 { out.unicodeScalars.append(Unicode.Scalar(c)); i += 1; continue }
            if enc == .gb18030, i + 3 < b.count, (0x30...0x39).contains(b[i + 1]), let s = strict(Array(b[i..<(i + 4)]), enc) {
                out += s; i += 4; continue
            }
            if i + 1 < b.count, let s = strict([c, b[i + 1]], enc) { out += s; i += 2; continue }
            out += "\u{FFFD}"; replaced += 1; i += 1
        }
        return (out, replaced)
    }

    /// Characters frequent in rule-of-law reports, in simplified and traditional forms. A wrong legacy decoding
    /// yields valid but rare characters, so the share of these separates GB18030 from Big5.
    static let common: Set<Character> = Set(
        "的法治政府建设設年度工作行政人民一不是在和了有中国國发發展进進推依规規执執报報告会會区區县縣市省制度机機关關监監督"
        + "理管务務开開公为為以对對实實施部门們和等要加强強全面化作规範范决決策审審查议議案件调調解纠糾纷紛服乡鄉镇鎮村社"
        + "领領导導责責任体體系统統问問题題情况況主成效重点點组組织織合性律师師复復诉訴讼訟宣传傳教育学學习習")

    /// `common` as scalar values: every one is a CJK unified ideograph (U+3400–U+9FFF).
    static let commonScalars: Set<UInt32> = Set(common.map { $0.unicodeScalars.first!.value })

    /// The share of common characters among the CJK Characters of the first 20,000 Characters, less the share
    /// of replaced ones: the same as `scoreByCharacters`, with Characters found by grapheme breaking only where
    /// a scalar that may join its neighbours is (`Graphemes.standsAlone`). From a Character boundary, a scalar
    /// that stands alone followed by another (not CR LF) is a whole Character: no rule joins two such scalars.
    /// (A lossy UTF-8 reading of GB18030 bytes has combining marks here and there: counted Character by
    /// Character, it was a twentieth of convert's time.)
    static func score(_ text: String, replaced: Int) -> Double {
        var cjk = 0, hits = 0, characters = 0
        let scalars = text.unicodeScalars
        var i = scalars.startIndex
        while i < scalars.endIndex, characters < 20000 {
            characters += 1
            let u = scalars[i]
            let next = scalars.index(after: i)
            if Graphemes.standsAlone(u.value),
               next == scalars.endIndex || (Graphemes.standsAlone(scalars[next].value) && !(u.value == 0x0D && scalars[next].value == 0x0A)) {
                if u.value >= 0x3400 {
                    cjk += 1
                    if u.value <= 0x9FFF, commonScalars.contains(u.value) { hits += 1 }
                }
                i = next
                continue
            }
            let end = text.index(after: i)
            count(Character(String(text[i..<end])), cjk: &cjk, hits: &hits)
            i = end
        }
        guard cjk > 0 else { return -Double(replaced) }
        return Double(hits) / Double(cjk) - Double(replaced) / Double(max(cjk, 1))
    }

    /// Counts one Character for `score`: CJK when its first scalar is at U+3400 or above, common when it is one.
    static func count(_ ch: Character, cjk: inout Int, hits: inout Int) {
        let scalars = ch.unicodeScalars
        guard let s = scalars.first, s.value >= 0x3400 else { return }
        cjk += 1
        // A lone unified ideograph has no other canonically equivalent form: a lookup of its value decides.
        // Anything else (a compatibility ideograph equals its unified form) takes the Character set.
        if s.value <= 0x9FFF, scalars.count == 1 {
            if commonScalars.contains(s.value) { hits += 1 }
        } else if common.contains(ch) { hits += 1 }
    }

    /// `score` over the first 20,000 Characters, Character by Character: the reference `score` is tested against.
    static func scoreByCharacters(_ text: String, replaced: Int) -> Double {
        var cjk = 0, hits = 0
        for ch in text.prefix(20000) { count(ch, cjk: &cjk, hits: &hits) }
        guard cjk > 0 else { return -Double(replaced) }
        return Double(hits) / Double(cjk) - Double(replaced) / Double(max(cjk, 1))
    }
}
