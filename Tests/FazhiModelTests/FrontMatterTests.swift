import Testing
@testable import FazhiModel

@Suite struct SHA256Tests {
    @Test func knownVectors() {
        #expect(SHA256.hex(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(SHA256.hex(long) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // Many blocks, hashed in place.
        #expect(SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // Every padding length around a block boundary agrees with a byte-by-byte collection (no contiguous storage).
        for n in 50...130 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            #expect(SHA256.hex(bytes) == SHA256.hex(bytes.lazy.map { $0 }))
        }
    }

    /// The processor's SHA instructions and the Swift rounds give the same digests: every length over three blocks
    /// (each padding case, one or two tail blocks) and a large message.
    @Test(.enabled(if: SHA256.hardware, "this processor has no SHA instructions")) func hardwareAndSoftwareAgree() {
        var bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }
        func both(_ n: Int) -> ([UInt32], [UInt32]) {
            func array(_ w: SHA256.Words) -> [UInt32] { [w.0, w.1, w.2, w.3, w.4, w.5, w.6, w.7] }
            return bytes.withUnsafeBufferPointer { all in
                let m = UnsafeBufferPointer(rebasing: all[0..<n])
                return (array(SHA256.words(m, hardware: true)), array(SHA256.words(m, hardware: false)))
            }
        }
        for n in Array(0...200) + [bytes.count] {
            let (hw, sw) = both(n)
            #expect(hw == sw, "length \(n)")
        }
        bytes[12_345] ^= 1
        let (hw, sw) = both(bytes.count)
        #expect(hw == sw)
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func sentenceIDsAreTheDigestPrefix() {
        var taken = Set<String>()
        let sentence = "2024年审结行政复议申请358件,确认违法7件。"
        #expect(Anchors.sentenceID(for: sentence, taken: &taken) == "s-" + SHA256.hex(Array(sentence.utf8)).prefix(8))
    }
}

/// Reference digests from the `mmh3` Python package (MurmurHash3 x64 128, seed 0, bytes h1 then h2 little-endian).
@Suite struct ContentHashTests {
    @Test func matchesMurmurHash3() {
        #expect(ContentHash.hex([]) == "00000000000000000000000000000000")
        #expect(ContentHash.hex(Array("a".utf8)) == "897859f6655555855a890e51483ab5e6")
        #expect(ContentHash.hex(Array("abc".utf8)) == "6778ad3f3f3f96b4522dca264174a23b")
        #expect(ContentHash.hex(Array("The quick brown fox jumps over the lazy dog".utf8)) == "6c1b07bc7bbc4be347939ac4a93c437a")
        // Every tail length (the bytes after the last 16-byte block), on bytes i * 31.
        let expected: [Int: String] = [
            1: "b55cff6ee5ab10468335f878aa2d6251", 7: "33a78cb68221080d39154635edd65a5f", 8: "95eb6366f8a21ab6872faf2c2d26b651",
            9: "a916e1d382c54404e86a0d6997e13244", 15: "378677f329e47a4eb54d9ae3fff4a4c3", 16: "4dd95459686bba7c5fe99a9d8f40e024",
            17: "b025cffde921ebceb389c2f5cc550d82", 24: "ac66675ed8f7b3128e53c5b89d8c8113", 25: "9afd6496c9c6a6bb9061a04120fea3ad",
            31: "8baf684c65727f0796c4e9ea0f653c4e", 32: "70cacc840eb2e8effd79bde1695a4757", 33: "004a739a60eac13998c913109e1116fd",
            1_000_000: "c1b35d417fa1742c8e9e649d457976c5",
        ]
        for (n, hex) in expected {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            #expect(ContentHash.hex(bytes) == hex, "\(n) bytes")
        }
    }
}

@Suite struct FrontMatterTests {
    func sample() -> ReportFrontMatter {
        var fm = ReportFrontMatter()
        fm.id = "429006-2024"
        fm.title = "天门市2024年法治政府建设情况报告"
        fm.year = 2024
        fm.published = "2025-03-13"
        fm.publisher = "天门市司法局"
        fm.indexNumber = "MB1A08302/2025-08767"
        fm.kind = .government
        fm.locality = "天门市"; fm.province = "湖北省"; fm.adcode = "429006"; fm.level = .county
        fm.source = "content/reports/a \"quoted\": name.txt"
        fm.converter = 3
        fm.warnings = ["line one\nline two", "tab\there \\ backslash"]
        fm.sections = [SectionInfo(anchor: "h-1", heading: "一、2024年工作情况", level: 2, part: .results, themes: ["disputes", "study"])]
        fm.facts = [Fact(value: 96.9, unit: "%", qualifier: .exact, text: "96.9%", subject: "调解成功率",
                         part: .results, section: ["一、2024年工作情况", "(五)推进社会治理"], anchor: "s-0123abcd",
                         sentence: "调解成功率达96.9%。"),
                    Fact(value: 400, unit: "次", qualifier: .atLeast, text: "400余次", subject: "中心组学习",
                         part: .results, section: [], anchor: "s-0123abce", sentence: "学习400余次。")]
        fm.indicators = [IndicatorValue(indicator: "mediation-success-rate", value: 96.9, unit: "%", qualifier: .exact,
                                        anchor: "s-0123abcd", confidence: 0.9, rule: "调解成功率",
                                        alternatives: [.init(value: 97, anchor: "s-99999999")])]
        return fm
    }

    @Test func roundTrip() throws {
        let doc = ReportDocument(frontMatter: sample(), body: "## 一、2024年工作情况 {#h-1}\n\n{#s-0123abcd}调解成功率达96.9%。\n")
        let text = FrontMatterWriter.document(doc)
        let back = try FrontMatterReader.document(text, file: "x.md")
        #expect(back == doc)
        // Deterministic: writing again gives the same bytes.
        #expect(FrontMatterWriter.document(back) == text)
    }

