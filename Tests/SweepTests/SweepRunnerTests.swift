import Cluster
import Control
import Foundation
import SpecFiles
import Synchronization
import Testing
import Workload
@testable import Runner
@testable import Sweep

/// A value shared by test closures and the test.
final class Shared<T: Sendable>: Sendable {
    private let m: Mutex<T>
    init(_ value: T) { m = Mutex(value) }
    func update<R: Sendable>(_ body: (inout T) -> R) -> R { m.withLock { body(&$0) } }
    var value: T { m.withLock { $0 } }
}

/// A database with nothing to set up.
struct NullDatabase: Database {
    let name = "null"
    func setUp(_ cluster: ClusterContext) async throws {}
    func tearDown(_ cluster: ClusterContext) async throws {}
}

/// Sweeps whose runs go against the in-memory store (real `TestRun`s, no hosts).
@Suite struct SweepRunnerTests {
    static func spec(repetitions: Int = 2) throws -> SweepSpec {
        try SweepSpec.parse("""
            name: mem-sweep
            database: {kind: etcd}
            workload: {kind: register, concurrency: 3, quiet-period: 50ms, operation-limit: 150}
            time-limit: 30s
            sweep:
              repetitions: \(repetitions)
              seed: 100
              matrix: {election-timeout: [300, 1000]}
              derived: {heartbeat-interval: election-timeout / 10}
            """, file: "mem.yml")
    }

    static func temp() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("sweeps-\(UUID().uuidString)").path
    }

    /// An in-memory run with the cell's parameters; records each launch as (cell, rep, slot, seed).
    static func launcher(_ spec: SweepSpec, launches: Shared<[[Int]]>, blockOn: Int? = nil) -> SweepRunner.Launch {
        { run, cell, slot, store in
            let count = launches.update { l -> Int in
                l.append([run.cell, run.repetition, slot, Int(run.seed)])
                return l.count
            }
            if count == blockOn { try await Task.sleep(for: .seconds(600)) }
            var test = spec.test
            test.database.parameters.merge(cell.parameters) { $1 }
            let workload = try test.workload.workloadSpec(timeLimit: test.timeLimit)
            let nodes = (1...3).map { ClusterNode(name: "n\($0)", address: "n\($0)", remote: LocalRemote(), baseDirectory: "/tmp") }
            let env = RunEnvironment(cluster: ClusterContext(nodes: nodes, parameters: test.database.parameters),
                                     database: NullDatabase(),
                                     clients: InMemoryClientFactory(kind: workload.kind, faults: InMemoryFaults()))
            return try await TestRun(spec: test, environment: env, plan: try RunPlan(workload, seed: run.seed),
                                     seed: run.seed, store: store).run()
        }
    }

    @Test func everyRunIsStoredWithItsVerdictMetricsAndSeedAndCompared() async throws {
        let spec = try Self.spec()
        let (dir, file) = try SweepDirectory.create(spec, reports: Self.temp(), seed: 100)
        let launches = Shared<[[Int]]>([])
        let lines = Shared<[String]>([])
        let final = try await SweepRunner(file: file, directory: dir, slots: ["a.yml", "b.yml"],
                                          launch: Self.launcher(spec, launches: launches),
                                          progress: { l in lines.update { $0.append(l) } }).run()
        #expect(final.runs.count == 4)
        #expect(final.runs.allSatisfy { $0.state == .finished && $0.verdict == "valid" && $0.metrics != nil })
        // Repetition r has seed 100 + r - 1 in every cell.
        #expect(final.runs.map(\.seed) == [100, 101, 100, 101])
        let slots = Set(launches.value.map { $0[2] })
        #expect(slots == [0, 1], "both clusters were used")
        #expect(try SweepFile.read(from: dir) == final)
        for run in final.runs {
            let runDir = dir + "/" + run.runDirectory!
            #expect(FileManager.default.fileExists(atPath: runDir + "/manifest.json"))
            let stored = try String(contentsOfFile: runDir + "/spec.yml", encoding: .utf8)
            #expect(stored.contains("# seed: \(run.seed)"))
            let timeout = final.plan.cells[run.cell - 1].parameters["election-timeout"]!
            #expect(stored.contains("# parameters: election-timeout=\(timeout), heartbeat-interval=\(Int(timeout)! / 10)"))
        }
        let said = lines.value
        #expect(said.count == 4)
        #expect(said.contains { $0.hasPrefix("cell 2/2 rep 2/2  election-timeout=1000 heartbeat-interval=100  valid") && $0.contains("left") }, "\(said)")

        let report = CompareReport(file: final)
        let html = report.html
        #expect(report.recommendedCell != nil)
        #expect(html.contains("Cell 1: election-timeout=300 heartbeat-interval=30"))
        #expect(html.contains("Cell 2: election-timeout=1000 heartbeat-interval=100"))
        #expect(html.contains("unavailable time") && html.contains("spurious elections") && html.contains("latency faulty p99"))
        #expect(html.components(separatedBy: "<circle").count - 1 >= 4 * 5, "a dot per repetition and metric")
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"))
    }

    @Test func aResumedSweepSkipsFinishedRunsAndRedoesTheInterruptedOne() async throws {
        let spec = try Self.spec()
        let (dir, file) = try SweepDirectory.create(spec, reports: Self.temp(), seed: 100)
        let first = Shared<[[Int]]>([])
        let finishedOne = Shared(false)
        let runner = SweepRunner(file: file, directory: dir, slots: ["lab"],
                                 launch: Self.launcher(spec, launches: first, blockOn: 2),
                                 progress: { _ in finishedOne.update { $0 = true } })
        let task = Task { try await runner.run() }
        // Interrupt while the second run is under way.
        while !finishedOne.value || first.value.count < 2 { try await Task.sleep(for: .milliseconds(20)) }
        task.cancel()
        _ = try await task.value
        let stopped = try SweepFile.read(from: dir)
        #expect(stopped.runs.map(\.state) == [.finished, .interrupted, .pending, .pending])

        let resumed = try SweepDirectory.resume(dir, spec: spec)
        let second = Shared<[[Int]]>([])
        let final = try await SweepRunner(file: resumed, directory: dir, slots: ["lab"],
                                          launch: Self.launcher(spec, launches: second)).run()
        let redone: [[Int]] = second.value.map { [$0[0], $0[1]] }
        #expect(redone == [[1, 2], [2, 1], [2, 2]])
        #expect(final.runs.allSatisfy { $0.state == .finished })
        #expect(final.runs[0] == stopped.runs[0], "the first run was not redone")
    }

    @Test func resumingWithAnotherPlanIsRefused() async throws {
        let (dir, _) = try SweepDirectory.create(try Self.spec(), reports: Self.temp(), seed: 100)
        #expect(throws: InputFileError.self) { _ = try SweepDirectory.resume(dir, spec: try Self.spec(repetitions: 3)) }
        #expect(throws: InputFileError.self) { _ = try SweepDirectory.resume(dir + "/nope", spec: try Self.spec()) }
    }
}
