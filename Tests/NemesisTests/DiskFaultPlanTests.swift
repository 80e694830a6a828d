import Foundation
import Cluster
import Databases
import History
import Testing
@testable import Nemesis

/// Planning of the disk faults (`power-loss`, `corrupt-file`), the words of their evidence, and
/// when they cannot run; no host is touched (one shell command of corrupt-file runs on a temporary file).
@Suite struct DiskFaultPlanTests {
    static let nodes = ["n1", "n2", "n3", "n4", "n5"]

    @Test func kindsAreRegisteredByTheirFamilies() {
        #expect(FaultKind(rawValue: "power-loss") == .powerLoss)
        #expect(FaultKind(rawValue: "corrupt-file") == .corruptFile)
        #expect(FaultKind.powerLoss.family is PowerLossFaults && FaultKind.corruptFile.family is CorruptFileFaults)
    }

    @Test func powerLossHitsTheDrawnTargets() {
        var rng = SplitMix64(seed: 7)
        let step = NemesisSchedule.Step(wait: .zero, kind: .powerLoss, target: .all)
        let plan = PowerLossFaults().plan(step, nodes: Self.nodes, leader: nil, using: &rng)
        #expect(plan.nodes == Self.nodes && plan.unavailable == nil)
    }

    /// Whatever the spec's target, corruption hits a minority (two of five), the same way for the
    /// same seed; over seeds every kind of damage is drawn.
    @Test func corruptionHitsAMinorityReproducibly() {
        let step = NemesisSchedule.Step(wait: .zero, kind: .corruptFile, target: .all)
        var kinds: Set<FileCorruption.Kind> = []
        for seed in UInt64(1)...30 {
            var a = SplitMix64(seed: seed), b = SplitMix64(seed: seed)
            let plan = CorruptFileFaults().plan(step, nodes: Self.nodes, leader: nil, using: &a)
            #expect(plan == CorruptFileFaults().plan(step, nodes: Self.nodes, leader: nil, using: &b))
            #expect(plan.nodes.count == 2 && plan.target == .minority)
            kinds.insert(try! #require(plan.corruption).kind)
        }
        #expect(kinds == Set(FileCorruption.Kind.allCases))
        var rng = SplitMix64(seed: 3)
        #expect(CorruptFileFaults().plan(step, nodes: ["n1", "n2", "n3"], leader: nil, using: &rng).nodes.count == 1)
    }

    @Test func aCorruptionsPlaceLiesInAListedFile() {
        let files = [(path: "log.jsonl", size: 5000), (path: "state.json", size: 40)]
        for draw in UInt64(0)..<50 {
            let corruption = FileCorruption(kind: .bitflip, draw: draw)
            let place = try! #require(corruption.place(in: files, node: 1))
            let size = files.first { $0.path == place.file }!.size
            #expect(place.size == size && (0..<8).contains(place.bit))
            #expect((0..<size).contains(FileCorruption.offset(place.offsetDraw, size: size, written: size)))
            #expect(corruption.place(in: files, node: 1)! == place, "the same draw, the same place")
        }
        #expect(FileCorruption(kind: .zero, draw: 1).place(in: [], node: 0) == nil)
    }

    /// A preallocated file (data, then zeros to its size, as an etcd WAL segment): the offset is
    /// drawn within the data, found by the shell command for real.
    @Test func theOffsetLiesInTheWrittenPartOfAPreallocatedFile() throws {
        let path = NSTemporaryDirectory() + "fl-written-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var bytes = [UInt8](repeating: 0, count: 3 << 20)
        for i in 0..<10_000 { bytes[i] = UInt8(1 + i % 200) }
        bytes[5_007] = 0   // a zero inside the data changes nothing
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        func written(_ size: Int) throws -> Int? {
            let shell = Process()
            shell.executableURL = URL(fileURLWithPath: "/bin/sh")
            shell.arguments = ["-c", CorruptionCommands.writtenLength(path, size: size)]
            let out = Pipe()
            shell.standardOutput = out
            try shell.run()
            shell.waitUntilExit()
            return Int(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect(try written(bytes.count) == 12_288, "the end of the last 4 KiB block holding data")
        try Data(count: 1 << 20).write(to: URL(fileURLWithPath: path))
        #expect(try written(1 << 20) == 0)
        for draw in UInt64(0)..<200 {
            #expect((0..<12_288).contains(FileCorruption.offset(draw &* 0x9E37_79B9_7F4A_7C15, size: bytes.count, written: 12_288)))
        }
        #expect(FileCorruption.offset(5_000_000, size: 1 << 20, written: 0) == 5_000_000 % (1 << 20), "all zeros: anywhere")
        #expect(CorruptionCommands.evidence("w", size: 100_000, written: 12_288, offset: 7, bit: 0, kind: .truncate, output: "")
            == "w (100000 bytes, 12288 written) at offset 7: truncated to 7 bytes")
    }

    @Test func evidenceSaysFileOffsetAndKind() {
        #expect(CorruptionCommands.evidence("log.jsonl", size: 100, offset: 7, bit: 3, kind: .bitflip, output: "123\n")
            == "log.jsonl (100 bytes) at offset 7: bit 3 flipped (0x7b → 0x73)")
        #expect(CorruptionCommands.evidence("log.jsonl", size: 100, offset: 7, bit: 0, kind: .truncate, output: "")
            == "log.jsonl (100 bytes) at offset 7: truncated to 7 bytes")
        #expect(CorruptionCommands.evidence("w", size: 10_000, offset: 9_000, bit: 0, kind: .zero, output: "")
            == "w (10000 bytes) at offset 9000: 1000 bytes zeroed")
        #expect(FaultInjector.files("12 a/b c\n5 x\nnot a line\n").map(\.path) == ["a/b c", "x"])
    }

    @Test func theLayersAnswerIsRead() {
        let answer = "dropped 1234 bytes in 3 files; undid 2 creates, 1 removes, 4 renames"
        let dropped = LazyFS.Dropped(bytes: 1234, files: 3, created: 2, removed: 1, renamed: 4)
        #expect(LazyFS.parseDropped(answer) == dropped)
        #expect(dropped.description == "dropped 1234 un-fsynced bytes in 3 files; undid 2 creates, 1 removes, 4 renames")
        #expect(LazyFS.parseDropped("dropped 1234 bytes in 3 files") == nil, "an answer without the entries is not this layer's")
        #expect(LazyFS.parseDropped("unsynced 1 bytes in 1 files") == nil)
        #expect(LazyFS.parseDropped("") == nil)
    }

    /// Power loss needs the disk layer on the cluster; corruption does not.
    @Test func powerLossIsUnavailableWithoutTheDiskLayer() async {
        let database = RaftKVDatabase()
        let bare = FaultInjector(cluster: ClusterContext(nodes: []), database: database,
                                 spec: NemesisSpec(faults: [.powerLoss]), controllerAddresses: [])
        #expect(await PowerLossFaults().unavailable(by: bare)?.contains("without the disk layer") == true)
        #expect(await CorruptFileFaults().unavailable(by: bare) == nil)
        let layered = FaultInjector(cluster: ClusterContext(nodes: [], diskLayer: LazyFS()), database: database,
                                    spec: NemesisSpec(faults: [.powerLoss]), controllerAddresses: [])
        #expect(await PowerLossFaults().unavailable(by: layered) == nil)
    }
}
