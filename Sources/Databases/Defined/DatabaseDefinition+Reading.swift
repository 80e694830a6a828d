import Foundation
import SpecFiles
import Workload
import Yams

extension DatabaseDefinition {
    /// Reads and checks a definition file. Errors are `InputFileError`s naming file, line and
    /// what was expected; nothing on any host is touched.
    public static func load(path: String) throws -> DatabaseDefinition {
        try parse(try InputFileText.read(path: path, what: "database definition"), file: path)
    }

    static let topFields: Set<String> = ["name", "binary", "version", "ports", "parameters", "peers", "files", "start",
                                         "ready", "leader", "wipe", "logs", "clock", "client", "membership"]
    /// The variables every template may use; `ports.`, `parameters.` and `peers.` names come from
    /// the definition.
    static let nodeVariables: Set<String> = ["name", "address", "index", "nodes", "dir", "data", "log", "binary"]
    /// The operations each workload's generator asks for.
    static let workloadOperations: [WorkloadSpec.Kind: Set<String>] = [
        .register: ["read", "write", "cas"], .set: ["add", "read"], .lock: ["acquire", "release"],
        .listAppend: ["txn"], .rwRegister: ["txn"],
    ]

    /// Reads definition text; `file` names it in errors, and its folder resolves relative paths.
    public static func parse(_ text: String, file: String) throws -> DatabaseDefinition {
        let yaml = YAMLReader(file: file, directory: (file as NSString).deletingLastPathComponent)
        let root = try yaml.root(text, expected: "a database definition: a mapping with `name`, `binary`, `start`, `leader` and `client`")
        let top = try yaml.mapping(root, "a database definition: a mapping with `name`, `binary`, `start`, `leader` and `client`")
        try yaml.rejectUnknown(root, allowed: topFields, in: "the definition")
        var reader = DefinitionReader(yaml: yaml)

        let name = try yaml.string(top["name"], in: root, "`name`: the database's name")
        guard name.range(of: #"^[A-Za-z0-9][A-Za-z0-9._-]*$"#, options: .regularExpression) != nil else {
            throw yaml.error(top["name"]!, "expected `name` made of letters, digits, '.', '_' or '-', got `\(name)`")
        }

        // Names first: every template below is checked against them.
        var ports: [String: Int] = [:]
        if let p = top["ports"] {
            for (key, value) in try yaml.mapping(p, "`ports`: a mapping of port names to numbers") {
                guard let n = value.scalar.flatMap({ Int($0.string) }), (1...65535).contains(n) else {
                    throw yaml.error(value, "expected port `\(key)` to be a number from 1 to 65535")
                }
                ports[key] = n
            }
        }
        var parameters: [String: String] = [:]
        if let p = top["parameters"] {
            for (key, value) in try yaml.mapping(p, "`parameters`: a mapping of parameter names to default values") {
                guard let v = value.scalar?.string else { throw yaml.error(value, "expected parameter `\(key)`'s default to be a single value") }
                parameters[key] = v
            }
        }
        var peerNames: Set<String> = []
        if let p = top["peers"] { peerNames = Set(try yaml.mapping(p, "`peers`: a mapping of list names to `{each, separator, of}`").keys) }
        reader.allowed = nodeVariables.union(ports.keys.map { "ports." + $0 }).union(parameters.keys.map { "parameters." + $0 })

        var peers: [String: PeerList] = [:]
        if let p = top["peers"] {
            for (key, value) in try yaml.mapping(p, "`peers`") {
                let fields = try yaml.mapping(value, "peer list `\(key)`: a mapping with `each`, optional `separator` and `of`")
                try yaml.rejectUnknown(value, allowed: ["each", "separator", "of"], in: "peer list `\(key)`")
                var of = PeerList.Members.all
                if let o = fields["of"] {
                    guard let m = o.scalar.flatMap({ PeerList.Members(rawValue: $0.string) }) else {
                        throw yaml.error(o, "expected `of` to be \(PeerList.Members.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    of = m
                }
                peers[key] = PeerList(each: try reader.template(fields["each"], in: value, "`each`: the text for one peer"),
                                      separator: fields["separator"]?.scalar?.string ?? ",", of: of)
            }
        }
        reader.allowed.formUnion(peerNames.map { "peers." + $0 })

        guard let b = top["binary"] else { throw yaml.error(root, "missing `binary`: the program's absolute path on the hosts, or `{upload: FILE}`") }
        let binary: Binary
        if let path = b.scalar?.string {
            guard path.hasPrefix("/") else { throw yaml.error(b, "expected `binary` to be an absolute path on the hosts, or `{upload: FILE}`, got `\(path)`") }
            binary = .onHost(path)
        } else {
            let fields = try yaml.mapping(b, "`binary`: an absolute path, or `{upload: FILE}`")
            try yaml.rejectUnknown(b, allowed: ["upload"], in: "`binary`")
            binary = .upload(localPath: yaml.path(try yaml.string(fields["upload"], in: b, "`upload`: a file on this machine to copy to each host")))
        }

        var versionCommand: DefinitionTemplate?
        var versionPattern: String?
        if let v = top["version"] {
            if v.scalar != nil {
                versionCommand = try reader.template(v, in: root, "`version`: a command printing the version")
            } else {
                let fields = try yaml.mapping(v, "`version`: a command, or `{command, pattern}`")
                try yaml.rejectUnknown(v, allowed: ["command", "pattern"], in: "`version`")
                versionCommand = try reader.template(fields["command"], in: v, "`command`: printing the version")
                versionPattern = try fields["pattern"].map { try reader.pattern($0) }
            }
        }

        var files: [ConfigFile] = []
        if let f = top["files"] {
            guard let items = f.sequence else { throw yaml.error(f, "expected `files` to be a list of `{path, content}`") }
            for item in items {
                let fields = try yaml.mapping(item, "a file: `{path, content}`")
                try yaml.rejectUnknown(item, allowed: ["path", "content"], in: "a file")
                files.append(ConfigFile(path: try reader.template(fields["path"], in: item, "`path`: where in the node's folder"),
                                        content: try reader.template(fields["content"], in: item, "`content`: the file's text", allowEmpty: true)))
            }
        }

        guard let s = top["start"] else { throw yaml.error(root, "missing `start`: a mapping with `arguments`") }
        let start = try yaml.mapping(s, "`start`: a mapping with `arguments`, optional `environment`, `stop-grace` and `ready-timeout`")
        try yaml.rejectUnknown(s, allowed: ["arguments", "environment", "stop-grace", "ready-timeout"], in: "`start`")
        guard let a = start["arguments"], let items = a.sequence else {
            throw yaml.error(start["arguments"] ?? s, "expected `arguments`: a list of the program's arguments")
        }
        var arguments: [Argument] = []
        for item in items {
            if item.scalar != nil {
                arguments.append(.always(try reader.template(item, in: a, "an argument", allowEmpty: true)))
                continue
            }
            let groups = "`{first: [...]}`, `{others: [...]}`, `{founding: [...]}` or `{joining: [...]}`"
            let fields = try yaml.mapping(item, "an argument, or a group: \(groups)")
            try yaml.rejectUnknown(item, allowed: ["first", "others", "founding", "joining"], in: "an argument group")
            guard fields.count == 1, let (which, list) = fields.first, let group = list.sequence else {
                throw yaml.error(item, "expected one group of arguments: \(groups)")
            }
            let templates = try group.map { try reader.template($0, in: list, "an argument", allowEmpty: true) }
            switch which {
            case "first": arguments.append(.firstOnly(templates))
            case "others": arguments.append(.othersOnly(templates))
            case "founding": arguments.append(.foundingOnly(templates))
            default: arguments.append(.joiningOnly(templates))
            }
        }
        // Hosts of the local lab share one process table: an argument naming the node's folder
        // tells the nodes' processes apart (`RemoteDaemon.marker`).
        let namesFolder = arguments.contains { argument in
            guard case .always(let t) = argument else { return false }
            return t.variables.contains { ["dir", "data", "log"].contains($0) }
        }
        guard namesFolder else {
            throw yaml.error(a, "expected an argument (given to every node) that names the node's folder with `{{dir}}`, `{{data}}` or `{{log}}`: Faultline tells the nodes' processes apart by it")
        }
        var environment: [String: DefinitionTemplate] = [:]
        if let e = start["environment"] {
            for (key, value) in try yaml.mapping(e, "`environment`: a mapping of variable names to values") {
                environment[key] = try reader.template(value, in: e, "the value of `\(key)`", allowEmpty: true)
            }
        }
        let stopGrace = try yaml.duration(start["stop-grace"], "`stop-grace`", allowZero: true)
        let readyTimeout = try yaml.duration(start["ready-timeout"], "`ready-timeout`")

        // A node is asked on its own, without the cluster: its queries cannot name peer lists.
        var nodeReader = reader
        nodeReader.allowed = reader.allowed.filter { !$0.hasPrefix("peers.") }
        let ready = try top["ready"].map { try nodeReader.query($0, "`ready`") }
        guard let l = top["leader"] else {
            throw yaml.error(root, "missing `leader`: `{command or http, json or pattern, means}` telling who leads")
        }
        let leaderFields = try yaml.mapping(l, "`leader`: `{command or http, json or pattern, means}`")
        try yaml.rejectUnknown(l, allowed: ["command", "http", "json", "pattern", "means"], in: "`leader`")
        var meaning = LeaderQuery.Meaning.leader
        if let m = leaderFields["means"] {
            guard let v = m.scalar.flatMap({ LeaderQuery.Meaning(rawValue: $0.string) }) else {
                throw yaml.error(m, "expected `means` to be leader (the value names the leader) or is-leader (the value says whether the node asked leads)")
            }
            meaning = v
        }
        let leader = LeaderQuery(query: try nodeReader.query(l, "`leader`"), extraction: try reader.extraction(leaderFields, in: l),
                                 meaning: meaning)

        let wipe = try reader.templates(top["wipe"], "`wipe`: a list of paths")
        let logs = try reader.templates(top["logs"], "`logs`: a list of paths")

        var clock: ClockSection?
        if let c = top["clock"] {
            let fields = try yaml.mapping(c, "`clock`: `{faketime, read}`")
            try yaml.rejectUnknown(c, allowed: ["faketime", "read"], in: "`clock`")
            var section = ClockSection(faketime: try yaml.boolean(fields["faketime"], "`faketime`: true or false") ?? false,
                                       read: nil, readExtraction: .whole)
            if let r = fields["read"] {
                section.read = try nodeReader.query(r, "`read`")
                section.readExtraction = try reader.extraction(try yaml.mapping(r, "`read`"), in: r)
            }
            clock = section
        }

        guard let cNode = top["client"] else { throw yaml.error(root, "missing `client`: a mapping with `adapter` and `workloads`") }
        let c = try yaml.mapping(cNode, "`client`: a mapping with `adapter` and `workloads`")
        try yaml.rejectUnknown(cNode, allowed: ["adapter", "address", "workloads", "read-paths"], in: "`client`")
        guard let ad = c["adapter"] else { throw yaml.error(cNode, "missing `adapter`: the adapter's command line, e.g. [python3, adapters/kv.py]") }
        let adapter: [String]
        if let line = ad.scalar?.string {
            adapter = line.split(separator: " ").map(String.init)
        } else {
            guard let items = ad.sequence, !items.isEmpty else { throw yaml.error(ad, "expected `adapter` to be a command line (a list of words)") }
            adapter = try items.map {
                guard let word = $0.scalar?.string else { throw yaml.error($0, "expected a word of the adapter's command line") }
                return word
            }
        }
        guard !adapter.isEmpty else { throw yaml.error(ad, "expected `adapter` to name a program") }
        let address = try c["address"].map { try reader.template($0, in: cNode, "`address`") } ?? DefinitionTemplate("{{address}}")
        guard let wl = c["workloads"] else { throw yaml.error(cNode, "missing `workloads`: e.g. `{register: [read, write]}` or `[register, set]`") }
        var operations: [WorkloadSpec.Kind: Set<String>] = [:]
        func kind(_ node: Node) throws -> WorkloadSpec.Kind {
            guard let k = node.scalar.flatMap({ WorkloadSpec.Kind(rawValue: $0.string) }) else {
                throw yaml.error(node, "expected a workload (\(WorkloadSpec.Kind.allCases.map(\.rawValue).joined(separator: ", "))), got `\(node.scalar?.string ?? "a non-scalar")`")
            }
            return k
        }
        if let list = wl.sequence {
            for item in list { let k = try kind(item); operations[k] = workloadOperations[k] }
        } else if let mapping = wl.mapping {
            for (key, value) in mapping {
                let k = try kind(key)
                let all = workloadOperations[k] ?? []
                guard let ops = value.sequence else { operations[k] = all; continue }
                var chosen: Set<String> = []
                for op in ops {
                    guard let f = op.scalar?.string, all.contains(f) else {
                        throw yaml.error(op, "expected an operation of the \(k.rawValue) workload (\(all.sorted().joined(separator: ", "))), got `\(op.scalar?.string ?? "a non-scalar")`")
                    }
                    chosen.insert(f)
                }
                operations[k] = chosen
            }
        } else {
            throw yaml.error(wl, "expected `workloads` to be a list of workloads or a mapping of workloads to operations")
        }
        guard !operations.isEmpty else { throw yaml.error(wl, "expected at least one workload") }
        var readPaths: [WorkloadSpec.ReadPath] = [.linearizable]
        if let rp = c["read-paths"] {
            guard let items = rp.sequence, !items.isEmpty else { throw yaml.error(rp, "expected `read-paths` to be a list of read paths") }
            readPaths = try items.map {
                guard let p = $0.scalar.flatMap({ WorkloadSpec.ReadPath(rawValue: $0.string) }) else {
                    throw yaml.error($0, "expected a read path's name (a lowercase letter, then letters, digits and -)")
                }
                return p
            }
        }

        let membership = try top["membership"].map { try Self.membership($0, reader: nodeReader) }

        return DatabaseDefinition(
            name: name, file: file, directory: yaml.directory, text: text, binary: binary, versionCommand: versionCommand,
            versionPattern: versionPattern, ports: ports, parameters: parameters, peers: peers, files: files,
            arguments: arguments, environment: environment, ready: ready, leader: leader, stopGrace: stopGrace,
            readyTimeout: readyTimeout, wipe: wipe,
            logs: logs, clock: clock,
            client: ClientSection(adapter: adapter, address: address, workloads: Set(operations.keys), operations: operations,
                                  readPaths: Set(readPaths), defaultReadPath: readPaths[0]),
            membership: membership)
    }

    /// The `membership` section; `reader` allows a node's own variables (no peer lists).
    static func membership(_ node: Node, reader: DefinitionReader) throws -> MembershipSection {
        let yaml = reader.yaml
        let fields = try yaml.mapping(node, "`membership`: a mapping with `members`, `add` and `remove`")
        try yaml.rejectUnknown(node, allowed: ["members", "add", "remove"], in: "`membership`")
        guard let m = fields["members"] else {
            throw yaml.error(node, "missing `members`: `{command or http, pattern}` listing the members, one per matching line")
        }
        let list = try yaml.mapping(m, "`members`: `{command or http, pattern}`")
        try yaml.rejectUnknown(m, allowed: ["command", "http", "pattern"], in: "`members`")
        guard let p = list["pattern"] else {
            throw yaml.error(m, "missing `pattern`: a regular expression matching a member's line, with a group `(?<member>…)` naming its node")
        }
        let pattern = try reader.pattern(p)
        guard pattern.contains("(?<member>") else {
            throw yaml.error(p, "expected `pattern` to have a group `(?<member>…)` naming the member's node (name, address or URL)")
        }
        var changing = reader
        changing.allowed.formUnion(["member.name", "member.address"])
        let add = try changing.template(fields["add"], in: node, "`add`: a command adding `{{member.name}}` through this member")
        changing.allowed.insert("member.id")
        let remove = try changing.template(fields["remove"], in: node, "`remove`: a command removing `{{member.name}}` (or `{{member.id}}`) through this member")
        if remove.variables.contains("member.id"), !pattern.contains("(?<id>") {
            throw yaml.error(fields["remove"]!, "`remove` uses `{{member.id}}`, but `members`' pattern has no group `(?<id>…)`")
        }
        return MembershipSection(members: try reader.query(m, "`members`"), pattern: pattern, add: add, remove: remove)
    }
}

/// Reads the definition's templates, queries and extractions, checking each template's
/// variables against `allowed`.
struct DefinitionReader {
    let yaml: YAMLReader
    var allowed: Set<String> = []

    func template(_ node: Node?, in parent: Node, _ expected: String, allowEmpty: Bool = false) throws -> DefinitionTemplate {
        guard let node else { throw yaml.error(parent, "missing \(expected)") }
        guard let text = node.scalar?.string, allowEmpty || !text.isEmpty else { throw yaml.error(node, "expected \(expected)") }
        let template: DefinitionTemplate
        do { template = try DefinitionTemplate(text) } catch { throw yaml.error(node, error.message) }
        if let unknown = template.variables.first(where: { !allowed.contains($0) }) {
            throw yaml.error(node, "unknown variable `{{\(unknown)}}`; expected one of \(allowed.sorted().joined(separator: ", "))")
        }
        return template
    }

    func templates(_ node: Node?, _ expected: String) throws -> [DefinitionTemplate] {
        guard let node else { return [] }
        guard let items = node.sequence else { throw yaml.error(node, "expected \(expected)") }
        return try items.map { try template($0, in: node, "a path") }
    }

    /// `{command: …}` or `{http: …}` in the mapping `node`.
    func query(_ node: Node, _ field: String) throws -> DatabaseDefinition.Query {
        let fields = try yaml.mapping(node, "\(field): a mapping with `command` or `http`")
        switch (fields["command"], fields["http"]) {
        case (let c?, nil): return .command(try template(c, in: node, "`command`: a shell command"))
        case (nil, let h?): return .http(try template(h, in: node, "`http`: a URL"))
        default: throw yaml.error(node, "expected \(field) to have one of `command` (a shell command) or `http` (a URL to GET)")
        }
    }

    func extraction(_ fields: YAMLReader.Fields, in node: Node) throws -> DatabaseDefinition.Extraction {
        switch (fields["json"], fields["pattern"]) {
        case (nil, nil): return .whole
        case (let j?, nil):
            guard let pointer = j.scalar?.string, pointer.isEmpty || pointer.hasPrefix("/") else {
                throw yaml.error(j, "expected `json` to be a JSON pointer such as /leader")
            }
            return .jsonPointer(pointer)
        case (nil, let p?): return .pattern(try pattern(p))
        default: throw yaml.error(node, "expected one of `json` (a JSON pointer) or `pattern` (a regular expression), not both")
        }
    }

    func pattern(_ node: Node) throws -> String {
        guard let text = node.scalar?.string, (try? NSRegularExpression(pattern: text)) != nil else {
            throw yaml.error(node, "expected a regular expression, got `\(node.scalar?.string ?? "a non-scalar")`")
        }
        return text
    }
}
