import History  // SplitMix64, the project's one seeded generator

/// One Raft node as a deterministic state machine: it does no I/O and reads no clock. Its driver
/// feeds it time (`tick`), messages (`step`), client proposals and reads, then takes the `Ready`
/// (what to persist, send, apply and answer) and carries it out in order before `advance()`.
///
/// Raft as in the paper: randomized election timeouts in [T, 2T]; votes only for up-to-date
/// candidates; AppendEntries with the previous-entry check and truncation of conflicts; a leader
/// commits only entries of its own term by counting (earlier ones commit with them), appending a
/// no-op at the start of its term; reads through a read index confirmed by a heartbeat round a
/// majority acknowledged; check-quorum: a leader that heard from no majority for an election
/// timeout steps down; with `config.preVote`, a pre-vote round before each election (members
/// that heard from a leader within the election timeout refuse). `config.bugs` switches single
/// rules off.
public struct RaftNode: Sendable {
    public let config: RaftConfig
    public internal(set) var term = 0
    public internal(set) var votedFor: NodeID?
    public internal(set) var role = RaftRole.follower
    public internal(set) var leader: NodeID?
    /// The log; entry i (1-based) is `log[i - 1]`.
    public internal(set) var log: [LogEntry]
    public internal(set) var commitIndex = 0
    /// The last index handed to the driver for applying.
    public internal(set) var lastApplied = 0

    var now = 0
    var rng: SplitMix64
    var electionDeadline = 0
    var heartbeatDue = 0
    var quorumCheckDue = 0
    var votes: Set<NodeID> = []
    /// Pre-votes granted so far while this node asks whether it could win; nil when not asking.
    var preVotes: Set<NodeID>?
    /// When this node last heard from the leader of its term.
    var lastLeaderContact: Int?
    var nextIndex: [NodeID: Int] = [:]
    var matchIndex: [NodeID: Int] = [:]
    var recentlyActive: Set<NodeID> = []

    /// Log entries up to here are on disk.
    var stableIndex: Int
    /// Lowest log index changed since the last `ready()`, if any.
    var unstableFrom: Int?
    var hardStateDirty = false
    var outbox: [Envelope] = []
    var broadcastPending = false

    // Read index.
    struct PendingRead {
        var id: UInt64
        var readIndex: Int?
        var round: Int?
    }
    var round = 0
    var ackedRound: [NodeID: Int] = [:]
    var pendingReads: [PendingRead] = []
    var refusedReads: [UInt64] = []

    /// A node starting from what it persisted (nothing, for a new node).
    public init(config: RaftConfig, hardState: HardState = HardState(), log: [LogEntry] = [], now: Int = 0) {
        precondition(config.members.contains(config.id), "a node must be one of the members")
        self.config = config
        self.term = hardState.term
        self.votedFor = hardState.votedFor
        self.log = log
        self.stableIndex = log.count
        self.rng = SplitMix64(seed: config.seed)
        self.now = now
        resetElectionTimer()
    }

    public var lastIndex: Int { log.count }
    public var lastTerm: Int { log.last?.term ?? 0 }
    public var hardState: HardState { HardState(term: term, votedFor: votedFor) }

    public func term(at index: Int) -> Int {
        index == 0 ? 0 : (index <= log.count ? log[index - 1].term : -1)
    }

    // MARK: Inputs

    /// Time moved on to `now` (monotonic milliseconds).
    public mutating func tick(now: Int) {
        self.now = max(self.now, now)
        if role == .leader {
            if self.now >= heartbeatDue { broadcastAppends() }
            if self.now >= quorumCheckDue { checkQuorum() }
        } else if self.now >= electionDeadline {
            if config.preVote { askPreVotes() } else { campaign() }
        }
    }

    /// A message arrived.
    public mutating func step(_ envelope: Envelope) {
        let message = envelope.message
        guard config.members.contains(envelope.from), envelope.to == config.id else { return }
        if message.term > term && !message.asksWithoutRaisingTerm {
            let leader: NodeID? = if case .appendEntries = message { envelope.from } else { nil }
            becomeFollower(term: message.term, leader: leader)
        }
        switch message {
        case .requestVote(let m): handleRequestVote(m, from: envelope.from)
        case .voteResponse(let m): handleVoteResponse(m, from: envelope.from)
        case .appendEntries(let m): handleAppendEntries(m, from: envelope.from)
        case .appendResponse(let m): handleAppendResponse(m, from: envelope.from)
        case .preVote(let m): handlePreVote(m, from: envelope.from)
        case .preVoteResponse(let m): handlePreVoteResponse(m, from: envelope.from)
        }
    }

