/// The messages Raft nodes exchange. Responses echo enough for the receiver to act on them
/// without remembering what it sent, so messages may be lost, duplicated or reordered.
public enum RaftMessage: Codable, Sendable, Equatable {
    case requestVote(RequestVote)
    case voteResponse(VoteResponse)
    case appendEntries(AppendEntries)
    case appendResponse(AppendResponse)
    /// Pre-vote: `term` is the term the sender would campaign in; nobody's term changes.
    case preVote(RequestVote)
    /// Granted: `term` echoes the request's. Refused: the refuser's current term.
    case preVoteResponse(VoteResponse)

    /// The sender's term (for pre-votes, see the cases).
    public var term: Int {
        switch self {
        case .requestVote(let m), .preVote(let m): m.term
        case .voteResponse(let m), .preVoteResponse(let m): m.term
        case .appendEntries(let m): m.term
        case .appendResponse(let m): m.term
        }
    }

    /// A message whose term is not the sender's own: it must not move the receiver's term.
    var asksWithoutRaisingTerm: Bool {
        switch self {
        case .preVote: true
        case .preVoteResponse(let m): m.granted
        default: false
        }
    }
}

public struct RequestVote: Codable, Sendable, Equatable {
    public var term: Int
    public var lastLogIndex: Int
    public var lastLogTerm: Int
}

public struct VoteResponse: Codable, Sendable, Equatable {
    public var term: Int
    public var granted: Bool
}

public struct AppendEntries: Codable, Sendable, Equatable {
    public var term: Int
    public var prevLogIndex: Int
    public var prevLogTerm: Int
    public var entries: [LogEntry]
    public var leaderCommit: Int
    /// The leader's heartbeat round when it sent this; echoed back, so a majority of echoes of
    /// round r proves the sender still led after round r began (read index).
    public var round: Int
}

public struct AppendResponse: Codable, Sendable, Equatable {
    public var term: Int
    public var success: Bool
    /// On success, the index of the last entry the follower now holds from this message.
    public var matchIndex: Int
    /// On failure, where the leader should try next (first index of the conflicting term, or one
    /// past the follower's last entry).
    public var conflictIndex: Int
    public var round: Int
}

/// A message with its sender and addressee.
public struct Envelope: Codable, Sendable, Equatable {
    public var from: NodeID
    public var to: NodeID
    public var message: RaftMessage

    public init(from: NodeID, to: NodeID, message: RaftMessage) {
        self.from = from
        self.to = to
        self.message = message
    }
}
