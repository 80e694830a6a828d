/// What a heal did, per host.
public struct HealReport: Sendable, Equatable, CustomStringConvertible {
    /// One host's part.
    public struct Host: Sendable, Equatable {
        public var name: String
        /// What was done there, in words (`chain FAULTLINE removed (3 rules)`, `resumed etcd`, …).
        public var actions: [String]
        /// What could not be done, in words. Empty when the host is healed.
        public var failures: [String]
        /// What was tidied that was no fault (an empty chain a finished run leaves), in words: a
        /// heal says it did it, a run does not report it as left by an earlier run.
        public var tidied: [String]

        public init(name: String, actions: [String] = [], failures: [String] = [], tidied: [String] = []) {
            self.name = name
            self.actions = actions
            self.failures = failures
            self.tidied = tidied
        }
    }

    /// In the cluster's node order.
    public var hosts: [Host]

    public init(hosts: [Host]) { self.hosts = hosts }

    /// True when nothing failed on any host.
    public var succeeded: Bool { hosts.allSatisfy { $0.failures.isEmpty } }

    public var description: String {
        hosts.map { host in
            let lines = host.actions.map { "  \($0)" } + host.tidied.map { "  \($0)" } + host.failures.map { "  FAILED: \($0)" }
            return "\(host.name):\n" + (lines.isEmpty ? "  nothing to do" : lines.joined(separator: "\n"))
        }.joined(separator: "\n")
    }
}
