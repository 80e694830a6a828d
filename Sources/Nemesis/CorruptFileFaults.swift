import Cluster
import Foundation
import History
import RemoteCore

extension FaultKind {
    /// Kill the database on a minority, damage one file of its data directory (a flipped bit, a
    /// truncation or a zeroed chunk), then start it again on the damaged data.
    public static let corruptFile = FaultKind(declared: "corrupt-file")
}

/// How a `corrupt-file` fault damages a file, drawn when the fault is planned.
public struct FileCorruption: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// One bit of one byte flipped.
        case bitflip
        /// The file cut short at the offset.
        case truncate
        /// Up to `chunk` bytes from the offset set to zero.
        case zero
    }

    public var kind: Kind
    /// The seeded draw each node turns into its file and offset (`place`).
    public var draw: UInt64
    /// The most bytes a `zero` clears.
    public static let chunk = 4096

    public init(kind: Kind, draw: UInt64) {
        self.kind = kind
        self.draw = draw
    }

    /// The file (of `files`, sorted by path) that node number `index` of the plan damages, the
    /// draw of its offset (`offset(_:written:)`), and for a bit flip the bit: the same for the
    /// same draw.
    func place(in files: [(path: String, size: Int)], node index: Int) -> (file: String, size: Int, offsetDraw: UInt64, bit: Int)? {
        guard !files.isEmpty else { return nil }
        var rng = SplitMix64(seed: draw &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        let file = files[Int(rng.next() % UInt64(files.count))]
        return (file.path, file.size, rng.next(), Int(rng.next() % 8))
    }

    /// The offset a draw lands on within the written part of a file: its first `written` bytes,
    /// before the zeros a preallocated file (an etcd WAL segment) ends in; the whole file when
    /// it is all zeros.
    static func offset(_ draw: UInt64, size: Int, written: Int) -> Int {
        Int(draw % UInt64(max(1, written > 0 ? min(written, size) : size)))
    }
}

/// File corruption: on a minority of the nodes (whatever the spec's targets; a majority could lose
/// acknowledged data legitimately) the database is killed, one file of its data directory matching
/// the spec's `corrupt-pattern` is damaged and fsynced, and the database is started again when the
/// fault heals. Evidence per node: file, offset and what was done. Needs `Killable` and
/// `DataDirectories`; works with or without the disk layer.
public struct CorruptFileFaults: FaultFamily {
    public var healSteps: [any HealStep] { [StartHeal()] }
    public var kinds: [FaultKind] { [.corruptFile] }
    public func needsLeader(_ step: NemesisSchedule.Step) -> Bool { false }
    public func plan(_ step: NemesisSchedule.Step, nodes: [String], leader: String?, using rng: inout SplitMix64) -> FaultPlan {
        let chosen = TargetSelection.nodes(.minority, of: nodes, leader: leader, using: &rng)
        let kind = FileCorruption.Kind.allCases[Int(rng.next() % UInt64(FileCorruption.Kind.allCases.count))]
        var plan = FaultPlan(kind: step.kind, target: .minority, nodes: chosen)
        plan.corruption = FileCorruption(kind: kind, draw: rng.next())
        if chosen.isEmpty { plan.unavailable = "no target node" }
        return plan
    }
    public func unavailable(by injector: FaultInjector) async -> String? {
        injector.database is any Killable && injector.database is any DataDirectories
            ? nil : "\(injector.database.name) cannot be killed on a data directory of its own by Faultline"
    }
    public func apply(_ plan: FaultPlan, id: String, by injector: FaultInjector) async -> AppliedFault {
        await injector.applyCorruption(plan, id: id)
    }
    public func heal(_ fault: AppliedFault, by injector: FaultInjector) async -> (healed: Bool, evidence: String) {
        await injector.healProcessFault(fault)
    }
}

