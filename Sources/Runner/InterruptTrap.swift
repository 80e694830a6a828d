import Dispatch
import Foundation

/// Turns SIGINT and SIGTERM into a graceful stop: the first one calls `onInterrupt` (which
/// cancels the run, so it tears down and keeps its history); a second one exits at once with
/// 130, leaving whatever was injected for `faultline heal`.
public final class InterruptTrap: Sendable {
    // Dispatch sources are thread-safe; the type is just not marked Sendable.
    nonisolated(unsafe) private let sources: [DispatchSourceSignal]

    public init(onInterrupt: @escaping @Sendable (Int32) -> Void) {
        let queue = DispatchQueue(label: "faultline.signals")
        let count = Count()
        sources = [SIGINT, SIGTERM].map { signo in
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: queue)
            source.setEventHandler {
                if count.next() == 1 {
                    FileHandle.standardError.write(Data("\nfaultline: stopping: tearing down and keeping the history (again to abort)\n".utf8))
                    onInterrupt(signo)
                } else {
                    FileHandle.standardError.write(Data("faultline: aborted\n".utf8))
                    exit(130)
                }
            }
            source.resume()
            return source
        }
    }

    deinit { for s in sources { s.cancel() } }

    /// Counts signals; only touched on the trap's serial queue.
    private final class Count: @unchecked Sendable {
        private var n = 0
        func next() -> Int {
            n += 1
            return n
        }
    }
}
