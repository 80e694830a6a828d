/// The `raftkv` command line:
/// `raftkv --id n1 --listen HOST:PORT --peers n1=HOST:PORT,n2=… --data-dir DIR
///  [--election-timeout MS] [--heartbeat-interval MS] [--command-timeout MS] [--max-entries-per-message N]
///  [--pre-vote true|false] [--join true|false] [--bug NAME]...` or `raftkv --version`.
public struct ServerOptions: Sendable, Equatable {
    public static let version = "raftkv 0.1.0"

    public var id: NodeID = ""
    public var listenHost = ""
    public var listenPort = 0
    /// Every member's id and address, this node's included, in the order given.
    public var peers: [(id: NodeID, host: String, port: Int)] = []
    public var dataDirectory = ""
    public var electionTimeout = 1000
    public var heartbeatInterval = 100
    /// How long a client's write or read waits to be applied before it is answered as timed out
    /// (its outcome unknown); a forwarded one waits as long at the leader.
    public var commandTimeout = 5000
    /// `RaftConfig.maxEntriesPerMessage`: most log entries one AppendEntries carries (a follower
    /// that is behind catches up this many entries per round trip; etcd's `MaxSizePerMsg`).
    public var maxEntriesPerMessage = 512
    /// `RaftConfig.preVote`; off by default, as in etcd 3.4.
    public var preVote = false
    /// `--join true`: this server joins an existing cluster: it has no initial configuration of
    /// its own and waits to be added (`POST /admin/add` at the leader); `--peers` then only
    /// gives addresses. Remembered in the data directory, so a restart without it still joins.
    public var join = false
    public var bugs: Set<RaftBug> = []

    public enum Parsed: Sendable, Equatable {
        case run(ServerOptions)
        case version
    }

    /// A usage error: the message to print before exiting with 254.
    public struct UsageError: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    public static func == (a: ServerOptions, b: ServerOptions) -> Bool {
        a.id == b.id && a.listenHost == b.listenHost && a.listenPort == b.listenPort
            && a.peers.map { "\($0.id)=\($0.host):\($0.port)" } == b.peers.map { "\($0.id)=\($0.host):\($0.port)" }
            && a.dataDirectory == b.dataDirectory && a.electionTimeout == b.electionTimeout
            && a.heartbeatInterval == b.heartbeatInterval && a.commandTimeout == b.commandTimeout && a.maxEntriesPerMessage == b.maxEntriesPerMessage && a.preVote == b.preVote && a.join == b.join
            && a.bugs == b.bugs
    }

    /// Parses the arguments after the program name.
    public static func parse(_ arguments: [String]) throws(UsageError) -> Parsed {
        if arguments == ["--version"] { return .version }
        var options = ServerOptions()
        var seen: Set<String> = []
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw UsageError(description: "\(flag) needs a value") }
            if flag != "--bug" && !seen.insert(flag).inserted { throw UsageError(description: "\(flag) given twice") }
            switch flag {
            case "--id": options.id = value
            case "--listen": (options.listenHost, options.listenPort) = try address(value, flag)
            case "--peers":
                for item in value.split(separator: ",", omittingEmptySubsequences: false) {
                    let parts = item.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2, !parts[0].isEmpty else {
                        throw UsageError(description: "--peers: expected ID=HOST:PORT, got \"\(item)\"")
                    }
                    let (host, port) = try address(String(parts[1]), "--peers")
                    guard !options.peers.contains(where: { $0.id == parts[0] }) else {
                        throw UsageError(description: "--peers: \(parts[0]) given twice")
                    }
                    options.peers.append((String(parts[0]), host, port))
                }
            case "--data-dir": options.dataDirectory = value
            case "--election-timeout": options.electionTimeout = try milliseconds(value, flag)
            case "--heartbeat-interval": options.heartbeatInterval = try milliseconds(value, flag)
            case "--command-timeout": options.commandTimeout = try milliseconds(value, flag)
            case "--max-entries-per-message":
                guard let n = Int(value), n > 0 else {
                    throw UsageError(description: "--max-entries-per-message: expected a positive whole number, got \"\(value)\"")
                }
                options.maxEntriesPerMessage = n
            case "--pre-vote":
                guard let on = Bool(value) else { throw UsageError(description: "--pre-vote: expected true or false, got \"\(value)\"") }
                options.preVote = on
            case "--join":
                guard let on = Bool(value) else { throw UsageError(description: "--join: expected true or false, got \"\(value)\"") }
                options.join = on
            case "--bug":
                guard let bug = RaftBug(rawValue: value) else {
                    let names = RaftBug.allCases.map(\.rawValue).joined(separator: ", ")
                    throw UsageError(description: "--bug: unknown bug \"\(value)\" (known: \(names))")
                }
                options.bugs.insert(bug)
            default:
                throw UsageError(description: "unknown flag \(flag)")
            }
        }
        for required in ["--id", "--listen", "--peers", "--data-dir"] where !seen.contains(required) {
            throw UsageError(description: "\(required) is required")
        }
        guard options.peers.contains(where: { $0.id == options.id }) else {
            throw UsageError(description: "--peers must name this node (--id \(options.id))")
        }
        guard options.heartbeatInterval < options.electionTimeout else {
            throw UsageError(description: "--heartbeat-interval must be shorter than --election-timeout")
        }
        return .run(options)
    }

    private static func address(_ text: String, _ flag: String) throws(UsageError) -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65535).contains(port), colon != text.startIndex
        else { throw UsageError(description: "\(flag): expected HOST:PORT, got \"\(text)\"") }
        return (String(text[..<colon]), port)
    }

    private static func milliseconds(_ text: String, _ flag: String) throws(UsageError) -> Int {
        guard let ms = Int(text), ms > 0 else {
            throw UsageError(description: "\(flag): expected a whole number of milliseconds, got \"\(text)\"")
        }
        return ms
    }
}
