import Foundation

/// Runs one command on many hosts at once (like pssh) and keeps each host's outcome.
public enum ParallelExec {
    /// One host's outcome: its result, or the transport error that stopped it.
    public struct Outcome: Sendable {
        public var host: String
        public var result: Result<ExecResult, RemoteError>

        /// True when the command ran and exited 0.
        public var succeeded: Bool {
            if case .success(let result) = result { return result.status.isSuccess }
            return false
        }
    }

    /// Runs `request` on every remote concurrently; outcomes come back in the order of `remotes`.
    public static func run(_ request: ExecRequest, on remotes: [any Remote]) async -> [Outcome] {
        await withTaskGroup(of: (Int, Outcome).self) { group in
            for (index, remote) in remotes.enumerated() {
                group.addTask {
                    do {
                        return (index, Outcome(host: remote.name, result: .success(try await remote.exec(request))))
                    } catch let error as RemoteError {
                        return (index, Outcome(host: remote.name, result: .failure(error)))
                    } catch {
                        let wrapped = RemoteError(.transport, host: remote.name, command: request.command, reason: "\(error)")
                        return (index, Outcome(host: remote.name, result: .failure(wrapped)))
                    }
                }
            }
            var outcomes = [Outcome?](repeating: nil, count: remotes.count)
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes.compactMap { $0 }
        }
    }

    /// The outcomes as text: per host a header line with the exit status (or error), then its
    /// stdout, then its stderr.
    public static func render(_ outcomes: [Outcome]) -> String {
        var text = ""
        for outcome in outcomes {
            switch outcome.result {
            case .success(let result):
                text += "=== \(outcome.host): \(result.status)\n"
                text += terminated(result.stdoutText)
                if !result.stderr.isEmpty { text += "--- \(outcome.host) stderr\n" + terminated(result.stderrText) }
            case .failure(let error):
                text += "=== \(outcome.host): FAILED: \(error)\n"
            }
        }
        return text
    }

    private static func terminated(_ text: String) -> String {
        text.isEmpty || text.hasSuffix("\n") ? text : text + "\n"
    }
}
