import History
import Testing
@testable import Linearizability

/// The search agrees with a brute-force enumeration on many small random histories, valid ones
/// (simulated) and ones with a read's result changed.
@Suite struct CrossCheckTests {
    @Test(arguments: 0..<4)
    func agreesWithBruteForce(batch: Int) throws {
        let model = RegisterModel(initial: 0)
        var invalidSeen = 0
        for seed in 0..<150 {
            var sim = RegisterSimulation(seed: UInt64(batch * 1000 + seed))
            var history = sim.history()
            let simulated = try history.operations()
            #expect(try Checker.check(simulated, model: model).verdict == .valid, "seed \(seed)")
            // Corrupt one read.
            if let i = history.events.indices.filter({ history.events[$0].type == .ok && history.events[$0].f == "read" }).randomElement(using: &sim.rng) {
                history.events[i].value = .int(sim.random(3))
            }
            let ops = try history.operations()
            let expected = bruteForceLinearizable(ops, model: model)
            let got = try Checker.check(ops, model: model).verdict
            #expect(got == (expected ? .valid : .invalid), "seed \(batch * 1000 + seed)")
            if !expected { invalidSeen += 1 }
        }
        #expect(invalidSeen > 10)
    }
}

extension SplitMix64: RandomNumberGenerator {}
