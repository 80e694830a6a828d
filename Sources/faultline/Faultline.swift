import ArgumentParser
import Foundation

/// Faultline's command line. Exit codes follow Jepsen: 0 valid, 1 invalid, 2 unknown,
/// 254 bad input or usage, 255 crash.
@main
struct Faultline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faultline",
        abstract: "Jepsen-style chaos tests for Raft clusters, with a linearizability checker.",
        subcommands: [CheckCommand.self, LabCommand.self, ExecCommand.self])

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
                Foundation.exit(ExitStatus.badInput)
            }
            exit(withError: error)
        }
    }
}

/// Exit codes shared by every command.
enum ExitStatus {
    static let valid: Int32 = 0
    static let invalid: Int32 = 1
    static let unknown: Int32 = 2
    static let badInput: Int32 = 254
}

/// The exit of a command given bad input or usage.
enum FaultlineExit {
    static let badInput = ExitCode(ExitStatus.badInput)
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
