import Databases
import Nemesis
import Foundation
import RunRecord
import SpecFiles
import Testing
@testable import Runner

@Suite struct TestSpecTests {
    let good = """
        name: etcd-register
        database:
          kind: etcd
          nodes: 3
          parameters:
            election-timeout: 1000
            heartbeat-interval: 100
        workload:
          kind: register
          concurrency: 10
        time-limit: 20s
        seed: 42
        checker:
          timeout: 30s
        """

    @Test func readsEveryField() throws {
        let spec = try TestSpec.parse(good, file: "w.yml")
        #expect(spec.name == "etcd-register")
        #expect(spec.database.kind == "etcd")
        #expect(spec.database.nodes == 3)
        #expect(spec.database.parameters == ["election-timeout": "1000", "heartbeat-interval": "100"])
        #expect(spec.workload.kind == "register")
        #expect(spec.timeLimit == .seconds(20))
        #expect(spec.seed == 42)
        #expect(spec.checker.timeout == .seconds(30))
    }

    @Test func nemesisSection() throws {
        let spec = try TestSpec.parse(good + """

            nemesis:
              faults: [partition-leader, kill, pause]
              targets: [one, leader]
              interval: 3s
              jitter: 0
              duration: 4s
            """, file: "w.yml")
        let n = try #require(spec.nemesis)
        #expect(n.faults == [.partitionLeader, .kill, .pause])
        #expect(n.targets == [.one, .leader])
        #expect(n.interval == .seconds(3) && n.jitter == .zero && n.duration == .seconds(4))
    }

