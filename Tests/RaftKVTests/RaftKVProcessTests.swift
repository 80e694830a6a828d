import Foundation
import Testing

/// Three real `raftkv` processes on loopback: they elect a leader, serve the client API through a
/// follower, survive SIGKILL of the leader, and recover their data from disk after all restart.
@Suite(.serialized) struct RaftKVProcessTests {
    @Test(.timeLimit(.minutes(2)))
    func threeProcessesServeSurviveAKillAndRecover() async throws {
        let cluster = try RaftKVProcesses(size: 3)
        defer { cluster.stopAll() }
        for id in cluster.ids { try cluster.start(id) }

        guard let leader = try await cluster.agreedLeader(among: cluster.ids) else {
            Issue.record("no leader agreed\n\(cluster.logs())")
            return
        }
        let follower = cluster.ids.first { $0 != leader }!
        var a = try await cluster.kv(follower, #"{"op":"put","key":"k","value":"a"}"#)
        #expect(a.status == 200 && a.json["ok"] as? Bool == true, "\(a.json)")
        a = try await cluster.kv(follower, #"{"op":"get","key":"k"}"#)
        #expect(a.json["found"] as? Bool == true && a.json["value"] as? String == "a", "\(a.json)")
        a = try await cluster.kv(follower, #"{"op":"cas","key":"k","expected":"a","value":"b"}"#)
        #expect(a.json["ok"] as? Bool == true, "\(a.json)")
        a = try await cluster.kv(follower, #"{"op":"cas","key":"k","expected":"a","value":"c"}"#)
        #expect(a.status == 200 && a.json["ok"] as? Bool == false && a.json["value"] as? String == "b", "\(a.json)")
        a = try await cluster.kv(follower, #"{"op":"cas","key":"new","expected":null,"value":"1"}"#)
        #expect(a.json["ok"] as? Bool == true, "\(a.json)")
        a = try await cluster.kv(follower, #"{"op":"delete","key":"new"}"#)
        #expect(a.json["ok"] as? Bool == true, "\(a.json)")
        a = try await cluster.kv(follower, #"{"op":"get","key":"new"}"#)
        #expect(a.json["ok"] as? Bool == true && a.json["found"] as? Bool == false, "\(a.json)")
        a = try await cluster.kv(follower, #"{"op":"frobnicate"}"#)
        #expect(a.status == 400)
        let status = try await cluster.request(follower, .GET, "/status")
        #expect(status.json["state"] as? String == "follower" && status.json["leader"] as? String == leader)
        #expect(status.json["wallClockMillis"] as? Int != nil && status.json["bugs"] as? [String] == [])

        // SIGKILL the leader: the other two elect a new one and keep serving.
        cluster.kill(leader)
        let survivors = cluster.ids.filter { $0 != leader }
        guard let second = try await cluster.agreedLeader(among: survivors) else {
            Issue.record("no new leader after killing \(leader)\n\(cluster.logs())")
            return
        }
        #expect(second != leader)
        a = try await cluster.kv(survivors.first { $0 != second }!, #"{"op":"put","key":"after","value":"kill"}"#)
        #expect(a.json["ok"] as? Bool == true, "\(a.json)")

        // Everyone down, everyone back on the same data directories: the data comes back from disk.
        for id in survivors { cluster.kill(id) }
        for id in cluster.ids { try cluster.start(id) }
        guard let third = try await cluster.agreedLeader(among: cluster.ids) else {
            Issue.record("no leader after restarting\n\(cluster.logs())")
            return
        }
        a = try await cluster.kv(third, #"{"op":"scan","prefix":""}"#)
        let kvs = (a.json["kvs"] as? [[String: String]]) ?? []
        #expect(kvs == [["key": "after", "value": "kill"], ["key": "k", "value": "b"]], "\(a.json)")
        // The restarted old leader serves them too (forwarding its read to the leader).
        a = try await cluster.kv(leader, #"{"op":"get","key":"after"}"#)
        #expect(a.json["value"] as? String == "kill", "\(a.json)")
    }

    @Test func versionBadFlagsAndSIGTERM() throws {
        let binary = RaftKVProcesses.root.appendingPathComponent(".build/debug/raftkv")
        func run(_ arguments: [String]) throws -> (Int32, String) {
            let p = Process()
            p.executableURL = binary
            p.arguments = arguments
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            return (p.terminationStatus, text)
        }
        #expect(try run(["--version"]) == (0, "raftkv 0.1.0\n"))
        #expect(try run(["--id", "n1", "--bug", "nope"]).0 == 254)

        let cluster = try RaftKVProcesses(size: 1)
        defer { cluster.stopAll() }
        try cluster.start("n1")
        let started = Date()
        // Generous bounds: a loaded CI machine may be slow to start a debug binary; they only rule out hangs.
        while Date().timeIntervalSince(started) < 60, !cluster.isListening("n1") {
            usleep(50_000)
        }
        try #require(cluster.isListening("n1"), "raftkv never opened its port\n\(cluster.logs())")
        let exit = cluster.terminate("n1", within: 30)
        #expect(exit == 0, "exit status after SIGTERM: \(String(describing: exit))\n\(cluster.logs())")
    }
}
