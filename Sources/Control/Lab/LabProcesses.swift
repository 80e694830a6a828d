import RemoteCore
import Foundation

/// Signals processes the lab started, only after checking that a pid still names the lab's own
/// process (`/proc/PID/cmdline` holds the expected text): pids wrap within minutes here.
enum LabProcesses {
    /// The pid in `pidFile` if that process is alive and its command line contains `marker`.
    static func livePid(pidFile: String, marker: String) -> pid_t? {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
              let pid = pid_t(text.trimmed), pid > 1, isAlive(pid) else { return nil }
        return commandLine(pid)?.contains(marker) == true ? pid : nil
    }

    /// The process's arguments joined by spaces, or nil when it is gone.
    static func commandLine(_ pid: pid_t) -> String? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
        return String(decoding: data.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
    }

    /// True while the process exists and is not a zombie (`kill -0` is true for zombies too).
    static func isAlive(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].trimmed.first
        return state != nil && state != "Z" && state != "X"
    }

    /// Sends `signal`, then waits up to `wait` for the process to be gone.
    static func stop(_ pid: pid_t, signal: Int32, wait: Duration = .seconds(2)) async {
        kill(pid, signal)
        let deadline = Deadline.after(wait)!
        while isAlive(pid) && !deadline.hasPassed {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}
