import ArgumentParser
import Cluster
import Control
import Foundation
import Linearizability
import Nemesis
import RemoteCore
import Report
import RunRecord
import Runner
import RunIndex
import SpecFiles
import Transactions
import Workload

/// `faultline run SPEC`: one chaos run of a test spec against a real cluster.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a test: set up the cluster, drive the clients, tear down, check, store.",
        discussion: """
            Without --hosts the run uses the local lab of namespace hosts (bringing it up if \
            needed). The run is stored under reports/<test>/<UTC time>/. Exit code as `check`: \
            0 valid, 1 invalid, 2 unknown, 3 interrupted (Ctrl-C; what was recorded is not invalid), \
            254 bad spec, inventory or option, 255 the run could not be carried out (unreachable \
            host, database that does not start), 130 aborted (a second Ctrl-C; run the printed \
            `faultline heal`).
            """)

    @Argument(help: "The test spec (workloads/*.yml).")
    var spec: String

    @Option(help: "Inventory of the hosts (YAML). Default: the local lab.")
    var hosts: String?

    @Option(name: .customLong("time-limit"), help: "Length of the load phase, overriding the spec's.")
    var timeLimit: DurationArgument?

    @Option(parsing: .unconditional, help: "Seed of the run's schedule, a whole number from 0 to \(UInt64.max) (default: the spec's, else random).")
    var seed: UInt64?

    @Option(help: "Where runs are stored.")
    var reports = "reports"

    func validate() throws {
        if let timeLimit, timeLimit.duration <= .zero {
            throw ValidationError("--time-limit: expected a duration above zero, such as 30s, got \(timeLimit.duration)")
        }
    }

    func run() async throws {
        try requireReportsDirectory(reports)
        await recoverCrashedRuns(reports: reports)
        let loaded: (TestSpec, WorkloadSpec, Inventory)
        do {
            var spec = try TestSpec.load(path: self.spec)
            if let timeLimit { spec.timeLimit = timeLimit.duration }
            let workload = spec.workloadSpec
            let inventory = try await inventoryOrLab(hosts, nodes: spec.database.nodes)
            try spec.checkNodes(against: inventory)
            loaded = (spec, workload, inventory)
        } catch let error as InputFileError {
            printError("faultline: \(error)")
            throw FaultlineExit.badInput
        }
        let (spec, workload, inventory) = loaded
        let seed = self.seed ?? spec.seed ?? UInt64.random(in: 0...UInt64(Int64.max))
        let store: RunStore
        do { store = try RunStore.create(reports: reports, test: spec.name) } catch {
            printError("faultline: --reports \(reports): cannot make the run's directory: \(describe(error))")
            throw FaultlineExit.badInput
        }
        let reproduce = ReproduceCommand.text(spec: self.spec, hosts: self.hosts, seed: seed, timeLimit: spec.timeLimit)
        let (live, testRun) = try LiveRun.compose(spec: spec, workload: workload, inventory: inventory, seed: seed, store: store,
                                                  reproduce: reproduce, progress: { printError("  \($0)") })
        let faultNames = spec.nemesis.map { ", faults: " + $0.allKinds.map(\.rawValue).joined(separator: " ") } ?? ""
        let hostNames = live.hosts.map(\.name).joined(separator: ", ")
        say("faultline: \(spec.name), seed \(seed), \(workload.concurrency) clients, \(spec.timeLimit) on \(hostNames)\(faultNames)")
        say("faultline: storing the run in \(store.directory)")
        say("faultline: reproduce with: \(reproduce)")

        let task = Task { try await testRun.run() }
        let heal = "faultline heal" + (self.hosts.map { " --hosts \(ShellQuote.quote($0))" } ?? "") + (spec.database.definition.map { " --definition \(ShellQuote.quote($0))" } ?? " --database \(spec.database.kind)")
        let trap = InterruptTrap(healCommand: heal) { _ in task.cancel() }
        let outcome = await task.result
        _ = trap
        await live.close()
        let result: RunResult
        switch outcome {
        case .success(let r): result = r
        case .failure(let error):
            // Not a verdict: a host that cannot be reached, a database that does not start, …
            printError("faultline: the run failed: \(error)")
            printError("faultline: what was recorded is in \(store.directory)")
            // A failed run that was recorded as one still gets its report, junit.xml and index row.
            if store.isRecorded {
                writeReports([store.directory], reports: reports)
                indexRuns([store.directory], reports: reports)
            }
            throw FaultlineExit.crash
        }
        say("faultline: \(result.summary.line)")
        if let txn = result.transactions {
            say("faultline: \(result.check.verdict.rawValue)\(result.interrupted ? " (interrupted)" : "")"
                + "  \(txn.transactions) transactions, \(txn.model.rawValue) as \(txn.consistency.rawValue), checked in \(Int(txn.elapsed.inMilliseconds)) ms"
                + (txn.anomalies.isEmpty ? ", no anomaly" : ", anomalies: " + txn.counts.map { "\($0.0.rawValue) \($0.1)" }.joined(separator: ", ")))
            for a in txn.forbidden.prefix(3) {
                say("  \(a.kind.rawValue)\(a.key.map { " on key \($0)" } ?? ""):")
                for line in a.explanation { say("    \(line)") }
            }
        } else {
            say("faultline: \(result.check.verdict.rawValue)\(result.interrupted ? " (interrupted)" : "")"
                + "  \(result.check.decidedPartitions)/\(result.check.partitions.count) keys decided in \(Int(result.check.elapsed.inMilliseconds)) ms")
            for line in result.check.counterexample?.explanation ?? [] { say("  \(line)") }
        }
        writeReports([store.directory], reports: reports)
        say("faultline: \(store.directory)")
        indexRuns([store.directory], reports: reports)
        let exit = FaultlineExit.of([result.check.verdict], interrupted: result.interrupted)
        if exit != FaultlineExit.valid { throw exit }
    }
}
