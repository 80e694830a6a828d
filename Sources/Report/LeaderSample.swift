import Control
import Foundation

/// One line of a run's `leaders.jsonl`: from `time` on, the observed leader (nil: no agreed
/// leader), until the next sample.
public struct LeaderSample: Sendable, Equatable, Codable {
    /// Nanoseconds since the run started, on the history's clock.
    public var time: Int64
    public var leader: String?

    public init(time: Int64, leader: String?) {
        self.time = time
        self.leader = leader
    }

    /// Reads `leaders.jsonl`; a missing file is no samples. A line that is not a sample is an
    /// `InputFileError` naming the file and the line.
    public static func read(path: String) throws -> [LeaderSample] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        var samples: [LeaderSample] = []
        let decoder = JSONDecoder()
        for (n, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.allSatisfy(\.isWhitespace) { continue }
            guard let sample = try? decoder.decode(LeaderSample.self, from: Data(line.utf8)) else {
                throw InputFileError(file: path, line: n + 1, message: #"expected {"time":<ns since the run started>,"leader":"<host>" or null}"#)
            }
            samples.append(sample)
        }
        return samples
    }
}
