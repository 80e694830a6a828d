import History

/// The client operations of a run as compact number arrays for the page's script: one entry per
/// operation, times in microseconds since the first event.
///
/// Lanes: each process gets the lowest lane that is free when it first invokes (a retired
/// process's successor takes its worker's lane), so lanes are as many as concurrent workers,
/// not as many as processes.
struct TimelineData {
    var functions: [String] = []
    var start: [Int] = []
    /// Microseconds from invocation to completion; -1 for an operation that never completed.
    var duration: [Int] = []
    var lane: [Int] = []
    /// outcome (0 ok, 1 fail, 2 info) + 4 × index into `functions`.
    var code: [Int] = []
    var process: [Int] = []
    var lanes = 0
    /// Microseconds from the origin to the last event.
    var end = 0
    /// The origin of the page's time axis: the run's start (time 0 of the history's clock, which
    /// leaders.jsonl shares), or the first event if that is earlier.
    var origin: Int64 = 0

    init(operations: [HistoryOperation], events: [Event]) {
        origin = min(events.lazy.compactMap(\.time).min() ?? 0, 0)
        let last = events.lazy.compactMap(\.time).max() ?? origin
        end = Int((last - origin) / 1000)
        var fIndex: [String: Int] = [:]
        var laneOf: [ProcessID: Int] = [:]
        var busyUntil: [Int64] = []   // per lane: the last completion of its current process
        let lifetime = Self.lifetimes(operations)
        start.reserveCapacity(operations.count)
        for op in operations {
            let t0 = op.invokeTime ?? origin
            let l: Int
            if let known = laneOf[op.process] {
                l = known
            } else {
                l = busyUntil.firstIndex { $0 < t0 } ?? busyUntil.count
                if l == busyUntil.count { busyUntil.append(0) }
                laneOf[op.process] = l
                busyUntil[l] = lifetime[op.process] ?? Int64.max
            }
            let f = fIndex[op.f] ?? { fIndex[op.f] = functions.count; functions.append(op.f); return functions.count - 1 }()
            start.append(Int((t0 - origin) / 1000))
            duration.append(op.completeTime.map { Int(($0 - t0) / 1000) } ?? -1)
            lane.append(l)
            code.append((op.outcome == .ok ? 0 : op.outcome == .fail ? 1 : 2) + 4 * f)
            if case .client(let p) = op.process { process.append(p) } else { process.append(-1) }
        }
        lanes = busyUntil.count
    }

    /// Per process, when its last operation ended (never-completed operations: never).
    private static func lifetimes(_ operations: [HistoryOperation]) -> [ProcessID: Int64] {
        var last: [ProcessID: Int64] = [:]
        for op in operations { last[op.process] = op.completeTime ?? Int64.max }
        return last
    }

    /// Microseconds since the origin of a time on the history's clock.
    func micros(_ time: Int64) -> Int { Int((time - origin) / 1000) }

    /// The arrays as JSON object members (without braces).
    var jsonMembers: String {
        func list(_ a: [Int]) -> String {
            var s = "["
            s.reserveCapacity(a.count * 8)
            for (i, v) in a.enumerated() {
                if i > 0 { s += "," }
                s += String(v)
            }
            return s + "]"
        }
        return "\"functions\":[" + functions.map(HTML.jsonString).joined(separator: ",") + "],"
            + "\"start\":\(list(start)),\"duration\":\(list(duration)),\"lane\":\(list(lane)),"
            + "\"code\":\(list(code)),\"process\":\(list(process)),\"lanes\":\(lanes),\"end\":\(end)"
    }
}
