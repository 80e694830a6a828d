import History
import RaftKV

/// Raft nodes over a simulated network and clock, all driven from one seeded generator, so a
/// seed reproduces a run exactly. The network drops, delays (and so reorders) messages and drops
/// whatever crosses a partition; nodes crash (losing all but what they persisted) and restart
/// from their persisted term, vote and log. Every step checks Raft's safety properties and
/// records each violation in `violations`. Spare servers (beyond the initial members) start as
/// joiners, without a configuration, until a membership change adds them.
final class SimulatedCluster {
    struct Member {
        var node: RaftNode?
        var disk = (state: HardState(), log: [LogEntry]())
        var store = KVStore()
    }

    /// Every server, spares included.
    let ids: [NodeID]
    /// The initial configuration.
    let initialMembers: [NodeID]
    /// Servers that start without a configuration of their own (spares, and wiped servers).
    var joiners: Set<NodeID> = []
    var members: [NodeID: Member] = [:]
    var rng: SplitMix64
    var now = 0
    var dropRate = 0.0
    var maxDelay = 10
    /// Pairs (from, to) whose messages are dropped.
    var cut: Set<[NodeID]> = []
    /// In manual mode messages wait in `queue` until a test delivers or drops them.
    var manual = false
    var queue: [(at: Int, seq: Int, envelope: Envelope)] = []
    private var seq = 0
    private var restarts = 0

    var leadersByTerm: [Int: Set<NodeID>] = [:]
    /// The entry applied at each index, by whichever node applied it first.
    var appliedAt: [Int: LogEntry] = [:]
    var violations: [String] = []
    /// `no-fsync`: appends acknowledged but not yet on disk, lost by a crash; `flush` writes them.
    var unflushedLog: [NodeID: [LogEntry]] = [:]
    var flushInterval = 200
    /// Reads asked for (id → key), answered (id → value found), refused.
    var readKeys: [UInt64: String] = [:]
    var readAnswers: [UInt64: String?] = [:]
    var refusedReads: Set<UInt64> = []
    private var nextReadID: UInt64 = 0

    let electionTimeout: Int
    let heartbeatInterval: Int
    let bugs: Set<RaftBug>
    let maxEntriesPerMessage: Int
    let preVote: Bool

    init(
        size: Int, seed: UInt64, bugs: Set<RaftBug> = [], electionTimeout: Int = 100, heartbeatInterval: Int = 20,
        maxEntriesPerMessage: Int = 64, preVote: Bool = false, spares: Int = 0
    ) {
        ids = (1...(size + spares)).map { "s\($0)" }
        initialMembers = Array(ids.prefix(size))
        joiners = Set(ids.dropFirst(size))
        rng = SplitMix64(seed: seed)
        self.bugs = bugs
        self.electionTimeout = electionTimeout
        self.heartbeatInterval = heartbeatInterval
        self.maxEntriesPerMessage = maxEntriesPerMessage
        self.preVote = preVote
        for id in ids {
            members[id] = Member()
            start(id)
        }
    }

    func node(_ id: NodeID) -> RaftNode { members[id]!.node! }
    var live: [NodeID] { ids.filter { members[$0]?.node != nil } }
    var leaders: [NodeID] { live.filter { node($0).role == .leader } }

    // MARK: Faults

    func crash(_ id: NodeID) {
        members[id]!.node = nil
        unflushedLog[id] = nil
    }

    func flush(_ id: NodeID) {
        if let log = unflushedLog.removeValue(forKey: id) { members[id]!.disk.log = log }
    }

    func start(_ id: NodeID) {
        restarts += 1
        let config = RaftConfig(
            id: id, members: joiners.contains(id) ? [] : Array(Set(initialMembers + [id])).sorted(), electionTimeout: electionTimeout, heartbeatInterval: heartbeatInterval,
            bugs: bugs, maxEntriesPerMessage: maxEntriesPerMessage, seed: rng.next(),
            preVote: preVote)
        let disk = members[id]!.disk
        members[id]!.node = RaftNode(config: config, hardState: disk.state, log: disk.log, now: now)
        members[id]!.store = KVStore()
    }

    /// A removed server loses its data and comes back as a joiner (as the membership nemesis
    /// leaves it before adding it again).
    func wipe(_ id: NodeID) {
        crash(id)
        members[id] = Member()
        joiners.insert(id)
        start(id)
    }

    func partition(_ sides: [[NodeID]]) {
        cut = []
        for a in ids {
            for b in ids where a != b {
                if !sides.contains(where: { $0.contains(a) && $0.contains(b) }) { cut.insert([a, b]) }
            }
        }
    }

    func heal() { cut = [] }

    // MARK: Driving

    /// Advances the clock by `ms`, delivering due messages and ticking every live node each ms.
    func run(for ms: Int) {
        for _ in 0..<ms {
            now += 1
            if now % flushInterval == 0 { for id in ids { flush(id) } }
            deliverDue()
            for id in live {
                members[id]!.node!.tick(now: now)
                process(id)
            }
        }
    }

    /// Proposes a write at `id`; returns where it was appended, if `id` leads.
    @discardableResult
    func propose(_ command: KVCommand, at id: NodeID) -> (index: Int, term: Int)? {
        guard members[id]?.node != nil else { return nil }
        let outcome = members[id]!.node!.propose(command)
        process(id)
        if case .appended(let index, let term) = outcome { return (index, term) }
        return nil
    }

    /// Asks `id` to change the membership.
    @discardableResult
    func changeMembership(add: [NodeID], remove: Set<NodeID> = [], at id: NodeID) -> RaftNode.ChangeOutcome? {
        guard members[id]?.node != nil else { return nil }
        let outcome = members[id]!.node!.changeMembership(
            add: Dictionary(uniqueKeysWithValues: add.map { ($0, "\($0):7000") }), remove: remove)
        process(id)
        return outcome
    }

