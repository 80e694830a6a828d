import History
import HistoryGenerators
import Testing
@testable import Linearizability

/// The kv model's shortcut for the monotone pruning: whether a get can still be observed after
/// one more operation, compared in place, agrees with stepping and comparing the whole value.
@Suite struct KVModelTests {
    /// Over strings and lists: every prefix state of a get's result (the precondition: the
    /// state before could still reach it) and every operation applied to it, appends that fit
    /// and appends that do not among them.
    @Test func canStillObserveAfterApplyingAgreesWithStepping() {
        let model = KVModel()
        var rng = SplitMix64(seed: 21)
        var compared = 0
        var lost = 0
        for _ in 0..<400 {
            let length = Int(rng.next() % 6)
            let parts = (0..<length).map { _ in ["a", "b", "ab", "x 1 y", ""][Int(rng.next() % 5)] }
            let asList = rng.next() % 2 == 0
            let seen: Value = asList ? .array(parts.map(Value.string)) : .string(parts.joined())
            for cut in 0...length {
                let previous: Value = asList ? .array(parts.prefix(cut).map(Value.string)) : .string(parts.prefix(cut).joined())
                #expect(model.canStillObserve(.get, seen, from: previous))
                for applied: KVModel.Input in [.append(.string("a")), .append(.string("b")), .append(.string("ab")),
                                               .append(.string("")), .append(.string("x 1 y")), .append(.int(1)),
                                               .put(.string("a")), .get, .delete, .cas(expected: previous, new: .string("b"))] {
                    let shortcut = model.canStillObserve(.get, seen, afterApplying: applied, nil, to: previous)
                    let stepped = model.step(previous, applied, nil).map { model.canStillObserve(.get, seen, from: $0) } ?? true
                    #expect(shortcut == stepped, "\(previous) + \(applied) against \(seen)")
                    compared += 1
                    if !stepped { lost += 1 }
                }
            }
        }
        #expect(compared > 5000)
        #expect(lost > 1000)
    }
}
