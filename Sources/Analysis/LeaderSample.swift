import Foundation

/// The leader a run observed at one moment: one line of a run's `leaders.jsonl`.
///
/// The runner writes a sample when the observed leader changes (and the first one it sees), so
/// the file is the leader's history as a step function: each sample holds until the next.
/// `leader` is nil when no node was named leader by a majority of the cluster (an election under
/// way, or a majority cut off from each other).
public struct LeaderSample: Sendable, Hashable, Codable {
    /// Nanoseconds since the run started, on the history's clock.
    public var time: Int64
    public var leader: String?

    public init(time: Int64, leader: String?) {
        self.time = time
        self.leader = leader
    }

    /// The sample as one JSON line (without the newline); `leader` is written as `null` when nil.
    public var jsonLine: String {
        String(decoding: (try? JSONEncoder().encode(self)) ?? Data(), as: UTF8.self)
    }

    private enum CodingKeys: String, CodingKey { case time, leader }

    /// Writes `leader` even when nil (as `null`): the file's lines always have both fields.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(time, forKey: .time)
        try c.encode(leader, forKey: .leader)
    }

    /// Reads a `leaders.jsonl` file. A missing file is an empty list (runs before leader sampling,
    /// databases that cannot name a leader); a malformed line is an error naming file and line.
    public static func read(path: String) throws -> [LeaderSample] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var samples: [LeaderSample] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            do {
                samples.append(try JSONDecoder().decode(LeaderSample.self, from: Data(line.utf8)))
            } catch {
                throw LeaderFileError(path: path, line: n + 1)
            }
        }
        return samples.sorted { $0.time < $1.time }
    }
}

/// A `leaders.jsonl` line that is not `{"time": <integer>, "leader": <string or null>}`.
public struct LeaderFileError: Error, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var description: String {
        "\(path):\(line): expected {\"time\": <nanoseconds>, \"leader\": <node name or null>}"
    }
}
