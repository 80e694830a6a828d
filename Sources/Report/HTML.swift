import RunRecord

/// Escaping for text placed into the report's HTML, and for data placed into its scripts.
enum HTML {
    /// `text` safe inside an element or a quoted attribute (`RunRecord.HTMLText`, shared with the
    /// sweep's and the index's pages).
    static func escape(_ text: String) -> String { HTMLText.escape(text) }

    /// A JSON string literal (with quotes) for `text`, safe inside a `<script>` element: besides
    /// JSON's own escapes, `<`, `>` and `&` are written as `\u003c` etc., so no `</script>` or
    /// `<!--` can end the script early.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for c in text.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if c.value < 0x20 {
                    let hex = String(c.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }

    /// A relative link path with each segment percent-encoded where HTML or URLs need it.
    static func linkPath(_ segments: [String]) -> String {
        segments.map { segment in
            var out = ""
            for b in segment.utf8 {
                let c = Character(UnicodeScalar(b))
                if c.isLetter && b < 128 || c.isNumber && b < 128 || "-._~".contains(c) {
                    out.append(c)
                } else {
                    out += "%" + (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true)
                }
            }
            return out
        }.joined(separator: "/")
    }
}
