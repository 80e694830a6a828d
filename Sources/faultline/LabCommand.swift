import ArgumentParser
import Control
import Foundation

/// `faultline lab up|down|status`: the local lab of namespace hosts.
struct LabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "Local test hosts: network namespaces with their own sshd (needs root).",
        subcommands: [Up.self, Down.self, Status.self])

    /// Options every lab subcommand takes; each overrides its FAULTLINE_LAB_* variable.
    struct Place: ParsableArguments {
        @Option(name: .long, help: "Name prefix of the lab's objects (env FAULTLINE_LAB_PREFIX, default fl).")
        var prefix: String?
        @Option(name: .long, help: "The lab's /24 (env FAULTLINE_LAB_SUBNET, default 10.77.0.0/24).")
        var subnet: String?
        @Option(name: .long, help: "The lab's folder (env FAULTLINE_LAB_DIR, default /tmp/faultline-lab-PREFIX).")
        var dir: String?

        func config(nodes: Int = 5) -> LabConfig {
            let env = LabConfig.fromEnvironment(nodes: nodes)
            let prefix = prefix ?? env.prefix
            let directory = dir ?? ProcessInfo.processInfo.environment["FAULTLINE_LAB_DIR"]
            return LabConfig(prefix: prefix, subnet: subnet ?? env.subnet, nodes: nodes, directory: directory)
        }
    }

    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the lab (or keep a healthy one); print the inventory path as the last line.")
        @OptionGroup var place: Place
        @Option(name: .long, help: "Number of hosts.")
        var nodes: Int = 5

        func run() async throws {
            let lab = Lab(config: place.config(nodes: nodes))
            let result = try await runLab { try await lab.up(log: { printError("lab: \($0)") }) }
            print(result.inventoryPath)
        }
    }

    struct Down: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove everything `lab up` made.")
        @OptionGroup var place: Place

        func run() async throws {
            let lab = Lab(config: place.config())
            let removed = try await runLab { try await lab.down() }
            removed.forEach { print("removed \($0)") }
            if removed.isEmpty { print("no lab to remove") }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say what of the lab exists.")
        @OptionGroup var place: Place

        func run() async throws {
            let status = try await runLab { try await Lab(config: place.config()).status() }
            print(status)
            if !status.healthy { throw ExitCode(1) }
        }
    }
}

/// Runs a lab operation; a bad configuration exits 254, other lab failures exit 1 with the reason.
private func runLab<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as LabError {
        printError("faultline lab: \(error)")
        if case .badConfig = error { throw FaultlineExit.badInput }
        throw ExitCode(1)
    }
}
