import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import RaftKV

/// Sends Raft messages to peers (`POST /raft/messages`, a JSON array of envelopes, one request
/// per peer per batch) and forwards client commands to the leader. Raft tolerates lost messages,
/// so a peer that is slow or unreachable gets at most `maxInFlight` batches in flight and the rest
/// are dropped rather than queued.
final class PeerTransport: Sendable {
    let client: HTTPClient
    /// Each peer's "host:port": from `--peers`, then from configuration entries (`learn`).
    private let addresses: NIOLockedValueBox<[NodeID: String]>
    private let inFlight = NIOLockedValueBox<[NodeID: Int]>([:])
    /// Peers whose last message failed; a change either way is logged once.
    private let unreachable = NIOLockedValueBox<Set<NodeID>>([])
    private let maxInFlight = 4
    private let encoder = JSONEncoder()
    /// A forwarded command's wait: the leader's own (`ServerOptions.commandTimeout`) and a margin.
    private let forwardDeadline: TimeAmount

    init(options: ServerOptions, group: any EventLoopGroup) {
        var configuration = HTTPClient.Configuration()
        // A peer not connected within an election timeout is as good as down; a shorter wait
        // would call a slow link (a held delay of a few hundred ms) a dead one.
        // A forwarded command is answered when the leader applies it, up to its command timeout:
        // reading its answer must not give up first (messages carry deadlines of their own).
        configuration.timeout = .init(connect: .milliseconds(Int64(max(500, options.electionTimeout))),
                                      read: .milliseconds(Int64(max(6000, options.commandTimeout + 1000))))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        client = HTTPClient(eventLoopGroupProvider: .shared(group), configuration: configuration)
        forwardDeadline = .milliseconds(Int64(options.commandTimeout) + 500)
        addresses = NIOLockedValueBox(Dictionary(uniqueKeysWithValues: options.peers.map { ($0.id, "\($0.host):\($0.port)") }))
    }

    func send(_ messages: [Envelope]) {
        for (peer, batch) in Dictionary(grouping: messages, by: \.to) {
            guard let address = address(of: peer), let body = try? encoder.encode(batch) else { continue }
            let admitted = inFlight.withLockedValue { counts in
                guard counts[peer, default: 0] < maxInFlight else { return false }
                counts[peer, default: 0] += 1
                return true
            }
            guard admitted, var request = try? HTTPClient.Request(url: "http://\(address)/raft/messages", method: .POST) else { continue }
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(body)
            client.execute(request: request, deadline: .now() + .seconds(2)).whenComplete { [inFlight, unreachable] result in
                inFlight.withLockedValue { $0[peer, default: 1] -= 1 }
                let failed: (any Error)? = if case .failure(let error) = result { error } else { nil }
                let changed = unreachable.withLockedValue { set in
                    failed == nil ? set.remove(peer) != nil : set.insert(peer).inserted
                }
                if changed { logLine(failed.map { "error: cannot reach peer \(peer): \($0)" } ?? "peer \(peer) reachable again") }
            }
        }
    }

    /// Adds or replaces peers' addresses (from a configuration entry or an add request).
    func learn(_ more: [NodeID: String]) {
        addresses.withLockedValue { $0.merge(more) { $1 } }
    }

    /// Where `peer` listens ("host:port"), if known.
    func address(of peer: NodeID) -> String? {
        addresses.withLockedValue { $0[peer] }
    }

    /// Forwards a client command to the leader at `address` (host:port) and relays its answer. A
    /// failure to connect means the command was never sent (503); any later failure leaves it
    /// unknown (504).
    func forward(body: [UInt8], to address: String, reply: @escaping @Sendable (HTTPReply) -> Void) {
        guard var request = try? HTTPClient.Request(url: "http://\(address)/kv", method: .POST) else {
            return reply(.notLeader)
        }
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Raftkv-Forwarded", value: "1")
        request.body = .bytes(body)
        let deadline = NIODeadline.now() + forwardDeadline
        client.execute(request: request, deadline: deadline).whenComplete { result in
            switch result {
            case .success(let response):
                reply(HTTPReply(response.status, body: response.body.map { Array($0.readableBytesView) } ?? []))
            case .failure(let error):
                logLine("error: forwarding to the leader at \(address) failed: \(error)")
                reply(Self.neverSent(error) ? .notLeader : .timeout)
            }
        }
    }

    private static func neverSent(_ error: any Error) -> Bool {
        if let error = error as? HTTPClientError, error == .connectTimeout { return true }
        if error is NIOConnectionError { return true }
        if let error = error as? ChannelError, case .connectTimeout = error { return true }
        if let error = error as? IOError, error.errnoCode == ECONNREFUSED { return true }
        return false
    }

    func shutdown() {
        try? client.syncShutdown()
    }
}
