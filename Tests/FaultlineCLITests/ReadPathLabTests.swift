import Foundation
import LabHarness
import RunRecord
import Testing

/// etcd's serializable reads under a partition of one node, on a real cluster: its clients read
/// what the member alone knows, so the history is not linearizable in most runs (a finding about
/// a documented behaviour: etcd warns such reads may be stale), while the same spec with the
/// default read path stays valid.
@Suite(.serialized,
       .enabled(if: LabHarness.available(requiring: ["/usr/bin/etcd", "/usr/bin/curl", "/usr/sbin/iptables"]),
                "needs root, namespaces, sshd, etcd, curl, iptables"),
       .timeLimit(.minutes(6)))
struct ReadPathLabTests {
    static let config = LabHarness.config("fp", octet: 87, nodes: 3)

    /// Runs `spec` on the lab with `seed`; returns the exit status, the run's results and the output.
    static func run(_ spec: String, seed: Int, inventory: String, reports: String) throws -> (Int32, ResultsFile, String) {
        let (status, text) = try CheckCommandTests.faultlineBounded(
            ["run", spec, "--hosts", inventory, "--reports", reports, "--seed", String(seed)], seconds: 150)
        let test = (try String(contentsOfFile: spec, encoding: .utf8)).split(separator: "\n").first { $0.hasPrefix("name: ") }!.dropFirst(6)
        let dir = reports + "/" + test
        let newest = try FileManager.default.contentsOfDirectory(atPath: dir).sorted().last!
        return (status, try ResultsFile.read(path: dir + "/" + newest + "/results.json"), text)
    }

    @Test func serializableReadsAreCaughtStaleAndDefaultReadsStayValid() async throws {
        try await LabHarness.withLab(Self.config) { lab in
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-readpath-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let inventory = lab.config.directory + "/inventory.yml"
            let serializable = CheckCommandTests.root.appendingPathComponent("workloads/etcd-serializable-reads.yml").path
            let linearizable = dir + "/etcd-linearizable-reads.yml"
            try (try String(contentsOfFile: serializable, encoding: .utf8))
                .replacingOccurrences(of: "name: etcd-serializable-reads", with: "name: etcd-linearizable-reads")
                .replacingOccurrences(of: "  read-path: serializable\n", with: "")
                .write(toFile: linearizable, atomically: true, encoding: .utf8)
            var invalid = 0
            for seed in 1...3 {
                let (status, results, text) = try Self.run(serializable, seed: seed, inventory: inventory, reports: dir + "/reports")
                print("serializable reads, seed \(seed): exit \(status), \(results.check.verdict.rawValue)")
                if results.check.verdict == .invalid {
                    invalid += 1
                    #expect(status == 1)
                    // The counterexample blames a read: the value it saw was no longer current.
                    let cx = try #require(results.check.counterexample)
                    #expect(cx.operations.contains { $0.f == "read" }, "\(text)")
                }
            }
            #expect(invalid >= 1, "serializable reads under a one-node partition were never caught stale in 3 runs")
            let (status, results, text) = try Self.run(linearizable, seed: 1, inventory: inventory, reports: dir + "/reports")
            #expect(status == 0 && results.check.verdict == .valid, "\(text)")
        }
    }

    /// The same through a definition (databases/etcd.yml) and its adapter (adapters/etcd_v3.py),
    /// which passes the request's `read_path` to the range: serializable reads caught stale,
    /// default reads valid. Seeds are tried until one is caught (seed 1 was, in 5 of 5 seeds
    /// tried by hand).
    @Test func serializableReadsThroughTheAdapterAreCaughtStaleAndDefaultReadsStayValid() async throws {
        try await LabHarness.withLab(Self.config) { lab in
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-readpath-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let inventory = lab.config.directory + "/inventory.yml"
            let shipped = CheckCommandTests.root.appendingPathComponent("workloads/etcd-defined-serializable-reads.yml").path
            let definition = CheckCommandTests.root.appendingPathComponent("databases/etcd.yml").path
            let spec = (try String(contentsOfFile: shipped, encoding: .utf8)).replacingOccurrences(of: "../databases/etcd.yml", with: definition)
            let serializable = dir + "/etcd-defined-serializable-reads.yml"
            try spec.write(toFile: serializable, atomically: true, encoding: .utf8)
            let linearizable = dir + "/etcd-defined-linearizable-reads.yml"
            try spec.replacingOccurrences(of: "name: etcd-defined-serializable-reads", with: "name: etcd-defined-linearizable-reads")
                .replacingOccurrences(of: "  read-path: serializable\n", with: "")
                .write(toFile: linearizable, atomically: true, encoding: .utf8)
            var caught = false
            for seed in 1...3 where !caught {
                let (status, results, text) = try Self.run(serializable, seed: seed, inventory: inventory, reports: dir + "/reports")
                print("serializable reads through the adapter, seed \(seed): exit \(status), \(results.check.verdict.rawValue)")
                if results.check.verdict == .invalid {
                    caught = true
                    #expect(status == 1)
                    let cx = try #require(results.check.counterexample)
                    #expect(cx.operations.contains { $0.f == "read" }, "\(text)")
                }
            }
            #expect(caught, "serializable reads through the adapter under a one-node partition were never caught stale in 3 runs")
            let (status, results, text) = try Self.run(linearizable, seed: 1, inventory: inventory, reports: dir + "/reports")
            #expect(status == 0 && results.check.verdict == .valid, "\(text)")
        }
    }
}
