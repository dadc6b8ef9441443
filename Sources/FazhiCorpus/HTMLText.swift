import FazhiModel

/// Turns an HTML page into plain text lines: the text of `<body>`, with script, style, nav, header and footer
/// elements and comments dropped, block elements as line breaks, and entities decoded. The text of `<footer>`
/// elements is returned apart: it names the site's owner (主办单位), which helps resolve the locality.
enum HTMLText {
    struct Result {
        var text: String
        var footer: String
    }

    /// The charset a page declares in `<meta charset=…>` or `<meta http-equiv=Content-Type content="…; charset=…">`.
    static func declaredCharset(_ bytes: [UInt8]) -> TextEncoding? {
        // The first 8 KB on bytes, ASCII letters lowered and every other byte a space.
        let head = bytes.prefix(8192).map { b -> UInt8 in
            b >= 0x80 ? 0x20 : b >= 0x41 && b <= 0x5A ? b + 0x20 : b
        }
        guard let r = Occurrence.first(Array("charset".utf8), in: head, from: 0) else { return nil }
        var k = r + 7
        while k < head.count, head[k] == 0x20 || head[k] == UInt8(ascii: "=") || head[k] == UInt8(ascii: "\"") || head[k] == UInt8(ascii: "'") { k += 1 }
        let start = k
        while k < head.count, (head[k] >= 0x61 && head[k] <= 0x7A) || (head[k] >= 0x30 && head[k] <= 0x39) || head[k] == UInt8(ascii: "-") || head[k] == UInt8(ascii: "_") { k += 1 }
        return TextEncoding.named(String(decoding: head[start..<k], as: UTF8.self))
    }

    static let dropped: Set<String> = ["script", "style", "nav", "header", "noscript", "iframe", "svg", "template",
                                       "select", "button", "object", "head", "title", "form"]
    static let blocks: Set<String> = ["p", "div", "br", "li", "ul", "ol", "tr", "table", "tbody", "thead", "h1", "h2", "h3",
                                      "h4", "h5", "h6", "section", "article", "main", "aside", "dd", "dt", "dl", "blockquote",
                                      "pre", "hr", "td", "th", "caption", "center", "figure", "figcaption", "address", "body"]

