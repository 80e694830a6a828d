import ArgumentParser
import Foundation

/// The root command. (On branch `control` it lists only the control-plane subcommands; main's
/// root lists them beside `check`, `run` and the rest.)
@main
struct Faultline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faultline",
        abstract: "Jepsen-style chaos tests for consensus clusters.",
        subcommands: [LabCommand.self, ExecCommand.self])

    /// Runs the command; usage errors exit 254 (Jepsen's "bad input"), not ArgumentParser's 64.
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
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(254)
            }
            exit(withError: error)
        }
    }
}

/// Exit codes shared by the subcommands.
enum FaultlineExit {
    /// Bad input or usage.
    static let badInput = ExitCode(254)
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
