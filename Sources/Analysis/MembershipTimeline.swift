import History

/// The cluster's membership after one change, as the nemesis recorded it.
public struct MembershipChange: Sendable, Hashable {
    /// When the change was recorded (ns since the run started).
    public var time: Int64
    /// The voting members in effect after it.
    public var members: [String]

    public init(time: Int64, members: [String]) {
        self.time = time
        self.members = members
    }
}

/// The membership over a run, read back from the history: every nemesis `info` whose evidence
/// names the members in effect (`MembershipEvidence`), in the order recorded — the `membership`
/// fault family writes one after each shrink and each grow. Empty for a run that changed none.
public enum MembershipTimeline {
    public static func changes(in events: [Event]) -> [MembershipChange] {
        events.compactMap { e in
            guard e.process == .nemesis, e.type == .info, let text = e.value.string,
                let members = MembershipEvidence.members(in: text)
            else { return nil }
            return MembershipChange(time: e.time ?? 0, members: members)
        }
    }
}
