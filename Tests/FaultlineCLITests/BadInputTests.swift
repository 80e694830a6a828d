import Foundation
import Testing

/// Bad input is refused when it is read: exit 254, the file and line (or the option), what was
/// expected, nothing stored and nothing echoed raw to the terminal.
@Suite struct BadInputTests {
    static func spec(_ text: String) throws -> String { try CheckCommandTests.temp("spec.yml", text) }

    /// Loopback addresses on a port nothing listens on: should a case get past reading by
    /// mistake, its connections are refused on this machine and go nowhere else.
    static let threeHosts = """
        defaults: {port: 1, key: /nonexistent/key, connect_timeout: 1s}
        hosts:
          - {name: n1, address: 127.0.0.1}
          - {name: n2, address: 127.0.0.2}
          - {name: n3, address: 127.0.0.3}

        """

    /// Runs `faultline run` with an inventory of hosts that do not exist (nothing may be reached:
    /// every case here must stop before connecting) and a reports directory of its own.
    static func run(_ spec: String, _ extra: [String] = [], inventory: String = threeHosts) throws -> (CheckCommandTests.Run, String) {
        let hosts = try CheckCommandTests.temp("hosts.yml", inventory)
        let reports = (hosts as NSString).deletingLastPathComponent + "/reports"
        let r = try CheckCommandTests.faultline(["run", spec, "--hosts", hosts, "--reports", reports] + extra)
        return (r, reports)
    }

    @Test func reportsThatIsAFileIsBadInputNamedPlainly() throws {
        let file = try CheckCommandTests.temp("not-a-dir", "x")
        for reports in [file, file + "/sub"] {
            let r = try CheckCommandTests.faultline(["run", "workloads/etcd-register.yml", "--hosts", "/nonexistent.yml", "--reports", reports])
            #expect(r.status == 254, "\(r.stderr)")
            #expect(r.stderr.contains("--reports \(reports):"))
            #expect(r.stderr.contains("is a file"))
            #expect(!r.stderr.contains("NSCocoaErrorDomain"))
        }
    }

    @Test func aParameterWithShellSyntaxIsRefusedAtReadingWithItsLine() throws {
        let path = try Self.spec("""
            name: p
            database:
              kind: etcd
              parameters:
                heartbeat-interval: 100
                election-timeout: "1000; touch x"
            workload: {kind: register}

            """)
        let (r, reports) = try Self.run(path)
        #expect(r.status == 254, "\(r.stderr)")
        #expect(r.stderr.contains("\(path):6: expected parameter `election-timeout` to be a plain value, found `;`"))
        #expect(!FileManager.default.fileExists(atPath: reports + "/p"), "no run is stored for a spec that cannot be read")
        // The database's own rules are applied when reading too, at the parameter's line.
        let ratio = try Self.spec("name: p\ndatabase:\n  kind: raftkv\n  parameters:\n    bug: nope\nworkload: {kind: register}\n")
        let (r2, _) = try Self.run(ratio)
        #expect(r2.status == 254)
        #expect(r2.stderr.contains("\(ratio):5: raftkv parameter `bug`: expected one of"))
    }

    @Test func twoHostsWithOneAddressAreRefusedByTheInventory() throws {
        let (r, _) = try Self.run("workloads/etcd-register.yml", inventory: """
            hosts:
              - {name: a, address: 127.0.0.1, port: 1}
              - {name: b, address: 127.0.0.1, port: 1}

            """)
        #expect(r.status == 254)
        #expect(r.stderr.contains("hosts.yml:3: host `b` has the address 127.0.0.1 of host `a` (line 2)"))
    }

    @Test func moreNodesThanHostsIsRefusedNotRunOnFewer() throws {
        let path = try Self.spec("name: n\ndatabase:\n  kind: etcd\n  nodes: 5\nworkload: {kind: register}\n")
        let (r, _) = try Self.run(path)
        #expect(r.status == 254, "\(r.stderr)")
        #expect(r.stderr.contains("\(path):4: `nodes: 5` but the inventory"))
        #expect(r.stderr.contains("has 3 hosts"))
    }

    @Test func zeroTimeLimitAndNegativeSeedNameTheOption() throws {
        let (zero, _) = try Self.run("workloads/etcd-register.yml", ["--time-limit", "0s"])
        #expect(zero.status == 254)
        #expect(zero.stderr.contains("--time-limit: expected a duration above zero"))
        #expect(!zero.stderr.contains("workload"))
        let (seed, _) = try Self.run("workloads/etcd-register.yml", ["--seed", "-1"])
        #expect(seed.status == 254)
        #expect(seed.stderr.contains("The value '-1' is invalid for '--seed"))
        #expect(!seed.stderr.contains("Missing value"))
    }

    @Test func aDuplicateKeyIsNamedWithItsLineWithoutEchoingTheFile() throws {
        let path = try Self.spec("name: d\ndatabase: {kind: etcd}\nworkload:\n  kind: register\n  keys: 3\n  keys: 4\n")
        let (r, _) = try Self.run(path)
        #expect(r.status == 254)
        #expect(r.stderr.contains("\(path):6: field `keys` is given twice"))
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
    }

