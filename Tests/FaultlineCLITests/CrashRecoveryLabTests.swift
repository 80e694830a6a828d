import Databases
import Cluster
import Control
import Foundation
import LabHarness
import Nemesis
import RemoteCore
import RunRecord
import Testing

/// The controller killed outright (SIGKILL) at five moments of a run — during set-up, with a
/// partition, a pause or a kill in effect, and during tear-down — then a plain `faultline run` on
/// the same hosts, without `faultline heal`: the follow-up heals what was left first (and says
/// so), is valid, and leaves every host clean; the killed run is found and stored as crashed.
@Suite(.serialized,
       .enabled(if: LabHarness.available(requiring: ["/usr/bin/etcd", "/usr/bin/curl", "/usr/sbin/iptables"]),
                "needs root, namespaces, sshd, etcd, curl, iptables"),
       .timeLimit(.minutes(10)))
struct CrashRecoveryLabTests {
    static let config = LabHarness.config("fx", octet: 99, nodes: 3)

    enum Moment: String, CaseIterable, Sendable {
        case setUp = "set-up", partition, pause, kill, tearDown = "tear-down"

        /// The fault the spec injects (one kind per run, so the moment is unambiguous).
        var fault: String {
            switch self {
            case .pause: return "pause"
            case .kill: return "kill"
            default: return "partition-halves"
            }
        }
    }

