import Dispatch
import History
import Synchronization

/// Records a run's events as they happen into `history.jsonl` and memory.
///
/// Contract: `record` gives each event the next index and the time in nanoseconds on a
/// monotonic clock since the recorder was made, and returns it; events are written in the order
/// they were recorded. What has been recorded reaches the file at least every `flushInterval`
/// (on a timer of the recorder's own, off the cooperative pool), so a crash of the controller
/// loses at most that much. Safe to call from many tasks at once.
public final class Recorder: Sendable {
    private struct State {
        var events: [Event] = []
        var counts: [EventType: Int] = [:]
        var closed = false
    }

    private let writer: JSONLWriter
    private let start = ContinuousClock.now
    private let state = Mutex(State())
    // Dispatch sources are thread-safe; the type is just not marked Sendable.
    nonisolated(unsafe) private let timer: DispatchSourceTimer

    /// The file the history goes to.
    public var path: String { writer.path }

    public init(path: String, flushInterval: Duration = .milliseconds(100)) throws(HistoryError) {
        writer = try JSONLWriter(path: path)
        let queue = DispatchQueue(label: "faultline.recorder.flush")
        timer = DispatchSource.makeTimerSource(queue: queue)
        let ms = Int(flushInterval.inMilliseconds)
        timer.schedule(deadline: .now() + .milliseconds(ms), repeating: .milliseconds(ms))
        timer.setEventHandler { [writer] in try? writer.flush() }
        timer.resume()
    }

    deinit { timer.cancel() }

    /// Nanoseconds since the recorder started.
    public func now() -> Int64 {
        let d = ContinuousClock.now - start
        return d.components.seconds * 1_000_000_000 + d.components.attoseconds / 1_000_000_000
    }

    /// Records one event; `index` and `time` are filled in here.
    ///
    /// With `deadline` (a time as `now()` gives), an `ok` or `fail` recorded after it is recorded
    /// as `info` instead, with an error saying what the answer was and how late: an operation's
    /// outcome counts only within its timeout, so no recorded `ok` or `fail` ever ends later than
    /// its invocation plus its timeout. The returned event says which was recorded.
    @discardableResult
    public func record(
        _ type: EventType, process: ProcessID, f: String, key: Value? = nil, value: Value = .null,
        node: String? = nil, error: String? = nil, deadline: Int64? = nil, cause: String? = nil, delay: Int64? = nil
    ) -> Event {
        state.withLock { s in
            let time = now()
            var type = type, value = value, error = error
            if let deadline, time > deadline, type == .ok || type == .fail {
                let late = String(format: "%.3f", Double(time - deadline) / 1e9)
                error = "timed out: answered \(type.rawValue)\(type == .ok ? " \(String(describing: value).prefix(200))" : "")\(error.map { " (\($0))" } ?? "") \(late) s after its timeout"
                type = .info
                if let invoked = s.events.last(where: { $0.process == process && $0.type == .invoke }) { value = invoked.value }
            }
            let event = Event(
                index: s.events.count, type: type, process: process, f: f, key: key, value: value,
                time: time, node: node, error: error, cause: cause, delay: delay)
            s.events.append(event)
            if process != .nemesis { s.counts[type, default: 0] += 1 }
            if !s.closed { try? writer.write(event) }
            return event
        }
    }

    /// Client events recorded so far, by type (for progress lines).
    public var counts: [EventType: Int] { state.withLock { $0.counts } }

    /// Every event recorded so far.
    public var events: [Event] { state.withLock { $0.events } }

    /// Flushes and closes the file (and fsyncs it). Later records stay in memory only.
    public func close() throws(HistoryError) {
        timer.cancel()
        let wasOpen = state.withLock { s -> Bool in
            defer { s.closed = true }
            return !s.closed
        }
        if wasOpen {
            try writer.sync()
            try writer.close()
        }
    }
}