    public enum ProposeOutcome: Sendable, Equatable {
        /// Appended at `index` in `term`: it took effect if and when that index is applied
        /// with an entry of `term`.
        case appended(index: Int, term: Int)
        /// Not appended: this node does not lead (`leader` is who it believes does).
        case notLeader(leader: NodeID?)
    }

    /// Appends a write to the log if this node leads.
    public mutating func propose(_ command: KVCommand) -> ProposeOutcome {
        guard role == .leader else { return .notLeader(leader: leader) }
        append(LogEntry(term: term, command: command))
        broadcastPending = true
        return .appended(index: lastIndex, term: term)
    }

    /// Asks for a linearizable read: `id` comes back in `Ready.reads` once the state machine may
    /// answer it, or in `Ready.refusedReads`. Returns false (refused at once) if not leader.
    public mutating func read(id: UInt64) -> Bool {
        guard role == .leader else { return false }
        if config.bugs.contains(.staleReads) {
            pendingReads.append(PendingRead(id: id, readIndex: 0, round: 0))
        } else {
            pendingReads.append(PendingRead(id: id, readIndex: nil, round: nil))
        }
        return true
    }

    // MARK: Output

    /// True when `ready()` has something for the driver.
    public var hasReady: Bool {
        hardStateDirty || unstableFrom != nil || !outbox.isEmpty || broadcastPending
            || applyIndex > lastApplied || !refusedReads.isEmpty || readsStartingRound
            || !releasableReads(upTo: applyIndex).isEmpty
    }

    /// Takes what the driver must now do (see `Ready`). Call `advance()` after doing it.
    public mutating func ready() -> Ready {
        assignReadIndexes()
        if role == .leader && readsStartingRound {
            round += 1
            for i in pendingReads.indices where pendingReads[i].round == nil && pendingReads[i].readIndex != nil {
                pendingReads[i].round = round
            }
            broadcastPending = true
        }
        // Only a leader sends AppendEntries: a batch may have made this node step down since.
        if broadcastPending && role == .leader { broadcastAppends() }
        broadcastPending = false
        var ready = Ready()
        if hardStateDirty { ready.hardState = hardState }
        if let from = unstableFrom {
            ready.firstIndex = from
            ready.entries = Array(log[(from - 1)...])
        }
        ready.messages = outbox
        let applyTo = applyIndex
        if applyTo > lastApplied {
            ready.committed = ((lastApplied + 1)...applyTo).map { ($0, log[$0 - 1]) }
            lastApplied = applyTo
        }
        ready.reads = releasableReads(upTo: applyTo)
        let releasedIDs = Set(ready.reads)
        pendingReads.removeAll { releasedIDs.contains($0.id) }
        ready.refusedReads = refusedReads
        hardStateDirty = false
        unstableFrom = nil
        outbox = []
        refusedReads = []
        return ready
    }

    /// Committed entries exist up to here (the commit index can pass the log's end only when a
    /// bug let a leader truncate committed entries).
    var applyIndex: Int { min(commitIndex, lastIndex) }

    /// The last `Ready` was carried out: its entries are on disk.
    public mutating func advance() {
        stableIndex = lastIndex
        if role == .leader { maybeCommit() }
    }

    // MARK: Replication

    mutating func append(_ entry: LogEntry) {
        log.append(entry)
        unstableFrom = min(unstableFrom ?? lastIndex, lastIndex)
    }

    mutating func broadcastAppends() {
        broadcastPending = false
        heartbeatDue = now + config.heartbeatInterval
        for peer in config.peers { sendAppend(to: peer) }
    }

    mutating func sendAppend(to peer: NodeID) {
        let next = max(1, min(nextIndex[peer] ?? lastIndex + 1, lastIndex + 1))
        let prev = next - 1
        let end = min(lastIndex, prev + config.maxEntriesPerMessage)
        let entries = end > prev ? Array(log[prev..<end]) : []
        // Optimistic: a lost message shows as a rejection of the next one, which backs off.
        nextIndex[peer] = end + 1
        let m = AppendEntries(
            term: term, prevLogIndex: prev, prevLogTerm: term(at: prev), entries: entries,
            leaderCommit: commitIndex, round: round)
        send(.appendEntries(m), to: peer)
    }

