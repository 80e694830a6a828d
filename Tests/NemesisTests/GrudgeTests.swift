import History
import Nemesis
import Testing

@Suite struct GrudgeTests {
    static let sizes = [3, 5]
    static func nodes(_ n: Int) -> [String] { (1...n).map { "n\($0)" } }

    @Test(arguments: sizes) func isolateCutsOneNodeBothWays(n: Int) {
        let nodes = Self.nodes(n)
        let grudge = Grudge.isolate("n2", in: nodes)
        for other in nodes where other != "n2" {
            #expect(!grudge.hears("n2", from: other))
            #expect(!grudge.hears(other, from: "n2"))
            for third in nodes where third != "n2" { #expect(grudge.hears(other, from: third)) }
        }
    }

    @Test(arguments: sizes) func halvesCannotTalkAcross(n: Int) {
        var rng = SplitMix64(seed: 7)
        let nodes = Self.nodes(n)
        let grudge = Grudge.halves(nodes, using: &rng)
        // Components of "hears each other both ways".
        let side = nodes.filter { grudge.hears("n1", from: $0) }
        let other = nodes.filter { !side.contains($0) }
        #expect(Set([side.count, other.count]) == Set([n / 2, n - n / 2]))
        for a in side { for b in other { #expect(!grudge.hears(a, from: b) && !grudge.hears(b, from: a)) } }
        for group in [side, other] { for a in group { for b in group { #expect(grudge.hears(a, from: b)) } } }
    }

    @Test(arguments: sizes) func bridgeHearsBothHalves(n: Int) {
        var rng = SplitMix64(seed: 11)
        let nodes = Self.nodes(n)
        let grudge = Grudge.bridge(nodes, using: &rng)
        let bridges = nodes.filter { node in nodes.allSatisfy { grudge.hears(node, from: $0) && grudge.hears($0, from: node) } }
        #expect(bridges.count == 1)
        let rest = nodes.filter { $0 != bridges[0] }
        // The rest split in two halves that drop each other.
        let side = rest.filter { grudge.hears(rest[0], from: $0) }
        let other = rest.filter { !side.contains($0) }
        #expect(side.count == (n - 1) / 2 && other.count == n - 1 - (n - 1) / 2)
        for a in side { for b in other { #expect(!grudge.hears(a, from: b) && !grudge.hears(b, from: a)) } }
    }

    @Test(arguments: sizes) func ringGivesEveryNodeItsOwnMajority(n: Int) {
        var rng = SplitMix64(seed: 3)
        let nodes = Self.nodes(n)
        let grudge = Grudge.ring(nodes, using: &rng)
        var views: Set<Set<String>> = []
        for node in nodes {
            let view = Set(nodes.filter { grudge.hears(node, from: $0) })
            #expect(view.count == n / 2 + 1, "\(node) sees \(view.sorted())")
            #expect(view.contains(node))
            views.insert(view)
        }
        #expect(views.count == n, "no two nodes see the same majority")
    }

    @Test(arguments: sizes) func oneWayIsOneWay(n: Int) {
        let nodes = Self.nodes(n)
        let grudge = Grudge.oneWay(deaf: "n1", from: nodes.filter { $0 != "n1" })
        for other in nodes where other != "n1" {
            #expect(!grudge.hears("n1", from: other))
            #expect(grudge.hears(other, from: "n1"))
        }
        #expect(Array(grudge.drops.keys) == ["n1"])
    }

    @Test func descriptionNamesWhoDropsWhom() {
        #expect(Grudge.isolate("n1", in: ["n1", "n2", "n3"]).description == "n1 drops n2,n3; n2 drops n1; n3 drops n1")
    }
}
