import History
import HistoryGenerators
import Testing
@testable import Linearizability

/// The search agrees with a brute-force enumeration on many small random histories, valid ones
/// (simulated) and ones with a read's result changed.
@Suite struct CrossCheckTests {
    @Test(arguments: 0..<4)
    func agreesWithBruteForce(batch: Int) async throws {
        var invalidSeen = 0
        for n in 0..<150 {
            let (invalid, _) = try await crossCheck(seed: UInt64(batch * 1000 + n), operations: 8, clients: 3, infoRate: 0.15)
            if invalid { invalidSeen += 1 }
        }
        #expect(invalidSeen > 10)
    }

    /// Many crashed operations (their outcome unknown to the end): the search keeps them out of
    /// its list and the memo lets a node with fewer of them placed cover one with more, so this
    /// is where a reduction would go wrong first. Kept short: up to 11 operations, 3 to 5 clients.
    @Test(arguments: 0..<3)
    func agreesWithBruteForceWithManyCrashedOperations(batch: Int) async throws {
        var invalidSeen = 0
        var crashed = 0
        for n in 0..<120 {
            let (invalid, c) = try await crossCheck(
                seed: UInt64(50_000 + batch * 1000 + n), operations: 9 + n % 3, clients: 3 + n % 3, infoRate: 0.45)
            if invalid { invalidSeen += 1 }
            crashed += c
        }
        #expect(invalidSeen > 10)
        #expect(crashed > 300)
    }

    /// One generated single-register history: valid as simulated; then, with one read's result
    /// changed, the same verdict as the brute force. Returns whether the changed one is invalid
    /// and how many operations crashed.
    private func crossCheck(seed: UInt64, operations: Int, clients: Int, infoRate: Double) async throws -> (Bool, Int) {
        let model = RegisterModel(initial: 0)
        var rng = SplitMix64(seed: seed)
        var events: [Event] = []
        GeneratedHistories.registers(operations: operations, keys: 1, clients: clients, infoRate: infoRate, seed: seed) {
            events.append($0)
        }
        var history = History(events: events)
        #expect(try await Checker.check(history.operations(), model: model).verdict == .valid, "seed \(seed)")
        // Corrupt one read.
        let reads = history.events.indices.filter { history.events[$0].type == .ok && history.events[$0].f == "read" }
        if let i = reads.randomElement(using: &rng) {
            history.events[i].value = .int(Int(rng.next() % 5))
        }
        let ops = try history.operations()
        let expected = bruteForceLinearizable(ops, model: model)
        let got = try await Checker.check(ops, model: model).verdict
        #expect(got == (expected ? .valid : .invalid), "seed \(seed)")
        return (!expected, history.events.filter { $0.type == .info }.count)
    }
}
