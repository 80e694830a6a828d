import ArgumentParser
import Cluster
import Control
import Databases
import Foundation
import Nemesis
import SpecFiles

/// `faultline heal`: undoes every fault Faultline may have left on the hosts (after a crash of the
/// controller, or to be sure). Safe to run any number of times.
struct HealCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heal",
        abstract: "Undo every fault Faultline may have left behind on the hosts.",
        discussion: """
            Undoes what each host's heal journal lists, then on every host flushes Faultline's \
            iptables chain, continues stopped database processes, starts killed ones, and removes \
            netem and clock offsets. Without --hosts it heals the local lab.
            """)

    @Option(help: "Inventory of the hosts (YAML). Default: the local lab.")
    var hosts: String?

    @Option(help: ArgumentHelp("The database whose processes to continue and start again: \(DatabaseCatalog.kinds.joined(separator: " or ")).", valueName: "kind"))
    var database = "etcd"

    @Option(help: ArgumentHelp("A database definition file: heal the database it defines instead of --database.", valueName: "file"))
    var definition: String?

    func run() async throws {
        let kind: any DatabaseKind
        if let definition {
            do {
                kind = DefinedKind(definition: try DatabaseDefinition.load(path: definition))
            } catch let error as InputFileError {
                printError("faultline: \(error)")
                throw FaultlineExit.badInput
            }
        } else if let builtIn = DatabaseCatalog.kind(named: database) {
            kind = builtIn
        } else {
            printError("faultline: --database: expected \(DatabaseCatalog.kinds.joined(separator: " or ")), got `\(database)`")
            throw FaultlineExit.badInput
        }
        let inventory: Inventory
        do {
            if let hosts {
                inventory = try Inventory.load(path: hosts)
            } else {
                inventory = try Lab(config: LabConfig.fromEnvironment()).inventory()
            }
        } catch let error as InputFileError {
            printError("faultline: \(error)")
            throw FaultlineExit.badInput
        }
        let cluster = ClusterContext(inventory: inventory)
        let report = await Heal.heal(cluster: cluster, database: kind.makeDatabase())
        for node in cluster.nodes { await (node.remote as? SSHRemote)?.close() }
        say(report.description)
        if !report.succeeded { throw ExitCode(1) }
    }
}
