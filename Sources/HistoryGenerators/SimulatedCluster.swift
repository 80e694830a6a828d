import History

/// A deterministic simulation of clients running operations against a linearizable store:
/// every operation takes effect at one instant between its invocation and its completion, so
/// the history it writes is linearizable by construction. Seeded; the same seed gives the same
/// history.
///
/// `Store` says what an operation does: given the current value of a key, the operation's
/// function and input, it returns the new value and the output to record.
public struct SimulatedCluster {
    public typealias Apply = (_ current: Value, _ f: String, _ input: Value) -> (value: Value, output: Value)

    public var clients: Int
    public var keys: [Value]
    public var initial: Value
    /// Chance that an operation times out: it ends `info` and took effect or not, at random.
    public var infoRate: Double
    private var rng: SplitMix64
    private var values: [Value: Value] = [:]

    public init(clients: Int, keys: [Value], initial: Value, infoRate: Double = 0, seed: UInt64) {
        self.clients = clients
        self.keys = keys
        self.initial = initial
        self.infoRate = infoRate
        rng = SplitMix64(seed: seed)
    }

    public mutating func random(_ n: Int) -> Int { Int(rng.next() % UInt64(max(n, 1))) }
    public mutating func chance(_ p: Double) -> Bool { Double(rng.next() % 1_000_000) / 1_000_000 < p }

    private struct Pending {
        var process: Int
        var f: String
        var key: Value
        var input: Value
        var output: Value = .null
        var applied = false
        var info = false
    }

    /// Runs until `operations` have been invoked and all have completed, emitting each event.
    /// `next` chooses an operation (function, key, input) for a client.
    public mutating func run(
        operations: Int, next: (inout SimulatedCluster, Int) -> (f: String, key: Value, input: Value),
        apply: Apply, emit: (Event) throws -> Void
    ) rethrows {
        var pending: [Pending?] = Array(repeating: nil, count: clients)
        var processOf = Array(0..<clients)
        var nextProcess = clients
        var invoked = 0
        var open = 0
        var index = 0
        func event(_ t: EventType, _ p: Pending, _ v: Value) -> Event {
            defer { index += 1 }
            return Event(index: index, type: t, process: .client(p.process), f: p.f, key: p.key, value: v, time: Int64(index) * 1000)
        }
        while invoked < operations || open > 0 {
            let c = random(clients)
            if var op = pending[c] {
                if !op.applied {
                    if !(op.info && chance(0.5)) {
                        let (v, out) = apply(values[op.key] ?? initial, op.f, op.input)
                        values[op.key] = v
                        op.output = out
                    }
                    op.applied = true
                    pending[c] = op
                } else {
                    if op.info {
                        try emit(event(.info, op, .null))
                        processOf[c] = nextProcess
                        nextProcess += 1
                    } else {
                        try emit(event(.ok, op, op.output))
                    }
                    pending[c] = nil
                    open -= 1
                }
            } else if invoked < operations {
                let (f, key, input) = next(&self, c)
                let op = Pending(process: processOf[c], f: f, key: key, input: input, info: chance(infoRate))
                try emit(event(.invoke, op, input))
                pending[c] = op
                invoked += 1
                open += 1
            }
        }
    }
}
