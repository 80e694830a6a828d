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
/// that heard from a leader within the election timeout refuse). Membership changes with joint
/// consensus (paper §6, see `changeMembership`); a RequestVote from outside the configuration
/// that arrives within an election timeout of hearing from a leader is ignored, so a removed
/// server cannot disrupt the cluster.
/// `config.bugs` switches single rules off.
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
    /// The configuration in effect: the last configuration entry in the log (committed or not),
    /// else the initial one (`config.members`).
    public internal(set) var membership: Membership
    /// The index of the entry `membership` comes from; 0 for the initial configuration.
    public internal(set) var membershipIndex = 0
    /// Leader only: the configuration a change asked for, while its new servers catch up
    /// without a vote; the joint configuration is appended once they have.
    public internal(set) var pendingChange: Membership?
    /// True for a server that started without a configuration (`config.members` empty) until its
    /// log holds everything a leader said was committed: until then its configuration may be a
    /// stale one replayed from the log, and it gives no vote. Drivers persist the end of it.
    public internal(set) var joining: Bool

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
        precondition(
            config.members.isEmpty || config.members.contains(config.id), "a node must be one of the initial members, or join")
        self.config = config
        self.membership = Membership(voters: config.members)
        self.joining = config.members.isEmpty
        self.term = hardState.term
        self.votedFor = hardState.votedFor
        self.log = log
        self.stableIndex = log.count
        self.rng = SplitMix64(seed: config.seed)
        self.now = now
        reloadMembership()
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
            if !isVoter {
                resetElectionTimer()  // a server without a vote (joining, or removed) never campaigns
            } else if config.preVote {
                askPreVotes()
            } else {
                campaign()
            }
        }
    }

    /// A message arrived.
    public mutating func step(_ envelope: Envelope) {
        let message = envelope.message
        guard envelope.to == config.id else { return }
        // Raft §6: a server that heard from a leader within the election timeout ignores
        // RequestVote from outside its configuration, so a removed server that never learned of
        // its removal (and campaigns with ever higher terms) cannot depose the leader.
        if case .requestVote = message, message.term > term, !membership.members.contains(envelope.from), hearsFromALeader {
            return
        }
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

    public enum ChangeOutcome: Sendable, Equatable {
        /// The change began; it is done once an entry with `target`'s voters and no outgoing
        /// configuration is committed.
        case started(target: Membership)
        /// Not started: this node does not lead (`leader` is who it believes does).
        case notLeader(leader: NodeID?)
        /// Not started: a change is still in progress, or this leader has not yet committed an
        /// entry of its own term (a change must not begin before that).
        case busy
        /// Not started: the change is empty, names a member twice, or would leave no voter.
        case invalid(String)
    }

    /// Starts a membership change (leader only): the servers in `add` (id → "host:port") first
    /// catch up as non-voters, then the joint configuration C_old,new is appended (in effect at
    /// once), then C_new once C_old,new is committed; a leader that C_new removes steps down once
    /// C_new is committed. One change at a time. `unsafe-membership` appends C_new directly.
    public mutating func changeMembership(add: [NodeID: String], remove: Set<NodeID>) -> ChangeOutcome {
        guard role == .leader else { return .notLeader(leader: leader) }
        guard pendingChange == nil, membership.outgoing == nil, membershipIndex <= commitIndex, committedInTerm else {
            return .busy
        }
        let current = Set(membership.voters)
        if let id = add.keys.sorted().first(where: current.contains) { return .invalid("\(id) is already a member") }
        if let id = remove.sorted().first(where: { !current.contains($0) }) { return .invalid("\(id) is not a member") }
        let voters = current.subtracting(remove).union(add.keys)
        guard !add.isEmpty || !remove.isEmpty else { return .invalid("nothing to change") }
        guard !voters.isEmpty else { return .invalid("a configuration needs a voter") }
        let target = Membership(voters: Array(voters), addresses: membership.addresses.merging(add) { $1 })
        pendingChange = target
        for id in add.keys {  // a server added again starts from nothing
            nextIndex[id] = nil
            matchIndex[id] = nil
        }
        syncProgress()
        broadcastPending = true
        finishCatchUp()
        return .started(target: target)
    }

    /// The servers being added have caught up (hold what was committed): the change goes on.
    mutating func finishCatchUp() {
        guard role == .leader, let target = pendingChange else { return }
        let members = membership.members
        guard target.voters.allSatisfy({ members.contains($0) || (matchIndex[$0] ?? 0) >= commitIndex }) else { return }
        pendingChange = nil
        if config.bugs.contains(.unsafeMembership) {
            appendMembership(Membership(voters: target.voters, addresses: target.addresses.filter { target.voters.contains($0.key) }))
        } else {
            appendMembership(Membership(voters: target.voters, outgoing: membership.voters, addresses: target.addresses))
        }
    }

    /// Once the joint configuration is committed the leader appends C_new; once C_new is
    /// committed a leader it removed steps down (after telling the others the commit index).
    mutating func advanceMembership() {
        guard role == .leader, membershipIndex <= commitIndex else { return }
        let current = membership
        if current.outgoing != nil {
            appendMembership(Membership(voters: current.voters, addresses: current.addresses.filter { current.voters.contains($0.key) }))
        } else if !current.voters.contains(config.id) {
            broadcastAppends()
            becomeFollower(term: term, leader: nil)
        }
    }

    mutating func appendMembership(_ m: Membership) {
        append(LogEntry(term: term, command: nil, membership: m))
        syncProgress()
        broadcastPending = true
    }

    /// Re-reads the configuration from the log (after a truncation, or at start).
    mutating func reloadMembership() {
        membership = Membership(voters: config.members)
        membershipIndex = 0
        for index in stride(from: lastIndex, through: 1, by: -1) {
            if let m = log[index - 1].membership {
                membership = m
                membershipIndex = index
                return
            }
        }
    }

    /// This server votes in its configuration.
    var isVoter: Bool { membership.members.contains(config.id) }

    /// The voters of the configuration, this node excepted, in a fixed order.
    var voterPeers: [NodeID] { membership.members.subtracting([config.id]).sorted() }

    /// Whom a leader replicates to: the voters of its configuration and the servers catching up.
    var replicationTargets: [NodeID] {
        membership.members.union(pendingChange?.voters ?? []).subtracting([config.id]).sorted()
    }

    /// Leader: progress for every replication target, none for anyone else.
    mutating func syncProgress() {
        let targets = replicationTargets
        for peer in targets where nextIndex[peer] == nil {
            nextIndex[peer] = lastIndex + 1
            matchIndex[peer] = 0
            ackedRound[peer] = 0
        }
        let keep = Set(targets)
        for peer in nextIndex.keys where !keep.contains(peer) {
            nextIndex[peer] = nil
            matchIndex[peer] = nil
            ackedRound[peer] = nil
            recentlyActive.remove(peer)
        }
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
        if let m = entry.membership {
            membership = m
            membershipIndex = lastIndex
        }
    }

    mutating func broadcastAppends() {
        broadcastPending = false
        heartbeatDue = now + config.heartbeatInterval
        for peer in replicationTargets { sendAppend(to: peer) }
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
                if membershipIndex >= index { reloadMembership() }
            }
            append(entry)
        }
        let lastNew = m.prevLogIndex + m.entries.count
        if joining && lastNew >= m.leaderCommit && m.leaderCommit > 0 { joining = false }
        if m.leaderCommit > commitIndex {
            commitIndex = max(commitIndex, min(m.leaderCommit, lastNew))
        }
        send(.appendResponse(AppendResponse(term: term, success: true, matchIndex: lastNew, conflictIndex: 0, round: m.round)), to: sender)
    }

    mutating func handleAppendResponse(_ m: AppendResponse, from peer: NodeID) {
        guard role == .leader, m.term == term, nextIndex[peer] != nil else { return }
        recentlyActive.insert(peer)
        ackedRound[peer] = max(ackedRound[peer] ?? 0, m.round)
        if m.success {
            matchIndex[peer] = max(matchIndex[peer] ?? 0, m.matchIndex)
            nextIndex[peer] = max(nextIndex[peer] ?? 1, m.matchIndex + 1)
            maybeCommit()
            finishCatchUp()
            if role == .leader, (nextIndex[peer] ?? 1) <= lastIndex { sendAppend(to: peer) }
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
            var replicas = Set(matchIndex.filter { $0.value >= n }.keys)
            if stableIndex >= n { replicas.insert(config.id) }
            if membership.isQuorum(replicas) {
                commitIndex = n
                advanceMembership()
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

    /// The highest heartbeat round a quorum (this leader included) acknowledged.
    var confirmedRound: Int {
        for r in Set([round] + ackedRound.values).sorted(by: >) {
            var acks = Set(ackedRound.filter { $0.value >= r }.keys)
            acks.insert(config.id)
            if membership.isQuorum(acks) { return r }
        }
        return 0
    }

    mutating func failPendingReads() {
        refusedReads += pendingReads.map(\.id)
        pendingReads = []
    }

    mutating func send(_ message: RaftMessage, to peer: NodeID) {
        outbox.append(Envelope(from: config.id, to: peer, message: message))
    }
}
