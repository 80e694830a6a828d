import History

/// Builds histories for tests: each call appends one event, in real-time order.
struct HistoryBuilder {
    private(set) var events: [Event] = []

    mutating func invoke(_ p: Int, _ f: String, _ v: Value = .null, key: Value? = nil) {
        add(.invoke, p, f, v, key)
    }
    mutating func ok(_ p: Int, _ f: String, _ v: Value = .null, key: Value? = nil) { add(.ok, p, f, v, key) }
    mutating func fail(_ p: Int, _ f: String, _ v: Value = .null, key: Value? = nil) { add(.fail, p, f, v, key) }
    mutating func info(_ p: Int, _ f: String, _ v: Value = .null, key: Value? = nil) { add(.info, p, f, v, key) }

    /// An operation that invokes and completes ok at once.
    mutating func op(_ p: Int, _ f: String, _ input: Value = .null, _ output: Value? = nil, key: Value? = nil) {
        invoke(p, f, input, key: key)
        ok(p, f, output ?? input, key: key)
    }

    private mutating func add(_ t: EventType, _ p: Int, _ f: String, _ v: Value, _ key: Value?) {
        events.append(Event(index: events.count, type: t, process: .client(p), f: f, key: key, value: v))
    }

    var history: History { History(events: events) }
    var operations: [HistoryOperation] { try! history.operations() }
}
