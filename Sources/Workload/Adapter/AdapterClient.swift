import Foundation
import Synchronization
import History

/// A client of one node through an adapter process (`AdapterProcess`) speaking Faultline's
/// adapter protocol (the README's "Client adapters"): one adapter per client, so per worker
/// process, with one request in flight.
///
/// Requests (each with `workload`): list-append and rw-register `txn` (`txn`: Maelstrom's
/// `[["r", k, null], ["append", k, v], ["w", k, v]]`, answered by `txn_ok` with `txn` the steps
/// with reads filled in); register `read` (`key`, `read_path`), `write` (`key`, `value`), `cas` (`key`,
/// `from`, `to`); set `add` (`key`, `element`) and `read` (`key`; a list); lock `acquire` and
/// `release` (`key`). Each names the node (`node`) and its address (`address`). Completions:
/// `<type>_ok` is ok (a read's `value`; a read of a key that does not exist, error 20, reads nil);
/// an error with a definite code is `fail`, any other error, a timeout, an exit or a malformed
/// line is `info` — except for reads, which change nothing and `fail`. After a timeout or a
/// broken adapter the adapter is stopped; the next request starts a new one.
public actor AdapterClient: Client {
    public struct Settings: Sendable {
        /// The adapter's command line and the folder it runs in.
        public var command: [String]
        public var directory: String
        public var node: String
        public var address: String
        public var readPath: String
        /// The workload the requests belong to (`register`, `set`, `lock`): a set's `read` and a
        /// register's `read` are told apart by it.
        public var workload: String
        /// How long a new adapter may take to answer `init` (an interpreter starting on a
        /// loaded machine): not counted in any operation's timeout.
        public var startTimeout: Duration = .seconds(15)
        /// Where its stderr files go (`adapter-<n>-<node>.stderr`); nil: discarded.
        public var logDirectory: String?

        public init(command: [String], directory: String, node: String, address: String, readPath: String = "linearizable",
                    workload: String = "register", logDirectory: String? = nil) {
            self.command = command
            self.workload = workload
            self.directory = directory
            self.node = node
            self.address = address
            self.readPath = readPath
            self.logDirectory = logDirectory
        }
    }

    private let settings: Settings
    private let serial: Int
    private var adapter: AdapterProcess?
    private var nextID = 1
    private var closed = false

    /// `serial` numbers this client's stderr file apart from the others'.
    public init(_ settings: Settings, serial: Int) {
        self.settings = settings
        self.serial = serial
    }

    public func invoke(_ request: OperationRequest, timeout: Duration) async -> Completion {
        guard !closed else { return .fail(error: "client is closed") }
        let isRead = request.f == "read"
        let adapter: AdapterProcess
        do {
            adapter = try await running()
        } catch {
            // Not started: nothing was sent.
            return .fail(error: "cannot start adapter `\(settings.command.joined(separator: " "))`: \(error)")
        }
        let id = nextID
        nextID += 1
        guard let line = Self.line(request, id: id, settings: settings) else {
            return .fail(error: "\(request.f) is not an operation the adapter protocol carries")
        }
        switch await adapter.request(line, id: id, timeout: timeout) {
        case .reply(let reply):
            if reply.type == request.f + "_ok" {
                if request.f == "txn" {
                    // The steps as carried out: reads filled in, the same length as asked.
                    if case .array(let done)? = reply.value, case .array(let asked) = request.value, done.count == asked.count {
                        return .ok(.array(done))
                    }
                    stop()
                    return .info(error: "\(adapter.label) answered txn \(id) without `txn`: the list of its steps, reads filled in")
                }
                return .ok(isRead ? Self.readValue(reply.value ?? .null) : request.value)
            }
            if reply.type == "error", let code = reply.code {
                if isRead && code == AdapterErrorCode.keyDoesNotExist && request.f == "read" { return .ok(Self.readValue(.null)) }
                let message = "error \(code)" + (AdapterErrorCode.names[code].map { " \($0)" } ?? "") + (reply.text.map { ": \($0)" } ?? "")
                return AdapterErrorCode.definite.contains(code) || isRead ? .fail(error: message) : .info(error: message)
            }
            stop()
            let message = "\(adapter.label) answered request \(id) (\(request.f)) with `\(reply.type)`; expected `\(request.f)_ok` or `error`"
            return isRead ? .fail(error: message) : .info(error: message)
        case .timedOut:
            stop()
            return isRead ? .fail(error: "timed out") : .info(error: "timed out")
        case .broken(let reason):
            stop()
            return isRead ? .fail(error: reason) : .info(error: reason)
        }
    }

    /// Starts the adapter now (and waits for its `init_ok`), so no operation's time includes
    /// the start. A failure is not thrown: the next request tries again and reports it.
    public func prepare() async {
        _ = try? await running()
    }

    public func close() async {
        closed = true
        stop()
    }

    private func stop() {
        guard let adapter else { return }
        adapter.terminate()
        self.adapter = nil
        // Most adapters write nothing on stderr: keep only the files that say something.
        if let path = stderrPath, let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size == 0 {
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    private var stderrPath: String? { settings.logDirectory.map { "\($0)/adapter-\(serial)-\(settings.node).stderr" } }

    /// The running adapter, or a new one that has answered `init` (Maelstrom's handshake:
    /// `{"type":"init","msg_id":0,"node_id":…,"node_ids":[…],"address":…}` → `init_ok`).
    private func running() async throws -> AdapterProcess {
        if let adapter { return adapter }
        let stderr = stderrPath
        if let dir = settings.logDirectory { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let started = try AdapterProcess(
            command: settings.command, directory: settings.directory,
            environment: ["FAULTLINE_NODE": settings.node, "FAULTLINE_ADDRESS": settings.address], stderrPath: stderr)
        let node = JSONLHistory.json(settings.node)
        let line = "{\"src\":\"faultline\",\"dest\":\(node),\"body\":{\"type\":\"init\",\"msg_id\":0,\"node_id\":\(node),"
            + "\"node_ids\":[\(node)],\"address\":\(JSONLHistory.json(settings.address))}}"
        let why: String
        switch await started.request(line, id: 0, timeout: settings.startTimeout) {
        case .reply(let reply) where reply.type == "init_ok":
            adapter = started
            return started
        case .reply(let reply): why = "answered init with `\(reply.type)`; expected `init_ok`"
        case .timedOut: why = "did not answer init within \(settings.startTimeout)"
        case .broken(let reason): why = reason
        }
        started.terminate()
        throw AdapterProtocolError(why)
    }

    /// A set read's elements in the order other clients give them; anything else as read.
    private static func readValue(_ value: Value) -> Value {
        guard case .array(let elements) = value else { return value }
        return .array(elements.sorted(by: KeyLayout.elementOrder))
    }

    /// The request line for `request`, Maelstrom-shaped; nil for an operation the protocol lacks.
    static func line(_ request: OperationRequest, id: Int, settings: Settings) -> String? {
        var fields: [(String, String)] = [("type", JSONLHistory.json(request.f)), ("msg_id", String(id)),
                                          ("workload", JSONLHistory.json(settings.workload)),
                                          ("node", JSONLHistory.json(settings.node)), ("address", JSONLHistory.json(settings.address)),
                                          ("key", JSONLHistory.json(request.key ?? .null))]
        switch request.f {
        case "read": fields.append(("read_path", JSONLHistory.json(settings.readPath)))
        case "write": fields.append(("value", JSONLHistory.json(request.value)))
        case "cas":
            guard case .array(let pair) = request.value, pair.count == 2 else { return nil }
            fields += [("from", JSONLHistory.json(pair[0])), ("to", JSONLHistory.json(pair[1]))]
        case "add": fields.append(("element", JSONLHistory.json(request.value)))
        case "txn": fields.append(("txn", JSONLHistory.json(request.value)))
        case "acquire", "release": break
        default: return nil
        }
        let body = fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",")
        return "{\"src\":\"faultline\",\"dest\":\(JSONLHistory.json(settings.node)),\"body\":{\(body)}}"
    }
}

/// Opens `AdapterClient`s: one adapter process per client.
public struct AdapterClientFactory: ClientFactory {
    public var command: [String]
    public var directory: String
    public var readPath: String
    public var workload: String
    public var logDirectory: String?
    private let serials = Serials()

    public init(command: [String], directory: String, readPath: String = "linearizable", workload: String = "register",
                logDirectory: String? = nil) {
        self.command = command
        self.directory = directory
        self.readPath = readPath
        self.workload = workload
        self.logDirectory = logDirectory
    }

    /// `url` is the address the definition's `client.address` gives the node. The adapter is
    /// started and initialised here, before the worker times any operation.
    public func open(node: String, url: String) async throws -> any Client {
        let client = AdapterClient(.init(command: command, directory: directory, node: node, address: url, readPath: readPath,
                                         workload: workload, logDirectory: logDirectory), serial: serials.next())
        await client.prepare()
        return client
    }

}

extension AdapterClientFactory: KeepsClientLogs {
    /// The same clients, keeping their adapters' stderr under `directory`.
    public func keepingLogs(in directory: String) -> any ClientFactory {
        var copy = self
        copy.logDirectory = directory
        return copy
    }
}

/// Numbers handed out once each, from any task.
final class Serials: Sendable {
    private let counter = Mutex(0)
    func next() -> Int { counter.withLock { $0 += 1; return $0 } }
}
