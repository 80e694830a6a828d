import ArgumentParser
import Control
import Foundation
import RemoteCore
import SpecFiles

/// `faultline exec --hosts FILE [--nodes n1,n3] -- CMD…`
struct ExecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a command on hosts in parallel; print each host's output and exit status.",
        discussion: "The words after -- are joined by spaces into one shell command line, as ssh does. "
            + "Exit status: 0 when every host exited 0, 1 otherwise, 254 for a bad inventory or usage.")

    @Option(name: .long, help: "Inventory YAML file of the hosts.")
    var hosts: String

    @Option(name: .long, help: "Comma-separated host names (default: all hosts).")
    var nodes: String?

    @Option(name: .long, help: "Give up on a host after this long (e.g. 500ms, 30s, 2m).")
    var timeout: String = "60s"

    @Flag(name: .long, help: "Run the command through sudo -n.")
    var sudo = false

    @Argument(parsing: .postTerminator, help: "The command to run.")
    var command: [String]

    func run() async throws {
        guard !command.isEmpty else { throw ValidationError("no command given after --") }
        guard let limit = DurationText.parse(timeout), limit > .zero else {
            throw ValidationError("--timeout \(timeout): expected a duration such as 500ms, 30s or 2m")
        }
        let selected: [InventoryHost]
        do {
            let names = nodes.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } } ?? []
            selected = try Inventory.load(path: hosts).select(names)
        } catch let error as InventoryError {
            printError("faultline exec: \(error)")
            throw FaultlineExit.badInput
        }
        let remotes = selected.map { $0.remote() }
        let request = ExecRequest(command.joined(separator: " "), timeout: limit, sudo: sudo)
        let outcomes = await ParallelExec.run(request, on: remotes)
        for remote in remotes { await remote.close() }
        print(ParallelExec.render(outcomes), terminator: "")
        if !outcomes.allSatisfy(\.succeeded) { throw ExitCode(1) }
    }
}
