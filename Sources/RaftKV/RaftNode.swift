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
    public private(set) var term = 0
    public private(set) var votedFor: NodeID?
    public private(set) var role = RaftRole.follower
    public private(set) var leader: NodeID?
    /// The log; entry i (1-based) is `log[i - 1]`.
    public private(set) var log: [LogEntry]
    public private(set) var commitIndex = 0
    /// The last index handed to the driver for applying.
    public private(set) var lastApplied = 0

    private var now = 0
    private var rng: SplitMix64
    private var electionDeadline = 0
    private var heartbeatDue = 0
    private var quorumCheckDue = 0
    private var votes: Set<NodeID> = []
    /// Pre-votes granted so far while this node asks whether it could win; nil when not asking.
    private var preVotes: Set<NodeID>?
    /// When this node last heard from the leader of its term.
    private var lastLeaderContact: Int?
    private var nextIndex: [NodeID: Int] = [:]
    private var matchIndex: [NodeID: Int] = [:]
    private var recentlyActive: Set<NodeID> = []

    /// Log entries up to here are on disk.
    private var stableIndex: Int
    /// Lowest log index changed since the last `ready()`, if any.
    private var unstableFrom: Int?
    private var hardStateDirty = false
    private var outbox: [Envelope] = []
    private var broadcastPending = false

    // Read index.
    private struct PendingRead {
        var id: UInt64
        var readIndex: Int?
        var round: Int?
    }
    private var round = 0
    private var ackedRound: [NodeID: Int] = [:]
    private var pendingReads: [PendingRead] = []
    private var refusedReads: [UInt64] = []

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
    private var applyIndex: Int { min(commitIndex, lastIndex) }

    /// The last `Ready` was carried out: its entries are on disk.
    public mutating func advance() {
        stableIndex = lastIndex
        if role == .leader { maybeCommit() }
    }

    // MARK: Elections

    private mutating func resetElectionTimer() {
        let t = config.electionTimeout
        electionDeadline = now + t + Int(rng.next() % UInt64(t + 1))
    }

    private mutating func becomeFollower(term newTerm: Int, leader newLeader: NodeID?) {
        if newTerm > term {
            term = newTerm
            votedFor = nil
            hardStateDirty = true
        }
        if role != .follower { resetElectionTimer() }
        role = .follower
        leader = newLeader
        if newLeader != nil { lastLeaderContact = now }
        preVotes = nil
        broadcastPending = false
        failPendingReads()
    }

    private mutating func campaign() {
        preVotes = nil
        term += 1
        role = .candidate
        votedFor = config.id
        leader = nil
        hardStateDirty = true
        votes = [config.id]
        failPendingReads()
        resetElectionTimer()
        if votes.count >= config.majority { becomeLeader(); return }
        let request = RequestVote(term: term, lastLogIndex: lastIndex, lastLogTerm: lastTerm)
        for peer in config.peers { send(.requestVote(request), to: peer) }
    }

    /// Asks every peer whether it would vote for this node in the next term, without raising
    /// this node's term; `campaign()` follows once a majority would.
    private mutating func askPreVotes() {
        leader = nil
        preVotes = [config.id]
        resetElectionTimer()
        if config.majority <= 1 { campaign(); return }
        let request = RequestVote(term: term + 1, lastLogIndex: lastIndex, lastLogTerm: lastTerm)
        for peer in config.peers { send(.preVote(request), to: peer) }
    }

    /// This node leads, or heard from its leader within the election timeout.
    private var hearsFromALeader: Bool {
        if role == .leader { return true }
        guard leader != nil, let last = lastLeaderContact else { return false }
        return now - last < config.electionTimeout
    }

    /// The candidate's log is at least as up to date as this node's (or `vote-any-log` skips the check).
    private func mayVote(for m: RequestVote) -> Bool {
        let upToDate = m.lastLogTerm > lastTerm || (m.lastLogTerm == lastTerm && m.lastLogIndex >= lastIndex)
        return upToDate || config.bugs.contains(.voteAnyLog)
    }

    private mutating func handlePreVote(_ m: RequestVote, from candidate: NodeID) {
        let granted = m.term > term && !hearsFromALeader && mayVote(for: m)
        send(.preVoteResponse(VoteResponse(term: granted ? m.term : term, granted: granted)), to: candidate)
    }

    private mutating func handlePreVoteResponse(_ m: VoteResponse, from voter: NodeID) {
        guard role != .leader, m.granted, m.term == term + 1, preVotes != nil else { return }
        preVotes!.insert(voter)
        if preVotes!.count >= config.majority { campaign() }
    }

    private mutating func handleRequestVote(_ m: RequestVote, from candidate: NodeID) {
        let granted = m.term == term && (votedFor == nil || votedFor == candidate) && mayVote(for: m)
        if granted {
            if votedFor != candidate { hardStateDirty = true }
            votedFor = candidate
            resetElectionTimer()
        }
        send(.voteResponse(VoteResponse(term: term, granted: granted)), to: candidate)
    }

    private mutating func handleVoteResponse(_ m: VoteResponse, from voter: NodeID) {
        guard role == .candidate, m.term == term, m.granted else { return }
        votes.insert(voter)
        if votes.count >= config.majority { becomeLeader() }
    }

    private mutating func becomeLeader() {
        role = .leader
        leader = config.id
        for peer in config.peers {
            nextIndex[peer] = lastIndex + 1
            matchIndex[peer] = 0
            ackedRound[peer] = 0
        }
        recentlyActive = []
        quorumCheckDue = now + config.electionTimeout
        append(LogEntry(term: term, command: nil))
        broadcastPending = true
    }

    /// Check-quorum: a leader that heard from no majority during the last election timeout steps
    /// down, so clients of an isolated leader are refused quickly instead of waiting.
    private mutating func checkQuorum() {
        quorumCheckDue = now + config.electionTimeout
        if !config.bugs.contains(.staleReads) && recentlyActive.count + 1 < config.majority {
            becomeFollower(term: term, leader: nil)
            return
        }
        recentlyActive = []
    }

    // MARK: Replication

    private mutating func append(_ entry: LogEntry) {
        log.append(entry)
        unstableFrom = min(unstableFrom ?? lastIndex, lastIndex)
    }

    private mutating func broadcastAppends() {
        broadcastPending = false
        heartbeatDue = now + config.heartbeatInterval
        for peer in config.peers { sendAppend(to: peer) }
    }

    private mutating func sendAppend(to peer: NodeID) {
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

    private mutating func handleAppendEntries(_ m: AppendEntries, from sender: NodeID) {
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

    private mutating func handleAppendResponse(_ m: AppendResponse, from peer: NodeID) {
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

    private mutating func maybeCommit() {
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

    private var committedInTerm: Bool { commitIndex > 0 && term(at: commitIndex) == term }

    private var readsStartingRound: Bool {
        pendingReads.contains { $0.round == nil && ($0.readIndex != nil || committedInTerm) }
    }

    /// Reads that arrived before the leader's no-op committed get their read index once it has.
    private mutating func assignReadIndexes() {
        guard role == .leader, committedInTerm else { return }
        for i in pendingReads.indices where pendingReads[i].readIndex == nil {
            pendingReads[i].readIndex = commitIndex
        }
    }

    /// Reads that a state machine applied up to `applied` may now answer.
    private func releasableReads(upTo applied: Int) -> [UInt64] {
        guard role == .leader, !pendingReads.isEmpty else { return [] }
        let confirmed = confirmedRound
        return pendingReads.filter { r in
            guard let index = r.readIndex, let round = r.round else { return false }
            return index <= applied && round <= confirmed
        }.map(\.id)
    }

    /// The highest heartbeat round a majority (this leader included) acknowledged.
    private var confirmedRound: Int {
        let acks = ([round] + config.peers.map { ackedRound[$0] ?? 0 }).sorted(by: >)
        return acks[config.majority - 1]
    }

    private mutating func failPendingReads() {
        refusedReads += pendingReads.map(\.id)
        pendingReads = []
    }

    private mutating func send(_ message: RaftMessage, to peer: NodeID) {
        outbox.append(Envelope(from: config.id, to: peer, message: message))
    }
}
