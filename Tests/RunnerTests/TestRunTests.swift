import Audit
import Cluster
import Control
import Foundation
import History
import RunRecord
import Testing
import Nemesis
import Workload
@testable import Runner

/// A database that only records what was asked of it (and can be told to fail its set-up).
actor FakeDatabase: Database {
    nonisolated let name = "fake"
    private(set) var calls: [String] = []
    let failSetUp: Bool

    init(failSetUp: Bool = false) { self.failSetUp = failSetUp }

    func setUp(_ cluster: ClusterContext) async throws {
        calls.append("setUp")
        if failSetUp { throw ClusterError.invalidConfiguration("refused on purpose") }
    }

    func tearDown(_ cluster: ClusterContext) async throws { calls.append("tearDown") }
}

/// Records a "fault" every 100 ms until the end, then a heal.
struct FakeInjector: FaultSchedule {
    let recorder: Recorder
    func run(until end: Duration, clock: @escaping @Sendable () -> Duration) async {
        while clock() < end && !Task.isCancelled {
            recorder.recordNemesis(.invoke, f: "pause", value: ["n1"])
            recorder.recordNemesis(.info, f: "pause", value: ["n1"])
            try? await Task.sleep(for: .milliseconds(100))
        }
        recorder.recordNemesis(.invoke, f: "heal", value: .null)
        recorder.recordNemesis(.info, f: "heal", value: .null)
    }
}

/// A database that names n1 as leader and counts how often it was asked.
actor LeaderCountingDatabase: LeaderAware {
    nonisolated let name = "fake"
    private(set) var asked = 0
    func setUp(_ cluster: ClusterContext) async throws {}
    func tearDown(_ cluster: ClusterContext) async throws {}
    func leader(_ cluster: ClusterContext) async throws -> String? {
        asked += 1
        return "n1"
    }
}

/// Polls the cluster itself (as a nemesis with status triggers does) and has seen n2 lead.
struct WatchingInjector: FaultSchedule {
    var watchesLeader: Bool { true }
    func leaderSeen() async -> String? { "n2" }
    func run(until end: Duration, clock: @escaping @Sendable () -> Duration) async {
        try? await Task.sleep(for: max(.zero, end - clock()))
    }
}

/// Runs of the whole life cycle against fakes: the in-memory store and a recording database.
@Suite struct TestRunTests {
    static func spec(_ kind: String, seconds: Int = 1, workload extra: String = "") throws -> TestSpec {
        try TestSpec.parse("""
            name: fake-\(kind)
            database: {kind: etcd}
            workload:
              kind: \(kind)
              concurrency: 8
              quiet-period: 100ms
              \(extra)
            time-limit: \(seconds)s
            """, file: "fake.yml")
    }

    static func run(_ spec: TestSpec, database: any Database, faults: InMemoryFaults = InMemoryFaults(),
                    injector: (@Sendable (Recorder, ClusterContext) -> any FaultSchedule)? = nil,
                    cancelAfter: Duration? = nil, store given: RunStore? = nil) async throws -> (RunResult, RunStore) {
        let reports = FileManager.default.temporaryDirectory.appendingPathComponent("runs-\(UUID().uuidString)").path
        let store = try given ?? RunStore.create(reports: reports, test: spec.name)
        let workload = try spec.workload.workloadSpec(timeLimit: spec.timeLimit)
        let nodes = (1...3).map { ClusterNode(name: "n\($0)", address: "n\($0)", remote: LocalRemote(), baseDirectory: "/tmp") }
        let env = RunEnvironment(cluster: ClusterContext(nodes: nodes), database: database,
                                 clients: InMemoryClientFactory(kind: workload.kind, faults: faults), faults: injector)
        let run = TestRun(spec: spec, environment: env, plan: try RunPlan(workload, seed: 7), seed: 7, store: store)
        let task = Task { try await run.run() }
        if let cancelAfter {
            // Cancel once the clients have answered and that reached the file (a loaded machine
            // may take seconds to get there: CI once cancelled before the first operation).
            while await run.phase != .running || Self.lines(store.historyPath) < 20 {
                try await Task.sleep(for: .milliseconds(10))
            }
            try await Task.sleep(for: cancelAfter)
            task.cancel()
        }
        return (try await task.value, store)
    }

