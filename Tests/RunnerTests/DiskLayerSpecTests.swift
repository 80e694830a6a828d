import Cluster
import Nemesis
import SpecFiles
import Testing
@testable import Runner

/// The spec's disk-fault fields: the disk layer is used with `power-loss` or `disk-layer: true`,
/// and `corrupt-pattern` is a file name pattern, refused at its line otherwise.
@Suite struct DiskLayerSpecTests {
    static let head = "name: a\ndatabase:\n  kind: raftkv\n"
    static let workload = "workload: {kind: register}\n"

    @Test func powerLossPutsTheDataOnTheDiskLayer() throws {
        let spec = try TestSpec.parse(Self.head + Self.workload + "nemesis:\n  faults: [power-loss, corrupt-file]\n  targets: [all]\n",
                                      file: "w.yml")
        #expect(spec.nemesis?.faults == [.powerLoss, .corruptFile])
        #expect(spec.diskLayer != nil)
        #expect(spec.nemesis?.corruptPattern == "*")
    }

    @Test func withoutDiskFaultsOnlyTheSpecsFlagDoes() throws {
        let plain = try TestSpec.parse(Self.head + Self.workload + "nemesis:\n  faults: [kill, corrupt-file]\n", file: "w.yml")
        #expect(plain.diskLayer == nil, "corrupt-file needs no disk layer")
        let flagged = try TestSpec.parse(Self.head + "  disk-layer: true\n" + Self.workload, file: "w.yml")
        #expect(flagged.database.diskLayer && flagged.diskLayer != nil)
        let bad = #expect(throws: InputFileError.self) {
            try TestSpec.parse(Self.head + "  disk-layer: maybe\n" + Self.workload, file: "w.yml")
        }
        #expect(bad?.line == 4)
    }

    @Test func theLayersEntryModeIsStrictUnlessTheSpecSaysJournaled() throws {
        let power = "nemesis:\n  faults: [power-loss]\n"
        #expect(try TestSpec.parse(Self.head + Self.workload + power, file: "w.yml").diskLayer?.entries == .strict)
        #expect(try TestSpec.parse(Self.head + "  disk-layer: true\n" + Self.workload, file: "w.yml").diskLayer?.entries == .strict)
        let journaled = try TestSpec.parse(Self.head + "  disk-layer: journaled\n" + Self.workload + power, file: "w.yml")
        #expect(journaled.diskLayer?.entries == .journaled)
        let alone = try TestSpec.parse(Self.head + "  disk-layer: journaled\n" + Self.workload, file: "w.yml")
        #expect(alone.diskLayer?.entries == .journaled, "a mode word turns the layer on")
        let bad = #expect(throws: InputFileError.self) {
            try TestSpec.parse(Self.head + "  disk-layer: ext4\n" + Self.workload, file: "w.yml")
        }
        #expect(bad?.line == 4)
        #expect(bad.map { "\($0)" }?.contains("strict or journaled") == true)
    }

    @Test func corruptPatternIsAFileNamePattern() throws {
        let spec = try TestSpec.parse(Self.head + Self.workload + "nemesis:\n  faults: [corrupt-file]\n  corrupt-pattern: \"*.jsonl\"\n",
                                      file: "w.yml")
        #expect(spec.nemesis?.corruptPattern == "*.jsonl")
        let error = #expect(throws: InputFileError.self) {
            try TestSpec.parse(Self.head + Self.workload + "nemesis:\n  faults: [corrupt-file]\n  corrupt-pattern: data/*.wal\n",
                               file: "w.yml")
        }
        #expect(error?.line == 7)
        #expect(error?.message.contains("without `/`") == true)
    }
}
