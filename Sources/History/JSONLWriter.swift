#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import Synchronization

/// Appends events to a JSONL history file as they happen, in batches.
///
/// Contract:
/// - `init` opens (creating if needed, mode 0644) the file for appending; existing lines are
///   kept. Start a new history in a new or empty file: a file that ends in a partial line would
///   get the next event glued to it.
/// - `write(_:)` encodes the event with `JSONLHistory.encode(_:)` plus a newline into a memory
///   buffer; when the buffer reaches `batchBytes` it is handed to the operating system. Events are
///   written whole and in the order of the `write` calls.
/// - `flush()` hands everything buffered to the operating system: after it returns, the events
///   survive a crash of this process (not of the machine; `sync()` for that). A crash between
///   flushes loses at most the unflushed events, and can leave at most one partial last line,
///   which `JSONLHistory.read(path:allowTruncatedTail: true)` drops.
/// - `close()` flushes and closes; later `write`s throw. It runs on deinit too (errors ignored).
/// - Safe to use from several threads or tasks at once (calls are serialized).
///
/// Errors are `HistoryError`s on line 0 naming the file and the system's reason.
public final class JSONLWriter: Sendable {
    private struct State {
        var fd: Int32
        var buffer: [UInt8]
        var count: Int
    }

    /// The file written to.
    public let path: String
    /// The buffer size at which `write` hands the batch to the operating system.
    public let batchBytes: Int
    private let state: Mutex<State>

    /// Opens `path` for appending.
    ///
    /// - Parameter batchBytes: how many encoded bytes to buffer before writing them out.
    public init(path: String, batchBytes: Int = 64 * 1024) throws(HistoryError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if fd < 0 {
            throw HistoryError(
                file: path, line: 0, message: "cannot open the history for writing: \(FileBytes.lastError())")
        }
        self.path = path
        self.batchBytes = max(batchBytes, 1)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(self.batchBytes + 256)
        self.state = Mutex(State(fd: fd, buffer: buffer, count: 0))
    }

    deinit {
        try? close()
    }

    /// The number of events written so far (buffered or not).
    public var eventCount: Int {
        state.withLock { $0.count }
    }

    /// Buffers `event`, and writes the buffer out if it has reached `batchBytes`.
    public func write(_ event: Event) throws(HistoryError) {
        try state.withLock { (s: inout State) throws(HistoryError) in
            guard s.fd >= 0 else {
                throw HistoryError(file: path, line: 0, message: "cannot write an event: the history is closed")
            }
            JSONLHistory.encode(event, into: &s.buffer)
            s.buffer.append(UInt8(ascii: "\n"))
            s.count += 1
            if s.buffer.count >= batchBytes { try drain(&s) }
        }
    }

    /// Writes out every buffered event.
    public func flush() throws(HistoryError) {
        try state.withLock { (s: inout State) throws(HistoryError) in
            guard s.fd >= 0 else { return }
            try drain(&s)
        }
    }

    /// Writes out every buffered event and waits until the file is on stable storage (`fsync`).
    public func sync() throws(HistoryError) {
        try state.withLock { (s: inout State) throws(HistoryError) in
            guard s.fd >= 0 else { return }
            try drain(&s)
            if fsync(s.fd) != 0 {
                throw HistoryError(file: path, line: 0, message: "cannot sync the history: \(FileBytes.lastError())")
            }
        }
    }

    /// Writes out every buffered event and closes the file. Closing twice does nothing.
    public func close() throws(HistoryError) {
        try state.withLock { (s: inout State) throws(HistoryError) in
            guard s.fd >= 0 else { return }
            defer {
                _ = closeFile(s.fd)
                s.fd = -1
            }
            try drain(&s)
        }
    }

    private func drain(_ s: inout State) throws(HistoryError) {
        var done = 0
        let total = s.buffer.count
        var failure: Int32 = 0
        let fd = s.fd
        s.buffer.withUnsafeBytes { raw in
            while done < total {
                let n = Glue.write(fd, raw.baseAddress! + done, total - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                done += n
            }
        }
        // Whatever was written is gone from the buffer, so a retry never writes it twice.
        s.buffer.removeFirst(done)
        if failure != 0 {
            errno = failure
            throw HistoryError(file: path, line: 0, message: "cannot write the history: \(FileBytes.lastError())")
        }
    }
}

private func closeFile(_ fd: Int32) -> Int32 {
    close(fd)
}