    /// A quoted string is what the scalar-by-scalar escaping makes of it (`escapedQuoted`): the byte scan that lets
    /// most strings through unescaped (`needsEscape`) must never miss one (C1 controls, U+2028/2029 and U+FEFF are
    /// several bytes long).
    @Test func quotingEscapesWhatTheScalarRuleEscapes() {
        let pieces = ["法治", "a", "\"", "\\", "\n", "\t", "\r", "\u{0}", "\u{1F}", "\u{7F}", "\u{80}", "\u{9F}", "\u{A0}", "\u{C2}",
                      "\u{2027}", "\u{2028}", "\u{2029}", "\u{202A}", "\u{FEFF}", "\u{FEFE}", "\u{FFBF}", "\u{E000}", "é", "\u{1F600}", "。"]
        var random = SplitMix64(seed: 11)
        for _ in 0..<3000 {
            let s = (0..<5).map { _ in random.pick(pieces) }.joined()
            #expect(FrontMatterWriter.quoted(s) == FrontMatterWriter.escapedQuoted(s), "\(s.debugDescription)")
        }
    }

    @Test func emptyYearAndKindAreNull() throws {
        var fm = ReportFrontMatter(); fm.id = "x"
        let yaml = FrontMatterWriter.yaml(fm)
        #expect(yaml.contains("year: null\n"))
        let back = try FrontMatterReader.frontMatter(yaml, file: "x.md")
        #expect(back.year == nil && back.kind == nil && back.facts.isEmpty)
    }

    @Test func invalidYAMLNamesFileAndLine() {
        let text = "---\nid: \"a\"\ntitle: [unclosed\nyear: 2024\n---\n\nbody\n"
        #expect {
            try FrontMatterReader.document(text, file: "content/markdown/a.md")
        } throws: { error in
            guard let d = error as? Diagnostic else { return false }
            return d.file == "content/markdown/a.md" && (d.line ?? 0) >= 3 && d.description.hasPrefix("content/markdown/a.md:")
        }
    }

    @Test func wrongTypeNamesTheLine() {
        let text = "---\nid: \"a\"\nyear: twenty\n---\n"
        #expect {
            try FrontMatterReader.document(text, file: "f.md")
        } throws: { error in
            (error as? Diagnostic)?.line == 3 && (error as? Diagnostic)?.message.contains("year") == true
        }
    }

    @Test func unknownEnumIsAnError() {
        #expect(throws: Diagnostic.self) { try FrontMatterReader.frontMatter("kind: ministry\n", file: "f.md") }
    }

    @Test func bodyStartsAfterFence() {
        let parts = FrontMatterReader.split("---\na: 1\n---\n\n# T\n")
        #expect(parts.yaml == "a: 1\n")
        #expect(parts.body == "# T\n")
        #expect(parts.bodyLine == 5)
        #expect(FrontMatterReader.split("no front matter").yaml == nil)
    }
}

@Suite struct AnchorTests {
    @Test func markersAreFoundAndEscapedOnesAreNot() {
        let body = "## 标题 {#h-1}\n\n{#s-0123abcd}审结358件。\\{#s-notanchor}文字{#Bad}{#s-1}\n"
        let (text, found) = Anchors.replaceMarkers(in: body) { "<\($0)>" }
        #expect(found.map(\.id) == ["h-1", "s-0123abcd", "s-1"])
        #expect(found.map(\.line) == [1, 3, 3])
        #expect(text == "## 标题 <h-1>\n\n<s-0123abcd>审结358件。\\{#s-notanchor}文字{#Bad}<s-1>\n")
    }

    @Test func sentenceIDsAreStableAndUnique() {
        var taken = Set<String>()
        let a = Anchors.sentenceID(for: "审结行政复议申请358件。", taken: &taken)
        let b = Anchors.sentenceID(for: "审结行政复议申请358件。", taken: &taken)
        #expect(a.hasPrefix("s-") && a.count == 10)
        #expect(b == a + "-2")
        var fresh = Set<String>()
        #expect(Anchors.sentenceID(for: "审结行政复议申请358件。", taken: &fresh) == a)
    }

    @Test func escapingKeepsTextLiteral() {
        #expect(MarkdownText.escapeLine("1.推进重大事项") == "1\\.推进重大事项")
        #expect(MarkdownText.escapeLine("# 不是标题 <b>x</b> *y* [z](u) {#s-1}") ==
                "\\# 不是标题 \\<b\\>x\\</b\\> \\*y\\* \\[z\\](u) \\{#s-1\\}")
        #expect(MarkdownText.escapeLine("2024年,审结358件") == "2024年,审结358件")
        #expect(MarkdownText.escapeLine("- 列表") == "\\- 列表")
        #expect(MarkdownText.escapeLine("12345") == "12345")
    }
}

@Suite struct CatalogTests {
    @Test func loadsAndValidates() throws {
        let yaml = """
        themes:
          - id: disputes
            name: 矛盾纠纷化解
            keywords: [行政复议]
        indicators:
          - id: review-closed
            name: 行政复议办结
            theme: disputes
            unit: 件
            key: true
        """
        let c = try Catalog.load(yaml: yaml, file: "catalog.yaml")
        #expect(c.themes.count == 1 && c.indicators.first?.key == true)
        #expect(c.indicator("review-closed")?.theme == "disputes")
        let bad = yaml.replacingOccurrences(of: "theme: disputes", with: "theme: nowhere")
        #expect {
            try Catalog.load(yaml: bad, file: "catalog.yaml")
        } throws: { ($0 as? Diagnostic)?.line == 6 }
    }
}
