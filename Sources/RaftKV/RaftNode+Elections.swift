import History

/// Elections: randomized timeouts, pre-votes, votes for up-to-date candidates, becoming leader or
/// follower, and check-quorum.
extension RaftNode {
    mutating func resetElectionTimer() {
        let t = config.electionTimeout
        electionDeadline = now + t + Int(rng.next() % UInt64(t + 1))
    }

    mutating func becomeFollower(term newTerm: Int, leader newLeader: NodeID?) {
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
        pendingChange = nil
        broadcastPending = false
        failPendingReads()
    }

    mutating func campaign() {
        preVotes = nil
        term += 1
        role = .candidate
        votedFor = config.id
        leader = nil
        hardStateDirty = true
        votes = [config.id]
        failPendingReads()
        resetElectionTimer()
        if membership.isQuorum(votes) { becomeLeader(); return }
        let request = RequestVote(term: term, lastLogIndex: lastIndex, lastLogTerm: lastTerm)
        for peer in voterPeers { send(.requestVote(request), to: peer) }
    }

    /// Asks every peer whether it would vote for this node in the next term, without raising
    /// this node's term; `campaign()` follows once a majority would.
    mutating func askPreVotes() {
        leader = nil
        preVotes = [config.id]
        resetElectionTimer()
        if membership.isQuorum([config.id]) { campaign(); return }
        let request = RequestVote(term: term + 1, lastLogIndex: lastIndex, lastLogTerm: lastTerm)
        for peer in voterPeers { send(.preVote(request), to: peer) }
    }

    /// This node leads, or heard from its leader within the election timeout.
    var hearsFromALeader: Bool {
        if role == .leader { return true }
        guard leader != nil, let last = lastLeaderContact else { return false }
        return now - last < config.electionTimeout
    }

    /// The candidate's log is at least as up to date as this node's (or `vote-any-log` skips the
    /// check), and this node votes in its own configuration and is not `joining`: a server that
    /// is joining (wiped, or new, replaying old configurations) or removed gives no vote, which a
    /// stale configuration that still lists it would count.
    func mayVote(for m: RequestVote) -> Bool {
        guard isVoter, !joining else { return false }
        let upToDate = m.lastLogTerm > lastTerm || (m.lastLogTerm == lastTerm && m.lastLogIndex >= lastIndex)
        return upToDate || config.bugs.contains(.voteAnyLog)
    }

    mutating func handlePreVote(_ m: RequestVote, from candidate: NodeID) {
        let granted = m.term > term && !hearsFromALeader && mayVote(for: m)
        send(.preVoteResponse(VoteResponse(term: granted ? m.term : term, granted: granted)), to: candidate)
    }

    mutating func handlePreVoteResponse(_ m: VoteResponse, from voter: NodeID) {
        guard role != .leader, m.granted, m.term == term + 1, preVotes != nil else { return }
        preVotes!.insert(voter)
        if membership.isQuorum(preVotes!) { campaign() }
    }

    mutating func handleRequestVote(_ m: RequestVote, from candidate: NodeID) {
        let granted = m.term == term && (votedFor == nil || votedFor == candidate) && mayVote(for: m)
        if granted {
            if votedFor != candidate { hardStateDirty = true }
            votedFor = candidate
            resetElectionTimer()
        }
        send(.voteResponse(VoteResponse(term: term, granted: granted)), to: candidate)
    }

    mutating func handleVoteResponse(_ m: VoteResponse, from voter: NodeID) {
        guard role == .candidate, m.term == term, m.granted else { return }
        votes.insert(voter)
        if membership.isQuorum(votes) { becomeLeader() }
    }

    mutating func becomeLeader() {
        role = .leader
        leader = config.id
        pendingChange = nil
        nextIndex = [:]
        matchIndex = [:]
        ackedRound = [:]
        syncProgress()
        recentlyActive = []
        quorumCheckDue = now + config.electionTimeout
        append(LogEntry(term: term, command: nil))
        broadcastPending = true
    }

    /// Check-quorum: a leader that heard from no majority during the last election timeout steps
    /// down, so clients of an isolated leader are refused quickly instead of waiting.
    mutating func checkQuorum() {
        quorumCheckDue = now + config.electionTimeout
        if !config.bugs.contains(.staleReads) && !membership.isQuorum(recentlyActive.union([config.id])) {
            becomeFollower(term: term, leader: nil)
            return
        }
        recentlyActive = []
    }
}
