import RemoteCore
import CSystemShims
import Foundation

/// An eventfd that one thread polls and any thread can signal: the way to interrupt a `poll`.
final class WakeSignal: @unchecked Sendable {
    let fd: Int32
    private let lock = NSLock()
    private var flagged = false

    init() {
        fd = faultline_eventfd_nonblocking()
        precondition(fd >= 0, "eventfd: \(errnoText())")
    }

    deinit { close(fd) }

    /// Sets the flag and wakes the polling thread.
    func signal() {
        lock.withLock { flagged = true }
        var one: UInt64 = 1
        _ = write(fd, &one, 8)
    }

    /// Whether `signal` was called (since `drain`).
    var isSignalled: Bool { lock.withLock { flagged } }

    /// Empties the eventfd so that `poll` blocks again.
    func drain() {
        var value: UInt64 = 0
        _ = read(fd, &value, 8)
    }
}
