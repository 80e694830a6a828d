import Dispatch
import Foundation
import NIOHTTP1
import RaftKV

#if canImport(Glibc)
import Glibc
#endif

/// Drives one `RaftNode` on a serial dispatch queue (blocking fsyncs stay off the cooperative
/// pool and off the event loops): feeds it ticks, peer messages and client commands, and carries
/// out its `Ready`s in order: persist (fsync), send, apply, answer. All mutable state is touched
/// only on `queue`, which is why the class may be shared (`@unchecked Sendable`).
final class RaftServer: @unchecked Sendable {
    typealias Reply = @Sendable (HTTPReply) -> Void

    let options: ServerOptions
    let queue = DispatchQueue(label: "raftkv.raft")
    private var node: RaftNode
    private let storage: FileStorage
    private var store = KVStore()
    private let transport: PeerTransport
    /// Writes waiting to be applied, by log index.
    private var proposals: [Int: (term: Int, deadline: UInt64, reply: Reply)] = [:]
    private var reads: [UInt64: (command: KVCommand, deadline: UInt64, reply: Reply)] = [:]
    private var nextReadID: UInt64 = 0
    private var timers: [DispatchSourceTimer] = []
    private var processScheduled = false
    private var shown = (term: -1, role: RaftRole.follower, leader: NodeID?.none)
    /// The membership change asked through the admin API, answered once C_new with these voters
    /// is applied.
    private var membershipChange: (voters: [NodeID], deadline: UInt64, reply: Reply)?
    /// The configuration entry whose addresses the transport knows.
    private var learnedMembershipIndex = -1
    /// `joining` in the data directory: the server started with `--join true` and has not yet
    /// caught up with what a leader committed.
    private let joinMarker: String
    /// `ServerOptions.commandTimeout`.
    private var commandDeadline: UInt64 { UInt64(options.commandTimeout) }
    /// New servers must catch up before the change begins, so it gets longer than a command.
    static let membershipDeadline: UInt64 = 20_000

    init(options: ServerOptions, transport: PeerTransport) throws {
        self.options = options
        self.transport = transport
        storage = try FileStorage(
            directory: URL(fileURLWithPath: options.dataDirectory), skipsFsync: options.bugs.contains(.noFsync))
        // A server that joins keeps joining after a restart until it caught up.
        joinMarker = URL(fileURLWithPath: options.dataDirectory).appendingPathComponent("joining").path
        if options.join && !FileManager.default.fileExists(atPath: joinMarker) {
            FileManager.default.createFile(atPath: joinMarker, contents: Data())
        }
        let joins = FileManager.default.fileExists(atPath: joinMarker)
        let config = RaftConfig(
            id: options.id, members: joins ? [] : options.peers.map(\.id), electionTimeout: options.electionTimeout,
            heartbeatInterval: options.heartbeatInterval, bugs: options.bugs, maxEntriesPerMessage: options.maxEntriesPerMessage,
            seed: UInt64(truncatingIfNeeded: Date().timeIntervalSince1970.bitPattern) ^ UInt64(getpid()),
            preVote: options.preVote)
        node = RaftNode(config: config, hardState: storage.hardState, log: storage.log, now: Int(Self.monotonicMillis()))
        logLine("\(options.id) recovered term=\(storage.hardState.term) vote=\(storage.hardState.votedFor ?? "none") log=\(storage.log.count) entries")
    }

    /// Milliseconds on the monotonic clock (Raft's timers never read the wall clock).
    static func monotonicMillis() -> UInt64 {
        DispatchTime.now().uptimeNanoseconds / 1_000_000
    }

    func start() {
        let tickMs = max(1, min(10, options.heartbeatInterval / 5))
        every(milliseconds: tickMs) { [self] in
            node.tick(now: Int(Self.monotonicMillis()))
            expireOverdue()
            process()
        }
    }