    @Test func aMissingSpecOrADirectorySaysWhy() throws {
        let (missing, _) = try Self.run("/nonexistent/spec.yml")
        #expect(missing.status == 254)
        #expect(missing.stderr.contains("/nonexistent/spec.yml: cannot read the spec file: no such file"))
        let (directory, _) = try Self.run("workloads")
        #expect(directory.status == 254)
        #expect(directory.stderr.contains("workloads: cannot read the spec file: it is a directory"))
        let notText = try Self.spec("")
        try Data([0x6E, 0x61, 0x6D, 0x65, 0x3A, 0x20, 0x0A, 0xFF, 0x0A]).write(to: URL(fileURLWithPath: notText))
        let (binary, _) = try Self.run(notText)
        #expect(binary.status == 254)
        #expect(binary.stderr.contains("\(notText):2: the spec file is not UTF-8 text"))
    }

    @Test func escapeSequencesInASpecAreNotEchoedRaw() throws {
        let path = try Self.spec("name: \"a\\e]0;pwned\\a\"\ndatabase: {kind: etcd}\nworkload: {kind: register}\n")
        let (r, _) = try Self.run(path)
        #expect(r.status == 254)
        #expect(!r.stderr.contains("\u{1B}"))
        #expect(!r.stderr.contains("\u{07}"))
        #expect(r.stderr.contains("a\\u{1B}]0;pwned\\u{7}"))
    }

    @Test func helpTextsSayWhatTheyMean() throws {
        let check = try CheckCommandTests.faultline(["check", "--help"])
        #expect(check.stdout.contains("(default: 8G)"))
        #expect(!check.stdout.contains("ByteSizeArgument"))
        let run = try CheckCommandTests.faultline(["run", "--help"])
        let text = run.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("255 the run could not be carried out"), "\(text)")
    }
}

/// A spec naming a database definition: the definition's faults are named in the definition's
/// file and line, and a spec asking more of the definition than it offers at the spec's line.
@Suite struct DefinitionBadInputTests {
    static let definition = """
        name: kv
        binary: /usr/bin/true
        ports: {api: 8001}
        start:
          arguments: ["--dir={{data}}", "--listen={{address}}:{{ports.api}}"]
        leader: {http: "http://{{address}}:{{ports.api}}/leader", pattern: '(\\S+)'}
        client:
          adapter: [python3, kv.py]
          workloads: {register: [read, write]}

        """

    /// Writes the definition and a spec naming it into one folder; returns the spec's path.
    static func files(definition: String = definition, workload: String = "{kind: register, mix: {read: 1, write: 1}}",
                      parameters: String = "") throws -> (spec: String, definition: String) {
        let spec = try CheckCommandTests.temp("spec.yml", """
            name: defined
            database:
              definition: kv.yml
              nodes: 3\(parameters)
            workload: \(workload)

            """)
        let def = (spec as NSString).deletingLastPathComponent + "/kv.yml"
        try definition.write(toFile: def, atomically: true, encoding: .utf8)
        return (spec, def)
    }

    @Test func aBrokenDefinitionIsNamedAtItsLineAndNothingIsStored() throws {
        let (spec, def) = try Self.files(definition: Self.definition.replacingOccurrences(of: "{{ports.api}}/leader", with: "{{ports.apu}}/leader"))
        let (r, reports) = try BadInputTests.run(spec)
        #expect(r.status == 254, "\(r.stderr)")
        #expect(r.stderr.contains("\(def):6: unknown variable `{{ports.apu}}`"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: reports + "/defined"))
    }

    @Test func aMissingDefinitionIsNamedAtTheSpecsLine() throws {
        let (spec, def) = try Self.files()
        try FileManager.default.removeItem(atPath: def)
        let (r, _) = try BadInputTests.run(spec)
        #expect(r.status == 254)
        #expect(r.stderr.contains("\(spec):3: expected `definition` to name a database definition file; \(def) does not exist"), "\(r.stderr)")
    }

    @Test func aSpecAskingWhatTheDefinitionLacksIsRefusedAtItsLine() throws {
        // The default mix has cas, which this definition's client does not offer.
        let (cas, _) = try Self.files(workload: "{kind: register}")
        let (r1, _) = try BadInputTests.run(cas)
        #expect(r1.status == 254)
        #expect(r1.stderr.contains("\(cas):5:") && r1.stderr.contains("cas") && r1.stderr.contains("mix: {read: 1, write: 1}"), "\(r1.stderr)")
        let (set, _) = try Self.files(workload: "{kind: set}")
        let (r2, _) = try BadInputTests.run(set)
        #expect(r2.status == 254)
        #expect(r2.stderr.contains("\(set):5:") && r2.stderr.contains("set"), "\(r2.stderr)")
        let (param, _) = try Self.files(parameters: "\n  parameters: {election: 100}")
        let (r3, _) = try BadInputTests.run(param)
        #expect(r3.status == 254)
        #expect(r3.stderr.contains("\(param):5:") && r3.stderr.contains("election"), "\(r3.stderr)")
    }
}
