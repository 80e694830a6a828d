import Nemesis
import SpecFiles
import Yams

/// Reads one entry of the nemesis's `triggers` list into a `TriggerSpec`, with file:line errors:
/// `on` (an event), `fault` (a kind), `target` (a role the event names; aiming at one node needs a
/// kind that can be aimed), `delay` and `jitter` (0–1000 ms), `duration`, `window` (leader-flap
/// only), `after` (fault-healed and node-restarted only: kinds), `limit`, `cooldown`.
struct TriggerSection {
    var node: Node
    var reader: YAMLReader

    static let fields: Set<String> = ["on", "fault", "target", "delay", "jitter", "duration", "window", "after", "limit", "cooldown"]
    static let example = "e.g. {on: leader-elected, fault: partition-leader, target: new-leader, delay: 5ms}"

    func spec() throws -> TriggerSpec {
        let yaml = reader
        let f = try yaml.mapping(node, "a trigger: a mapping with `on` and `fault`, \(Self.example)")
        try yaml.rejectUnknown(node, allowed: Self.fields, in: "a trigger")
        let eventName = try yaml.string(f["on"], in: node, "`on`: the event a trigger fires on, \(Self.example)")
        guard let event = ClusterEventKind(rawValue: eventName) else {
            throw yaml.error(f["on"]!, "unknown event `\(eventName)`; expected one of \(ClusterEventKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let fault = try kind(f["fault"], in: node)
        var trigger = TriggerSpec(event: event, fault: fault)
        if let t = f["target"] {
            let roles = TriggerSpec.roles(of: event)
            guard let name = t.scalar?.string, let role = TriggerRole(rawValue: name), roles.contains(role) else {
                throw yaml.error(t, "unknown target `\(t.scalar?.string ?? "?")` for \(event.rawValue); expected one of \(roles.map(\.rawValue).joined(separator: ", "))")
            }
            guard role == .usual || TriggerSpec.canAim(fault) else {
                throw yaml.error(t, "`\(fault.rawValue)` cannot be aimed at one node; use `target: usual`, or a fault that can "
                                 + "(\(FaultKind.allCases.filter(TriggerSpec.canAim).map(\.rawValue).joined(separator: ", ")))")
            }
            trigger.target = role
        }
        trigger.delay = try bounded(f["delay"], "`delay`") ?? trigger.delay
        trigger.jitter = try bounded(f["jitter"], "`jitter`") ?? trigger.jitter
        trigger.duration = try yaml.duration(f["duration"], "`duration`")
        if let w = f["window"] {
            guard event == .leaderFlap else { throw yaml.error(w, "`window` is for `on: leader-flap` only") }
            trigger.window = try yaml.duration(w, "`window`") ?? trigger.window
        }
        if let a = f["after"] {
            guard event == .faultHealed || event == .nodeRestarted else {
                throw yaml.error(a, "`after` is for `on: fault-healed` and `on: node-restarted` only")
            }
            guard let items = a.sequence, !items.isEmpty else { throw yaml.error(a, "expected `after` to be a non-empty list of fault kinds, e.g. [kill]") }
            trigger.after = try items.map { try kind($0, in: a) }
        }
        trigger.limit = try yaml.integer(f["limit"], in: node, "`limit` to be a number of firings, 1 or more", range: 1...1_000_000)
        trigger.cooldown = try yaml.duration(f["cooldown"], "`cooldown`")
        return trigger
    }

    private func kind(_ node: Node?, in parent: Node) throws -> FaultKind {
        let name = try reader.string(node, in: parent, "`fault`: a fault kind, \(Self.example)")
        guard let kind = FaultKind(rawValue: name) else {
            throw reader.error(node!, "unknown fault `\(name)`; expected one of \(FaultKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return kind
    }

    /// A duration of 0–1000 ms.
    private func bounded(_ node: Node?, _ field: String) throws -> Duration? {
        guard let node, let value = try reader.duration(node, field, allowZero: true) else { return nil }
        guard value <= .seconds(1) else { throw reader.error(node, "expected \(field) to be at most 1s, got `\(node.scalar?.string ?? "")`") }
        return value
    }
}
