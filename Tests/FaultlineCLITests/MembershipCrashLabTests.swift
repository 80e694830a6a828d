import Cluster
import Control
import Databases
import Foundation
import LabHarness
import Nemesis
import RemoteCore
import Testing

/// The controller killed outright (SIGKILL) in the middle of a shrink of a real 5-server raftkv
/// cluster — after the first of the two servers it takes out was removed, before the shrink was
/// recorded as done — then `faultline heal --database raftkv`: every original member is back in
/// the configuration, every server runs, and no journal is left.
@Suite(.serialized,
       .enabled(if: LabHarness.available(requiring: ["/usr/bin/curl"]), "needs root, namespaces, sshd and curl"),
       .timeLimit(.minutes(5)))
struct MembershipCrashLabTests {
    static let config = LabHarness.config("fy", octet: 103, nodes: 5)
    typealias Controller = CrashRecoveryLabTests.Controller

    static func spec(in dir: String) throws -> String {
        let path = dir + "/membership-crash.yml"
        // One fault kind aimed at two servers (the most a shrink of five may take), applied 1 s in.
        try """
            name: membership-crash
            database:
              kind: raftkv
              nodes: 5
              parameters: {election-timeout: 500, heartbeat-interval: 50}
            workload: {kind: register, concurrency: 5, keys: 3, op-timeout: 1s, quiet-period: 1s}
            nemesis: {faults: [membership], targets: [all], interval: 1s, jitter: 0, duration: 60s}
            time-limit: 60s

            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("controller SIGKILLed mid-shrink: faultline heal restores full membership")
    func killedMidShrinkIsHealedBack() async throws {
        try await LabHarness.withLab(Self.config) { lab in
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-mcrash-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let inventoryPath = lab.config.directory + "/inventory.yml"
            let cluster = ClusterContext(inventory: try Inventory.load(path: inventoryPath))
            let database = RaftKVDatabase()
            let names = cluster.nodes.map(\.name)
            let reports = dir + "/reports"
            var failure: (any Error)?
            do {
                let run = try Controller.start(["run", try Self.spec(in: dir), "--hosts", inventoryPath, "--reports", reports,
                                                "--seed", "3", "--time-limit", "60s"], in: dir, name: "run")
                // The transcript has a line per finished remote command. A removed server is
                // emptied (its disk layer unmounted first) once its removal is committed: that
                // command after the first `/admin/remove` is the middle of the shrink (the second
                // server is still to go).
                let removed = await run.wait(upTo: .seconds(120), every: .milliseconds(5)) {
                    let lines = Self.transcript(reports)
                    guard let remove = lines.firstIndex(where: { $0.contains("/admin/remove") }) else { return false }
                    return lines[remove...].contains { $0.contains("fusermount3") }
                }
                let stillRunning = run.process.isRunning
                run.sigkill()
                #expect(removed && stillRunning, "no removal seen, or the run ended first:\n\(run.text(run.stdout))\(run.text(run.stderr))")

                let left = try await Self.membersSeen(database, cluster)
                #expect(left.count < names.count, "killed before any removal took effect: \(left)")
                let journals = try await Self.journalLines(cluster)
                #expect(journals.values.reduce(0, +) > 0, "no heal journal left: \(journals)")
                print("killed mid-shrink: members \(left.joined(separator: ",")), journal lines \(journals)")

                let heal = try Controller.start(["heal", "--hosts", inventoryPath, "--database", "raftkv"], in: dir, name: "heal")
                let ended = await heal.wait(upTo: .seconds(150)) { !heal.process.isRunning }
                if !ended { heal.sigkill() }
                heal.process.waitUntilExit()
                #expect(ended && heal.process.terminationStatus == 0,
                        "heal exit \(heal.process.terminationStatus):\n\(heal.text(heal.stdout))\(heal.text(heal.stderr))")

                #expect(try await Self.membersSeen(database, cluster) == names)
                for node in cluster.nodes {
                    #expect(try await database.daemon(for: node).state(on: node.remote) != .notRunning, "\(node.name) runs")
                }
                #expect(try await Self.journalLines(cluster).values.allSatisfy { $0 == 0 })
            } catch { failure = error }
            _ = await Heal.heal(cluster: cluster, database: database)
            do { try await database.tearDown(cluster) } catch { failure = failure ?? error }
            for node in cluster.nodes { await (node.remote as? SSHRemote)?.close() }
            if let failure { throw failure }
        }
    }

    /// The lines of the transcript of the one run under `reports`, once it exists.
    static func transcript(_ reports: String) -> [Substring] {
        let dir = reports + "/membership-crash"
        guard let stamp = try? FileManager.default.contentsOfDirectory(atPath: dir).sorted().first,
            let text = try? String(contentsOfFile: dir + "/" + stamp + "/transcript.jsonl", encoding: .utf8)
        else { return [] }
        return text.split(separator: "\n")
    }

    /// The voters as the first server that answers has them in effect (a removed server may
    /// still answer with the old configuration, so ask the ones that stay first: the last names).
    static func membersSeen(_ database: RaftKVDatabase, _ cluster: ClusterContext) async throws -> [String] {
        var last: (any Error)?
        for node in cluster.nodes.reversed() {
            do { return try await database.members(via: node, in: cluster) } catch { last = error }
        }
        throw last ?? NodeFailure(node: "all", reason: "no server answers")
    }

    /// Lines in each host's heal journal.
    static func journalLines(_ cluster: ClusterContext) async throws -> [String: Int] {
        var lines: [String: Int] = [:]
        for node in cluster.nodes {
            let out = try await node.remote.exec("cat \(ShellQuote.quote(HealJournal.path(node.baseDirectory))) 2>/dev/null | wc -l").stdoutText
            lines[node.name] = Int(out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        }
        return lines
    }
}
