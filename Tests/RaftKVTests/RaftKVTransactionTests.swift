import Foundation
import Testing
import RaftKV

/// raftkv's `txn` command: its steps applied together as one entry of the state machine, and
/// the `stale-txn-reads` bug switch that answers read-only transactions from local state.
@Suite(.serialized) struct RaftKVTransactionTests {
    /// A txn answer's `results`, JSON null as nil.
    static func results(_ a: RaftKVProcesses.Answer) -> [String?]? {
        (a.json["results"] as? [Any])?.map { $0 as? String }
    }

    @Test func aTransactionAppliesItsStepsInOrderAtOnce() throws {
        var store = KVStore()
        let txn = KVCommand.txn(ops: [
            .init(f: "r", key: "a"), .init(f: "append", key: "a", value: "1"), .init(f: "append", key: "a", value: "2"),
            .init(f: "r", key: "a"), .init(f: "w", key: "b", value: "x"), .init(f: "r", key: "b"),
        ])
        #expect(!txn.isRead)
        #expect(store.apply(txn) == .txn([nil, nil, nil, "1 2", nil, "x"]))
        #expect(store.data == ["a": "1 2", "b": "x"])
        let read = KVCommand.txn(ops: [.init(f: "r", key: "a"), .init(f: "r", key: "c")])
        #expect(read.isRead)
        #expect(store.read(read) == .txn(["1 2", nil]))
        // The JSON shapes of the HTTP API round-trip, and a write without a value is refused.
        let decoded = try JSONDecoder().decode(KVCommand.self, from: JSONEncoder().encode(txn))
        #expect(decoded == txn)
        #expect(try JSONDecoder().decode(KVResult.self, from: JSONEncoder().encode(KVResult.txn(["1", nil]))) == .txn(["1", nil]))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(KVCommand.self, from: Data(#"{"op":"txn","ops":[{"f":"append","key":"a"}]}"#.utf8))
        }
    }

    /// Three processes: appends through a follower land atomically; with the two others killed
    /// the survivor has no leader, so the correct build refuses a read-only transaction (503),
    /// while with `--bug stale-txn-reads` it answers from its own state.
    @Test(.timeLimit(.minutes(2)), arguments: [false, true])
    func readOnlyTransactionsWithoutALeader(bug: Bool) async throws {
        let cluster = try RaftKVProcesses(size: 3, bugs: bug ? ["stale-txn-reads"] : [])
        defer { cluster.stopAll() }
        for id in cluster.ids { try cluster.start(id) }
        guard let leader = try await cluster.agreedLeader(among: cluster.ids) else {
            Issue.record("no leader agreed\n\(cluster.logs())")
            return
        }
        let follower = cluster.ids.first { $0 != leader }!
        var a = try await cluster.kv(follower, #"{"op":"txn","ops":[{"f":"append","key":"l","value":"1"},{"f":"append","key":"l","value":"2"},{"f":"r","key":"l"}]}"#)
        #expect(a.status == 200 && Self.results(a) == [nil, nil, "1 2"], "\(a.json)")
        // Wait until the follower applied the appends (its read-only txns may answer locally).
        for _ in 0..<50 {
            a = try await cluster.kv(follower, #"{"op":"txn","ops":[{"f":"r","key":"l"}]}"#)
            if Self.results(a) == ["1 2"] { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(Self.results(a) == ["1 2"], "\(a.json)")
        for id in cluster.ids where id != follower { cluster.kill(id) }
        try await Task.sleep(for: .seconds(3))  // the follower's leader lease is long gone
        a = try await cluster.kv(follower, #"{"op":"txn","ops":[{"f":"r","key":"l"}]}"#)
        if bug {
            #expect(a.status == 200 && Self.results(a) == ["1 2"], "\(a.status) \(a.json)")
        } else {
            #expect(a.status == 503, "\(a.status) \(a.json)")
        }
        a = try await cluster.kv(follower, #"{"op":"txn","ops":[{"f":"append","key":"l","value":"3"}]}"#)
        #expect(a.status == 503 || a.status == 504, "a write needs the log: \(a.status) \(a.json)")
    }
}
