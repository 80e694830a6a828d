import Nemesis
import SpecFiles
import Yams

/// Reads the spec's `nemesis` mapping into a `NemesisSpec`, with file:line errors.
struct NemesisSection {
    var node: Node
    var reader: YAMLReader

    static let fields: Set<String> = ["faults", "targets", "interval", "jitter", "duration", "clock-offset", "loss", "delay", "delay-jitter", "strobe-period", "interface", "corrupt-pattern", "triggers", "poll-interval", "link-loss", "link-delay"]

    func spec() throws -> NemesisSpec {
        let yaml = reader
        let f = try yaml.mapping(node, "`nemesis`: a mapping with `faults` or `triggers`")
        try yaml.rejectUnknown(node, allowed: Self.fields, in: "`nemesis`")
        var triggers: [TriggerSpec] = []
        if let t = f["triggers"] {
            guard let items = t.sequence, !items.isEmpty else {
                throw yaml.error(t, "expected `triggers` to be a non-empty list, \(TriggerSection.example)")
            }
            triggers = try items.map { try TriggerSection(node: $0, reader: yaml).spec() }
        }
        var faults: [FaultKind] = []
        if let faultsNode = f["faults"] {
            faults = try list(faultsNode, "faults", FaultKind.init(rawValue:), FaultKind.allCases.map(\.rawValue))
        } else if triggers.isEmpty {
            throw yaml.error(node, "missing `faults`: a list of fault kinds (or `triggers`)")
        }
        var spec = NemesisSpec(faults: faults)
        spec.triggers = triggers
        if let p = f["poll-interval"] {
            guard let value = try yaml.duration(p, "`poll-interval`"), value >= .milliseconds(1), value <= .seconds(1) else {
                throw yaml.error(p, "expected `poll-interval` to be between 1ms and 1s, e.g. 10ms")
            }
            spec.pollInterval = value
        }
        if let t = f["targets"] {
            spec.targets = try list(t, "targets", FaultTarget.init(rawValue:), FaultTarget.allCases.map(\.rawValue))
        }
        spec.interval = try yaml.duration(f["interval"], "`interval`") ?? spec.interval
        spec.jitter = try yaml.duration(f["jitter"], "`jitter`", allowZero: true) ?? spec.jitter
        spec.duration = try yaml.duration(f["duration"], "`duration`") ?? spec.duration
        spec.clockOffset = try yaml.duration(f["clock-offset"], "`clock-offset`") ?? spec.clockOffset
        if let l = f["loss"] {
            guard let p = l.scalar.flatMap({ Double($0.string) }), p > 0, p <= 1 else {
                throw yaml.error(l, "expected `loss` to be a share of packets above 0 and at most 1, e.g. 0.3")
            }
            spec.lossProbability = p
        }
        if let l = f["link-loss"] {
            guard let p = l.scalar.flatMap({ Double($0.string) }), p > 0, p < 1 else {
                throw yaml.error(l, "expected `link-loss` to be a share of the packets between the nodes, above 0 and below 1, e.g. 0.1")
            }
            spec.linkLoss = p
        }
        if let d = f["link-delay"] {
            guard let value = try yaml.duration(d, "`link-delay`"), value >= .milliseconds(1), value <= .seconds(10) else {
                throw yaml.error(d, "expected `link-delay` to be between 1ms and 10s, e.g. 50ms")
            }
            spec.linkDelay = value
        }
        spec.delay = try yaml.duration(f["delay"], "`delay`") ?? spec.delay
        spec.delayJitter = try yaml.duration(f["delay-jitter"], "`delay-jitter`") ?? spec.delayJitter
        spec.strobePeriod = try yaml.duration(f["strobe-period"], "`strobe-period`") ?? spec.strobePeriod
        if let i = f["interface"] { spec.interface = try yaml.string(i, in: node, "`interface`: a network interface on the hosts") }
        if let p = f["corrupt-pattern"] {
            spec.corruptPattern = try yaml.string(p, in: node, "`corrupt-pattern`: a file name pattern, e.g. \"*.wal\"")
            guard !spec.corruptPattern.isEmpty, !spec.corruptPattern.contains("/") else {
                throw yaml.error(p, "expected `corrupt-pattern` to be a file name pattern without `/`, e.g. \"*.wal\"")
            }
        }
        return spec
    }

    /// A non-empty list of names, each one of `known`.
    private func list<T>(_ node: Node, _ field: String, _ make: (String) -> T?, _ known: [String]) throws -> [T] {
        guard let items = node.sequence, !items.isEmpty else {
            throw reader.error(node, "expected `\(field)` to be a non-empty list, e.g. [\(known.prefix(2).joined(separator: ", "))]")
        }
        return try items.map { item in
            guard let name = item.scalar?.string, let value = make(name) else {
                throw reader.error(item, "unknown \(field.dropLast()) `\(item.scalar?.string ?? "?")`; expected one of \(known.joined(separator: ", "))")
            }
            return value
        }
    }
}
