import Cluster
import Foundation

/// One member's answer to `POST /v3/maintenance/status`.
///
/// etcd's JSON gateway writes 64-bit integers as strings, and member ids use all 64 bits (they
/// exceed `Int64.max`): they are decoded as `UInt64`, from a string or a number. Fields at their
/// zero value are left out by the gateway: a missing `leader` means no leader (0).
public struct EtcdMemberStatus: Sendable, Equatable, Decodable {
    /// This member's id (`header.member_id`).
    public var memberID: UInt64
    /// The id of the member it follows as leader; 0 when it knows of none.
    public var leaderID: UInt64
    /// Its Raft term.
    public var raftTerm: UInt64
    /// Its server version, e.g. `3.4.23`.
    public var version: String
    /// Its Raft index (`raftIndex`), when reported.
    public var raftIndex: UInt64?

    public init(memberID: UInt64, leaderID: UInt64, raftTerm: UInt64, version: String, raftIndex: UInt64? = nil) {
        self.raftIndex = raftIndex
        self.memberID = memberID
        self.leaderID = leaderID
        self.raftTerm = raftTerm
        self.version = version
    }

    /// Decodes the endpoint's JSON body.
    public static func decode(_ json: some StringProtocol) throws -> EtcdMemberStatus {
        try JSONDecoder().decode(EtcdMemberStatus.self, from: Data(json.utf8))
    }

    private enum Keys: String, CodingKey { case header, leader, raftTerm, raftIndex, version }
    private enum HeaderKeys: String, CodingKey { case memberID = "member_id" }

    public init(from decoder: any Decoder) throws {
        let body = try decoder.container(keyedBy: Keys.self)
        let header = try body.nestedContainer(keyedBy: HeaderKeys.self, forKey: .header)
        memberID = try header.decode(EtcdUInt64.self, forKey: .memberID).value
        leaderID = try body.decodeIfPresent(EtcdUInt64.self, forKey: .leader)?.value ?? 0
        raftTerm = try body.decodeIfPresent(EtcdUInt64.self, forKey: .raftTerm)?.value ?? 0
        version = try body.decodeIfPresent(String.self, forKey: .version) ?? ""
        raftIndex = try body.decodeIfPresent(EtcdUInt64.self, forKey: .raftIndex)?.value
    }
}

/// A 64-bit unsigned integer written as a JSON string (etcd's gateway) or number (etcdctl).
struct EtcdUInt64: Decodable {
    var value: UInt64

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            guard let value = UInt64(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "`\(text)` is not an unsigned 64-bit integer")
            }
            self.value = value
        } else {
            value = try container.decode(UInt64.self)
        }
    }
}

/// etcd's answer to `POST /v3/cluster/member/list` (ids as strings or numbers, as in
/// `EtcdMemberStatus`).
struct EtcdMemberList: Decodable {
    struct Member: Decodable {
        var id: EtcdUInt64
        /// Empty for a member that was added but has not started yet.
        var name: String?
        var peerURLs: [String]?

        private enum CodingKeys: String, CodingKey { case id = "ID", name, peerURLs }
    }

    var members: [Member]

    /// Member id → name, for the members that have one.
    var names: [UInt64: String] {
        Dictionary(members.compactMap { member in member.name.flatMap { $0.isEmpty ? nil : (member.id.value, $0) } },
                   uniquingKeysWith: { first, _ in first })
    }

    static func decode(_ json: String) throws -> EtcdMemberList {
        try JSONDecoder().decode(EtcdMemberList.self, from: Data(json.utf8))
    }
}

extension EtcdMemberStatus: CustomStringConvertible {
    public var description: String {
        leaderID == 0 ? "sees no leader" : "sees leader \(leaderID) in term \(raftTerm)"
    }
}

extension DaemonProbe where Status == EtcdMemberStatus {
    /// Reads the output of an etcd status probe.
    static func parse(_ output: String) -> EtcdProbe { parse(output, decode: { try EtcdMemberStatus.decode($0) }) }
}
