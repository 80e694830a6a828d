@testable import Databases
import Testing
@testable import Cluster

/// Reading etcd's status answers and agreeing on a leader.
@Suite("etcd status")
struct EtcdStatusTests {
    /// As etcd 3.4's JSON gateway writes it: 64-bit integers as strings, ids above Int64.max.
    static let gateway = """
    {"header":{"cluster_id":"14841639068965178418","member_id":"10276657743932975437","revision":"1",\
    "raft_term":"2"},"version":"3.4.23","dbSize":"20480","leader":"17280232713289219216","raftIndex":"8",\
    "raftTerm":"2","raftAppliedIndex":"8","dbSizeInUse":"20480"}
    """

    @Test("ids beyond Int64.max decode as UInt64, from strings and from numbers")
    func decodes() throws {
        let status = try EtcdMemberStatus.decode(Self.gateway)
        #expect(status == EtcdMemberStatus(memberID: 10276657743932975437, leaderID: 17280232713289219216,
                                           raftTerm: 2, version: "3.4.23", raftIndex: 8))
        let numbers = try EtcdMemberStatus.decode(#"{"header":{"member_id":18446744073709551615},"leader":1,"raftTerm":7}"#)
        #expect(numbers.memberID == UInt64.max && numbers.leaderID == 1 && numbers.raftTerm == 7)
    }

    @Test("a missing leader field means no leader; a malformed id is an error")
    func zeroValues() throws {
        #expect(try EtcdMemberStatus.decode(#"{"header":{"member_id":"5"}}"#).leaderID == 0)
        #expect(throws: (any Error).self) { try EtcdMemberStatus.decode(#"{"header":{"member_id":"-5"}}"#) }
        #expect(throws: (any Error).self) { try EtcdMemberStatus.decode(#"{"leader":"5"}"#) }
    }

    @Test("probe output: answered, silent, absent, anything else")
    func probes() {
        #expect(EtcdProbe.parse("answered \(Self.gateway)\n").status?.memberID == 10276657743932975437)
        #expect(EtcdProbe.parse("silent 4242 curl: (28) Operation timed out\n")
                == .silent(pid: 4242, reason: "curl: (28) Operation timed out"))
        #expect(EtcdProbe.parse("absent curl: (7) Failed to connect") == .notRunning(reason: "curl: (7) Failed to connect"))
        guard case .unreachable = EtcdProbe.parse("answered {not json") else { Issue.record("bad JSON accepted"); return }
        guard case .unreachable = EtcdProbe.parse("") else { Issue.record("empty output accepted"); return }
    }

    @Test("a leader is the non-zero member a majority of the cluster names; an isolated old leader's claim is outvoted")
    func agreement() {
        func member(_ id: UInt64, leader: UInt64) -> EtcdMemberStatus {
            EtcdMemberStatus(memberID: id, leaderID: leader, raftTerm: 3, version: "3.4.23")
        }
        let big = UInt64.max - 1
        #expect(EtcdLeaderAgreement.leader(of: [member(1, leader: big), member(2, leader: big), member(big, leader: big)],
                                           clusterSize: 3) == big)
        #expect(EtcdLeaderAgreement.leader(of: [member(1, leader: 2), member(2, leader: 2)], clusterSize: 3) == 2)
        #expect(EtcdLeaderAgreement.leader(of: [member(1, leader: 2)], clusterSize: 3) == nil)
        #expect(EtcdLeaderAgreement.leader(of: [member(1, leader: 2), member(2, leader: 2)], clusterSize: 4) == nil)
        #expect(EtcdLeaderAgreement.leader(of: [member(1, leader: 1), member(2, leader: 3), member(3, leader: 3)],
                                           clusterSize: 3) == 3)
        #expect(EtcdLeaderAgreement.leader(of: [member(1, leader: 1), member(2, leader: 3), member(3, leader: 0)],
                                           clusterSize: 3) == nil)
        #expect(EtcdLeaderAgreement.leader(of: [member(1, leader: 0), member(2, leader: 0)], clusterSize: 3) == nil)
        #expect(EtcdLeaderAgreement.leader(of: [], clusterSize: 0) == nil)
    }

    @Test("member list: ids to names, unstarted members left out")
    func memberList() throws {
        let list = try EtcdMemberList.decode("""
        {"header":{},"members":[{"ID":"17280232713289219216","name":"n1","peerURLs":["http://10.0.0.1:2380"]},
        {"ID":"5","peerURLs":["http://10.0.0.2:2380"]},{"ID":6,"name":"n3"}]}
        """)
        #expect(list.names == [17280232713289219216: "n1", 6: "n3"])
    }

    @Test("cluster errors name every failed node")
    func errors() {
        let error = ClusterError.nodesFailed(action: "etcd set-up", failures: [
            NodeFailure(node: "n2", reason: "etcd is not running"), NodeFailure(node: "n3", reason: "cannot be asked"),
        ])
        #expect(error.failedNodes == ["n2", "n3"])
        #expect(error.description.hasPrefix("etcd set-up failed on n2, n3:\n  n2: etcd is not running\n"))
    }
}
