@testable import Databases
import Control
import Testing
@testable import Cluster

/// The command line of a member, built from the cluster and its parameters; no host is touched.
@Suite("etcd flags")
struct EtcdFlagsTests {
    static func cluster(_ parameters: [String: String] = [:]) -> ClusterContext {
        let nodes = (1...3).map {
            ClusterNode(name: "n\($0)", address: "10.90.0.\($0)", remote: LocalRemote(), baseDirectory: "/srv/n\($0)/")
        }
        return ClusterContext(nodes: nodes, parameters: parameters)
    }

    @Test("membership, URLs and paths come from the node and the cluster")
    func membership() throws {
        let cluster = Self.cluster()
        let flags = try EtcdDatabase().arguments(for: cluster.nodes[1], in: cluster, state: .new)
        #expect(flags == [
            "--name=n2",
            "--data-dir=/srv/n2/etcd/data",
            "--listen-client-urls=http://10.90.0.2:2379",
            "--advertise-client-urls=http://10.90.0.2:2379",
            "--listen-peer-urls=http://10.90.0.2:2380",
            "--initial-advertise-peer-urls=http://10.90.0.2:2380",
            "--initial-cluster=n1=http://10.90.0.1:2380,n2=http://10.90.0.2:2380,n3=http://10.90.0.3:2380",
            "--initial-cluster-token=\(EtcdFlags.defaultToken("n1=http://10.90.0.1:2380,n2=http://10.90.0.2:2380,n3=http://10.90.0.3:2380"))",
            "--initial-cluster-state=new",
            "--log-outputs=stderr",
            "--logger=zap",
        ])
    }

    @Test("a restart rejoins as existing; the token is the same for every member and can be set")
    func restartAndToken() throws {
        let cluster = Self.cluster()
        let database = EtcdDatabase()
        let first = try database.arguments(for: cluster.nodes[0], in: cluster, state: .existing)
        let third = try database.arguments(for: cluster.nodes[2], in: cluster, state: .new)
        #expect(first.contains("--initial-cluster-state=existing"))
        #expect(first.filter { $0.hasPrefix("--initial-cluster-token=faultline-") } == third.filter { $0.hasPrefix("--initial-cluster-token=") })
        let named = EtcdDatabase(options: .init(clusterToken: "run-42"))
        #expect(try named.arguments(for: cluster.nodes[0], in: cluster, state: .new).contains("--initial-cluster-token=run-42"))
    }

    @Test("tuning and extra parameters become flags, sorted; a parameter replaces a default")
    func tuning() throws {
        let cluster = Self.cluster(["heartbeat-interval": "30", "election-timeout": "300", "snapshot-count": "5000",
                                    "logger": "capnslog"])
        let flags = try EtcdDatabase().arguments(for: cluster.nodes[0], in: cluster, state: .new)
        #expect(Array(flags.suffix(4)) == ["--election-timeout=300", "--heartbeat-interval=30", "--logger=capnslog",
                                           "--snapshot-count=5000"])
        #expect(!flags.contains("--logger=zap"))
    }

    @Test("unusable parameters are refused before any host is touched", arguments: [
        ["data-dir": "/tmp/x"],
        ["initial-cluster-state": "existing"],
        ["election-timeout": "fast"],
        ["heartbeat-interval": "0"],
        ["election-timeout": "300", "heartbeat-interval": "100"],
        ["heartbeat-interval": "500"],
        ["Bad Flag": "1"],
        ["x;rm": "1"],
    ])
    func refused(_ parameters: [String: String]) {
        #expect(throws: ClusterError.self) { try EtcdFlags.tuning(parameters) }
    }

    @Test("unusable clusters are refused: no nodes, repeated names or addresses, odd names, bad base directories")
    func refusedClusters() {
        let database = EtcdDatabase()
        let node = { (name: String, address: String, base: String) in
            ClusterNode(name: name, address: address, remote: LocalRemote(), baseDirectory: base)
        }
        let bad: [[ClusterNode]] = [
            [],
            [node("n1", "10.0.0.1", "/a"), node("n1", "10.0.0.2", "/b")],
            [node("n1", "10.0.0.1", "/a"), node("n2", "10.0.0.1", "/b")],
            [node("n=1", "10.0.0.1", "/a")],
            [node("n1", "", "/a")],
            [node("n1", "10.0.0.1", "relative")],
            [node("n1", "10.0.0.1", "/")],
        ]
        for nodes in bad {
            let cluster = ClusterContext(nodes: nodes)
            #expect(throws: ClusterError.self) {
                try database.arguments(for: nodes.first ?? node("n1", "10.0.0.1", "/a"), in: cluster, state: .new)
            }
        }
    }

    @Test("IPv6 addresses are bracketed in URLs")
    func ipv6() {
        #expect(EtcdPorts().clientURL("fd00::1") == "http://[fd00::1]:2379")
        #expect(EtcdPorts(client: 12379, peer: 12380).peerURL("10.0.0.1") == "http://10.0.0.1:12380")
    }

    @Test("the layout keeps everything under <base>/etcd; the log is the one log file")
    func layout() throws {
        let node = ClusterNode(name: "n1", address: "10.0.0.1", remote: LocalRemote(), baseDirectory: "/srv/n1//")
        let layout = try EtcdNodeLayout(baseDirectory: node.baseDirectory)
        #expect(layout.dataDirectory == "/srv/n1/etcd/data")
        #expect(layout.pidFile == "/srv/n1/etcd/etcd.pid")
        #expect(EtcdDatabase().logFiles(node) == ["/srv/n1/etcd/etcd.log"])
        #expect(EtcdDatabase().clientURL(for: node) == "http://10.0.0.1:2379")
    }
}
