import Cluster
import Control
@testable import Databases
import Foundation
import SpecFiles
import Testing

/// A definition's `membership` section: read (errors with their line), the arguments of a
/// founding and of a joining member, and the members read out of a list.
@Suite struct DefinedMembershipTests {
    static let definition = """
        name: demo
        binary: /usr/bin/demo
        ports: {client: 2379, peer: 2380}
        peers:
          initial: {each: "{{name}}=http://{{address}}:{{ports.peer}}"}
        start:
          arguments:
            - --data={{data}}
            - {first: [--bootstrap]}
            - {founding: [--state=new]}
            - {joining: [--state=existing]}
            - --peers={{peers.initial}}
        leader: {http: "http://{{address}}:{{ports.client}}/status", json: /leader}
        client:
          adapter: [python3, adapters/demo.py]
          workloads: [register]
        membership:
          members:
            command: demo-ctl --at {{address}} list
            pattern: '^(?<id>[0-9a-f]+) (?<member>\\S+) voter$'
          add: demo-ctl --at {{address}} add {{member.name}} {{member.address}}:{{ports.peer}}
          remove: demo-ctl --at {{address}} remove {{member.id}}
        """

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func aFoundingAndAJoiningMemberGetTheirOwnArguments() throws {
        let d = try DatabaseDefinition.parse(Self.definition, file: "/defs/demo.yml")
        let membership = try #require(d.membership)
        #expect(membership.add.variables.contains("member.name") && membership.remove.variables == ["address", "member.id"])
        let cluster = DatabaseDefinitionTests.cluster(3)
        func rendering(_ index: Int, in cluster: ClusterContext, joining: Bool) throws -> [String] {
            let node = DatabaseDefinitionTests.cluster(3).nodes[index]
            return try DefinitionRendering(d, node: node, cluster: cluster, layout: DefinedNodeLayout(baseDirectory: node.baseDirectory, name: "demo"),
                                           binary: "/usr/bin/demo", joining: joining).arguments
        }
        #expect(try rendering(0, in: cluster, joining: false) == [
            "--data=/base/n1/demo/data", "--bootstrap", "--state=new",
            "--peers=n1=http://10.1.0.1:2380,n2=http://10.1.0.2:2380,n3=http://10.1.0.3:2380",
        ])
        // n1 joins the configuration n1, n3 (after its add): no bootstrap although it comes first.
        var joined = cluster
        joined.nodes = [cluster.nodes[0], cluster.nodes[2]]
        #expect(try rendering(0, in: joined, joining: true) == [
            "--data=/base/n1/demo/data", "--state=existing", "--peers=n1=http://10.1.0.1:2380,n3=http://10.1.0.3:2380",
        ])
    }

    @Test func membersAreReadLineByLineAndMatchedToNodes() throws {
        let cluster = DatabaseDefinitionTests.cluster(3)
        let etcd = """
            8e9e05c52164694d, started, n1, http://10.1.0.1:2380, http://10.1.0.1:2379, false
            91bc3c398fb3c146, unstarted, , http://10.1.0.3:2380, , false
            fd422379fda50e48, started, n2, http://10.1.0.2:2380, http://10.1.0.2:2379, true
            """
        let definition = try DatabaseDefinition.load(path: Self.root.appendingPathComponent("databases/etcd.yml").path)
        let pattern = try #require(definition.membership).pattern
        // The learner (last column true) is no voting member; the unstarted one is.
        #expect(try DefinedDatabase.memberLines(etcd, pattern: pattern, in: cluster) == [
            .init(node: "n1", id: "8e9e05c52164694d"), .init(node: "n3", id: "91bc3c398fb3c146"),
        ])
        #expect(try DefinedDatabase.memberLines("a1 10.1.0.2 voter\nb2 10.9.9.9 voter\nc3 n3 observer", pattern: #"^(?<id>\S+) (?<member>\S+) voter$"#,
                                                in: cluster) == [.init(node: "n2", id: "a1"), .init(node: nil, id: "b2")])
    }

    @Test func withoutTheSectionTheMembershipFaultIsUnavailable() throws {
        let without = Self.definition.components(separatedBy: "membership:")[0]
        let plain = DefinedDatabase(definition: try DatabaseDefinition.parse(without, file: "/defs/demo.yml"))
        #expect(plain.membershipUnavailable?.contains("/defs/demo.yml has no `membership` section") == true)
        #expect(DefinedDatabase(definition: try DatabaseDefinition.parse(Self.definition, file: "/defs/demo.yml")).membershipUnavailable == nil)
    }

    /// Each broken section is refused at the line of the fault, saying what was expected.
    @Test(arguments: [
        ("(?<member>\\S+)", "(\\S+)", 20, "group `(?<member>…)`"),
        ("remove {{member.id}}", "remove {{member.idx}}", 22, "unknown variable `{{member.idx}}`"),
        ("add {{member.name}}", "add {{member.id}}", 21, "unknown variable `{{member.id}}`"),
        ("(?<id>[0-9a-f]+) ", "([0-9a-f]+) ", 22, "no group `(?<id>…)`"),
        ("    command: demo-ctl", "    commands: demo-ctl", 19, "commands"),
        ("  add: demo-ctl", "  ad: demo-ctl", 21, "ad"),
        ("  remove: demo-ctl --at {{address}} remove {{member.id}}", "", 18, "missing `remove`"),
        ("list\n", "list {{peers.initial}}\n", 19, "unknown variable `{{peers.initial}}`"),
        ("    - {joining: [--state=existing]}", "    - {joined: [--state=existing]}", 11, "joined"),
    ] as [(String, String, Int, String)])
    func aBrokenSectionNamesItsLine(original: String, broken: String, line: Int, expected: String) throws {
        try DatabaseDefinitionTests.expectRefused(Self.definition, replacing: original, with: broken, line: line, expected)
    }
}