extension FaultInjector {
    /// On every target at once: journals `start`, kills the database, lists the files matching
    /// `spec.corruptPattern` in its data directory and damages the one the plan's draw picks.
    func applyCorruption(_ plan: FaultPlan, id: String) async -> AppliedFault {
        guard let corruption = plan.corruption, let killable = database as? any Killable,
              let data = database as? any DataDirectories else {
            return AppliedFault(plan: plan, journalID: id, inEffect: false,
                                evidence: await plan.kind.family.unavailable(by: self) ?? "no corruption planned", touched: [])
        }
        let entry = HealJournalEntry(id: id, fault: plan.kind.rawValue, undo: [.start])
        let cluster = cluster, pattern = spec.corruptPattern
        let outcomes = await NodeOutcomes<String>.run(plan.kind.rawValue, plan.nodes, in: cluster) { node in
            _ = try await node.root(HealJournal.appendCommand(entry, baseDirectory: node.baseDirectory))
            let directory = try data.dataDirectory(for: node)
            try await killable.kill(node, in: cluster)
            let files = Self.files(try await node.root(CorruptionCommands.list(directory, pattern: pattern)))
            guard let place = corruption.place(in: files, node: plan.nodes.firstIndex(of: node.name) ?? 0) else {
                throw StepFailure("no non-empty file matching `\(pattern)` in \(directory)")
            }
            let path = directory + "/" + place.file
            let written = Int(try await node.root(CorruptionCommands.writtenLength(path, size: place.size))
                .trimmingCharacters(in: .whitespacesAndNewlines)) ?? place.size
            let offset = FileCorruption.offset(place.offsetDraw, size: place.size, written: written)
            let output = try await node.root(CorruptionCommands.damage(path, corruption.kind, size: place.size, offset: offset, bit: place.bit))
            return CorruptionCommands.evidence(place.file, size: place.size, written: written, offset: offset, bit: place.bit,
                                               kind: corruption.kind, output: output)
        }
        return AppliedFault(plan: plan, journalID: id, inEffect: outcomes.allSucceeded,
                            evidence: outcomes.summary { "killed, " + $0 }, touched: plan.nodes)
    }

    /// `size path` lines → (path, size), in the order listed.
    static func files(_ listing: String) -> [(path: String, size: Int)] {
        listing.split(separator: "\n").compactMap { line in
            guard let space = line.firstIndex(of: " "), let size = Int(line[..<space]) else { return nil }
            return (String(line[line.index(after: space)...]), size)
        }
    }
}

/// The shell commands of file corruption (coreutils and diffutils only: `find`, `od`, `dd`,
/// `truncate`, `sync`, `cmp`).
enum CorruptionCommands {
    /// Prints where the written part of `path` (`size` bytes) ends: the end of its last 4 KiB
    /// block that is not all zeros (0 for a file of zeros). Steps back from the end a MiB at a
    /// time, then 4 KiB, comparing with /dev/zero.
    static func writtenLength(_ path: String, size: Int) -> String {
        let file = ShellQuote.quote(path)
        let step = { (block: Int) in
            "while [ $e -gt 0 ]; do s=$(( e > \(block) ? e - \(block) : 0 )); "
                + "cmp -s -n $(( e - s )) -i $s:0 \(file) /dev/zero || break; e=$s; done; "
        }
        return "e=\(size); " + step(1 << 20) + step(4096) + "echo $e"
    }

    /// `size relative-path` of each non-empty regular file under `directory` whose name matches
    /// `pattern` (a `find -name` glob), sorted by path.
    static func list(_ directory: String, pattern: String) -> String {
        "find \(ShellQuote.quote(directory)) -type f -name \(ShellQuote.quote(pattern)) -size +0c -printf '%s %P\\n' | LC_ALL=C sort -k2"
    }

    /// Damages `path` and fsyncs it (so the damage is durable, also on the disk layer); a bit flip
    /// prints the byte's old value.
    static func damage(_ path: String, _ kind: FileCorruption.Kind, size: Int, offset: Int, bit: Int) -> String {
        let file = ShellQuote.quote(path)
        switch kind {
        case .bitflip:
            return "b=$(od -An -tu1 -j \(offset) -N1 \(file) | tr -d ' ') && [ -n \"$b\" ] && "
                + "printf \"$(printf '\\\\%03o' $(( b ^ \(1 << bit) )))\" | dd of=\(file) bs=1 seek=\(offset) count=1 conv=notrunc status=none && "
                + "sync -- \(file) && echo $b"
        case .truncate:
            return "truncate -s \(offset) \(file) && sync -- \(file)"
        case .zero:
            return "dd if=/dev/zero of=\(file) bs=1 seek=\(offset) count=\(min(FileCorruption.chunk, size - offset)) conv=notrunc status=none && "
                + "sync -- \(file)"
        }
    }

    /// What was done, in words: `log.jsonl (5120 bytes) at offset 1234: bit 3 flipped (0x7b → 0x73)`;
    /// `(64000000 bytes, 12288 written)` when the file ends in zeros after its written part.
    static func evidence(_ file: String, size: Int, written: Int? = nil, offset: Int, bit: Int, kind: FileCorruption.Kind,
                         output: String) -> String {
        let extent = written.map { $0 > 0 && $0 < size ? ", \($0) written" : "" } ?? ""
        let head = "\(file) (\(size) bytes\(extent)) at offset \(offset): "
        switch kind {
        case .bitflip:
            let old = Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            return head + "bit \(bit) flipped (0x\(String(old, radix: 16)) → 0x\(String(old ^ (1 << bit), radix: 16)))"
        case .truncate:
            return head + "truncated to \(offset) bytes"
        case .zero:
            return head + "\(min(FileCorruption.chunk, size - offset)) bytes zeroed"
        }
    }
}
