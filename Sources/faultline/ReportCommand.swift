import Analysis
import ArgumentParser
import Foundation
import History
import Report
import SpecFiles

/// `faultline report RUN_DIR`: renders a stored run's report again from its files.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render a stored run's report.html and junit.xml again, and its reports index.",
        discussion: """
            Reads results.json, spec.yml, history.jsonl and leaders.jsonl (when present) of the \
            run directory; the history is not checked again. Also regenerates index.html of the \
            reports folder the run is in (RUN_DIR/../..). Exit code: 0 when written, 254 when \
            RUN_DIR is not a readable run (nothing is written then). A run whose controller died \
            before it finished (no results.json) is first stored as crashed: its history is \
            checked as `check --partial` would, pending operations as info.
            """)

    @Argument(help: "The run directory (reports/<test>/<UTC time>/).")
    var runDirectory: String

    func run() async throws {
        let path: String
        do {
            if try await recoverIfCrashed(runDirectory) {
                printError("faultline: \(runDirectory): its controller stopped before the run finished: shown as crashed")
            }
            path = try ReportWriter.writeRun(directory: runDirectory)
        } catch let error as InputFileError {
            printError("faultline: \(error)")
            throw FaultlineExit.badInput
        } catch let error as HistoryError {
            printError("faultline: \(error)")
            throw FaultlineExit.badInput
        } catch let error as LeaderFileError {
            printError("faultline: \(error)")
            throw FaultlineExit.badInput
        }
        say("faultline: \(path)")
        say("faultline: \(try ReportWriter.writeIndex(root: ReportWriter.reportsRoot(ofRun: runDirectory)))")
    }
}