    mutating func handleAppendEntries(_ m: AppendEntries, from sender: NodeID) {
        guard m.term == term else {
            send(.appendResponse(AppendResponse(term: term, success: false, matchIndex: 0, conflictIndex: 0, round: m.round)), to: sender)
            return
        }
        if role != .follower || preVotes != nil { becomeFollower(term: term, leader: sender) }
        leader = sender
        lastLeaderContact = now
        resetElectionTimer()
        if m.prevLogIndex > lastIndex || term(at: m.prevLogIndex) != m.prevLogTerm {
            var conflict = lastIndex + 1
            if m.prevLogIndex <= lastIndex {
                let conflictTerm = term(at: m.prevLogIndex)
                conflict = m.prevLogIndex
                while conflict > 1 && term(at: conflict - 1) == conflictTerm { conflict -= 1 }
            }
            send(.appendResponse(AppendResponse(term: term, success: false, matchIndex: 0, conflictIndex: conflict, round: m.round)), to: sender)
            return
        }
        for (offset, entry) in m.entries.enumerated() {
            let index = m.prevLogIndex + 1 + offset
            if index <= lastIndex {
                if term(at: index) == entry.term { continue }
                log.removeSubrange((index - 1)...)
                stableIndex = min(stableIndex, index - 1)
            }
            log.append(entry)
            unstableFrom = min(unstableFrom ?? index, index)
        }
        let lastNew = m.prevLogIndex + m.entries.count
        if m.leaderCommit > commitIndex {
            commitIndex = max(commitIndex, min(m.leaderCommit, lastNew))
        }
        send(.appendResponse(AppendResponse(term: term, success: true, matchIndex: lastNew, conflictIndex: 0, round: m.round)), to: sender)
    }

    mutating func handleAppendResponse(_ m: AppendResponse, from peer: NodeID) {
        guard role == .leader, m.term == term else { return }
        recentlyActive.insert(peer)
        ackedRound[peer] = max(ackedRound[peer] ?? 0, m.round)
        if m.success {
            matchIndex[peer] = max(matchIndex[peer] ?? 0, m.matchIndex)
            nextIndex[peer] = max(nextIndex[peer] ?? 1, m.matchIndex + 1)
            maybeCommit()
            if (nextIndex[peer] ?? 1) <= lastIndex { sendAppend(to: peer) }
        } else {
            let match = matchIndex[peer] ?? 0
            nextIndex[peer] = max(match + 1, min((nextIndex[peer] ?? 1) - 1, m.conflictIndex))
            sendAppend(to: peer)
        }
    }

    mutating func maybeCommit() {
        guard lastIndex > commitIndex else { return }
        for n in stride(from: lastIndex, to: commitIndex, by: -1) {
            if log[n - 1].term != term && !config.bugs.contains(.commitOldTerm) { break }
            let replicas = 1 * (stableIndex >= n ? 1 : 0) + config.peers.filter { (matchIndex[$0] ?? 0) >= n }.count
            if replicas >= config.majority {
                commitIndex = n
                return
            }
        }
    }

    // MARK: Reads

    var committedInTerm: Bool { commitIndex > 0 && term(at: commitIndex) == term }

    var readsStartingRound: Bool {
        pendingReads.contains { $0.round == nil && ($0.readIndex != nil || committedInTerm) }
    }

    /// Reads that arrived before the leader's no-op committed get their read index once it has.
    mutating func assignReadIndexes() {
        guard role == .leader, committedInTerm else { return }
        for i in pendingReads.indices where pendingReads[i].readIndex == nil {
            pendingReads[i].readIndex = commitIndex
        }
    }

    /// Reads that a state machine applied up to `applied` may now answer.
    func releasableReads(upTo applied: Int) -> [UInt64] {
        guard role == .leader, !pendingReads.isEmpty else { return [] }
        let confirmed = confirmedRound
        return pendingReads.filter { r in
            guard let index = r.readIndex, let round = r.round else { return false }
            return index <= applied && round <= confirmed
        }.map(\.id)
    }

    /// The highest heartbeat round a majority (this leader included) acknowledged.
    var confirmedRound: Int {
        let acks = ([round] + config.peers.map { ackedRound[$0] ?? 0 }).sorted(by: >)
        return acks[config.majority - 1]
    }

    mutating func failPendingReads() {
        refusedReads += pendingReads.map(\.id)
        pendingReads = []
    }

    mutating func send(_ message: RaftMessage, to peer: NodeID) {
        outbox.append(Envelope(from: config.id, to: peer, message: message))
    }
}