    private func every(milliseconds: Int, _ body: @escaping @Sendable () -> Void) {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .milliseconds(milliseconds), repeating: .milliseconds(milliseconds))
        timer.setEventHandler(handler: body)
        timer.resume()
        timers.append(timer)
    }

    // MARK: Inputs (call from any thread)

    func receive(_ envelopes: [Envelope]) {
        queue.async { [self] in
            for envelope in envelopes { node.step(envelope) }
            scheduleProcess()
        }
    }

    /// What `/status` answers.
    func status(_ reply: @escaping Reply) {
        queue.async { [self] in
            let leader = node.leader.map { "\"\($0)\"" } ?? "null"
            let bugs = options.bugs.sorted().map { "\"\($0.rawValue)\"" }.joined(separator: ",")
            let wall = Int64(Date().timeIntervalSince1970 * 1000)
            reply(HTTPReply(.ok, json: #"{"id":"\#(options.id)","state":"\#(node.role.rawValue)","term":\#(node.term),"leader":\#(leader),"commitIndex":\#(node.commitIndex),"lastApplied":\#(node.lastApplied),"wallClockMillis":\#(wall),"bugs":[\#(bugs)]}"#))
        }
    }

    /// Runs a client command here if this node leads; otherwise says where the leader is
    /// (`forwardTo`) or that there is none.
    func execute(_ command: KVCommand, forwarded: Bool, reply: @escaping Reply, forwardTo: @escaping @Sendable (String) -> Void) {
        queue.async { [self] in
            if options.bugs.contains(.staleTxnReads), case .txn = command, command.isRead {
                return reply(Self.answer(store.read(command)))
            }
            guard node.role == .leader else {
                if !forwarded, let leader = node.leader, leader != options.id, let address = transport.address(of: leader) {
                    forwardTo(address)
                } else {
                    reply(node.leader == nil ? .noLeader : .notLeader)
                }
                return
            }
            let deadline = Self.monotonicMillis() + commandDeadline
            if command.isRead {
                nextReadID += 1
                guard node.read(id: nextReadID) else { return reply(.notLeader) }
                reads[nextReadID] = (command, deadline, reply)
            } else {
                guard case .appended(let index, let term) = node.propose(command) else { return reply(.notLeader) }
                // A write proposed at this index in an earlier term was overwritten unapplied.
                proposals.updateValue((term, deadline, reply), forKey: index)?.reply(.timeout)
            }
            scheduleProcess()
        }
    }

    /// `GET /admin/config`: the configuration in effect on this server, as its log has it.
    func configuration(_ reply: @escaping Reply) {
        queue.async { [self] in
            struct Answer: Encodable {
                var id: String
                var leader: String?
                var voters: [String]
                var outgoing: [String]?
                var index: Int
                var committed: Bool
                var addresses: [String: String]
            }
            let m = node.membership
            let answer = Answer(
                id: options.id, leader: node.leader, voters: m.voters, outgoing: m.outgoing, index: node.membershipIndex,
                committed: node.membershipIndex <= node.commitIndex, addresses: m.addresses)
            reply(Self.json(.ok, answer))
        }
    }

    /// `POST /admin/add`, `POST /admin/remove`: at the leader, starts the change and answers once
    /// it is committed (C_new applied here); elsewhere answers 503 with the leader's name.
    func changeMembership(_ request: MembershipRequest, reply: @escaping Reply) {
        queue.async { [self] in
            switch node.changeMembership(add: request.add, remove: request.remove) {
            case .notLeader(let leader):
                struct NotLeader: Encodable {
                    var error: String
                    var leader: String?
                    var address: String?
                }
                let answer = NotLeader(
                    error: leader == nil ? "no-leader" : "not-leader", leader: leader, address: leader.flatMap(transport.address(of:)))
                reply(Self.json(.serviceUnavailable, answer))
            case .busy:
                reply(.error(.conflict, "busy"))
            case .invalid(let why):
                reply(Self.json(.badRequest, ["error": "invalid", "message": why]))
            case .started(let target):
                transport.learn(request.add)
                membershipChange?.reply(.timeout)
                membershipChange = (target.voters, Self.monotonicMillis() + Self.membershipDeadline, reply)
                logLine("\(options.id) membership change to \(target.voters) started")
                scheduleProcess()
            }
        }
    }

    /// An answer with `value` as its JSON body (keys sorted).
    static func json(_ status: HTTPResponseStatus, _ value: some Encodable) -> HTTPReply {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return HTTPReply(status, body: (try? encoder.encode(value)).map(Array.init) ?? Array(#"{"error":"encoding"}"#.utf8))
    }

    /// Carries out the node's `Ready` after every input already queued: one fsync and one message
    /// per peer then cover a whole batch of client commands and peer messages.
    private func scheduleProcess() {
        guard !processScheduled else { return }
        processScheduled = true
        queue.async { [self] in
            processScheduled = false
            process()
        }
    }

    // MARK: Carrying out Ready

    private func process() {
        while node.hasReady {
            let ready = node.ready()
            do {
                try storage.save(hardState: ready.hardState, firstIndex: ready.firstIndex, entries: ready.entries)
            } catch {
                fail(error)
            }
            transport.send(ready.messages)
            for (index, entry) in ready.committed {
                let result = entry.command.map { store.apply($0) } ?? .ok
                if let waiting = proposals.removeValue(forKey: index) {
                    waiting.reply(waiting.term == entry.term ? Self.answer(result) : .timeout)
                }
                if let m = entry.membership, m.outgoing == nil, let waiting = membershipChange, waiting.voters == m.voters {
                    membershipChange = nil
                    waiting.reply(Self.json(.ok, ["voters": m.voters]))
                }
            }
            for id in ready.reads {
                if let waiting = reads.removeValue(forKey: id) { waiting.reply(Self.answer(store.read(waiting.command))) }
            }
            for id in ready.refusedReads {
                reads.removeValue(forKey: id)?.reply(.notLeader)
            }
            node.advance()
        }
        if !node.joining && node.config.members.isEmpty && FileManager.default.fileExists(atPath: joinMarker) {
            try? FileManager.default.removeItem(atPath: joinMarker)  // caught up: a voter like any other
        }
        if node.membershipIndex != learnedMembershipIndex {
            learnedMembershipIndex = node.membershipIndex
            transport.learn(node.membership.addresses)
            logLine("\(options.id) configuration at \(node.membershipIndex): voters=\(node.membership.voters) outgoing=\(node.membership.outgoing.map { "\($0)" } ?? "none")")
        }
        showStateChange()
    }

    private func expireOverdue() {
        let now = Self.monotonicMillis()
        for (index, waiting) in proposals where waiting.deadline <= now {
            proposals[index] = nil
            waiting.reply(.timeout)
        }
        for (id, waiting) in reads where waiting.deadline <= now {
            reads[id] = nil
            waiting.reply(.timeout)
        }
        if let waiting = membershipChange, waiting.deadline <= now {
            membershipChange = nil
            waiting.reply(.timeout)
        }
    }

    private static func answer(_ result: KVResult) -> HTTPReply {
        HTTPReply(.ok, body: (try? JSONEncoder().encode(result)).map(Array.init) ?? Array(#"{"ok":true}"#.utf8))
    }

    private func showStateChange() {
        guard shown != (node.term, node.role, node.leader) else { return }
        shown = (node.term, node.role, node.leader)
        logLine("\(options.id) term=\(node.term) state=\(node.role.rawValue) leader=\(node.leader ?? "none") commit=\(node.commitIndex)")
    }

    /// The disk failed: Raft cannot go on without durable state.
    private func fail(_ error: any Error) -> Never {
        logLine("\(options.id) error: storage failed: \(error); exiting")
        exit(255)
    }
}
