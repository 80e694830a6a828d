import Foundation

/// Quoting for POSIX `sh`, so that arguments reach a remote program exactly as given.
public enum ShellQuote {
    /// `word` as one shell word: unchanged when it only holds characters the shell leaves alone,
    /// otherwise in single quotes, with each `'` written as `'\''`. The empty string becomes `''`.
    public static func quote(_ word: String) -> String {
        if !word.isEmpty && word.unicodeScalars.allSatisfy(isSafe) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The words quoted and joined by spaces: a command line that runs `words[0]` with the rest as
    /// its arguments.
    public static func join(_ words: [String]) -> String {
        words.map(quote).joined(separator: " ")
    }

    private static func isSafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": return true
        case "-", "_", ".", "/", ":", ",", "+", "=", "@", "%": return true
        default: return false
        }
    }
}
