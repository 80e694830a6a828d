import Foundation

/// The text for an errno value (`No such file or directory`).
public func errnoText(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}

extension StringProtocol {
    /// The text without leading and trailing spaces and newlines.
    public var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
