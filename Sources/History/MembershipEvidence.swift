/// How the `membership` fault family writes the members in effect into a nemesis event's
/// evidence (`…; members: n1,n2,n3`), and how readers (the report's membership band) get them
/// back: the one place the format is defined.
public enum MembershipEvidence {
    static let label = "members: "

    /// `members: n1,n2,…` for the names in effect.
    public static func text(_ members: [String]) -> String { label + members.joined(separator: ",") }

    /// `members: unknown (why)` when the members could not be asked.
    public static func unknown(_ why: String) -> String { label + "unknown (\(why))" }

    /// The members the evidence names last (its final `members: …` part); nil when it names none
    /// or says they were unknown.
    public static func members(in evidence: String) -> [String]? {
        guard let part = evidence.split(separator: ";").last(where: { $0.trimmingPrefixSpaces.hasPrefix(label) }) else { return nil }
        let list = part.trimmingPrefixSpaces.dropFirst(label.count)
        if list.hasPrefix("unknown") { return nil }
        return list.split(separator: ",").map { String($0.filter { $0 != " " }) }.filter { !$0.isEmpty }
    }
}

extension Substring {
    fileprivate var trimmingPrefixSpaces: Substring { drop { $0 == " " } }
}
