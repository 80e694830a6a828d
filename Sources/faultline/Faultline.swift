import ArgumentParser
import Foundation
import Linearizability

/// Faultline's command line. Exit codes follow Jepsen: 0 valid, 1 invalid, 2 unknown,
/// 254 bad input or usage, 255 crash.
@main
struct Faultline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faultline",
        abstract: "Jepsen-style chaos tests for Raft clusters, with a linearizability checker.",
        subcommands: [RunCommand.self, CheckCommand.self, ReportCommand.self, VerifyCommand.self, SweepCommand.self,
                      HealCommand.self, LabCommand.self, ExecCommand.self])

    /// Runs the command, mapping usage errors to 254 (ArgumentParser's own code is 64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                printError(fullMessage(for: error))
                Foundation.exit(FaultlineExit.badInput.rawValue)
            }
            exit(withError: error)
        }
    }
}

/// Exit codes shared by every command (Jepsen's): the verdict, or bad input.
enum FaultlineExit {
    static let valid = ExitCode(0)
    static let invalid = ExitCode(1)
    static let unknown = ExitCode(2)
    /// The run was interrupted (Ctrl-C, SIGTERM, or its controller crashed) and what it recorded
    /// is not invalid: a nightly job must not take it for a good night.
    static let interrupted = ExitCode(3)
    static let badInput = ExitCode(254)
    /// The run could not be carried out (unreachable host, database that does not start).
    static let crash = ExitCode(255)

    /// The exit code of a verdict.
    static func of(_ verdicts: [Verdict], interrupted: Bool = false) -> ExitCode {
        if verdicts.contains(.invalid) { return invalid }
        if interrupted { return self.interrupted }
        if verdicts.contains(.unknown) { return unknown }
        return valid
    }
}

/// Writes a line to standard output at once (progress goes to standard error; unbuffered
/// writes keep the two in order on a terminal and in a log).
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((terminalSafe(text) + "\n").utf8))
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((terminalSafe(text) + "\n").utf8))
}

/// `text` with control characters other than newline and tab shown as `\u{1B}`: messages echo
/// what specs, inventories and hosts say, and an escape sequence in one must not reach the
/// terminal (it could rewrite the screen or the window title).
func terminalSafe(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t" }) else { return text }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
        if scalar.properties.generalCategory == .control && scalar != "\n" && scalar != "\t" {
            out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
        } else {
            out.append(scalar)
        }
    }
    return String(out)
}
