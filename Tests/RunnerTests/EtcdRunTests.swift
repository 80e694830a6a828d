@testable import Databases
import Cluster
import Control
import Foundation
import History
import LabHarness
import RunRecord
import Testing
import Workload
import Analysis
@testable import Runner

/// Whole runs against a real 3-node etcd cluster on a lab of this suite's own.
@Suite("runs against etcd on the lab", .serialized,
       .enabled(if: LabHarness.available(requiring: ["/usr/bin/etcd", "/usr/bin/curl"]), "needs root, namespaces, sshd, etcd, curl"),
       .timeLimit(.minutes(4)))
struct EtcdRunTests {
    static let config = LabHarness.config("fr", octet: 91, nodes: 3)
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func temp() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("etcd-runs-\(UUID().uuidString)").path
    }

    /// A run of `workloads/<name>.yml` shortened to `seconds`, through `TestRun` as the CLI does it.
    static func run(_ name: String, seconds: Int, operations: Int? = nil, on lab: Lab) async throws -> RunResult {
        var spec = try TestSpec.load(path: root.appendingPathComponent("workloads/\(name).yml").path)
        spec.timeLimit = .seconds(seconds)
        var workload = try spec.workload.workloadSpec(timeLimit: spec.timeLimit)
        workload.operationLimit = operations
        let cluster = ClusterContext(inventory: try lab.inventory(), parameters: spec.database.parameters)
        defer { Task { for n in cluster.nodes { await (n.remote as? SSHRemote)?.close() } } }
        let store = try RunStore.create(reports: temp(), test: spec.name)
        let env = RunEnvironment(cluster: cluster, database: EtcdDatabase(), clients: EtcdClientFactory(spec: workload))
        return try await TestRun(spec: spec, environment: env, plan: try RunPlan(workload, seed: 1), seed: 1, store: store).run()
    }

    @Test("a short register run is valid, with thousands of ok operations; a set run is valid; a killed run's history is checkable")
    func runs() async throws {
        try await LabHarness.withLab(Self.config) { lab in
            // The operation count, not the clock, ends it: a machine busy with other suites' clusters
            // still gets its thousands of operations.
            let register = try await Self.run("etcd-register", seconds: 120, operations: 3000, on: lab)
            #expect(register.check.verdict == .valid)
            #expect(register.summary.ok >= 1000, "\(register.summary.line)")
            #expect(FileManager.default.fileExists(atPath: register.store.path("nodes/n1/etcd.log")))
            // The leader was watched: the first sample names one of the three nodes.
            let leaders = try LeaderSample.read(path: register.store.leadersPath)
            #expect(["n1", "n2", "n3"].contains(leaders.first?.leader ?? "none"), "\(leaders)")

            let set = try await Self.run("etcd-set", seconds: 3, on: lab)
            #expect(set.check.verdict == .valid)
            #expect(set.summary.ok > 20, "\(set.summary.line)")

            try await Self.killedHalfWay(lab)
        }
    }

    /// `faultline run` killed with SIGKILL in the middle: what it wrote is readable and checks.
    static func killedHalfWay(_ lab: Lab) async throws {
        let reports = temp()
        let inventory = lab.config.directory + "/inventory.yml"
        let p = Process()
        p.executableURL = root.appendingPathComponent(".build/debug/faultline")
        p.arguments = ["run", root.appendingPathComponent("workloads/etcd-register.yml").path, "--hosts", inventory,
                       "--reports", reports, "--time-limit", "30s", "--seed", "5"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer {
            // The killed run left etcd running: tear it down as `faultline heal` would.
            let cluster = ClusterContext(inventory: (try? lab.inventory()) ?? Inventory(hosts: [], source: ""))
            let done = DispatchSemaphore(value: 0)
            Task.detached {
                try? await EtcdDatabase().tearDown(cluster)
                for n in cluster.nodes { await (n.remote as? SSHRemote)?.close() }
                done.signal()
            }
            done.wait()
        }
        // Wait until operations flow, then kill it mid-write.
        var history: String?
        for _ in 0..<300 {
            try await Task.sleep(for: .milliseconds(100))
            let runs = (try? FileManager.default.subpathsOfDirectory(atPath: reports)) ?? []
            if let h = runs.first(where: { $0.hasSuffix("history.jsonl") }).map({ reports + "/" + $0 }),
               let size = try? FileManager.default.attributesOfItem(atPath: h)[.size] as? Int, size > 100_000 {
                history = h
                break
            }
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        let path = try #require(history, "the run never wrote 100 kB of history")

        let check = Process()
        check.executableURL = root.appendingPathComponent(".build/debug/faultline")
        check.arguments = ["check", "--partial", "--model", "cas-register", "--initial", "nil", path]
        let out = Pipe()
        check.standardOutput = out
        check.standardError = FileHandle.nullDevice
        try check.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        check.waitUntilExit()
        #expect(check.terminationStatus == 0, "\(text)")
        #expect(text.contains(": valid"))
    }
}
