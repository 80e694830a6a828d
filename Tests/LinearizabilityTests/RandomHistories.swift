import History
@testable import Linearizability

/// Generates register histories by simulating a real register: each operation takes effect at a
/// random instant between its invocation and completion, so the history is linearizable by
/// construction. Some operations end `info` (they took effect or not, at random).
struct RegisterSimulation {
    var rng: SplitMix64
    var processes = 3
    var operations = 8
    var values = 3
    var infoRate = 0.15

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    mutating func random(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
    mutating func chance(_ p: Double) -> Bool { Double(rng.next() % 10_000) / 10_000 < p }

    mutating func history() -> History {
        enum Phase { case idle, invoked, applied }
        struct Pending { var f: String; var input: Value; var output: Value; var phase: Phase; var info: Bool }
        var register: Value = 0
        var pending: [Int: Pending] = [:]
        var started = 0
        var events: [Event] = []
        var next = processes
        var ids = Array(0..<processes)
        func emit(_ t: EventType, _ p: Int, _ f: String, _ v: Value) {
            events.append(Event(index: events.count, type: t, process: .client(p), f: f, value: v))
        }
        while started < operations || !pending.isEmpty {
            let slot = random(processes)
            let p = ids[slot]
            if var op = pending[p] {
                if op.phase == .invoked {
                    // Take effect now, or (for an info) maybe never.
                    if !(op.info && chance(0.5)) {
                        switch op.f {
                        case "read": op.output = register
                        case "write": register = op.input
                        default:
                            let pair = op.input.array!
                            if register == pair[0] { register = pair[1]; op.output = op.input } else { op.output = .null }
                        }
                    }
                    op.phase = .applied
                    pending[p] = op
                } else {
                    if op.info {
                        emit(.info, p, op.f, .null)
                        ids[slot] = next
                        next += 1
                    } else if op.f == "cas" && op.output == .null {
                        emit(.fail, p, op.f, op.input)
                    } else {
                        emit(.ok, p, op.f, op.output)
                    }
                    pending[p] = nil
                }
            } else if started < operations {
                started += 1
                let f = ["read", "write", "cas"][random(3)]
                let input: Value = f == "read" ? .null : f == "write" ? .int(random(values)) : [.int(random(values)), .int(random(values))]
                pending[p] = Pending(f: f, input: input, output: .null, phase: .invoked, info: f != "read" && chance(infoRate))
                emit(.invoke, p, f, input)
            }
        }
        return History(events: events)
    }
}

/// Decides linearizability by trying every order of the operations: slow, obviously right, and
/// used only on tiny histories to cross-check the search.
func bruteForceLinearizable<M: Model>(_ ops: [HistoryOperation], model: M) -> Bool {
    let prepared = try! PreparedHistory(operations: ops, model: model, split: false)
    guard let entries = prepared.parts.first?.entries else { return true }
    func search(_ placed: [Bool], _ state: M.State) -> Bool {
        if entries.indices.allSatisfy({ placed[$0] || !entries[$0].isRequired }) { return true }
        let horizon = entries.indices.filter { !placed[$0] }.map { entries[$0].ret }.min()!
        for i in entries.indices where !placed[i] && entries[i].call < horizon {
            if let s = model.step(state, entries[i].input, entries[i].output) {
                var p = placed
                p[i] = true
                if search(p, s) { return true }
            }
        }
        return false
    }
    return search(Array(repeating: false, count: entries.count), model.initialState)
}
