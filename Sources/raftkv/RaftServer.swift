import Dispatch
import Foundation
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
    static let commandDeadline: UInt64 = 5_000

    init(options: ServerOptions, transport: PeerTransport) throws {
        self.options = options
        self.transport = transport
        storage = try FileStorage(
            directory: URL(fileURLWithPath: options.dataDirectory), skipsFsync: options.bugs.contains(.noFsync))
        let config = RaftConfig(
            id: options.id, members: options.peers.map(\.id), electionTimeout: options.electionTimeout,
            heartbeatInterval: options.heartbeatInterval, bugs: options.bugs,
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
    func execute(_ command: KVCommand, forwarded: Bool, reply: @escaping Reply, forwardTo: @escaping @Sendable (String, Int) -> Void) {
        queue.async { [self] in
            if options.bugs.contains(.staleTxnReads), case .txn = command, command.isRead {
                return reply(Self.answer(store.read(command)))
            }
            guard node.role == .leader else {
                if !forwarded, let leader = node.leader, let peer = options.peers.first(where: { $0.id == leader }), leader != options.id {
                    forwardTo(peer.host, peer.port)
                } else {
                    reply(node.leader == nil ? .noLeader : .notLeader)
                }
                return
            }
            let deadline = Self.monotonicMillis() + Self.commandDeadline
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
            }
            for id in ready.reads {
                if let waiting = reads.removeValue(forKey: id) { waiting.reply(Self.answer(store.read(waiting.command))) }
            }
            for id in ready.refusedReads {
                reads.removeValue(forKey: id)?.reply(.notLeader)
            }
            node.advance()
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
