/// JSON text that is also safe inside HTML.
public enum JSONText {
    /// A JSON string literal. `<`, `>`, `&`, U+2028/2029, DEL and control characters are written as `\u`
    /// escapes, so the literal can stand inside a `<script>` element and no `</script>` can close it.
    /// Works on UTF-8 bytes: the data exports quote hundreds of thousands of strings.
    public static func quoted(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 8)
        appendQuoted(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `quoted(s)`, appended to `out` as UTF-8 bytes.
    public static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { u in
            func escape(_ v: UInt8) {
                let hex: StaticString = "0123456789abcdef"
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                        hex.utf8Start[Int(v >> 4)], hex.utf8Start[Int(v & 0xF)]])
            }
            var i = 0
            while i < u.count {
                let b = u[i]
                switch b {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(b)
                case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
                case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), 0x7F: escape(b)
                case 0xE2 where i + 2 < u.count && u[i + 1] == 0x80 && (u[i + 2] == 0xA8 || u[i + 2] == 0xA9):
                    // U+2028 / U+2029: line breaks to JavaScript.
                    out.append(contentsOf: (u[i + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8)
                    i += 3
                    continue
                default:
                    if b < 0x20 { escape(b) } else { out.append(b) }
                }
                i += 1
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
