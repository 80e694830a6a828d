import Cluster
import Control
import Databases
import Foundation
import Nemesis
import SpecFiles
import Workload
import Yams

/// A test as a spec file describes it (`workloads/*.yml`), checked and with defaults filled in.
public struct TestSpec: Sendable {
    public struct DatabaseSection: Sendable {
        /// The database's name: a built-in kind (`etcd`) or a definition's `name`.
        public var kind: String
        /// What drives it.
        public var descriptor: any DatabaseKind
        /// The definition file it was read from, for a defined database.
        public var definition: String? = nil
        /// How many hosts of the inventory the cluster uses; nil: all of them.
        public var nodes: Int?
        /// The spec's line of `nodes`, for errors.
        public var nodesLine: Int? = nil
        /// Tuning and flags, passed to the database as text (`election-timeout: 1000`).
        public var parameters: [String: String]
        /// `disk-layer: true`: the data directories on the disk layer (`LazyFS`) even without disk
        /// faults, to measure what it costs.
        public var diskLayer = false
        /// `disk-layer: strict` or `journaled` (which also turns the layer on): when a directory
        /// entry becomes durable (`LazyFS.Entries`); `true` is `strict`.
        public var diskEntries = LazyFS.Entries.strict
    }

    public struct CheckerSection: Sendable {
        public var timeout: Duration
    }

    /// The test's name: the folder its runs are stored under.
    public var name: String
    public var database: DatabaseSection
    /// The `workload` mapping as written; the workload reads its own fields from it.
    public var workload: WorkloadSection
    /// The faults of the run; nil for a run without faults.
    public var nemesis: NemesisSpec?
    /// The workload's settings, read from `workload` once when the spec is read.
    public var workloadSpec: WorkloadSpec
    /// The load phase's length (the workload's; `--time-limit` sets it here).
    public var timeLimit: Duration {
        get { workloadSpec.timeLimit }
        set { workloadSpec.timeLimit = newValue }
    }
    /// The seed written in the spec; a run without one draws a seed and prints it.
    public var seed: UInt64?
    public var checker: CheckerSection
    /// The file it came from, and its text.
    public var file: String
    public var text: String
}

/// The spec's `workload` mapping, with what is needed to read it with file:line errors.
public struct WorkloadSection: @unchecked Sendable {
    // Yams' Node is a value type of strings and arrays; it is not marked Sendable.
    public var kind: String
    public var node: Node
    public var reader: YAMLReader
    /// The database the workload runs against: its read paths and operations bound the fields.
    public var database: any DatabaseKind
}

extension TestSpec {
    /// The disk layer the run's data directories are mounted on: with `disk-layer: true`, or when
    /// the nemesis has `power-loss` (which drops what the layer holds un-fsynced); else nil.
    public var diskLayer: LazyFS? {
        database.diskLayer || nemesis?.allKinds.contains(.powerLoss) == true ? LazyFS(entries: database.diskEntries) : nil
    }
}

extension TestSpec {
    /// Reads and checks a spec file. Errors are `InputFileError`s naming file and line.
    public static func load(path: String) throws -> TestSpec {
        try parse(try InputFileText.read(path: path, what: "spec file"), file: path)
    }

    static let topFields: Set<String> = ["name", "database", "workload", "nemesis", "time-limit", "seed", "checker"]

