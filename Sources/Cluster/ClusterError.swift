/// Why a database action failed. Every failure that happened on hosts names the node.
public enum ClusterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The cluster description or the database parameters cannot be used (duplicate node names, a
    /// flag the database manages itself, a non-numeric timeout, …). Raised before any host is
    /// touched.
    case invalidConfiguration(String)
    /// `action` failed on the nodes listed, each with its reason (in the cluster's node order).
    case nodesFailed(action: String, failures: [NodeFailure])

    public var description: String {
        switch self {
        case .invalidConfiguration(let text):
            return "invalid cluster configuration: \(text)"
        case let .nodesFailed(action, failures):
            let names = failures.map(\.node).joined(separator: ", ")
            return "\(action) failed on \(names):\n" + failures.map { "  \($0)" }.joined(separator: "\n")
        }
    }

    /// The names of the nodes that failed (empty for a configuration error).
    public var failedNodes: [String] {
        if case .nodesFailed(_, let failures) = self { return failures.map(\.node) }
        return []
    }
}

/// One node's part of a `ClusterError`.
public struct NodeFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The node's name (`ClusterNode.name`).
    public var node: String
    /// What went wrong there, in words (may span lines, e.g. with the tail of a log).
    public var reason: String

    public init(node: String, reason: String) {
        self.node = node
        self.reason = reason
    }

    public var description: String { "\(node): \(reason)" }
}
