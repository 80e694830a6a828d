import Audit
import Cluster
import Databases
import Foundation
import History
import Linearizability
import Nemesis
import RemoteCore
import RunRecord
import Transactions
import Workload

/// What a workload gives the runner: how to judge the history, and what each worker does.
public struct RunPlan: Sendable {
    /// How the history is judged (linearizability, or the transaction checker).
    public var checking: HistoryChecking
    public var generator: WorkloadGenerator
    /// When workers are stopped whatever their generators say: the time limit, the quiet period
    /// and the final reads, with room for their timeouts.
    public var hardStop: Duration
    /// The quiet period after the load phase (faults healed, before the final reads), for the
    /// progress lines to name the phase.
    public var quietPeriod: Duration

    public init(checking: HistoryChecking, generator: WorkloadGenerator, hardStop: Duration,
                quietPeriod: Duration = .zero) {
        self.checking = checking
        self.generator = generator
        self.hardStop = hardStop
        self.quietPeriod = quietPeriod
    }

    /// The plan of a workload spec, drawn from `seed`.
    public init(_ spec: WorkloadSpec, seed: UInt64) throws(WorkloadSpecError) {
        self.init(checking: spec.checking, generator: try spec.makeGenerator(seed: seed),
                  hardStop: spec.timeLimit + spec.quietPeriod + spec.operationTimeout + spec.finalReadTimeout * 2
                      + .seconds(5), quietPeriod: spec.quietPeriod)
    }
}

/// What injects a run's faults while its clients work.
///
/// Contract: `run` applies faults on its schedule until `end` on `clock` (the time since the
/// clients started), recording each one, and returns only once everything it applied is healed,
/// also when the calling task is cancelled.
public protocol FaultSchedule: Sendable {
    func run(until end: Duration, clock: @escaping @Sendable () -> Duration) async
    /// True when the schedule polls the nodes' status while it runs and so knows who leads
    /// (`leaderSeen`): the run's leader sampler then asks it, not the database, so the nodes are
    /// not read twice.
    var watchesLeader: Bool { get }
    /// The leader as the schedule's own polls last saw it; nil when none is known.
    func leaderSeen() async -> String?
}

extension FaultSchedule {
    /// No polls of its own: the run asks the database who leads.
    public var watchesLeader: Bool { false }
    public func leaderSeen() async -> String? { nil }
}

/// Everything a run needs, injected: the cluster's hosts, the database, the clients and the
/// faults. The run never makes SSH sessions or clients of its own kind, so it runs against
/// fakes as well.
public struct RunEnvironment: Sendable {
    public var cluster: ClusterContext
    public var database: any Database
    public var clients: any ClientFactory
    /// Made once the history's recorder exists (the injector records into it), with the cluster
    /// as the run sees it (its remotes transcribed); nil: no faults.
    public var faults: (@Sendable (Recorder, ClusterContext) -> any FaultSchedule)?
    /// Run before set-up on the cluster as the run sees it: finds and undoes what an earlier run
    /// left on the hosts (`Heal.beforeSetUp`: journals, Faultline's chain, stopped processes,
    /// database processes left running, …); nil:
    /// nothing is looked for (fakes).
    public var leftovers: (@Sendable (ClusterContext) async -> HealReport)?

    public init(cluster: ClusterContext, database: any Database, clients: any ClientFactory,
                faults: (@Sendable (Recorder, ClusterContext) -> any FaultSchedule)? = nil,
                leftovers: (@Sendable (ClusterContext) async -> HealReport)? = nil) {
        self.cluster = cluster
        self.database = database
        self.clients = clients
        self.faults = faults
        self.leftovers = leftovers
    }
}

/// What an earlier run left on the hosts could not be undone before set-up.
public struct LeftoverError: Error, CustomStringConvertible {
    public var report: HealReport
    public var description: String {
        "what an earlier run left on the hosts could not be undone (run `faultline heal`):\n\(report)"
    }
}

/// How a run ended.
public struct RunResult: Sendable {
    public var store: RunStore
    public var seed: UInt64
    public var summary: RunSummary
    public var check: CheckResult
    /// For a transactional workload: the transaction checker's result (anomalies explained).
    public var transactions: TransactionCheckResult?
    /// The run was interrupted (Ctrl-C, SIGTERM): the history is what was recorded until then.
    public var interrupted: Bool
}

