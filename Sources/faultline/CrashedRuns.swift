import Foundation
import RunRecord
import Runner

/// Finds the runs under `reports` whose controller died before recording them, stores each as a
/// crashed run (`CrashedRun.recover`), says so, and adds them to the reports and the index. A run
/// that cannot be recovered is a warning: it never stops the command that found it.
func recoverCrashedRuns(reports: String) async {
    let found = CrashedRun.find(reports: reports)
    guard !found.isEmpty else { return }
    var recovered: [String] = []
    for directory in found {
        do {
            if try await CrashedRun.recover(directory: directory) {
                printError("faultline: \(directory): its controller stopped before the run finished: stored as crashed")
                recovered.append(directory)
            }
        } catch {
            printError("faultline: warning: the crashed run \(directory) could not be stored: \(error)")
        }
    }
    writeReports(recovered, reports: reports)
    indexRuns(recovered, reports: reports)
}

/// Stores `directory` as a crashed run when it is one (for `report` and `verify`, which get one
/// run directory); true when it is one (crashed now or earlier).
func recoverIfCrashed(_ directory: String) async throws -> Bool {
    try await CrashedRun.recover(directory: directory)
    return (try? ResultsFile.read(path: RunStore(directory: directory).resultsPath))?.crashed == true
}

