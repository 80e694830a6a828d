import Dispatch
import Foundation

/// Turns SIGINT and SIGTERM into a graceful stop: the first one calls `onInterrupt` (which
/// cancels the run, so it tears down and keeps its history); a second one exits at once with
/// 130, leaving whatever was injected (each fault journaled on its host) for `faultline heal` or
/// the next run, and says so with `healCommand`.
public final class InterruptTrap: Sendable {
    // Dispatch sources are thread-safe; the type is just not marked Sendable.
    nonisolated(unsafe) private let sources: [DispatchSourceSignal]

    public init(healCommand: String? = nil, onInterrupt: @escaping @Sendable (Int32) -> Void) {
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
                    var text = "faultline: aborted\n"
                    if let healCommand {
                        text += "faultline: faults and database processes may be left on the hosts (journaled there); "
                            + "undo them with: \(healCommand)  (the next run also undoes them first)\n"
                    }
                    FileHandle.standardError.write(Data(text.utf8))
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
