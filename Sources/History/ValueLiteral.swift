extension Value {
    /// Reads a value typed by a person (command line, spec): `nil` or `null` → `.null`,
    /// `true`/`false`, an integer, a double-quoted string, or any other text as a string.
    public init(literal text: String) {
        switch text {
        case "nil", "null": self = .null
        case "true": self = .bool(true)
        case "false": self = .bool(false)
        default:
            if let i = Int(text) {
                self = .int(i)
            } else if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") {
                self = .string(String(text.dropFirst().dropLast()))
            } else {
                self = .string(text)
            }
        }
    }
}
