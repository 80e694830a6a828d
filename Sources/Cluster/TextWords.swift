/// Small text helpers for reading what scripts on hosts print.
extension StringProtocol {
    /// The text without leading and trailing white space (spaces, tabs, newlines).
    public var trimmingWhitespace: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }

    /// The text up to the first space, and the rest after it (empty when there is no space).
    public var firstWord: (String, String) {
        guard let space = firstIndex(of: " ") else { return (String(self), "") }
        return (String(self[..<space]), String(self[index(after: space)...]))
    }
}