    /// Asks `id` for a linearizable read of `key`; its answer lands in `readAnswers` (or its id in
    /// `refusedReads`).
    @discardableResult
    func read(_ key: String, at id: NodeID) -> UInt64 {
        nextReadID += 1
        readKeys[nextReadID] = key
        if members[id]?.node == nil || !members[id]!.node!.read(id: nextReadID) {
            refusedReads.insert(nextReadID)
        }
        process(id)
        return nextReadID
    }

    /// Carries out a node's `Ready`s: persist, send, apply (checking safety), advance.
    func process(_ id: NodeID) {
        while let node = members[id]?.node, node.hasReady {
            let ready = members[id]!.node!.ready()
            if let state = ready.hardState { members[id]!.disk.state = state }
            if ready.hasEntries {
                var log = unflushedLog[id] ?? members[id]!.disk.log
                log.removeSubrange(min(log.count, ready.firstIndex - 1)...)
                log += ready.entries
                if bugs.contains(.noFsync) { unflushedLog[id] = log } else { members[id]!.disk.log = log }
            }
            for envelope in ready.messages { send(envelope) }
            for (index, entry) in ready.committed {
                if let command = entry.command { _ = members[id]!.store.apply(command) }
                if let first = appliedAt[index] {
                    if first != entry {
                        violations.append("state machine safety: \(id) applied \(entry) at \(index), another node \(first)")
                    }
                } else {
                    appliedAt[index] = entry
                }
            }
            for read in ready.reads {
                readAnswers[read] = members[id]!.store.data[readKeys[read] ?? ""]
            }
            refusedReads.formUnion(ready.refusedReads)
            members[id]!.node!.advance()
            if !members[id]!.node!.joining { joiners.remove(id) }  // the server's marker goes
            checkLeader(id)
        }
    }

    private func send(_ envelope: Envelope) {
        seq += 1
        if manual {
            queue.append((now, seq, envelope))
            return
        }
        if cut.contains([envelope.from, envelope.to]) { return }
        if dropRate > 0 && Double(rng.next() % 10_000) / 10_000 < dropRate { return }
        let delay = 1 + Int(rng.next() % UInt64(maxDelay))
        queue.append((now + delay, seq, envelope))
    }

    /// Delivers the messages due now. Like the server, which steps every input already queued
    /// before carrying out one `Ready`, a node may take several messages (and a proposal) in one
    /// batch: that is when a `Ready` can reflect a role the node has already left.
    private func deliverDue() {
        let due = queue.filter { $0.at <= now }.sorted { ($0.at, $0.seq) < ($1.at, $1.seq) }
        queue.removeAll { $0.at <= now }
        var touched: [NodeID] = []
        for item in due {
            let batch = rng.next() % 2 == 0
            if batch {
                touched.append(item.envelope.to)
                if rng.next() % 20 == 0, members[item.envelope.to]?.node?.role == .leader {
                    _ = members[item.envelope.to]!.node!.propose(.put(key: "batched", value: "\(now)"))
                }
            }
            deliver(item.envelope, process: !batch)
        }
        for id in touched { process(id) }
    }

    private func deliver(_ envelope: Envelope, process andProcess: Bool = true) {
        guard members[envelope.to]?.node != nil, !cut.contains([envelope.from, envelope.to]) else { return }
        members[envelope.to]!.node!.step(envelope)
        if andProcess { process(envelope.to) }
    }

    // MARK: Manual mode

    /// Delivers queued messages that `allow` accepts (and the ones they cause), dropping the rest,
    /// until none is left.
    func deliverAll(where allow: (Envelope) -> Bool) {
        while !queue.isEmpty {
            let batch = queue
            queue = []
            for item in batch where allow(item.envelope) { deliver(item.envelope) }
        }
    }

    /// Delivers everything among `group` (messages to or from others are dropped).
    func deliverAll(among group: Set<NodeID>) {
        deliverAll { group.contains($0.from) && group.contains($0.to) }
    }

    /// Makes `id`'s election timer fire (other nodes' clocks stay put).
    func timeout(_ id: NodeID) {
        now += 3 * electionTimeout
        members[id]!.node!.tick(now: now)
        process(id)
    }

    /// Makes `id` heartbeat.
    func heartbeat(_ id: NodeID) {
        now += heartbeatInterval
        members[id]!.node!.tick(now: now)
        process(id)
    }

    // MARK: Safety checks

    private func checkLeader(_ id: NodeID) {
        let node = node(id)
        guard node.role == .leader else { return }
        let (inserted, _) = leadersByTerm[node.term, default: []].insert(id)
        if leadersByTerm[node.term]!.count > 1 {
            violations.append("election safety: leaders \(leadersByTerm[node.term]!.sorted()) in term \(node.term)")
        }
        guard inserted else { return }
        for (index, entry) in appliedAt.sorted(by: { $0.key < $1.key }) {
            if index > node.lastIndex || node.log[index - 1] != entry {
                violations.append("leader completeness: \(id), leader of term \(node.term), lacks committed entry \(index)")
                break
            }
        }
    }

    /// Log matching: two logs holding an entry of the same index and term agree up to it.
    func checkLogMatching() {
        let nodes = live.map { (id: $0, log: node($0).log) }
        for a in nodes.indices {
            for b in nodes.indices where b > a {
                let x = nodes[a].log, y = nodes[b].log
                guard let top = (0..<min(x.count, y.count)).last(where: { x[$0].term == y[$0].term }) else { continue }
                if x[...top] != y[...top] {
                    violations.append("log matching: \(nodes[a].id) and \(nodes[b].id) agree at \(top + 1) but differ before")
                }
            }
        }
    }
}
