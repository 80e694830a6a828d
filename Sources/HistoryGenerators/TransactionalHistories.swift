import History

/// Transactional histories (list-append, rw-register) from a simulated strict-serializable
/// database, for tests and benchmarks.
///
/// Clients run concurrently; each transaction takes effect atomically at one instant between its
/// invocation and its completion (or never, when it fails or is lost), so every history is
/// strict-serializable by construction. Keys shift as Jepsen's generators do: `keysInFlight`
/// keys are in use at once, and a key that received `writesPerKey` writes is retired for a fresh
/// one. Appended and written values are unique per key.
public enum TransactionalHistories {
    public enum Workload: Sendable {
        case listAppend, rwRegister
    }

    /// How the simulated transactions end.
    public struct Outcomes: Sendable {
        /// Fraction failing without effect.
        public var fail: Double
        /// Fraction ending `info` after taking effect.
        public var infoApplied: Double
        /// Fraction ending `info` without taking effect.
        public var infoDropped: Double

        public init(fail: Double = 0, infoApplied: Double = 0, infoDropped: Double = 0) {
            self.fail = fail
            self.infoApplied = infoApplied
            self.infoDropped = infoDropped
        }
    }

    private enum Fate { case ok, fail, infoApplied, infoDropped }

    private struct Pending {
        var process: Int
        var ops: [Value]
        var fate: Fate
        var applied = false
        var results: [Value] = []
    }

    /// A history of `transactions` transactions by `clients` clients, each of 1 to `maxLength`
    /// steps, reads and writes half and half. A client whose transaction ends `info` goes on as
    /// a new process, as in Jepsen.
    public static func generate(
        _ workload: Workload, transactions: Int, clients: Int, keysInFlight: Int = 10, writesPerKey: Int = 32,
        maxLength: Int = 4, outcomes: Outcomes = Outcomes(), seed: UInt64
    ) -> History {
        var rng = SplitMix64(seed: seed)
        func random(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        func chance(_ p: Double) -> Bool { p > 0 && Double(rng.next() >> 11) / Double(1 << 53) < p }
        var history = History(events: [], source: "<generated>", lines: [])
        var pool = Array(0..<keysInFlight)
        var nextKey = keysInFlight
        var writes: [Int: Int] = [:]
        var lists: [Int: [Value]] = [:]
        var registers: [Int: Value] = [:]
        var slots: [Pending?] = Array(repeating: nil, count: clients)
        var processes = Array(0..<clients)
        var invoked = 0, done = 0
        let writeName: Value = workload == .listAppend ? "append" : "w"

        func emit(_ type: EventType, _ process: Int, _ value: Value) {
            let i = history.events.count
            history.append(
                Event(index: i, type: type, process: .client(process), f: "txn", value: value, time: Int64(i) * 1000),
                line: i + 1)
        }
        func newTransaction() -> [Value] {
            (0..<(1 + random(maxLength))).map { _ in
                let slot = random(pool.count)
                let k = pool[slot]
                if random(2) == 0 { return ["r", .int(k), .null] }
                let n = writes[k, default: 0] + 1
                writes[k] = n
                if n >= writesPerKey {
                    pool[slot] = nextKey
                    nextKey += 1
                }
                return [writeName, .int(k), .int(n)]
            }
        }
        func apply(_ ops: [Value]) -> [Value] {
            ops.map { op in
                let parts = op.array!
                let k = parts[1].int!
                switch (parts[0], workload) {
                case ("r", .listAppend):
                    return ["r", .int(k), lists[k].map { .array($0) } ?? .null]
                case ("r", .rwRegister):
                    return ["r", .int(k), registers[k] ?? .null]
                case (_, .listAppend):
                    lists[k, default: []].append(parts[2])
                    return op
                case (_, .rwRegister):
                    registers[k] = parts[2]
                    return op
                }
            }
        }

        while done < transactions {
            let c = random(clients)
            guard var p = slots[c] else {
                guard invoked < transactions else { continue }
                let ops = newTransaction()
                let fate: Fate =
                    chance(outcomes.fail) ? .fail
                    : chance(outcomes.infoApplied) ? .infoApplied : chance(outcomes.infoDropped) ? .infoDropped : .ok
                slots[c] = Pending(process: processes[c], ops: ops, fate: fate)
                emit(.invoke, processes[c], .array(ops))
                invoked += 1
                continue
            }
            if !p.applied {
                p.applied = true
                if p.fate == .ok || p.fate == .infoApplied { p.results = apply(p.ops) }
                slots[c] = p
                continue
            }
            switch p.fate {
            case .ok: emit(.ok, p.process, .array(p.results))
            case .fail: emit(.fail, p.process, .array(p.ops))
            case .infoApplied, .infoDropped:
                emit(.info, p.process, .array(p.ops))
                processes[c] += clients
            }
            slots[c] = nil
            done += 1
        }
        return history
    }
}
