@testable import Databases
import Cluster
import Control
import Foundation
import History
import LabHarness
import Nemesis
import RemoteCore
import RunRecord
import Testing
import Workload
@testable import Runner

/// Chaos runs against a real 5-node etcd on a lab of this suite's own: faults take effect, the
/// verdict holds, and a controller killed in the middle of a fault leaves nothing that
/// `faultline heal` does not undo.
@Suite("chaos runs against etcd on the lab", .serialized,
       .enabled(if: LabHarness.available(requiring: ["/usr/bin/etcd", "/usr/bin/curl"]), "needs root, namespaces, sshd, etcd, curl"),
       .timeLimit(.minutes(5)))
struct EtcdChaosTests {
    static let config = LabHarness.config("fk", octet: 94, nodes: 5)

    @Test("etcd-register-chaos is valid and at least three kinds of fault took effect")
    func chaosRun() async throws {
        try await LabHarness.withLab(Self.config) { lab in
            var spec = try TestSpec.load(path: EtcdRunTests.root.appendingPathComponent("workloads/etcd-register-chaos.yml").path)
            spec.timeLimit = .seconds(30)
            spec.nemesis?.interval = .seconds(1)
            spec.nemesis?.jitter = .zero
            spec.nemesis?.duration = .seconds(3)
            let workload = try spec.workload.workloadSpec(timeLimit: spec.timeLimit)
            let cluster = ClusterContext(inventory: try lab.inventory(), parameters: spec.database.parameters)
            let database = EtcdDatabase()
            let nemesis = try #require(spec.nemesis)
            let controller = localIPv4Addresses()
            let env = RunEnvironment(cluster: cluster, database: database, clients: EtcdClientFactory(spec: workload),
                                     faults: { Nemesis(spec: nemesis, cluster: $1, database: database, log: $0, seed: 3, controllerAddresses: controller) })
            let result = try await TestRun(spec: spec, environment: env, plan: try RunPlan(workload, seed: 3), seed: 3,
                                           store: try RunStore.create(reports: EtcdRunTests.temp(), test: spec.name)).run()
            for n in cluster.nodes { await (n.remote as? SSHRemote)?.close() }
            #expect(result.check.verdict == .valid)
            let inEffect = try RaftKVChaosTests.faultsInEffect(result)
            #expect(inEffect.count >= 3, "faults in effect: \(inEffect)")
        }
    }

    @Test("a controller killed during a partition, then during a pause: faultline heal leaves empty chains and running etcd")
    func healAfterControllerCrash() async throws {
        try await LabHarness.withLab(Self.config) { lab in
            let inventory = lab.config.directory + "/inventory.yml"
            let cluster = ClusterContext(inventory: try lab.inventory())
            defer { Self.blocking { try? await EtcdDatabase().tearDown(cluster); for n in cluster.nodes { await (n.remote as? SSHRemote)?.close() } } }
            for fault in ["partition-halves", "pause"] {
                let spec = try TempSpecFile.write("chaos-\(fault).yml", """
                    name: crash-\(fault)
                    database: {kind: etcd, nodes: 5}
                    workload: {kind: register, concurrency: 5}
                    nemesis: {faults: [\(fault)], targets: [majority], interval: 1s, jitter: 0, duration: 60s}
                    time-limit: 60s
                    """)
                try await Self.killDuring(fault, spec: spec, inventory: inventory)
                let heal = try Self.faultline(["heal", "--hosts", inventory])
                #expect(heal.status == 0, "\(heal.output)")
                for node in cluster.nodes {
                    let chain = try await node.remote.exec("iptables -w -S FAULTLINE 2>/dev/null | grep -c -- '-j DROP' || true")
                    #expect(chain.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(node.name): \(chain.stdoutText)")
                    let jump = try await node.remote.exec("iptables -w -S INPUT | grep -c FAULTLINE || true")
                    #expect(jump.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(node.name)")
                }
                // This lab's etcd processes (other suites may run etcd of their own meanwhile).
                let mine = "for p in $(pgrep -f -- \(ShellQuote.quote(lab.config.directory + "/"))); do "
                    + "[ \"$(cat /proc/$p/comm)\" = etcd ] && awk '{print $3}' /proc/$p/stat; done; true"
                let states = try await LocalRemote().exec(mine).stdoutText.split(separator: "\n")
                #expect(states.count == 5, "etcd processes of the lab: \(states)")
                #expect(!states.contains("T"), "stopped etcd processes remain: \(states)")
            }
        }
    }

    /// Starts `faultline run`, waits for the fault's info in the history, then SIGKILLs it.
    static func killDuring(_ fault: String, spec: String, inventory: String) async throws {
        let reports = EtcdRunTests.temp()
        let p = Process()
        p.executableURL = EtcdRunTests.root.appendingPathComponent(".build/debug/faultline")
        p.arguments = ["run", spec, "--hosts", inventory, "--reports", reports, "--seed", "9"]
        let log = reports + ".log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let logHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        p.standardOutput = logHandle
        p.standardError = logHandle
        try p.run()
        var applied = false
        for _ in 0..<300 where !applied {
            try await Task.sleep(for: .milliseconds(100))
            let runs = (try? FileManager.default.subpathsOfDirectory(atPath: reports)) ?? []
            if let h = runs.first(where: { $0.hasSuffix("history.jsonl") }),
               let text = try? String(contentsOfFile: reports + "/" + h, encoding: .utf8),
               text.contains("\"type\":\"info\",\"process\":\"nemesis\",\"f\":\"\(fault)\"") {
                applied = true
            }
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(applied, "the \(fault) never showed in the history; the run said: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
    }

    static func faultline(_ args: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = EtcdRunTests.root.appendingPathComponent(".build/debug/faultline")
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text)
    }

    static func blocking(_ body: @escaping @Sendable () async -> Void) {
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            await body()
            done.signal()
        }
        done.wait()
    }
}

/// Spec files for these tests, in a temporary folder.
enum TempSpecFile {
    static func write(_ name: String, _ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chaos-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
