import Foundation

/// The body of raftkv's `POST /admin/add` and `POST /admin/remove`:
/// `{"id":"n4","address":"10.0.0.4:7379"}` (add) or `{"id":"n4"}` (remove) for one server;
/// `{"servers":[{"id":…,"address":…},…]}` (add) or `{"ids":[…]}` (remove) for several in one
/// change (joint consensus makes any change safe; `unsafe-membership` makes a change of more than
/// one server unsafe).
public struct MembershipRequest: Sendable, Equatable {
    /// Servers to add, id → "host:port".
    public var add: [NodeID: String] = [:]
    public var remove: Set<NodeID> = []

    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    private struct Server: Decodable {
        var id: String
        var address: String
    }

    private struct Body: Decodable {
        var id: String?
        var address: String?
        var servers: [Server]?
        var ids: [String]?
    }

    public init(add: [NodeID: String] = [:], remove: Set<NodeID> = []) {
        self.add = add
        self.remove = remove
    }

    /// Reads an add (`adding == true`) or remove request's body.
    public static func parse(_ body: [UInt8], adding: Bool) throws(Invalid) -> MembershipRequest {
        let decoded: Body
        do { decoded = try JSONDecoder().decode(Body.self, from: Data(body)) } catch {
            throw Invalid(description: "malformed JSON body")
        }
        var request = MembershipRequest()
        if adding {
            var servers = decoded.servers ?? []
            if let id = decoded.id {
                guard let address = decoded.address else { throw Invalid(description: "add needs \"address\" (host:port)") }
                servers.append(Server(id: id, address: address))
            }
            for server in servers {
                guard !server.id.isEmpty, hostPort(server.address) else {
                    throw Invalid(description: "expected an id and a host:port address, got \"\(server.id)\" at \"\(server.address)\"")
                }
                guard request.add.updateValue(server.address, forKey: server.id) == nil else {
                    throw Invalid(description: "\(server.id) given twice")
                }
            }
        } else {
            for id in (decoded.ids ?? []) + (decoded.id.map { [$0] } ?? []) {
                guard !id.isEmpty, request.remove.insert(id).inserted else { throw Invalid(description: "id \"\(id)\" empty or given twice") }
            }
        }
        guard !request.add.isEmpty || !request.remove.isEmpty else {
            throw Invalid(description: adding ? "add needs \"id\" and \"address\", or \"servers\"" : "remove needs \"id\" or \"ids\"")
        }
        return request
    }

    private static func hostPort(_ text: String) -> Bool {
        guard let colon = text.lastIndex(of: ":"), colon != text.startIndex, let port = Int(text[text.index(after: colon)...]) else {
            return false
        }
        return (1...65535).contains(port)
    }
}
