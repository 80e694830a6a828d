/// What asking one node for its member status found.
public enum EtcdProbe: Sendable, Equatable, CustomStringConvertible {
    /// The member answered.
    case answered(EtcdMemberStatus)
    /// etcd runs (this pid) but its status endpoint did not answer (starting, paused, overloaded).
    case silent(pid: Int32, reason: String)
    /// No etcd of ours runs on the node.
    case notRunning(reason: String)
    /// The node could not be asked (transport failure, unexpected output).
    case unreachable(reason: String)

    public var status: EtcdMemberStatus? {
        if case .answered(let status) = self { return status }
        return nil
    }

    public var description: String {
        switch self {
        case .answered(let status):
            return status.leaderID == 0 ? "answers, sees no leader" : "answers, sees leader \(status.leaderID) in term \(status.raftTerm)"
        case let .silent(pid, reason): return "etcd runs (pid \(pid)) but does not answer" + Self.suffix(reason)
        case .notRunning(let reason): return "etcd is not running" + Self.suffix(reason)
        case .unreachable(let reason): return "cannot be asked: \(reason)"
        }
    }

    private static func suffix(_ reason: String) -> String { reason.isEmpty ? "" : " (\(reason))" }

    /// Reads the output of the probe script: `answered <json>`, `silent <pid> <reason>` or
    /// `absent <reason>`.
    static func parse(_ output: String) -> EtcdProbe {
        let text = output.trimmingWhitespace
        let (word, rest) = text.firstWord
        switch word {
        case "answered":
            do {
                return .answered(try EtcdMemberStatus.decode(rest))
            } catch {
                return .unreachable(reason: "unreadable status `\(rest.prefix(200))`: \(error)")
            }
        case "silent":
            let (pid, reason) = rest.firstWord
            return .silent(pid: Int32(pid) ?? 0, reason: reason)
        case "absent":
            return .notRunning(reason: rest)
        default:
            return .unreachable(reason: "unexpected probe output `\(text.prefix(200))`")
        }
    }
}
