import RemoteCore

/// What asking one node's daemon for its status found.
public enum DaemonProbe<Status: Sendable & Equatable & CustomStringConvertible>: Sendable, Equatable, CustomStringConvertible {
    /// The daemon answered.
    case answered(Status)
    /// The daemon runs (this pid) but its status endpoint did not answer (starting, paused,
    /// overloaded).
    case silent(pid: Int32, reason: String)
    /// No daemon of ours runs on the node.
    case notRunning(reason: String)
    /// The node could not be asked (transport failure, unexpected output).
    case unreachable(reason: String)

    public var status: Status? {
        if case .answered(let status) = self { return status }
        return nil
    }

    public var description: String {
        switch self {
        case .answered(let status): return "answers, \(status)"
        case let .silent(pid, reason): return "runs (pid \(pid)) but does not answer" + Self.suffix(reason)
        case .notRunning(let reason): return "is not running" + Self.suffix(reason)
        case .unreachable(let reason): return "cannot be asked: \(reason)"
        }
    }

    private static func suffix(_ reason: String) -> String { reason.isEmpty ? "" : " (\(reason))" }

    /// Reads the output of `RemoteDaemon.probeScript`: `answered <body>`, `silent <pid> <reason>`
    /// or `absent <reason>`; `decode` reads the body.
    public static func parse(_ output: String, decode: (String) throws -> Status) -> DaemonProbe {
        let text = output.trimmingWhitespace
        let (word, rest) = text.firstWord
        switch word {
        case "answered":
            do {
                return .answered(try decode(rest))
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

extension RemoteDaemon {
    /// Runs `request` (a command printing the daemon's status, e.g. a `curl` of its status
    /// endpoint) on the daemon's host; when it fails, says whether the daemon's process runs.
    /// Never throws: a host that cannot be asked gives `.unreachable`.
    public func probe<Status>(_ request: String, on remote: any Remote,
                              decode: (String) throws -> Status) async -> DaemonProbe<Status> {
        let body = """
        out=$(\(request) 2>&1)
        if [ $? -eq 0 ]; then printf 'answered %s\\n' "$out"
        elif p=$(ourpid); then printf 'silent %s %s\\n' "$p" "$out"
        else printf 'absent %s\\n' "$out"; fi
        """
        do {
            return DaemonProbe.parse(try await run("status", script(body), on: remote), decode: decode)
        } catch {
            return .unreachable(reason: "\(error)")
        }
    }
}

/// Which node leads, by agreement.
public enum LeaderAgreement {
    /// The leader named by a majority of a cluster of `clusterSize` among `claims` (one claim per
    /// member that answered; nil: sees no leader); otherwise nil. A majority is what a leader
    /// needs to commit anything, so this is the leader that counts: an isolated old leader that
    /// still claims leadership, a minority, does not hide the new one the others follow.
    public static func agreed<Leader: Hashable>(_ claims: [Leader?], clusterSize: Int) -> Leader? {
        var counts: [Leader: Int] = [:]
        for case let claim? in claims { counts[claim, default: 0] += 1 }
        return counts.first { $0.value * 2 > clusterSize }?.key
    }
}