    /// The kinds a spec may name are the registered descriptors, each with its own workloads.
    @Test func databaseKindsAreTheCatalogs() throws {
        #expect(DatabaseCatalog.kinds == ["etcd", "raftkv"])
        #expect(Set(DatabaseCatalog.kinds).count == DatabaseCatalog.registered.count)
        #expect(DatabaseCatalog.workloads(of: "raftkv") == [.register, .set, .listAppend, .rwRegister])
        #expect(DatabaseCatalog.workloads(of: "nope").isEmpty)
        let error = #expect(throws: InputFileError.self) {
            try TestSpec.parse("name: a\ndatabase: {kind: mongo}\nworkload: {kind: register}\n", file: "w.yml")
        }
        #expect(error?.message == "expected `kind` to be etcd or raftkv, got `mongo`")
        let lock = #expect(throws: InputFileError.self) {
            try TestSpec.parse("name: a\ndatabase: {kind: raftkv}\nworkload: {kind: lock}\n", file: "w.yml")
        }
        #expect(lock?.message.contains("expected a workload raftkv can run (list-append, register, rw-register, set)") == true)
    }

    /// A read path the database offers is read; one it lacks is refused at its line.
    @Test func readPaths() throws {
        let etcd = try TestSpec.parse("name: a\ndatabase: {kind: etcd}\nworkload:\n  kind: register\n  read-path: serializable\n", file: "w.yml")
        #expect(try etcd.workload.workloadSpec(timeLimit: .seconds(5)).readPath == .serializable)
        let raftkv = #expect(throws: InputFileError.self) {
            try TestSpec.parse("name: a\ndatabase: {kind: raftkv}\nworkload:\n  kind: register\n  read-path: serializable\n", file: "w.yml")
        }
        #expect(raftkv?.line == 5)
        #expect(raftkv?.message == "expected a read path raftkv has (linearizable), got `serializable`")
        // The workload's own fields are checked when the spec is read, at their line.
        let stale = #expect(throws: InputFileError.self) {
            try TestSpec.parse("name: a\ndatabase: {kind: etcd}\nworkload:\n  kind: register\n  read-path: stale\n", file: "w.yml")
        }
        #expect(stale?.line == 5 && stale?.message == "expected a read path etcd has (linearizable, serializable), got `stale`")
        let notAName = #expect(throws: InputFileError.self) {
            try TestSpec.parse("name: a\ndatabase: {kind: etcd}\nworkload:\n  kind: register\n  read-path: Sync!\n", file: "w.yml")
        }
        #expect(notAName?.line == 5 && notAName?.message == "expected `read-path` to be a read path's name (linearizable, serializable)")
    }

    /// A definition declares its own read paths: the first is the read path of a spec that names
    /// none, another is chosen by name, and one it does not list (`linearizable`) is refused.
    @Test func aDefinitionsOwnReadPaths() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("read-paths-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
            name: kv
            binary: /usr/bin/true
            ports: {api: 8001}
            start:
              arguments: ["--dir={{data}}"]
            leader: {http: "http://{{address}}:{{ports.api}}/leader", pattern: '(\\S+)'}
            client:
              adapter: [python3, kv.py]
              workloads: {register: [read, write]}
              read-paths: [plain, sync]

            """.write(toFile: dir + "/kv.yml", atomically: true, encoding: .utf8)
        func readPath(_ field: String) throws -> String {
            try TestSpec.parse("name: a\ndatabase: {definition: kv.yml}\nworkload:\n  kind: register\n  mix: {read: 1, write: 1}\n\(field)",
                               file: dir + "/w.yml").workloadSpec.readPath.rawValue
        }
        #expect(try readPath("") == "plain")
        #expect(try readPath("  read-path: sync\n") == "sync")
        let refused = #expect(throws: InputFileError.self) { try readPath("  read-path: linearizable\n") }
        #expect(refused?.line == 6 && refused?.message == "expected a read path kv has (plain, sync), got `linearizable`")
    }

    /// The reproduce command is shell-quoted and names the inventory only when one was given.
    @Test func reproduceCommand() {
        #expect(ReproduceCommand.text(spec: "workloads/a b.yml", hosts: "my hosts.yml", seed: 7, timeLimit: .seconds(20))
                == "faultline run 'workloads/a b.yml' --hosts 'my hosts.yml' --seed 7 --time-limit 20s")
        #expect(ReproduceCommand.text(spec: "w.yml", hosts: nil, seed: 1, timeLimit: .milliseconds(2500))
                == "faultline run w.yml --seed 1 --time-limit 2.5s")
    }

    /// Zero jitter is zero in every spelling; a zero interval is still refused.
    @Test func zeroJitterInAnyUnit() throws {
        for zero in ["0", "0s", "0ms"] {
            let spec = try TestSpec.parse(good + "\nnemesis: {faults: [pause], jitter: \(zero)}\n", file: "w.yml")
            #expect(spec.nemesis?.jitter == .zero, "\(zero)")
        }
        #expect(throws: InputFileError.self) { try TestSpec.parse(good + "\nnemesis: {faults: [pause], interval: 0s}\n", file: "w.yml") }
    }

    /// Every spec shipped in `workloads/` reads, with its workload, and names a known database
    /// (a built-in kind or a shipped definition).
    @Test func shippedSpecsRead() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = root.appendingPathComponent("workloads")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yml") }
        #expect(files.contains("raftkv-register-chaos.yml") && files.contains("etcd-register.yml"))
        for file in files {
            // Sweep specs are test specs with a `sweep` section the Sweep target reads.
            let path = dir.appendingPathComponent(file).path
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let spec = try TestSpec.parse(text, file: path, extraFields: text.contains("\nsweep:") ? ["sweep"] : [])
            _ = try spec.workload.workloadSpec(timeLimit: spec.timeLimit)
            // A built-in kind, or a definition shipped in databases/.
            #expect(DatabaseCatalog.kinds.contains(spec.database.kind)
                    || spec.database.definition.map { URL(fileURLWithPath: $0).standardized.path.hasPrefix(root.appendingPathComponent("databases").path) } == true, "\(file)")
            #expect(spec.name + ".yml" == file, "a spec's name is its file's")
        }
    }

    @Test func defaults() throws {
        let spec = try TestSpec.parse("name: t\ndatabase: {kind: etcd}\nworkload: {kind: set}\n", file: "w.yml")
        #expect(spec.timeLimit == .seconds(60))
        #expect(spec.seed == nil)
        #expect(spec.database.nodes == nil)
        #expect(spec.checker.timeout == .seconds(60))
    }

    @Test(arguments: [
        ("name: t\ndatabase: {kind: etcd}\nworkload: {kind: set}\ntime-limit: soon\n", 4, "time-limit"),
        ("name: t\ndatabase: {kind: mysql}\nworkload: {kind: set}\n", 2, "etcd"),
        ("name: t\ndatabase: {kind: etcd}\nworkload: {kind: set}\nsede: 3\n", 4, "unknown field `sede`"),
        ("name: t\ndatabase: {kind: etcd}\n", 1, "missing `workload`"),
        ("name: t\ndatabase:\n  kind: etcd\n  nodes: 99\nworkload: {kind: set}\n", 4, "`nodes`"),
        ("name: t\ndatabase: {kind: etcd}\nworkload: {kind: set}\nseed: -1\n", 4, "seed"),
        ("name: [t\n", 1, "not valid YAML"),
        ("name: t\ndatabase: {kind: etcd}\nworkload: {kind: set}\nnemesis:\n  faults: [kill, meteor]\n", 5, "unknown fault `meteor`"),
        ("name: t\ndatabase: {kind: etcd}\nworkload: {kind: set}\nnemesis:\n  faults: [kill]\n  loss: 2\n", 6, "`loss`"),
        ("name: t\ndatabase: {kind: raftkv}\nworkload:\n  kind: lock\n", 4, "raftkv can run (list-append, register, rw-register, set)"),
    ])
    func badSpecsNameTheLine(text: String, line: Int, words: String) {
        Self.expectRefused(text, line: line, words: words)
    }

    /// Expects `text` refused as `bad.yml`, at `line`, with a message containing `words`.
    static func expectRefused(_ text: String, line: Int, words: String) {
        do {
            _ = try TestSpec.parse(text, file: "bad.yml")
            Issue.record("parsed a bad spec")
        } catch let error as InputFileError {
            #expect(error.file == "bad.yml")
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains(words), "\(error)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
