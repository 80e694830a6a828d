/// UTF-8 validation for the format readers: a history whose strings are not UTF-8 is refused,
/// never read with replacement characters (two different keys `"k\xff"` and `"k\xfe"` would both
/// become `"k\u{FFFD}"` and merge into one key).
enum UTF8Text {
    /// The offset in `bytes` of the first byte that does not belong to a well-formed UTF-8
    /// sequence (overlong forms, surrogates and code points past U+10FFFF included), or nil
    /// when all of it is UTF-8. A sequence cut off by the end of `bytes` is invalid.
    static func firstInvalidByte(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        let n = bytes.count
        while i < n {
            let c = bytes[i]
            if c < 0x80 {
                i += 1
                continue
            }
            // The length of the sequence and the allowed range of its second byte (RFC 3629).
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return i
            }
            guard i + 1 < n, bytes[i + 1] >= low, bytes[i + 1] <= high else { return i }
            for k in 2..<length {
                guard i + k < n, bytes[i + k] & 0xC0 == 0x80 else { return i }
            }
            i += length
        }
        return nil
    }

    /// Throws a `HistoryError` naming the line and column (in characters, from 1) of the first
    /// byte of `bytes` that is not UTF-8, for readers that check a whole file before parsing it.
    static func require(_ bytes: [UInt8], source: String) throws(HistoryError) {
        guard let bad = bytes.withUnsafeBufferPointer({ firstInvalidByte($0) }) else { return }
        var line = 1, lineStart = 0
        for k in 0..<bad where bytes[k] == 0x0A {
            line += 1
            lineStart = k + 1
        }
        let column = 1 + bytes[lineStart..<bad].filter { $0 & 0xC0 != 0x80 }.count
        throw HistoryError(file: source, line: line, column: column, message: notUTF8(bytes[bad]))
    }

    /// The message for a byte that does not start or continue a UTF-8 character.
    static func notUTF8(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16, uppercase: true)
        return "not UTF-8: byte 0x\(hex.count < 2 ? "0" : "")\(hex) does not start or continue a UTF-8 character (a history's text must be UTF-8)"
    }

    /// The message for a `\u` escape of a surrogate that is not part of a pair: it stands for no
    /// character, and replacing it would merge distinct strings.
    static func loneSurrogate(_ scalar: UInt32) -> String {
        "\\u\(String(scalar, radix: 16, uppercase: true)) is half of a surrogate pair without its other half: it stands for no character"
    }
}
