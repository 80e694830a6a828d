@testable import Databases
import Control
import Testing
@testable import Cluster

/// raftkv's command line, status answers and leader agreement; no host is touched.
@Suite("raftkv flags and status")
struct RaftKVFlagsTests {
    static func cluster(_ parameters: [String: String] = [:]) -> ClusterContext {
        let nodes = (1...3).map {
            ClusterNode(name: "n\($0)", address: "10.90.0.\($0)", remote: LocalRemote(), baseDirectory: "/srv/n\($0)/")
        }
        return ClusterContext(nodes: nodes, parameters: parameters)
    }

    @Test("membership, paths, tuning, bug switches and extra flags")
    func flags() throws {
        let cluster = Self.cluster(["election-timeout": "300", "heartbeat-interval": "30", "bug": "stale-reads, no-fsync",
                                    "max-entries-per-message": "1", "snapshot-every": "100"])
        let args = try RaftKVDatabase().arguments(for: cluster.nodes[1], in: cluster)
        #expect(args == ["--id", "n2", "--listen", "10.90.0.2:7379",
                         "--peers", "n1=10.90.0.1:7379,n2=10.90.0.2:7379,n3=10.90.0.3:7379",
                         "--data-dir", "/srv/n2/raftkv/data",
                         "--bug", "stale-reads", "--bug", "no-fsync",
                         "--election-timeout", "300", "--heartbeat-interval", "30", "--max-entries-per-message", "1",
                         "--snapshot-every", "100"])
        let layout = try RaftKVDatabase().layout(for: cluster.nodes[1])
        #expect(layout.binary == "/srv/n2/raftkv/bin/raftkv" && layout.fakeTimeFile == "/srv/n2/raftkv/faketime")
        // The daemon is recognised by its data directory, a whole argument of its command line.
        #expect(args.contains(try RaftKVDatabase().daemon(for: cluster.nodes[1]).marker))
    }

    @Test("unknown bugs and unusable timeouts are refused before any host is touched",
          arguments: [["bug": "lose-everything"], ["election-timeout": "1s"], ["heartbeat-interval": "0"],
                       ["max-entries-per-message": "0"], ["max-entries-per-message": "all"]])
    func refused(_ parameters: [String: String]) {
        let cluster = Self.cluster(parameters)
        #expect(throws: ClusterError.self) { try RaftKVDatabase().arguments(for: cluster.nodes[0], in: cluster) }
    }

    @Test("status answers decode; probes parse; a leader needs an agreeing majority")
    func status() throws {
        let json = #"{"id":"n1","state":"leader","term":7,"leader":"n1","commitIndex":3,"lastApplied":3,"wallClockMillis":1795802497467,"bugs":[]}"#
        let probe = RaftKVProbe.parse("answered \(json)\n") { try RaftKVStatus.decode($0) }
        #expect(probe.status == RaftKVStatus(id: "n1", state: "leader", term: 7, leader: "n1", commitIndex: 3, wallClockMillis: 1795802497467, bugs: []))
        #expect(probe.description == "answers, leader in term 7, leader n1")
        let db = RaftKVDatabase()
        let cluster = Self.cluster()
        func answered(_ leader: String?) -> RaftKVProbe {
            .answered(RaftKVStatus(id: "x", state: "follower", term: 1, leader: leader, wallClockMillis: nil, bugs: nil))
        }
        #expect(db.agreedLeader(["n1": answered("n2"), "n2": answered("n2"), "n3": .silent(pid: 5, reason: "")], in: cluster) == "n2")
        #expect(db.agreedLeader(["n1": answered("n1"), "n2": answered("n2"), "n3": answered("n2")], in: cluster) == "n2")
        #expect(db.agreedLeader(["n1": answered("n1"), "n2": answered("n2"), "n3": answered(nil)], in: cluster) == nil)
        #expect(db.agreedLeader(["n1": answered("n2")], in: cluster) == nil)
        #expect(db.agreedLeader(["n1": answered(nil), "n2": answered(nil)], in: cluster) == nil)
    }
}