    static func text(_ html: String) -> Result {
        let chars = Array(html.unicodeScalars)
        // Start inside <body> when there is one.
        var i = 0
        if let bodyStart = find(chars, "<body", from: 0) {
            if let close = firstIndex(chars, of: ">", from: bodyStart) { i = close + 1 }
        }
        var out = String.UnicodeScalarView()
        var footer = String.UnicodeScalarView()
        var footerDepth = 0
        var pre = 0
        func emit(_ s: Unicode.Scalar) {
            if footerDepth > 0 { footer.append(s) } else { out.append(s) }
        }
        func emitText(_ s: String) { for u in s.unicodeScalars { emit(u) } }
        while i < chars.count {
            let c = chars[i]
            if c == "<" {
                if matches(chars, "<!--", at: i) {
                    i = (find(chars, "-->", from: i + 4).map { $0 + 3 }) ?? chars.count
                    continue
                }
                guard let close = firstIndex(chars, of: ">", from: i + 1) else { emit(c); i += 1; continue }
                let tagText = String(String.UnicodeScalarView(chars[(i + 1)..<close]))
                let closing = tagText.hasPrefix("/")
                let name = String(tagText.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }).lowercased()
                if name.isEmpty && !tagText.hasPrefix("!") && !tagText.hasPrefix("?") {
                    // Not a tag: a literal "<".
                    emit(c); i += 1; continue
                }
                i = close + 1
                if !closing, dropped.contains(name), !tagText.hasSuffix("/") {
                    // Skip to the matching end tag.
                    if let end = find(chars, "</" + name, from: i, caseInsensitive: true) {
                        i = (firstIndex(chars, of: ">", from: end) ?? chars.count - 1) + 1
                    } else { i = chars.count }
                    continue
                }
                if name == "body", closing { break }
                if name == "footer" {
                    if closing { footerDepth = max(0, footerDepth - 1); footer.append("\n") } else { footerDepth += 1 }
                    continue
                }
                if name == "pre" { pre += closing ? -1 : 1 }
                if blocks.contains(name) { emit("\n") } else if name == "td" || name == "th" { emit(" ") }
                continue
            }
            if c == "&" {
                if let (decoded, next) = entity(chars, at: i) { emitText(decoded); i = next; continue }
            }
            if pre <= 0, c == "\n" || c == "\r" || c == "\t" { emit(" "); i += 1; continue }
            emit(c)
            i += 1
        }
        return Result(text: String(out), footer: String(footer))
    }

    static let named: [String: String] = [
        "nbsp": "\u{A0}", "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "ldquo": "“", "rdquo": "”",
        "lsquo": "‘", "rsquo": "’", "mdash": "—", "ndash": "–", "hellip": "…", "middot": "·", "bull": "•",
        "times": "×", "divide": "÷", "copy": "©", "reg": "®", "trade": "™", "emsp": "\u{2003}", "ensp": "\u{2002}",
        "thinsp": "\u{2009}", "yen": "¥", "deg": "°", "plusmn": "±", "sup2": "²", "sup3": "³", "permil": "‰",
        "laquo": "«", "raquo": "»", "lsaquo": "‹", "rsaquo": "›", "sect": "§", "para": "¶", "ordm": "º",
        "frac12": "½", "larr": "←", "rarr": "→", "uarr": "↑", "darr": "↓", "hyphen": "-", "shy": "\u{AD}",
        "zwsp": "\u{200B}", "ideographicspace": "\u{3000}",
    ]

    /// Decodes `&name;`, `&#123;`, `&#x1F;` at `i`; returns the text and the index after it.
    static func entity(_ chars: [Unicode.Scalar], at i: Int) -> (String, Int)? {
        var j = i + 1
        var name = ""
        while j < chars.count, j - i <= 32, chars[j] != ";" {
            let c = chars[j]
            guard c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "#" else { return nil }
            name.unicodeScalars.append(c)
            j += 1
        }
        guard j < chars.count, chars[j] == ";", !name.isEmpty else { return nil }
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value: UInt32?
            if digits.hasPrefix("x") || digits.hasPrefix("X") { value = UInt32(digits.dropFirst(), radix: 16) } else { value = UInt32(digits) }
            guard let v = value, let s = Unicode.Scalar(v) else { return ("\u{FFFD}", j + 1) }
            return (String(Character(s)), j + 1)
        }
        if let s = named[name] ?? named[name.lowercased()] { return (s, j + 1) }
        return nil
    }

    static func matches(_ chars: [Unicode.Scalar], _ s: String, at i: Int, caseInsensitive: Bool = false) -> Bool {
        var k = i
        for u in s.unicodeScalars {
            guard k < chars.count else { return false }
            var c = chars[k]
            if caseInsensitive, ("A"..."Z").contains(c) { c = Unicode.Scalar(c.value + 32)! }
            if c != u { return false }
            k += 1
        }
        return true
    }

    static func find(_ chars: [Unicode.Scalar], _ s: String, from: Int, caseInsensitive: Bool = true) -> Int? {
        guard let first = s.unicodeScalars.first else { return nil }
        var i = from
        while i < chars.count {
            var c = chars[i]
            if caseInsensitive, ("A"..."Z").contains(c) { c = Unicode.Scalar(c.value + 32)! }
            if c == first, matches(chars, s, at: i, caseInsensitive: caseInsensitive) { return i }
            i += 1
        }
        return nil
    }

    static func firstIndex(_ chars: [Unicode.Scalar], of c: Unicode.Scalar, from: Int) -> Int? {
        var i = from
        while i < chars.count { if chars[i] == c { return i }; i += 1 }
        return nil
    }
}
