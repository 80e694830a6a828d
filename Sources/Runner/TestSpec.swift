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
        /// `etcd`.
        public var kind: String
        /// How many hosts of the inventory the cluster uses; nil: all of them.
        public var nodes: Int?
        /// The spec's line of `nodes`, for errors.
        public var nodesLine: Int? = nil
        /// Tuning and flags, passed to the database as text (`election-timeout: 1000`).
        public var parameters: [String: String]
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
    public var timeLimit: Duration
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

        guard let dbNode = top["database"] else { throw yaml.error(root, "missing `database`: a mapping with `kind`") }
        let db = try yaml.mapping(dbNode, "`database`: a mapping with `kind`, optional `nodes` and `parameters`")
        try yaml.rejectUnknown(dbNode, allowed: ["kind", "nodes", "parameters"], in: "`database`")
        let kinds = DatabaseCatalog.kinds.joined(separator: " or ")
        let kind = try yaml.string(db["kind"], in: dbNode, "`kind`: the database (\(kinds))")
        guard DatabaseCatalog.kinds.contains(kind) else { throw yaml.error(db["kind"]!, "expected `kind` to be \(kinds), got `\(kind)`") }
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
            if let descriptor = DatabaseCatalog.kind(named: kind) {
                do { try descriptor.checkParameters(parameters) } catch let error as ClusterError {
                    guard case .invalidConfiguration(let reason) = error else { throw error }
                    // The line of the parameter the reason names, else of `parameters`.
                    let named = try yaml.mapping(p, "`parameters`").first { reason.contains("`\($0.key)`") }?.value
                    throw yaml.error(named ?? p, reason)
                }
            }
        }
        let database = DatabaseSection(
            kind: kind, nodes: try yaml.integer(db["nodes"], in: dbNode, "`nodes`: 1 to 15", range: 1...15),
            nodesLine: db["nodes"]?.mark?.line, parameters: parameters)

        guard let wNode = top["workload"] else { throw yaml.error(root, "missing `workload`: a mapping with `kind`") }
        let w = try yaml.mapping(wNode, "`workload`: a mapping with `kind`")
        let workload = WorkloadSection(
            kind: try yaml.string(w["kind"], in: wNode, "`kind`: the workload (register, set or lock)"),
            node: wNode, reader: yaml)
        if let k = WorkloadSpec.Kind(rawValue: workload.kind), !DatabaseCatalog.workloads(of: kind).contains(k) {
            throw yaml.error(w["kind"]!, "expected a workload \(kind) can run (\(DatabaseCatalog.workloads(of: kind).map(\.rawValue).sorted().joined(separator: ", "))), got `\(workload.kind)`")
        }
        if let r = w["read-path"], let path = r.scalar.flatMap({ WorkloadSpec.ReadPath(rawValue: $0.string) }),
           let descriptor = DatabaseCatalog.kind(named: kind), !descriptor.readPaths.contains(path) {
            throw yaml.error(r, "expected a read path \(kind) has (\(descriptor.readPaths.map(\.rawValue).sorted().joined(separator: ", "))), got `\(path.rawValue)`")
        }

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
            timeLimit: try yaml.duration(top["time-limit"], "`time-limit`") ?? .seconds(60),
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