    static func lines(_ path: String) -> Int {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    @Test func registerRunIsRecordedCheckedAndStored() async throws {
        let db = FakeDatabase()
        // The operation count, not the clock, ends it: a busy machine still runs all of it.
        let (result, store) = try await Self.run(try Self.spec("register", seconds: 60, workload: "operation-limit: 3000"),
                                                 database: db)
        #expect(result.check.verdict == .valid)
        #expect(result.summary.operations == 3000)
        #expect(result.summary.ok > 1000)
        #expect(await db.calls == ["setUp", "tearDown"])
        let onDisk = try JSONLHistory.read(path: store.historyPath)
        #expect(onDisk.events.count == result.summary.operations * 2)
        let results = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: store.resultsPath))) as? [String: Any]
        #expect(results?["valid"] as? Bool == true)
        #expect(results?["seed"] as? UInt64 == 7)
        #expect(try String(contentsOfFile: store.specPath, encoding: .utf8).contains("# seed: 7"))
    }

    @Test func infoOperationsRetireTheirProcess() async throws {
        let (result, store) = try await Self.run(try Self.spec("register", seconds: 60, workload: "operation-limit: 2000"),
                                                 database: FakeDatabase(), faults: InMemoryFaults(infoRate: 0.05, failRate: 0.05))
        #expect(result.summary.info > 0 && result.summary.fail > 0)
        #expect(result.check.verdict == .valid)
        let ops = try JSONLHistory.read(path: store.historyPath).operations()
        // A process id is never used again after its info.
        var retired: Set<ProcessID> = []
        for op in ops.sorted(by: { $0.invokeIndex < $1.invokeIndex }) {
            #expect(!retired.contains(op.process))
            if op.outcome == .info { retired.insert(op.process) }
        }
    }

    /// A fault schedule that polls the nodes itself (a nemesis with status triggers) gives the
    /// leader band; the database is then not asked as well. Without one, the database is asked.
    @Test func theLeaderBandComesFromTheNemesisPollsWhenItPolls() async throws {
        let watched = LeaderCountingDatabase()
        let (_, store) = try await Self.run(try Self.spec("register"), database: watched, injector: { _, _ in WatchingInjector() })
        let band = try String(contentsOfFile: store.leadersPath, encoding: .utf8)
        #expect(band.contains("\"n2\"") && !band.contains("\"n1\""))
        #expect(await watched.asked == 0)
        let asked = LeaderCountingDatabase()
        let (_, unwatched) = try await Self.run(try Self.spec("register"), database: asked)
        #expect(try String(contentsOfFile: unwatched.leadersPath, encoding: .utf8).contains("\"n1\""))
        #expect(await asked.asked > 0)
    }

    @Test func setRunEndsWithFinalReads() async throws {
        let (result, store) = try await Self.run(try Self.spec("set", workload: "rate: 2000"), database: FakeDatabase())
        #expect(result.check.verdict == .valid)
        let reads = try JSONLHistory.read(path: store.historyPath).operations().filter { $0.f == "read" && $0.outcome == .ok }
        #expect(reads.count == 8)
    }

    @Test func cancellingTearsDownAndKeepsTheHistory() async throws {
        let db = FakeDatabase()
        // 300 s uncancelled: on a loaded CI machine the cancelling task can wait tens of seconds
        // for a thread (it once landed after 28.8 s of a 30 s run, too late to interrupt it).
        let (result, store) = try await Self.run(try Self.spec("register", seconds: 300), database: db,
                                                 cancelAfter: .milliseconds(500))
        #expect(result.interrupted)
        #expect(await db.calls == ["setUp", "tearDown"])
        #expect(result.summary.seconds < 200)  // well short of the 300 s it would run uncancelled
        // What was on disk when it was cancelled (20 events or more) is kept.
        let kept = try JSONLHistory.read(path: store.historyPath)
        #expect(kept.events.count >= 20)
        #expect(result.check.verdict == .valid)
    }

    @Test func faultsAreRecordedAsNemesisEventsAndEndWithTheLoadPhase() async throws {
        let (result, store) = try await Self.run(try Self.spec("register"), database: FakeDatabase(),
                                                 injector: { recorder, _ in FakeInjector(recorder: recorder) })
        #expect(result.check.verdict == .valid)
        let events = try JSONLHistory.read(path: store.historyPath).events
        let nemesis = events.filter { $0.process == .nemesis }
        // At least the first fault (applied at once); how many more fit in 1 s depends on the machine.
        #expect(nemesis.filter { $0.f == "pause" }.count >= 2)
        #expect(nemesis.last?.f == "heal")
        // The last heal comes after the 1 s load phase and before the run's end.
        #expect((nemesis.last?.time ?? 0) >= 1_000_000_000)
    }

    @Test func failedSetUpStillTearsDownAndIsRecordedAsAFailedRun() async throws {
        let db = FakeDatabase(failSetUp: true)
        let reports = FileManager.default.temporaryDirectory.appendingPathComponent("runs-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: reports) }
        let store = try RunStore.create(reports: reports, test: "fake-register")
        await #expect(throws: ClusterError.self) { _ = try await Self.run(try Self.spec("register"), database: db, store: store) }
        #expect(await db.calls == ["setUp", "tearDown"])
        // The run directory is complete, as a run without a verdict: the set-up's error is its reason.
        let results = try ResultsFile.read(path: store.path("results.json"))
        #expect(results.failure?.hasPrefix("set-up failed: ") == true && results.failure?.contains("refused on purpose") == true)
        #expect(results.outcome == "failed" && results.valid == .unknown && results.check.verdict == .unknown)
        #expect(results.summary.operations == 0)
        let manifest = try RunManifest.read(from: store.directory)
        #expect(manifest.failure == results.failure && manifest.outcome == "failed" && manifest.check.verdict == "unknown")
        #expect(manifest.artifacts["results.json"] != nil && manifest.artifacts["history.jsonl"] != nil)
        // verify: the files stand, and there is no verdict to check again.
        let verification = try await RunVerification.verify(directory: store.directory)
        #expect(verification.artifactsMatch && verification.verdictStands && verification.failure == results.failure)
    }
}

@Suite struct ProgressPhaseTests {
    /// Past the time limit a progress line names the phase it is in, never `14s/12s` alone.
    @Test func progressNamesThePhase() {
        #expect(TestRun.phase(at: .seconds(5), timeLimit: .seconds(12), quietPeriod: .seconds(5)) == "load 5s/12s")
        #expect(TestRun.phase(at: .seconds(14), timeLimit: .seconds(12), quietPeriod: .seconds(5))
                == "quiet period 14s (faults healed; final reads at 17s)")
        #expect(TestRun.phase(at: .seconds(18), timeLimit: .seconds(12), quietPeriod: .seconds(5))
                == "final reads 18s (load phase over at 12s)")
    }
}
