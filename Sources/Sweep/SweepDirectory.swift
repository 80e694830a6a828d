import Control
import Foundation
import History
import RunRecord
import Runner
import SpecFiles

/// Where a sweep is stored, `reports/<sweep name>/<UTC time>/`: `sweep.json`, a copy of the
/// spec (`sweep.yml`), `compare.html`, and the runs under `runs/cell<i>-rep<r>/<UTC time>/`.
public enum SweepDirectory {
    /// Makes a new sweep directory for `spec` and writes its plan, every run pending.
    public static func create(_ spec: SweepSpec, reports: String, seed: UInt64) throws -> (directory: String, file: SweepFile) {
        let directory = try RunStore.create(reports: reports, test: spec.test.name).directory
        try Data(spec.test.text.utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent("sweep.yml"))
        let file = SweepFile(plan: plan(spec, seed: seed))
        try file.write(to: directory)
        return (directory, file)
    }

    /// The stored sweep at `directory`, to be resumed with `spec`. Throws `InputFileError` when
    /// there is no readable `sweep.json` or when `spec` plans other cells or repetitions.
    public static func resume(_ directory: String, spec: SweepSpec) throws -> SweepFile {
        let stored: SweepFile
        do {
            stored = try SweepFile.read(from: directory)
        } catch {
            throw InputFileError(file: directory + "/" + SweepFile.fileName, line: nil, message: "cannot be read as a sweep: \(error)")
        }
        let planned = plan(spec, seed: stored.plan.baseSeed)
        guard planned.name == stored.plan.name, planned.cells == stored.plan.cells,
              planned.repetitions == stored.plan.repetitions else {
            throw InputFileError(file: spec.test.file, line: nil,
                                 message: "plans other cells or repetitions than the sweep in \(directory) (\(stored.plan.cells.count) cells × \(stored.plan.repetitions) of \(stored.plan.name)); resume with the spec it was started with")
        }
        return stored
    }

    static func plan(_ spec: SweepSpec, seed: UInt64) -> SweepFile.Plan {
        SweepFile.Plan(name: spec.test.name, specFile: spec.test.file, repetitions: spec.repetitions, baseSeed: seed,
                       parameterNames: spec.parameterNames, cells: spec.cells,
                       timeLimitSeconds: spec.test.timeLimit.inMilliseconds / 1000)
    }
}

extension SweepSpec {
    /// What starts each run of the sweep on `inventories` (slot i runs on inventory i): the test
    /// with the cell's parameters and the run's seed, composed as `faultline run` composes a run
    /// (`LiveRun.compose`). The workload was read once with the spec; cells change only database
    /// parameters.
    public func launcher(inventories: [Inventory], progress: (@Sendable (String) -> Void)? = nil) throws -> SweepRunner.Launch {
        let test = self.test
        let workload = test.workloadSpec
        return { run, cell, slot, store in
            var spec = test
            spec.database.parameters.merge(cell.parameters) { $1 }
            let (live, testRun) = try LiveRun.compose(spec: spec, workload: workload, inventory: inventories[slot],
                                                      seed: run.seed, store: store, progress: progress)
            // Called directly: cancelling the sweep cancels the run, which tears down and returns.
            do {
                let result = try await testRun.run()
                await live.close()
                return result
            } catch {
                await live.close()
                throw error
            }
        }
    }
}
