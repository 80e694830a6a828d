import Analysis
import Foundation

/// Watches which node leads while a run's clients work, for the report's leader band and the
/// leader-change metrics.
///
/// Contract: `run` asks `leader` (the database's agreed leader, or the nemesis's status polls
/// when those run) every `interval` (a slow answer, as from a paused node, just delays the next
/// sample) until cancelled, and appends a
/// `LeaderSample` to `leaders.jsonl` whenever the answer differs from the last one written (the
/// first answer is always written). A failed query counts as "no agreed leader". The file is
/// written line by line, so a crash of the controller keeps what was seen.
struct LeaderSampler {
    /// Who leads now; nil when none is known or the question failed.
    var leader: @Sendable () async -> String?
    var path: String
    var interval: Duration = .milliseconds(250)
    /// The run's clock: nanoseconds since the history started.
    var now: @Sendable () -> Int64

    func run() async {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let file = FileHandle(forWritingAtPath: path) else { return }
        defer { try? file.close() }
        var last: LeaderSample?
        while !Task.isCancelled {
            let sample = LeaderSample(time: now(), leader: await leader())
            if Task.isCancelled { break }
            if last == nil || last?.leader != sample.leader {
                try? file.write(contentsOf: Data((sample.jsonLine + "\n").utf8))
                last = sample
            }
            try? await Task.sleep(for: interval)
        }
    }
}
