import ArgumentParser
import Control
import Foundation
import Linearizability
import RunRecord
import Runner
import RunIndex
import SpecFiles
import Sweep

/// `faultline sweep SPEC`: the same test over a matrix of database parameters, repeated.
struct SweepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a test over a matrix of database parameters, repeated, and compare the cells.",
        discussion: """
            The spec is a test spec with a `sweep` section (repetitions, and a `matrix` or \
            `cells`, optional `derived` parameters). Every cell runs the same seeded workload and \
            faults: repetition r uses seed base + r - 1. The sweep is stored under \
            reports/<name>/<UTC time>/ (sweep.json after every run, compare.html at the end); \
            --resume DIR goes on with an interrupted sweep, skipping finished runs. With several \
            --hosts (disjoint clusters) runs go to them in parallel, one at a time per cluster; \
            with none, the local lab. Exit code: as `check` over every run's verdict (0 all \
            valid, 1 any invalid, 2 any unknown); 254 bad spec, inventory or sweep directory; \
            255 when a run could not be carried out or the sweep was interrupted.
            """)

    @Argument(help: "The sweep spec (workloads/*-tuning.yml).")
    var spec: String

    @Option(name: .customLong("hosts"), help: "An inventory (YAML); give several for disjoint clusters. Default: the local lab.")
    var hosts: [String] = []

    @Option(help: "A sweep directory to go on with (reports/<name>/<UTC time>).")
    var resume: String?

    @Option(help: "Where sweeps are stored.")
    var reports = "reports"

    @Option(name: .customLong("time-limit"), help: "Length of every run's load phase, overriding the spec's.")
    var timeLimit: DurationArgument?

    func validate() throws {
        if let timeLimit, timeLimit.duration <= .zero {
            throw ValidationError("--time-limit: expected a duration above zero, such as 30s, got \(timeLimit.duration)")
        }
    }

    func run() async throws {
        try requireReportsDirectory(reports)
        let sweep: SweepSpec
        let inventories: [Inventory]
        var stored: (directory: String, file: SweepFile)?
        do {
            var spec = try SweepSpec.load(path: self.spec)
            if let timeLimit { spec.test.timeLimit = timeLimit.duration }
            sweep = spec
            inventories = try hosts.map { try Inventory.load(path: $0) }
            for inventory in inventories { try sweep.test.checkNodes(against: inventory) }
            try Self.checkDisjoint(inventories)
            if let resume { stored = (resume, try SweepDirectory.resume(resume, spec: sweep)) }
        } catch let error as InputFileError {
            printError("faultline: \(error)")
            throw FaultlineExit.badInput
        }
        let clusters = inventories.isEmpty ? [try await inventoryOrLab(nil, nodes: sweep.test.database.nodes)] : inventories
        let (directory, file) = try stored
            ?? SweepDirectory.create(sweep, reports: reports,
                                     seed: sweep.seed ?? sweep.test.seed ?? UInt64.random(in: 0...UInt64(Int64.max)))
        let left = file.runs.filter { $0.state != .finished }.count
        say("faultline: sweep \(file.plan.name): \(file.plan.cells.count) cells × \(file.plan.repetitions) repetitions, "
            + "\(left) runs to do on \(clusters.count) cluster(s), base seed \(file.plan.baseSeed)")
        say("faultline: storing the sweep in \(directory) (resume with --resume \(directory))")
        let runner = SweepRunner(file: file, directory: directory,
                                 slots: hosts.isEmpty ? ["local lab"] : hosts,
                                 launch: try sweep.launcher(inventories: clusters), progress: { say("  \($0)") })
        let task = Task { try await runner.run() }
        let trap = InterruptTrap { _ in task.cancel() }
        let outcome = await task.result
        _ = trap
        var final = await runner.file
        if case .success(let file) = outcome { final = file }
        try CompareReport(file: final).write(to: directory)
        // Finished runs, and failed ones that were recorded as such (their set-up failed).
        let recorded = final.runs.filter { $0.state == .finished || $0.state == .failed }
            .compactMap { $0.runDirectory.map { directory + "/" + $0 } }
            .filter { RunStore(directory: $0).isRecorded }
        writeReports(recorded, reports: reports)
        indexRuns(recorded, reports: reports)
        say("faultline: \(directory)/compare.html")
        if let best = CompareReport(file: final).recommendedCell {
            say("faultline: recommended cell \(best): \(final.plan.cells[best - 1].label(final.plan.parameterNames))")
        }
        let unfinished = final.runs.filter { $0.state != .finished }
        if !unfinished.isEmpty {
            printError("faultline: \(unfinished.count) runs did not finish; resume with --resume \(directory)")
            for run in unfinished where run.error != nil {
                printError("  cell \(run.cell) rep \(run.repetition): \(run.error!)")
            }
            throw FaultlineExit.crash
        }
        let verdicts = final.runs.compactMap { $0.verdict.flatMap(Verdict.init(rawValue:)) }
        let exit = FaultlineExit.of(verdicts)
        if exit != FaultlineExit.valid { throw exit }
    }

    /// Inventories given together must not share a host (address), or two runs would share a node.
    static func checkDisjoint(_ inventories: [Inventory]) throws {
        var seen: [String: String] = [:]
        for inventory in inventories {
            for host in inventory.hosts {
                if let other = seen[host.ssh.address], other != inventory.source {
                    throw InputFileError(file: inventory.source, line: host.line,
                                         message: "host \(host.name) (\(host.ssh.address)) is also in \(other): the clusters of a sweep must be disjoint")
                }
                seen[host.ssh.address] = inventory.source
            }
        }
    }
}
