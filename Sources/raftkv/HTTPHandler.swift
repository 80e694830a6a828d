// The raftkv target: the raftkv server: HTTP API and peer transport on SwiftNIO around a RaftNode.

import Foundation
import NIOCore
import NIOHTTP1
import RaftKV

/// Serves one HTTP connection: `GET /status`, `POST /kv` (client commands, forwarded to the
/// leader by followers), `POST /raft/messages` (peer messages), and membership changes:
/// `GET /admin/config`, `POST /admin/add`, `POST /admin/remove` (see `MembershipRequest`).
final class HTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: RaftServer
    private let transport: PeerTransport
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private static let maxBody = 16 << 20

    init(server: RaftServer, transport: PeerTransport) {
        self.server = server
        self.transport = transport
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body = []
        case .body(let buffer):
            if body.count + buffer.readableBytes <= Self.maxBody { body += buffer.readableBytesView }
        case .end:
            guard let head else { return }
            self.head = nil
            route(head, body, context: context)
        }
    }

    private func route(_ head: HTTPRequestHead, _ body: [UInt8], context: ChannelHandlerContext) {
        let loop = context.eventLoop
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: loop)
        let keepAlive = head.isKeepAlive
        let reply: @Sendable (HTTPReply) -> Void = { answer in
            loop.execute { bound.value.handler.respond(answer, keepAlive: keepAlive, context: bound.value.context) }
        }
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        switch (head.method, path) {
        case (.GET, "/status"):
            server.status(reply)
        case (.POST, "/raft/messages"):
            guard let envelopes = try? JSONDecoder().decode([Envelope].self, from: Data(body)) else {
                return reply(.error(.badRequest, "malformed"))
            }
            server.receive(envelopes)
            reply(HTTPReply(.noContent, body: []))
        case (.POST, "/kv"):
            let command: KVCommand
            do { command = try JSONDecoder().decode(KVCommand.self, from: Data(body)) } catch {
                return reply(.error(.badRequest, "malformed"))
            }
            let transport = self.transport
            server.execute(
                command, forwarded: head.headers.contains(name: "X-Raftkv-Forwarded"), reply: reply,
                forwardTo: { address in transport.forward(body: body, to: address, reply: reply) })
        case (.GET, "/admin/config"):
            server.configuration(reply)
        case (.POST, "/admin/add"), (.POST, "/admin/remove"):
            do {
                server.changeMembership(try MembershipRequest.parse(body, adding: path == "/admin/add"), reply: reply)
            } catch {
                reply(RaftServer.json(.badRequest, ["error": "malformed", "message": "\(error)"]))
            }
        default:
            reply(.error(.notFound, "not-found"))
        }
    }

    private func respond(_ reply: HTTPReply, keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(reply.body.count))
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: .http1_1, status: reply.status, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !reply.body.isEmpty {
            var buffer = context.channel.allocator.buffer(capacity: reply.body.count)
            buffer.writeBytes(reply.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