    static func spec(_ moment: Moment, in dir: String) throws -> String {
        let path = dir + "/crash-\(moment.rawValue).yml"
        try """
            name: crash-\(moment.rawValue)
            database:
              kind: etcd
              nodes: 3
              parameters: {election-timeout: 500, heartbeat-interval: 50}
            workload: {kind: register, concurrency: 5, keys: 3, op-timeout: 1s, quiet-period: 1s}
            nemesis: {faults: [\(moment.fault)], targets: [one], interval: 1s, jitter: 0, duration: 60s}
            time-limit: 30s

            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A `faultline run` in the background, its output going to files the test reads as it runs.
    struct Controller {
        var process: Process
        var stdout: String
        var stderr: String

        static func start(_ args: [String], in dir: String, name: String) throws -> Controller {
            let p = Process()
            p.executableURL = CheckCommandTests.root.appendingPathComponent(".build/debug/faultline")
            p.arguments = args
            p.currentDirectoryURL = CheckCommandTests.root
            let out = dir + "/\(name).out", err = dir + "/\(name).err"
            FileManager.default.createFile(atPath: out, contents: nil)
            FileManager.default.createFile(atPath: err, contents: nil)
            p.standardOutput = FileHandle(forWritingAtPath: out)
            p.standardError = FileHandle(forWritingAtPath: err)
            try p.run()
            return Controller(process: p, stdout: out, stderr: err)
        }

        func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

        /// Waits until `condition` holds (polling every 50 ms) or `limit` passes; false then.
        func wait(upTo limit: Duration, every pause: Duration = .milliseconds(50), until condition: () -> Bool) async -> Bool {
            let end = ContinuousClock.now + limit
            while ContinuousClock.now < end {
                if condition() { return true }
                if !process.isRunning { return condition() }
                try? await Task.sleep(for: pause)
            }
            return false
        }

        func sigkill() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// The history file of the one run stored under `reports/<test>`, once it exists.
    static func history(reports: String, test: String) -> String? {
        let dir = reports + "/" + test
        guard let stamp = try? FileManager.default.contentsOfDirectory(atPath: dir).sorted().first else { return nil }
        return dir + "/" + stamp + "/history.jsonl"
    }

    /// Whether `history` records `fault` as in effect (the nemesis's info, not "not in effect").
    static func inEffect(_ fault: String, history: String) -> Bool {
        guard let text = try? String(contentsOfFile: history, encoding: .utf8) else { return false }
        return text.split(separator: "\n").contains {
            $0.contains("\"process\":\"nemesis\"") && $0.contains("\"type\":\"info\"") && $0.contains("\"f\":\"\(fault)\"")
                && !$0.contains("not in effect")
        }
    }

    /// What Faultline has on each host: rules in its chain, journal lines, and the state of etcd
    /// (a letter from /proc, or `gone`).
    static func hostState(_ cluster: ClusterContext) async throws -> [String: (rules: Int, journal: Int, etcd: String)] {
        var states: [String: (Int, Int, String)] = [:]
        let database = EtcdDatabase()
        for node in cluster.nodes {
            let pidFile = try database.layout(for: node).pidFile
            let out = try await node.remote.exec("""
                echo "rules $(iptables -w -S \(Firewall.chain) 2>/dev/null | grep -c '^-A' || true)"
                echo "journal $(cat \(ShellQuote.quote(HealJournal.path(node.baseDirectory))) 2>/dev/null | wc -l)"
                p=$(cat \(ShellQuote.quote(pidFile)) 2>/dev/null) && [ -r /proc/$p/stat ] && echo "etcd $(awk '{print $3}' /proc/$p/stat)" || echo "etcd gone"
                """).stdoutText
            var fields: [String: String] = [:]
            for line in out.split(separator: "\n") {
                let parts = line.split(separator: " ", maxSplits: 1)
                if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
            }
            states[node.name] = (Int(fields["rules"] ?? "") ?? -1, Int(fields["journal"] ?? "") ?? -1, fields["etcd"] ?? "?")
        }
        return states
    }

    @Test(arguments: Moment.allCases)
    func aControllerKilledAtAMomentIsHealedByThePlainNextRun(_ moment: Moment) async throws {
        try await LabHarness.withLab(Self.config) { lab in
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-crash-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let inventoryPath = lab.config.directory + "/inventory.yml"
            let cluster = ClusterContext(inventory: try Inventory.load(path: inventoryPath))
            defer { Task { for n in cluster.nodes { await (n.remote as? SSHRemote)?.close() } } }
            let spec = try Self.spec(moment, in: dir)
            let reports = dir + "/reports", test = "crash-\(moment.rawValue)"

            // 1. The run whose controller dies.
            let firstLimit = moment == .tearDown ? "3s" : "30s"
            let first = try Controller.start(["run", spec, "--hosts", inventoryPath, "--reports", reports,
                                              "--seed", "5", "--time-limit", firstLimit], in: dir, name: "first")
            let reached: Bool
            switch moment {
            case .setUp:
                reached = await first.wait(upTo: .seconds(60)) { first.text(first.stderr).contains("setting up etcd") }
                try await Task.sleep(for: .milliseconds(700))
            case .tearDown:
                // Tear-down takes a fraction of a second: the kill follows the line at once.
                reached = await first.wait(upTo: .seconds(90), every: .milliseconds(5)) { first.text(first.stderr).contains("tearing down") }
            case .partition, .pause, .kill:
                reached = await first.wait(upTo: .seconds(60)) {
                    Self.history(reports: reports, test: test).map { Self.inEffect(moment.fault, history: $0) } ?? false
                }
            }
            let stillRunning = first.process.isRunning
            first.sigkill()
            #expect(reached && stillRunning, "\(moment): never reached, or the run ended first:\n\(first.text(first.stdout))\(first.text(first.stderr))")
            let left = try await Self.hostState(cluster)
            let leftText = left.keys.sorted().map { "\($0): \(left[$0]!.rules) rules, \(left[$0]!.journal) journal lines, etcd \(left[$0]!.etcd)" }.joined(separator: "; ")
            switch moment {
            case .partition: #expect(left.values.contains { $0.rules > 0 && $0.journal > 0 }, "\(leftText)")
            case .pause: #expect(left.values.contains { $0.etcd == "T" && $0.journal > 0 }, "\(leftText)")
            case .kill: #expect(left.values.contains { ($0.etcd == "gone" || $0.etcd == "Z") && $0.journal > 0 }, "\(leftText)")
            case .setUp, .tearDown: break
            }

            // 2. The plain next run on the same hosts: no `faultline heal` in between.
            let next = try Controller.start(["run", spec, "--hosts", inventoryPath, "--reports", reports,
                                             "--seed", "6", "--time-limit", "4s"], in: dir, name: "next")
            let ended = await next.wait(upTo: .seconds(150)) { !next.process.isRunning }
            if !ended { next.sigkill() }
            next.process.waitUntilExit()
            let out = next.text(next.stdout), err = next.text(next.stderr)
            #expect(ended && next.process.terminationStatus == 0, "\(moment): exit \(next.process.terminationStatus)\n\(out)\(err)")
            #expect(out.contains("faultline: valid"), "\(out)")
            if moment == .partition || moment == .pause || moment == .kill {
                #expect(err.contains("left by an earlier run on") && err.contains("healed first"), "\(err)")
            }
            // etcd was left running on some host (in tear-down, maybe not: it may have stopped
            // already), and the next run says it stopped it.
            if left.values.contains(where: { $0.etcd == "S" || $0.etcd == "R" || $0.etcd == "T" }) {
                #expect(err.contains("etcd left running (pid"), "\(err)")
            }
            print("crash at \(moment.rawValue): left \(leftText) | next run exit \(next.process.terminationStatus), "
                  + (err.split(separator: "\n").filter { $0.contains("left by an earlier run") }.joined(separator: " / ")))

            // 3. Every host clean, and the killed run stored as crashed.
            let after = try await Self.hostState(cluster)
            for (host, state) in after {
                #expect(state.rules == 0 && state.journal == 0 && state.etcd == "gone", "\(moment) \(host): \(state)")
            }
            let runs = try FileManager.default.contentsOfDirectory(atPath: reports + "/" + test).sorted()
            #expect(runs.count == 2)
            let crashed = try ResultsFile.read(path: reports + "/" + test + "/" + runs[0] + "/results.json")
            #expect(crashed.crashed == true, "\(moment)")
        }
    }
}