    /// Reads and checks spec text. `extraFields` are top-level fields a larger format built on
    /// the spec reads itself (a sweep's `sweep`); they are allowed here and otherwise ignored.
    public static func parse(_ text: String, file: String, extraFields: Set<String> = []) throws -> TestSpec {
        let yaml = YAMLReader(file: file, directory: (file as NSString).deletingLastPathComponent)
        let root = try yaml.root(text, expected: "a mapping with `name`, `database` and `workload`")
        let top = try yaml.mapping(root, "the spec: a mapping with `name`, `database` and `workload`")
        try yaml.rejectUnknown(root, allowed: topFields.union(extraFields), in: "the spec")

        let name = try yaml.string(top["name"], in: root, "`name`: the test's name")
        guard name.range(of: #"^[A-Za-z0-9][A-Za-z0-9._-]*$"#, options: .regularExpression) != nil else {
            throw yaml.error(top["name"]!, "expected `name` made of letters, digits, '.', '_' or '-', got `\(name)`")
        }

        guard let dbNode = top["database"] else { throw yaml.error(root, "missing `database`: a mapping with `kind` or `definition`") }
        let db = try yaml.mapping(dbNode, "`database`: a mapping with `kind` or `definition`, optional `nodes` and `parameters`")
        try yaml.rejectUnknown(dbNode, allowed: ["kind", "definition", "nodes", "parameters", "disk-layer"], in: "`database`")
        let descriptor: any DatabaseKind
        var definitionPath: String?
        switch (db["kind"], db["definition"]) {
        case (_?, _?):
            throw yaml.error(dbNode, "expected one of `kind` (a built-in database) or `definition` (a definition file), not both")
        case (nil, let d?):
            let path = yaml.path(try yaml.string(d, in: dbNode, "`definition`: a database definition file"))
            // A stored run keeps the definition it ran with beside its spec.yml.
            let stored = (yaml.directory as NSString).appendingPathComponent(DefinedKind.storedDefinitionFile)
            let file = (file as NSString).lastPathComponent == "spec.yml" && FileManager.default.fileExists(atPath: stored) ? stored : path
            guard FileManager.default.fileExists(atPath: file) else {
                throw yaml.error(d, "expected `definition` to name a database definition file; \(path) does not exist")
            }
            descriptor = DefinedKind(definition: try DatabaseDefinition.load(path: file))
            definitionPath = file
        default:
            let kinds = DatabaseCatalog.kinds.joined(separator: " or ")
            let kind = try yaml.string(db["kind"], in: dbNode, "`kind`: the database (\(kinds)), or `definition`: a definition file")
            guard let k = DatabaseCatalog.kind(named: kind) else { throw yaml.error(db["kind"]!, "expected `kind` to be \(kinds), got `\(kind)`") }
            descriptor = k
        }
        var parameters: [String: String] = [:]
        if let p = db["parameters"] {
            for (key, value) in try yaml.mapping(p, "`parameters`: a mapping of flag names to values") {
                guard let text = value.scalar?.string else {
                    throw yaml.error(value, "expected parameter `\(key)` to be a single value")
                }
                // Values go to the database's command line (quoted); shell syntax or control
                // characters in one are a mistake or an attack, refused here rather than at set-up.
                if let bad = text.unicodeScalars.first(where: { $0.properties.generalCategory == .control || ";&|$`<>\\\"'\n".unicodeScalars.contains($0) }) {
                    throw yaml.error(value, "expected parameter `\(key)` to be a plain value, found \(bad.properties.generalCategory == .control ? "a control character" : "`\(bad)`")")
                }
                parameters[key] = text
            }
            do { try descriptor.checkParameters(parameters) } catch let error as ClusterError {
                guard case .invalidConfiguration(let reason) = error else { throw error }
                // The line of the parameter the reason names, else of `parameters`.
                let named = try yaml.mapping(p, "`parameters`").first { reason.contains("`\($0.key)`") }?.value
                throw yaml.error(named ?? p, reason)
            }
        }
        var database = DatabaseSection(
            kind: descriptor.name, descriptor: descriptor, definition: definitionPath,
            nodes: try yaml.integer(db["nodes"], in: dbNode, "`nodes`: 1 to 15", range: 1...15),
            nodesLine: db["nodes"]?.mark?.line, parameters: parameters)
        if let word = db["disk-layer"]?.scalar?.string, let entries = LazyFS.Entries(rawValue: word) {
            database.diskLayer = true
            database.diskEntries = entries
        } else {
            database.diskLayer = try yaml.boolean(db["disk-layer"], "`disk-layer`: true, false, strict or journaled") ?? false
        }

        guard let wNode = top["workload"] else { throw yaml.error(root, "missing `workload`: a mapping with `kind`") }
        let w = try yaml.mapping(wNode, "`workload`: a mapping with `kind`")
        let workload = WorkloadSection(
            kind: try yaml.string(w["kind"], in: wNode, "`kind`: the workload (register, set or lock)"),
            node: wNode, reader: yaml, database: descriptor)
        if let k = WorkloadSpec.Kind(rawValue: workload.kind), !descriptor.workloads.contains(k) {
            throw yaml.error(w["kind"]!, "expected a workload \(descriptor.name) can run (\(descriptor.workloads.map(\.rawValue).sorted().joined(separator: ", "))), got `\(workload.kind)`")
        }
        // The workload's own fields, with what the database can do, checked now (file:line).
        let timeLimit = try yaml.duration(top["time-limit"], "`time-limit`") ?? .seconds(60)
        let workloadSpec = try workload.workloadSpec(timeLimit: timeLimit)

        var seed: UInt64?
        if let s = top["seed"] {
            guard let v = s.scalar.flatMap({ UInt64($0.string) }) else {
                throw yaml.error(s, "expected `seed` to be a non-negative integer, got `\(s.scalar?.string ?? "a non-scalar")`")
            }
            seed = v
        }
        var checker = CheckerSection(timeout: .seconds(60))
        if let c = top["checker"] {
            let fields = try yaml.mapping(c, "`checker`: a mapping with `timeout`")
            try yaml.rejectUnknown(c, allowed: ["timeout"], in: "`checker`")
            checker.timeout = try yaml.duration(fields["timeout"], "`timeout`") ?? checker.timeout
        }
        return TestSpec(
            name: name, database: database, workload: workload,
            nemesis: try top["nemesis"].map { try NemesisSection(node: $0, reader: yaml).spec() },
            workloadSpec: workloadSpec,
            seed: seed, checker: checker, file: file, text: text)
    }
}

extension TestSpec {
    /// Throws an `InputFileError` at the spec's `nodes` line when the spec asks for more nodes
    /// than `inventory` has hosts: a run never goes on with fewer than asked without a word.
    public func checkNodes(against inventory: Inventory) throws {
        guard let nodes = database.nodes, nodes > inventory.hosts.count else { return }
        throw InputFileError(file: file, line: database.nodesLine,
                             message: "`nodes: \(nodes)` but the inventory \(inventory.source) has \(inventory.hosts.count) host\(inventory.hosts.count == 1 ? "" : "s"); expected at most \(inventory.hosts.count) nodes, or an inventory with more hosts")
    }
}
