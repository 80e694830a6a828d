import Cluster
import Foundation

/// A raftkv server's answer to `GET /status`.
public struct RaftKVStatus: Sendable, Equatable, Decodable, CustomStringConvertible {
    public var id: String
    /// `leader`, `follower` or `candidate`.
    public var state: String
    public var term: UInt64
    /// The leader this server knows of, if any.
    public var leader: String?
    /// The index of the last entry it knows committed.
    public var commitIndex: UInt64?
    /// The server's wall clock (libfaketime moves it), Unix milliseconds.
    public var wallClockMillis: Int64?
    public var bugs: [String]?

    public static func decode(_ json: String) throws -> RaftKVStatus {
        try JSONDecoder().decode(RaftKVStatus.self, from: Data(json.utf8))
    }

    public var description: String {
        "\(state) in term \(term)" + (leader.map { ", leader \($0)" } ?? ", sees no leader")
    }
}

/// What asking one node's raftkv server for its status found.
public typealias RaftKVProbe = DaemonProbe<RaftKVStatus>
