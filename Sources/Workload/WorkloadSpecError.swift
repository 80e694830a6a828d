/// A workload spec that cannot be run, saying which setting is wrong and what was expected.
public struct WorkloadSpecError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
