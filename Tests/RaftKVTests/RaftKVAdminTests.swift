import Foundation
import Testing
import RaftKV

/// raftkv's admin API on real processes: a follower names the leader; the leader adds a server
/// that started with `--join true` and answers once the change is committed; the joined server
/// holds the data and the configuration; removing the leader moves leadership to the others.
@Suite(.serialized) struct RaftKVAdminTests {
    @Test(.timeLimit(.minutes(2)))
    func addAndRemoveThroughTheAdminAPI() async throws {
        let cluster = try RaftKVProcesses(size: 3, spares: 1)
        defer { cluster.stopAll() }
        for id in cluster.initial { try cluster.start(id) }
        try cluster.start("n4", join: true)
        guard let leader = try await cluster.agreedLeader(among: cluster.initial) else {
            Issue.record("no leader agreed\n\(cluster.logs())")
            return
        }
        var a = try await cluster.kv(leader, #"{"op":"put","key":"k","value":"before"}"#)
        #expect(a.json["ok"] as? Bool == true, "\(a.json)")
        let follower = cluster.initial.first { $0 != leader }!
        let addN4 = #"{"id":"n4","address":"127.0.0.1:\#(cluster.ports["n4"]!)"}"#

        a = try await cluster.request(follower, .POST, "/admin/add", addN4)
        #expect(a.status == 503 && a.json["leader"] as? String == leader, "\(a.json)")
        a = try await cluster.request(leader, .POST, "/admin/add", #"{"id":"n4"}"#)
        #expect(a.status == 400 && a.json["error"] as? String == "malformed", "\(a.json)")
        a = try await cluster.request(leader, .POST, "/admin/remove", #"{"id":"n9"}"#)
        #expect(a.status == 400 && a.json["error"] as? String == "invalid", "\(a.json)")
        var config = try await cluster.request("n4", .GET, "/admin/config")
        #expect(config.json["voters"] as? [String] == [], "a joining server has no configuration: \(config.json)")

        a = try await cluster.request(leader, .POST, "/admin/add", addN4)
        #expect(a.status == 200 && a.json["voters"] as? [String] == ["n1", "n2", "n3", "n4"], "\(a.json)\n\(cluster.logs())")
        config = try await cluster.request(leader, .GET, "/admin/config")
        #expect(config.json["voters"] as? [String] == ["n1", "n2", "n3", "n4"] && config.json["committed"] as? Bool == true)
        #expect(config.json["outgoing"] == nil, "\(config.json)")
        a = try await cluster.kv("n4", #"{"op":"get","key":"k"}"#)
        #expect(a.json["value"] as? String == "before", "\(a.json)")

        a = try await cluster.request(leader, .POST, "/admin/remove", #"{"id":"\#(leader)"}"#)
        let rest = ["n1", "n2", "n3", "n4"].filter { $0 != leader }
        #expect(a.status == 200 && a.json["voters"] as? [String] == rest, "\(a.json)")
        guard let second = try await cluster.agreedLeader(among: rest) else {
            Issue.record("no leader after removing \(leader)\n\(cluster.logs())")
            return
        }
        a = try await cluster.kv(second, #"{"op":"put","key":"k","value":"after"}"#)
        #expect(a.json["ok"] as? Bool == true, "\(a.json)")
        config = try await cluster.request(leader, .GET, "/admin/config")
        #expect(config.json["voters"] as? [String] == rest, "the removed leader learned C_new: \(config.json)")
        let status = try await cluster.request(leader, .GET, "/status")
        #expect(status.json["state"] as? String == "follower")
    }
}
