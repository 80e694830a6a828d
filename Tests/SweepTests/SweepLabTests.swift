import Foundation
import LabHarness
import Testing
@testable import Sweep

/// `faultline sweep` as a user runs it: bad input, and a small real sweep of etcd on a lab of
/// this suite's own.
@Suite("faultline sweep", .serialized, .timeLimit(.minutes(6)))
struct SweepLabTests {
    static let config = LabHarness.config("fs", octet: 98, nodes: 3)

    static func write(_ text: String) throws -> (spec: String, reports: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try text.write(toFile: dir + "/sweep.yml", atomically: true, encoding: .utf8)
        return (dir + "/sweep.yml", dir + "/reports")
    }

    @Test func aBadSweepSpecExits254AndStoresNothing() throws {
        let (spec, reports) = try Self.write("""
            name: bad
            database: {kind: etcd}
            workload: {kind: register}
            sweep:
              matrix: {election-timeout: 300}
            """)
        let r = try FaultlineBinary.run(["sweep", spec, "--reports", reports])
        #expect(r.status == 254, "\(r.output)")
        #expect(r.output.contains("sweep.yml:5:"), "\(r.output)")
        #expect(!FileManager.default.fileExists(atPath: reports))
    }

    @Test("2 cells × 1 repetition of etcd under leader isolation: sweep.json and compare.html",
          .enabled(if: LabHarness.available(requiring: ["/usr/bin/etcd", "/usr/bin/curl"]), "needs root, namespaces, sshd, etcd, curl"))
    func smallRealSweep() async throws {
        try await LabHarness.withLab(Self.config) { lab in
            let (spec, reports) = try Self.write("""
                name: lab-sweep
                database: {kind: etcd, nodes: 3}
                workload: {kind: register, concurrency: 3, op-timeout: 1s, quiet-period: 1s}
                nemesis: {faults: [partition-leader], interval: 1s, jitter: 0, duration: 2s}
                time-limit: 4s
                sweep:
                  repetitions: 1
                  seed: 9
                  matrix: {election-timeout: [300, 1000]}
                  derived: {heartbeat-interval: election-timeout / 10}
                """)
            let r = try FaultlineBinary.run(["sweep", spec, "--hosts", lab.config.directory + "/inventory.yml", "--reports", reports])
            #expect(r.status == 0, "\(r.output)")
            #expect(r.output.contains("cell 1/2 rep 1/1  election-timeout=300 heartbeat-interval=30  valid"), "\(r.output)")
            let base = reports + "/lab-sweep"
            let dir = base + "/" + (try #require(try FileManager.default.contentsOfDirectory(atPath: base).first))
            let file = try SweepFile.read(from: dir)
            #expect(file.plan.cells.count == 2 && file.runs.count == 2)
            for run in file.runs {
                #expect(run.state == .finished && run.verdict == "valid" && run.seed == 9)
                let metrics = try #require(run.metrics)
                #expect(metrics.faults.contains { $0.fault.kind == "partition-leader" && $0.fault.inEffect }, "\(metrics.faults)")
                #expect(metrics.ok > 0)
                let runSpec = try String(contentsOfFile: dir + "/" + run.runDirectory! + "/spec.yml", encoding: .utf8)
                #expect(runSpec.contains("name: lab-sweep"))
            }
            let html = try String(contentsOfFile: dir + "/compare.html", encoding: .utf8)
            #expect(html.contains("Cell 2: election-timeout=1000 heartbeat-interval=100"))
            #expect(html.contains("failover"))
            #expect(!html.contains("http://") && !html.contains("https://"))
        }
    }
}