/// One run of a test: set up, drive the clients, tear down (also when interrupted), collect the
/// logs, check the history, store everything, and write `manifest.json` last.
///
/// Every command the run sends to a host goes through a `TranscribingRemote` into the run
/// directory's `transcript.jsonl`.
///
/// Contract: whatever happens after the database's set-up has begun, `tearDown` is called once,
/// outside the run's cancellation, and the history recorded so far stays on disk. Cancelling the
/// task that runs `run()` stops the clients and goes on to tear down and check. A set-up that
/// fails is thrown, after the run directory is completed as a failed run (`ResultsFile.failure`).
public actor TestRun {
    public enum Phase: Sendable, Equatable { case idle, settingUp, running, tearingDown, collecting, checking, finished }

    public private(set) var phase: Phase = .idle
    private let spec: TestSpec
    private let environment: RunEnvironment
    private let plan: RunPlan
    private let seed: UInt64
    private let store: RunStore
    private let reproduce: String?
    private let progress: (@Sendable (String) -> Void)?
    private let transcript: Transcript

    /// `reproduce`: the command that runs the test again (`ReproduceCommand`), stored with the run.
    public init(spec: TestSpec, environment: RunEnvironment, plan: RunPlan, seed: UInt64, store: RunStore,
                reproduce: String? = nil, progress: (@Sendable (String) -> Void)? = nil) {
        self.spec = spec
        self.reproduce = reproduce
        transcript = Transcript(path: store.path(RunAudit.transcriptFile))
        self.environment = environment.transcribed(by: transcript)
        self.plan = plan
        self.seed = seed
        self.store = store
        self.progress = progress
    }

    public func run() async throws -> RunResult {
        let startedAt = Date()
        defer { transcript.close() }
        // Held until the run is recorded; a directory left without results.json and with this
        // lock free is a crashed run (`CrashedRun`).
        let lock = RunLock(directory: store.directory)
        defer { withExtendedLifetime(lock) {} }
        try store.write("spec.yml", resolvedSpec())
        for (name, text) in spec.database.descriptor.storedFiles.sorted(by: { $0.key < $1.key }) { try store.write(name, text) }
        let recorder = try Recorder(path: store.historyPath)
        let db = environment.database
        let cluster = environment.cluster
        var setUpError: Error?
        var versions: [String: String] = [:]
        var binaries: [RunManifest.DatabaseBinary] = []
        do {
            phase = .settingUp
            if let leftovers = environment.leftovers { try await healLeftovers(leftovers) }
            say("setting up \(db.name) on \(cluster.nodes.map(\.name).joined(separator: ", "))")
            try await db.setUp(cluster)
            if let v = db as? any Versioned { versions = (try? await v.versions(cluster)) ?? [:] }
            binaries = await RunAudit.binaries(db, cluster, versions: versions)
            try Task.checkCancellation()
            phase = .running
            await runClients(recorder)
        } catch {
            setUpError = error
        }
        try? recorder.close()
        let interrupted = Task.isCancelled
        // Tearing down and collecting must happen even after Ctrl-C: outside this task's
        // cancellation. Logs come after tear-down, so they include how each node stopped.
        phase = .tearingDown
        say("tearing down")
        let tearDownError: Error? = await Task.detached {
            do { try await db.tearDown(cluster); return nil } catch { return error }
        }.value
        phase = .collecting
        await Task.detached { [store] in await Self.collectLogs(db, cluster, into: store) }.value
        if let tearDownError { say("tear-down failed: \(tearDownError)") }
        // A set-up that failed is still recorded (results, manifest) before its error is thrown, so a
        // nightly index and junit.xml show the run that could not be carried out.
        let failure = setUpError.flatMap { $0 is CancellationError ? nil : "set-up failed: \($0)" }
        if let setUpError, let failure {
            _ = try? await record(recorder.events, startedAt: startedAt, interrupted: interrupted, versions: versions,
                                  binaries: binaries, failure: failure)
            throw setUpError
        }
        return try await record(recorder.events, startedAt: startedAt, interrupted: interrupted, versions: versions,
                                binaries: binaries, failure: nil)
    }

    /// Checks the history and writes `results.json`, then `manifest.json` last.
    private func record(_ events: [Event], startedAt: Date, interrupted: Bool, versions: [String: String],
                        binaries: [RunManifest.DatabaseBinary], failure: String?) async throws -> RunResult {
        let cluster = environment.cluster
        phase = .checking
        let history = History(events: events, source: store.historyPath)
        let operations = try history.operations()
        let outcome = try await plan.checking.check(history, timeout: spec.checker.timeout)
        let check = outcome.check
        let summary = RunSummary(operations, events: events)
        var results = ResultsFile(spec: spec, seed: seed, summary: summary, check: check, versions: versions,
                                  hosts: cluster.nodes.map(\.name), interrupted: interrupted, failure: failure,
                                  reproduce: reproduce)
        results.transactions = outcome.stored
        results.metrics = store.measure(events: events, operations: operations)
        try results.write(to: store)
        transcript.close()
        try RunAudit(spec: spec, seed: seed, startedAt: startedAt, interrupted: interrupted, cluster: cluster,
                     database: environment.database.name, binaries: binaries, events: events, plan: plan, results: results)
            .writeManifest(to: store)
        phase = .finished
        return RunResult(store: store, seed: seed, summary: summary, check: check, transactions: outcome.transactions,
                         interrupted: interrupted)
    }

    /// Undoes what an earlier run left on the hosts, saying per host what was found and undone;
    /// a host that cannot be healed fails the set-up (the run would test a broken cluster).
    private func healLeftovers(_ heal: @Sendable (ClusterContext) async -> HealReport) async throws {
        let report = await heal(environment.cluster)
        for host in report.hosts {
            if !host.actions.isEmpty {
                say("left by an earlier run on \(host.name), healed first: " + host.actions.joined(separator: "; "))
            }
            if !host.failures.isEmpty {
                say("could not heal what an earlier run may have left on \(host.name): " + host.failures.joined(separator: "; "))
            }
        }
        if !report.succeeded {
            throw LeftoverError(report: report)
        }
    }

    /// The phase a progress line names at `elapsed` since the clients started: `load 5s/12s`,
    /// then `quiet period 13s (faults healed; final reads at 17s)`, then `final reads 18s`.
    static func phase(at elapsed: Duration, timeLimit: Duration, quietPeriod: Duration) -> String {
        func s(_ d: Duration) -> String { "\(Int(d.inMilliseconds / 1000))s" }
        if elapsed < timeLimit { return "load \(s(elapsed))/\(s(timeLimit))" }
        if elapsed < timeLimit + quietPeriod {
            return "quiet period \(s(elapsed)) (faults healed; final reads at \(s(timeLimit + quietPeriod)))"
        }
        return "final reads \(s(elapsed)) (load phase over at \(s(timeLimit)))"
    }

    private func runClients(_ recorder: Recorder) async {
        let endpoints = environment.database as? any ClientEndpoints
        let nodes = environment.cluster.nodes.map { node in
            (name: node.name, url: endpoints?.clientURL(for: node) ?? node.address)
        }
        let pool = WorkerPool(nodes: nodes, factory: environment.clients, recorder: recorder)
        let ticker = progress.map { say in
            Task {
                let start = ContinuousClock.now
                var last = 0
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    if Task.isCancelled { break }
                    let c = recorder.counts
                    let done = (c[.ok] ?? 0) + (c[.fail] ?? 0) + (c[.info] ?? 0)
                    let now = ContinuousClock.now - start
                    say("\(Self.phase(at: now, timeLimit: spec.timeLimit, quietPeriod: plan.quietPeriod))  \(done - last) ops/s  "
                        + "ok \(c[.ok] ?? 0)  fail \(c[.fail] ?? 0)  info \(c[.info] ?? 0)")
                    last = done
                }
            }
        }
        let origin = recorder.now()
        let injector = environment.faults?(recorder, environment.cluster)
        // One reading of who leads: the nemesis's status polls when triggers make it poll, else
        // the database asked on its own.
        let cluster = environment.cluster
        let leader: (@Sendable () async -> String?)? = if let injector, injector.watchesLeader {
            { await injector.leaderSeen() }
        } else if let db = environment.database as? any LeaderAware {
            { (try? await db.leader(cluster)) ?? nil }
        } else {
            nil
        }
        let sampler = leader.map { leader in
            Task { [store] in
                await LeaderSampler(leader: leader, path: store.leadersPath, now: { recorder.now() }).run()
            }
        }
        defer { sampler?.cancel() }
        async let clients: Void = pool.run(plan.generator, hardStop: plan.hardStop)
        if let injector {
            // Faults stop with the load phase: what follows (quiet period, final reads) runs healed.
            await injector.run(until: spec.timeLimit, clock: { .nanoseconds(recorder.now() - origin) })
        }
        await clients
        ticker?.cancel()
    }

    private static func collectLogs(_ db: any Database, _ cluster: ClusterContext, into store: RunStore) async {
        guard let logs = db as? any LogFiles else { return }
        await withTaskGroup(of: Void.self) { group in
            for node in cluster.nodes {
                group.addTask {
                    guard let dir = try? store.nodeDirectory(node.name) else { return }
                    for path in logs.logFiles(node) {
                        let local = (dir as NSString).appendingPathComponent((path as NSString).lastPathComponent)
                        try? await node.remote.download(path, to: local)
                    }
                }
            }
        }
    }

    private func say(_ line: String) { progress?(line) }

    /// The spec as written, with what the run resolved (seed, hosts, time limit) appended.
    private func resolvedSpec() -> String {
        var text = spec.text
        if !text.hasSuffix("\n") { text += "\n" }
        return text + """
            # Resolved for this run:
            # seed: \(seed)
            # time-limit: \(spec.timeLimit)
            # hosts: \(environment.cluster.nodes.map(\.name).joined(separator: ", "))
            # parameters: \(environment.cluster.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))

            """
    }
}
