import ArgumentParser
import Audit
import Foundation
import Linearizability
import RunRecord

/// `faultline verify RUN_DIR`: checks a stored run against its `manifest.json`.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a run directory against its manifest: hashes, then the history again.",
        discussion: """
            Re-hashes every file of the run directory against manifest.json (naming missing, \
            extra and changed files) and checks history.jsonl again with the model the manifest \
            names. Exit code: when every file matches and the re-check gives the stored verdict, \
            the verdict's code as `check` (0 valid, 1 invalid, 2 unknown); 1 when a file is \
            missing, added or changed, or the verdict differs (the stored verdict does not \
            stand); 3 for a run whose controller crashed before it finished (it has no \
            manifest; its history is checked as `check --partial` would: 1 when that is invalid); \
            254 when RUN_DIR is not a run directory or its manifest cannot be read. A run \
            whose set-up failed has no verdict: only its files are verified (2 when they match).
            """)

    @Argument(help: "A run directory (reports/<test>/<UTC time>/).")
    var runDirectory: String

    func run() async throws {
        if try await verifyCrashed() { return }
        let v: RunVerification
        do {
            v = try await RunVerification.verify(directory: runDirectory)
        } catch {
            printError("faultline: \(error)")
            throw FaultlineExit.badInput
        }
        for path in v.missing { say("missing: \(path)") }
        for path in v.extra { say("extra: \(path) (not in the manifest)") }
        for path in v.changed { say("changed: \(path) (hash or size differs from the manifest)") }
        if v.artifactsMatch { say("artifacts: every file matches the manifest") }
        if let failure = v.failure { say("the run could not be carried out (\(failure)): it has no verdict to check again") }
        let rechecked = v.recheckedVerdict?.rawValue ?? "could not be checked (\(v.recheckError ?? "?"))"
        say("verdict: stored \(v.storedVerdict), re-checked \(rechecked)")
        guard v.verdictStands, let verdict = v.recheckedVerdict else {
            say("faultline: the stored verdict does not stand")
            throw FaultlineExit.invalid
        }
        say("faultline: the stored verdict stands: \(verdict.rawValue)")
        let exit = FaultlineExit.of([verdict])
        if exit != FaultlineExit.valid { throw exit }
    }

    /// A crashed run has no manifest to verify against: says so, with what its history holds and
    /// the verdict of checking it. True when RUN_DIR is such a run (the exit is thrown).
    private func verifyCrashed() async throws -> Bool {
        let crashed: Bool
        do {
            crashed = try await recoverIfCrashed(runDirectory)
        } catch {
            printError("faultline: \(error)")
            throw FaultlineExit.badInput
        }
        guard crashed, let r = try? ResultsFile.read(path: RunStore(directory: runDirectory).resultsPath) else { return false }
        say("crashed: the controller stopped before the run finished; there is no manifest to verify against")
        say("history: \(r.summary.operations) operations (ok \(r.summary.ok), fail \(r.summary.fail), info \(r.summary.info), pending ones counted as info)")
        say("verdict of what was recorded: \(r.check.verdict.rawValue)")
        throw FaultlineExit.of([r.check.verdict], interrupted: true)
    }
}
