import Cluster
import Workload

/// The database a spec describes with a definition file (`database: {definition: FILE}`), as a
/// kind like the built-in ones: its name, workloads and read paths come from the definition, its
/// clients are adapters (`AdapterClientFactory`).
public struct DefinedKind: DatabaseKind {
    public let definition: DatabaseDefinition

    public init(definition: DatabaseDefinition) {
        self.definition = definition
    }

    public var name: String { definition.name }
    public var workloads: Set<WorkloadSpec.Kind> { definition.client.workloads }
    public var readPaths: Set<WorkloadSpec.ReadPath> { definition.client.readPaths }
    public var defaultReadPath: WorkloadSpec.ReadPath { definition.client.defaultReadPath }

    /// The functions a spec's mix may name in `workload`, as the definition lists them. A
    /// transactional workload's one operation is `txn`, whose steps (`r`, `append`, `w`) are what
    /// the mix weighs: an adapter that does `txn` does them all.
    public func operations(of workload: WorkloadSpec.Kind) -> Set<String> {
        let listed = definition.client.operations[workload] ?? []
        guard workload.transactionModel != nil else { return listed }
        return listed.contains("txn") ? WorkloadSpec(kind: workload).loadFunctions : []
    }

    /// A spec may set only the parameters the definition declares.
    public func checkParameters(_ parameters: [String: String]) throws {
        if let unknown = parameters.keys.sorted().first(where: { definition.parameters[$0] == nil }) {
            let known = definition.parameters.keys.sorted().map { "`\($0)`" }.joined(separator: ", ")
            throw ClusterError.invalidConfiguration("`\(unknown)` is not a parameter of \(name)'s definition \(definition.file) "
                + (known.isEmpty ? "(it declares none)" : "(it declares \(known))"))
        }
    }

    /// The name of the definition's copy a stored run keeps beside its `spec.yml`.
    public static let storedDefinitionFile = "definition.yml"

    /// The definition as it ran, for `check` and `report` to read the run back.
    public var storedFiles: [String: String] { [Self.storedDefinitionFile: definition.text] }

    public func makeDatabase() -> any Database { DefinedDatabase(definition: definition) }

    public func makeClients(for workload: WorkloadSpec) -> any ClientFactory {
        AdapterClientFactory(command: definition.client.adapter, directory: definition.directory,
                             readPath: workload.readPath.rawValue, workload: workload.kind.rawValue)
    }
}
