import Foundation
import Testing

/// `faultline check --model list-append|rw-register`, run as a user would.
@Suite struct TransactionCheckCommandTests {
    typealias CLI = CheckCommandTests

    static let valid = """
        {"type":"invoke","process":0,"f":"txn","value":[["append","x",1],["r","y",null]]}
        {"type":"ok","process":0,"f":"txn","value":[["append","x",1],["r","y",null]]}
        {"type":"invoke","process":1,"f":"txn","value":[["r","x",null],["append","y",1]]}
        {"type":"ok","process":1,"f":"txn","value":[["r","x",[1]],["append","y",1]]}
        """

    @Test func aValidHistoryExitsZero() throws {
        let path = try CLI.temp("valid.jsonl", Self.valid)
        let r = try CLI.faultline(["check", "--model", "list-append", path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("\(path): valid"))
        #expect(r.stdout.contains("2 transactions  list-append as strict-serializable  no anomaly"))
    }

    /// A history stored by `faultline run` of a transactional workload is checked as its spec
    /// says: the workload and the consistency model, without `--model`.
    @Test func aRunsHistoryIsCheckedWithItsSpecsWorkloadAndConsistency() throws {
        let path = try CLI.temp("history.jsonl", Self.valid)
        let spec = "name: t\ndatabase: {kind: etcd}\nworkload: {kind: list-append, consistency: read-committed}\ntime-limit: 5s\n"
        try spec.write(toFile: ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("spec.yml"),
                       atomically: true, encoding: .utf8)
        let r = try CLI.faultline(["check", path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("2 transactions  list-append as read-committed  no anomaly"), "\(r.stdout)")
    }

    @Test func readSkewIsExplainedWithLinesAndExitsOne() throws {
        let r = try CLI.faultline(["check", "--model", "list-append", "examples/list-append-read-skew.jsonl"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("examples/list-append-read-skew.jsonl: invalid"))
        #expect(r.stdout.contains("anomalies: G-single 1"))
        #expect(r.stdout.contains("T1 (process 0, lines 1–4, ok): [r 1 []] [r 2 [1]]"))
        #expect(r.stdout.contains("T1 → T2 (rw): T1 read key 1 = [], without 1, which T2 appended next"))
        #expect(r.stdout.contains("T2 → T1 (wr): T1 read key 2 = [1], whose last element 1 T2 appended."))
    }

    @Test func consistencyDecidesTheVerdictOfAStaleRead() throws {
        let file = "examples/list-append-stale-read.edn"
        let strict = try CLI.faultline(["check", "--model", "list-append", file])
        #expect(strict.status == 1)
        #expect(strict.stdout.contains("G-single-realtime"))
        #expect(strict.stdout.contains("T1 completed on line 3 before T2 was invoked on line 4."))
        let serializable = try CLI.faultline(["check", "--model", "list-append", "--consistency", "serializable", file])
        #expect(serializable.status == 0)
        #expect(serializable.stdout.contains(": valid"))
        #expect(serializable.stdout.contains("serializable allows G-single-realtime"))
    }

    @Test func jsonGivesTheAnomalies() throws {
        let path = try CLI.temp("valid.jsonl", Self.valid)
        let r = try CLI.faultline(["check", "--model", "list-append", "--json", path, "examples/list-append-read-skew.jsonl"])
        #expect(r.status == 1)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        #expect(array.count == 2)
        #expect(array[0]["valid"] as? Bool == true)
        #expect(array[1]["valid"] as? Bool == false)
        #expect(array[1]["consistency"] as? String == "strict-serializable")
        let anomalies = try #require(array[1]["anomalies"] as? [[String: Any]])
        #expect(anomalies.count == 1)
        let anomaly = try #require(anomalies.first)
        #expect(anomaly["type"] as? String == "G-single")
        let cycle = try #require(anomaly["cycle"] as? [[String: Any]])
        #expect(cycle.map { $0["type"] as? String } == ["rw", "wr"])
        #expect(cycle.map { $0["from"] as? Int } == [1, 2])
        #expect((anomaly["rulesOut"] as? [String])?.contains("snapshot-isolation") == true)
    }

    @Test func rwRegisterWriteSkewIsAllowedBySnapshotIsolation() throws {
        let path = try CLI.temp("skew.jsonl", """
            {"type":"invoke","process":0,"f":"txn","value":[["r","x",null],["r","y",null],["w","x",1]]}
            {"type":"invoke","process":1,"f":"txn","value":[["r","x",null],["r","y",null],["w","y",1]]}
            {"type":"ok","process":0,"f":"txn","value":[["r","x",null],["r","y",null],["w","x",1]]}
            {"type":"ok","process":1,"f":"txn","value":[["r","x",null],["r","y",null],["w","y",1]]}
            """)
        let si = try CLI.faultline(["check", "--model", "rw-register", "--consistency", "snapshot-isolation", path])
        #expect(si.status == 0, "\(si.stdout)\(si.stderr)")
        #expect(si.stdout.contains("G2-item 1"))
        let serializable = try CLI.faultline(["check", "--model", "rw-register", "--consistency", "serializable", path])
        #expect(serializable.status == 1)
    }

    @Test func aMalformedTransactionExits254WithFileAndLine() throws {
        let path = try CLI.temp("bad.jsonl", """
            {"type":"invoke","process":0,"f":"txn","value":[["append","x",1]]}
            {"type":"ok","process":0,"f":"txn","value":[["push","x",1]]}
            """)
        let r = try CLI.faultline(["check", "--model", "list-append", path, "examples/list-append-read-skew.jsonl"])
        #expect(r.status == 254)
        #expect(r.stderr.contains("\(path):2: micro-operation 1 of the transaction: unknown function \"push\""))
        #expect(r.stdout.isEmpty)
    }

    @Test func consistencyWithoutATransactionalModelIsAUsageError() throws {
        let r = try CLI.faultline(["check", "--consistency", "serializable", "examples/register-valid.jsonl"])
        #expect(r.status == 254)
        #expect(r.stderr.contains("--consistency needs --model list-append or rw-register"))
        let names = try CLI.faultline(["check", "--help"])
        #expect(names.stdout.contains("list-append"))
        #expect(names.stdout.contains("strict-serializable"))
    }
}
