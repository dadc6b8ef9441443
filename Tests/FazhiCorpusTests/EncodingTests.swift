import Foundation
import Testing
@testable import FazhiCorpus
import FazhiModel

let gb18030 = String.Encoding(rawValue: 0x8000_0632)
let big5 = String.Encoding(rawValue: 0x8000_0A03)

let simplified = "天门市2024年法治政府建设情况报告\n一、2024年工作情况\n全年审结行政复议申请358件,调解成功率达96.9%。\n"
let traditional = "天門市2024年法治政府建設情況報告\n一、2024年工作情況\n全年審結行政複議申請358件,調解成功率達96.9%。\n"

@Suite struct EncodingTests {
    /// The legacy-encoding score counts scalars when every scalar is a Character of its own; it must agree with
    /// counting Characters, including CR LF (one Character) around the 20,000-Character limit.
    @Test func scoreByScalarsAgreesWithCharacters() {
        let line = "天门市2024年审结行政复议案件358件，“法治”…—①℃％ｱ\u{FFFD}abc\r\n"
        let texts = [
            "", "abc", "審結行政覆議案件", line, String(repeating: line, count: 1200),
            String(repeating: "法治政府\r\n", count: 4000), String(repeating: "a\r\n", count: 10_001) + "法治",
        ]
        for t in texts {
            for replaced in [0, 7] {
                #expect(TextDecoder.score(t, replaced: replaced) == TextDecoder.scoreByCharacters(t, replaced: replaced), "\(t.prefix(20))")
            }
        }
        // Scalars that join their neighbours, alone and among others: a combining voiced mark, a compatibility
        // ideograph, a combining accent on a letter and on an ideograph, a variation selector, an emoji ZWJ
        // sequence ending in a scalar that otherwise stands alone (©), Hangul jamo, regional indicators, a
        // prepended Arabic mark, CR LF at the 20,000-Character limit.
        let joiners = ["か\u{3099}法治", "\u{F900}法治", "e\u{301}法", "法\u{301}治", "治\u{FE0F}政", "\u{1F468}\u{200D}\u{A9}法",
                       "\u{1100}\u{1161}\u{11A8}政府", "\u{1F1E8}\u{1F1F3}法", "\u{600}1法", "\u{301}法治", "法治\u{200D}"]
        for j in joiners {
            for t in [j, "法治" + j + "政府", String(repeating: "政" + j, count: 3000), String(repeating: "法", count: 19_999) + "\r\n" + j] {
                #expect(TextDecoder.score(t, replaced: 0) == TextDecoder.scoreByCharacters(t, replaced: 0), "\(t.unicodeScalars.prefix(8).map { String($0.value, radix: 16) })")
            }
        }
        // Random scalars from the ranges that stand alone and from ones that do not.
        var rng = SplitMix64(seed: 5)
        let pools: [ClosedRange<UInt32>] = [0x20...0x7E, 0x300...0x36F, 0x4E00...0x4E60, 0x1100...0x11FF, 0xAC00...0xAC10,
                                            0xFE00...0xFE0F, 0x200C...0x200D, 0x1F1E6...0x1F1FF, 0xA9...0xA9, 0x0D...0x0D, 0x0A...0x0A]
        for _ in 0..<300 {
            var t = ""
            for _ in 0..<Int(rng.next() % 40) {
                let pool = pools[Int(rng.next() % UInt64(pools.count))]
                if let u = Unicode.Scalar(pool.lowerBound + UInt32(rng.next() % UInt64(pool.count))) { t.unicodeScalars.append(u) }
            }
            #expect(TextDecoder.score(t, replaced: 1) == TextDecoder.scoreByCharacters(t, replaced: 1), "\(t.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    @Test func gb18030WithAFourByteCharacter() throws {
        let text = simplified + "𠀀㈠\n"
        let bytes = [UInt8](try #require(text.data(using: gb18030)))
        // 𠀀 (U+20000) is a four-byte GB18030 sequence: 95 32 82 36.
        #expect(bytes.count >= 4 && (0..<(bytes.count - 3)).contains { Array(bytes[$0..<($0 + 4)]) == [0x95, 0x32, 0x82, 0x36] })
        #expect(String(validating: bytes, as: UTF8.self) == nil)
        let d = try TextDecoder.decode(bytes)
        #expect(d.encoding == .gb18030)
        #expect(d.text == text)
        #expect(d.replaced == 0)
    }

    @Test func gbkBytes() throws {
        // 法治政府 in GBK, written out by hand: B7A8 D6CE D5FE B8AE, then ASCII.
        var bytes: [UInt8] = [0xB7, 0xA8, 0xD6, 0xCE, 0xD5, 0xFE, 0xB8, 0xAE] + Array("2024".utf8)
        bytes += [UInt8](try #require("年法治政府建设情况报告".data(using: gb18030)))
        let d = try TextDecoder.decode(bytes)
        #expect(d.encoding == .gb18030)
        #expect(d.text == "法治政府2024年法治政府建设情况报告")
    }

    /// A whole GB18030 reading scoring at least `clearlyRight` is taken without the Big5 one (`decode`); the bar
    /// must sit far from both sides: right readings of the seed reports score well above it, wrong readings (the
    /// seeds' GB18030 bytes read as Big5, Big5 bytes read as GB18030) far below.
    @Test func aClearGB18030ReadingIsTakenAndWrongReadingsScoreFarBelowTheBar() throws {
        var checked = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: seedsDir).sorted() {
            let text = String(decoding: try #require(FileManager.default.contents(atPath: seedsDir + "/" + name)), as: UTF8.self)
            let bytes = [UInt8](try #require(text.data(using: gb18030)))
            let d = try TextDecoder.decode(bytes)
            #expect(d.encoding == .gb18030 && d.text == text && d.replaced == 0, "\(name)")
            #expect(TextDecoder.score(d.text, replaced: 0) >= 1.5 * TextDecoder.clearlyRight, "\(name)")
            let asBig5 = TextDecoder.dbcs(bytes, .big5)
            #expect(TextDecoder.score(asBig5.text, replaced: asBig5.replaced) < TextDecoder.clearlyRight / 4, "\(name)")
            checked += 1
        }
        #expect(checked >= 5)
        let big5Bytes = [UInt8](try #require(traditional.data(using: big5)))
        let asGB = TextDecoder.dbcs(big5Bytes, .gb18030)
        #expect(TextDecoder.score(asGB.text, replaced: asGB.replaced) < TextDecoder.clearlyRight / 4)
    }

    @Test func big5Traditional() throws {
        let bytes = [UInt8](try #require(traditional.data(using: big5), "Big5 must be available in this Foundation"))
        #expect(String(validating: bytes, as: UTF8.self) == nil)
        // Big5 bytes are mostly valid GBK too: the detector must still prefer Big5.
        #expect(String(data: Data(bytes), encoding: gb18030) != nil)
        let d = try TextDecoder.decode(bytes)
        #expect(d.encoding == .big5)
        #expect(d.text == traditional)
    }

    @Test func utf16WithBOM() throws {
        let le = [0xFF, 0xFE] + [UInt8](try #require(simplified.data(using: .utf16LittleEndian)))
        let be = [0xFE, 0xFF] + [UInt8](try #require(simplified.data(using: .utf16BigEndian)))
        let dle = try TextDecoder.decode(le)
        let dbe = try TextDecoder.decode(be)
        #expect(dle.encoding == .utf16LE && dle.text == simplified)
        #expect(dbe.encoding == .utf16BE && dbe.text == simplified)
    }

    @Test func utf16WithoutBOM() throws {
        let le = [UInt8](try #require(simplified.data(using: .utf16LittleEndian)))
        let d = try TextDecoder.decode(le)
        #expect(d.encoding == .utf16LE && d.text == simplified)
    }

    /// Chinese with full-width punctuation has NULs only in line breaks: still UTF-16.
    @Test func utf16WithoutBOMAndFewNULs() throws {
        let text = String(repeating: "法治政府建设年度报告，依法行政工作取得明显成效。各项工作稳步推进落实到位。\n", count: 20)
        let be = [UInt8](try #require(text.data(using: .utf16BigEndian)))
        #expect(be.filter { $0 == 0 }.count * 50 < be.count)
        let d = try TextDecoder.decode(be)
        #expect(d.encoding == .utf16BE && d.text == text)
    }

    @Test func utf8WithAndWithoutBOM() throws {
        let d1 = try TextDecoder.decode([0xEF, 0xBB, 0xBF] + Array(simplified.utf8))
        #expect(d1.encoding == .utf8 && d1.text == simplified)
        let d2 = try TextDecoder.decode(Array(simplified.utf8))
        #expect(d2.encoding == .utf8 && d2.text == simplified)
    }

    @Test func damagedGB18030IsLossyNotLost() throws {
        var bytes = [UInt8](try #require((simplified + simplified).data(using: gb18030)))
        bytes.insert(0xFF, at: 10) // a byte no GB18030 character starts with
        let d = try TextDecoder.decode(bytes)
        #expect(d.encoding == .gb18030)
        #expect(d.replaced >= 1)
        #expect(d.text.contains("全年审结行政复议申请358件"))
    }

    /// UTF-8 with a byte lost mid-character is still UTF-8 (not GB18030 mojibake), with the damage counted.
    @Test func damagedUTF8() throws {
        var bytes = Array((simplified + simplified + simplified).utf8)
        bytes.remove(at: 4) // inside 门
        let d = try TextDecoder.decode(bytes)
        #expect(d.encoding == .utf8)
        #expect(d.replaced >= 1)
        #expect(d.text.contains("全年审结行政复议申请358件"))
        // Converted, with a warning a person can act on.
        let p = TempProject()
        var seed = [UInt8](FileManager.default.contents(atPath: seedsDir + "/" + seedNames[0])!)
        seed.remove(at: 2000)
        p.write("damaged.txt", seed)
        _ = try p.convert()
        let doc = try #require(try p.document(forSource: "damaged.txt"))
        #expect(doc.frontMatter.adcode == "429006")
        #expect(doc.frontMatter.warnings.contains { $0.contains("lossy decoding") })
    }

    @Test func binaryAndEmptyAreRefused() {
        #expect(throws: DecodeFailure.self) { try TextDecoder.decode([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]) }
        #expect(throws: DecodeFailure.self) { try TextDecoder.decode(Array("%PDF-1.7\n".utf8) + [0, 1, 2]) }
        #expect(throws: DecodeFailure.self) { try TextDecoder.decode([]) }
        #expect(throws: DecodeFailure.self) { try TextDecoder.decode((0..<512).map { UInt8(truncatingIfNeeded: $0 &* 7) }) }
    }

    /// End to end: every encoding converts to the same front matter.
    @Test func everyEncodingConverts() throws {
        let report = sampleReport(title: "南京市鼓楼区2024年法治政府建设情况报告")
        let p = TempProject()
        p.write("gb.txt", [UInt8](report.data(using: gb18030)!))
        p.write("le.txt", [0xFF, 0xFE] + [UInt8](report.data(using: .utf16LittleEndian)!))
        p.write("be.txt", [0xFE, 0xFF] + [UInt8](report.data(using: .utf16BigEndian)!))
        p.write("bom.txt", [0xEF, 0xBB, 0xBF] + Array(report.utf8))
        let trad = "南京市鼓樓區2024年法治政府建設情況報告\n\n2024年,本區堅持以習近平法治思想為指導,全面推進法治政府建設,取得明顯成效。\n\n一、2024年工作情況\n\n全年辦理行政複議案件120件。\n"
        p.write("big5.txt", [UInt8](try #require(trad.data(using: big5))))
        let summary = try p.convert()
        #expect(summary.failed.isEmpty, "\(summary.failed)")
        for name in ["gb.txt", "le.txt", "be.txt", "bom.txt"] {
            let doc = try #require(try p.document(forSource: name))
            #expect(doc.frontMatter.title == "南京市鼓楼区2024年法治政府建设情况报告", "\(name)")
            #expect(doc.frontMatter.adcode == "320106", "\(name)")
            #expect(doc.frontMatter.year == 2024)
            #expect(doc.body.contains("全年办理行政复议案件120件"), "\(name)")
        }
        let b = try #require(try p.document(forSource: "big5.txt"))
        // A traditional copy of a simplified page is turned back into simplified script, with a warning.
        #expect(b.frontMatter.title == "南京市鼓楼区2024年法治政府建设情况报告")
        #expect(b.frontMatter.adcode == "320106")
        #expect(b.frontMatter.year == 2024)
        #expect(b.body.contains("全年办理行政复议案件120件"))
        #expect(b.frontMatter.warnings.contains { $0.contains("traditional") })
    }
}

@Suite struct NormalizationTests {
    @Test func fullWidthDigitsAndPercent() {
        let (t, _, _) = TextNormalizer.normalize("办理案件１２３件,占比９６．９％,全年百分之百完成。（一）加强领导：\u{3000}好")
        #expect(t == "办理案件123件,占比96.9%,全年百分之百完成。（一）加强领导： 好")
        #expect(TextNormalizer.normalize("100﹪").text == "100%")
        #expect(TextNormalizer.normalize("％的").text == "％的")
    }

    @Test func controlAndPrivateUseCharactersGo() {
        let (t, removed, _) = TextNormalizer.normalize("法\u{0}治\u{E001}政\u{200B}府\r\n建设\r完")
        #expect(t == "法治政府\n建设\n完")
        #expect(removed == 2)
    }

    @Test func spacesCollapseButDigitsStayReadable() {
        #expect(TextNormalizer.tidyLine("  共办理 537 件,   大    中    小 ") == "共办理 537 件, 大 中 小")
    }

    @Test func watermarksAreRemoved() {
        let (t, found) = TextNormalizer.removeWatermarks("全年办理案件www.example.com120件,http://mirror.example.org/a?b=1调解成功")
        #expect(t == "全年办理案件120件,调解成功")
        #expect(found == ["www.example.com", "http://mirror.example.org/a?b=1"])
        // A URL the report cites is kept.
        #expect(TextNormalizer.removeWatermarks("网址:www.gov.cn。").0 == "网址:www.gov.cn。")
        #expect(TextNormalizer.removeWatermarks("在中国政府网(www.gov.cn)公开").0 == "在中国政府网(www.gov.cn)公开")
    }
    /// The byte scan for a declared charset says what the first version said, which lowered a Character string
    /// of the first 8 KB (every byte above 7F a space) and took letters, digits, `-` and `_` after `charset`.
    @Test func declaredCharsetAgreesWithItsCharacterVersion() throws {
        func byCharacters(_ bytes: [UInt8]) -> TextEncoding? {
            let head = bytes.prefix(8192).map { $0 < 0x80 ? Character(Unicode.Scalar($0)) : " " }
            let s = String(head).lowercased()
            guard let r = s.range(of: "charset") else { return nil }
            var rest = s[r.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" }
            rest = rest.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
            return TextEncoding.named(String(rest))
        }
        var heads = [
            "<meta charset=\"utf-8\">", "<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; CHARSET=GB2312\">",
            "<meta charset = 'gbk' >", "<meta charset=big5-hkscs>", "<meta charset=\"x-gbk\">", "<meta charset=\"gb_2312-80\">",
            "<meta charset=\"\">", "<meta name=x>", "charset", "charset=utf-16le", "天门市 charset=\"utf-8\"", "chars\u{E9}t=gbk",
            "<meta charset=\"utf\r\n8\">", "<meta charset=\"utf-8\u{301}\">",
        ].map { Array($0.utf8) }
        heads.append(Array(String(repeating: "天", count: 2730).utf8) + Array("<meta charset=gbk>".utf8)) // across 8,192 bytes
        heads.append(Array(String(repeating: "a", count: 8185).utf8) + Array("charset=gbk".utf8))
        for name in try FileManager.default.contentsOfDirectory(atPath: seedsDir) {
            heads.append([UInt8](FileManager.default.contents(atPath: seedsDir + "/" + name)!))
        }
        for h in heads { #expect(HTMLText.declaredCharset(h) == byCharacters(h), "\(String(decoding: h.prefix(60), as: UTF8.self))") }
        #expect(HTMLText.declaredCharset(Array("<meta charset=\"GBK\">".utf8)) == .gb18030)
    }

    /// A page title's base (before | ｜ or _) is found as the Character search found it.
    @Test func pageTitleBaseAgreesWithItsCharacterVersion() throws {
        func byCharacters(_ t: String) -> String? {
            guard let r = t.firstIndex(where: { $0 == "|" || $0 == "｜" || $0 == "_" }) else { return nil }
            let base = t[..<r].trimmingCharacters(in: .whitespaces)
            return base.isEmpty ? nil : base
        }
        var lines = ["滨海新区人民政府2024年法治政府建设情况的报告 |", "报告｜门户网站", "报告_门户", " | x", "无分隔符的标题",
                     "尜尜", "報告 ｜ 網站", "a|\u{301}b", "a_b|c", "法治政府建设工作报告－天门市人民政府", "\u{FF5C}x"]
        for name in try FileManager.default.contentsOfDirectory(atPath: seedsDir) { lines += seedLines(name) }
        for t in lines { #expect(ReportAnalyzer.pageTitleBase(t) == byCharacters(t), "\(t.prefix(40))") }
    }
}
