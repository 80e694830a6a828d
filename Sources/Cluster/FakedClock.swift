import Foundation
import RemoteCore

/// libfaketime's settings for a daemon whose wall clock Faultline moves: the offset comes from a
/// file re-read on every clock read; only the wall clock is faked (Raft timers run on the
/// monotonic clock). `RemoteDaemon` preloads the library only where the host has it.
public enum FakedClock {
    /// Where Debian's libfaketime puts the library.
    public static let defaultLibrary = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"

    /// The environment of a daemon on a faked clock whose offset is in `offsetFile`.
    public static func environment(offsetFile: String, library: String = defaultLibrary) -> [String: String] {
        ["LD_PRELOAD": library, "FAKETIME_TIMESTAMP_FILE": offsetFile, "FAKETIME_NO_CACHE": "1",
         "FAKETIME_DONT_FAKE_MONOTONIC": "1"]
    }

    /// Writes `offset` into `offsetFile` on `node` (atomically: libfaketime may read it at any
    /// moment), creating the folder; throws naming the node when it cannot.
    public static func writeOffset(_ offset: Duration, file offsetFile: String, on node: ClusterNode, timeout: Duration) async throws {
        let text = String(format: "%+.6f", offset / .seconds(1))
        let folder = ShellQuote.quote((offsetFile as NSString).deletingLastPathComponent)
        let file = ShellQuote.quote(offsetFile)
        let result = try await node.remote.exec("mkdir -p \(folder) && echo \(ShellQuote.quote(text)) > \(file).tmp && mv -f \(file).tmp \(file)",
                                                timeout: timeout)
        guard result.status.isSuccess else {
            throw NodeFailure(node: node.name, reason: "cannot write \(offsetFile): \(result.stderrText.trimmingWhitespace)")
        }
    }
}
