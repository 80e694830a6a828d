import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One running adapter: a program on the controller that Faultline writes request lines to
/// (stdin) and reads reply lines from (stdout); its stderr goes to a file.
///
/// Contract: `request` sends one line and returns the reply whose `in_reply_to` is its id, or
/// `.timedOut` after `timeout`, or `.broken` when the adapter exits or writes a malformed line —
/// after which the adapter is terminated and every further request is `.broken` too. Replies may
/// come in any order; one with an id no request waits for (answered after its timeout) is dropped.
/// Reading runs on a thread of its own (blocking `read`), never on the cooperative pool.
// @unchecked: `process` (Foundation's Process, not marked Sendable) is only asked `isRunning`, told
// `terminate`, and waited for by the reader thread; all other state is behind `state`'s lock.
final class AdapterProcess: @unchecked Sendable {
    enum Outcome: Sendable {
        case reply(AdapterReply)
        case timedOut
        /// The adapter exited or broke the protocol: why, naming the adapter.
        case broken(String)
    }

    private struct State {
        var pending: [Int: CheckedContinuation<Outcome, Never>] = [:]
        /// Set once the adapter is unusable.
        var broken: String?
        var lines = 0
        /// Requests whose timer fired before they were registered (a timeout shorter than the
        /// time to register): they end `.timedOut` when they are.
        var expired: Set<Int> = []
    }

    /// The command line, for messages.
    let label: String
    private let process: Process
    private let input: Int32
    private let output: Int32
    private let stderrPath: String?
    private let state = Mutex(State())

    /// Starts `command` (its first word found on PATH or relative to `directory`) in
    /// `directory`, with `environment` added to Faultline's own; stderr goes to `stderrPath`
    /// (nil: discarded).
    init(command: [String], directory: String, environment: [String: String], stderrPath: String?) throws {
        _ = Self.ignoreSIGPIPE
        label = command.joined(separator: " ")
        process = Process()
        var program = command[0]
        if program.contains("/") {
            if !program.hasPrefix("/") { program = (directory as NSString).appendingPathComponent(program) }
        } else {
            program = Self.onPath(program) ?? program
        }
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = Array(command.dropFirst())
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        self.stderrPath = stderrPath
        if let stderrPath {
            FileManager.default.createFile(atPath: stderrPath, contents: nil)
            process.standardError = FileHandle(forWritingAtPath: stderrPath) ?? FileHandle.nullDevice
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        input = dup(stdin.fileHandleForWriting.fileDescriptor)
        output = dup(stdout.fileHandleForReading.fileDescriptor)
        try? stdin.fileHandleForWriting.close()
        try? stdout.fileHandleForReading.close()
        try? stdin.fileHandleForReading.close()
        try? stdout.fileHandleForWriting.close()
        let thread = Thread { [self] in readLoop() }
        thread.name = "faultline adapter reader"
        thread.start()
    }

    /// Sends `line` (a request whose `msg_id` is `id`, without newline) and waits for its reply.
    func request(_ line: String, id: Int, timeout: Duration) async -> Outcome {
        let timer = Task { [self] in
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled { finish(id, .timedOut) }
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            let early: Outcome? = state.withLock { s in
                if let reason = s.broken { return .broken(reason) }
                if s.expired.remove(id) != nil { return .timedOut }
                s.pending[id] = continuation
                return nil
            }
            if let early { return continuation.resume(returning: early) }
            var bytes = Array(line.utf8)
            bytes.append(UInt8(ascii: "\n"))
            if !writeAll(bytes) { breakDown("\(label) does not read its input (\(String(cString: strerror(errno))))") }
        }
    }

    /// Stops the adapter (SIGTERM, then SIGKILL if it lingers); pending requests end `.broken`.
    func terminate() {
        breakDown("\(label) was stopped")
        if process.isRunning { process.terminate() }
        close(input)
        let process = self.process
        DispatchQueue.global().asyncAfter(deadline: .now() + 1) { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    }

    private func finish(_ id: Int, _ outcome: Outcome) {
        state.withLock { s in
            let waiting = s.pending.removeValue(forKey: id)
            if waiting == nil, case .timedOut = outcome { s.expired.insert(id) }
            return waiting
        }?.resume(returning: outcome)
    }

    /// Marks the adapter unusable and ends every pending request with `reason`.
    private func breakDown(_ reason: String) {
        let waiting = state.withLock { s -> [CheckedContinuation<Outcome, Never>] in
            if s.broken == nil { s.broken = reason }
            defer { s.pending = [:] }
            return Array(s.pending.values)
        }
        for c in waiting { c.resume(returning: .broken(reason)) }
    }

    private func writeAll(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(input, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return false }
            offset += n
        }
        return true
    }

    private func readLoop() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var line: [UInt8] = []
        while true {
            let n = buffer.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            var start = 0
            for i in 0..<n where buffer[i] == UInt8(ascii: "\n") {
                line.append(contentsOf: buffer[start..<i])
                deliver(line)
                line.removeAll(keepingCapacity: true)
                start = i + 1
            }
            line.append(contentsOf: buffer[start..<n])
        }
        close(output)
        process.waitUntilExit()
        let status = process.terminationReason == .uncaughtSignal ? "signal \(process.terminationStatus)" : "status \(process.terminationStatus)"
        breakDown("\(label) exited (\(status))" + stderrTail())
    }

    private func deliver(_ bytes: [UInt8]) {
        let number = state.withLock { s in s.lines += 1; return s.lines }
        let text = String(decoding: bytes, as: UTF8.self)
        guard !text.allSatisfy(\.isWhitespace) else { return }
        do {
            let reply = try AdapterReply.parse(Substring(text))
            finish(reply.inReplyTo, .reply(reply))
        } catch {
            breakDown("\(label) wrote a malformed line \(number) on stdout: `\(text.prefix(200))`: \(error.description)")
            if process.isRunning { process.terminate() }
        }
    }

    /// `; stderr: …` with the last lines of the adapter's stderr, if any.
    private func stderrTail() -> String {
        guard let stderrPath, let text = try? String(contentsOfFile: stderrPath, encoding: .utf8) else { return "" }
        let lines = text.split(separator: "\n").suffix(5)
        return lines.isEmpty ? "" : "; stderr: " + lines.joined(separator: " | ")
    }

    private static func onPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A write to an adapter that exited must fail with EPIPE, not kill Faultline.
    private static let ignoreSIGPIPE: Void = { signal(SIGPIPE, SIG_IGN); return () }()
}
