import AsyncHTTPClient
import Foundation
import NIOCore

/// JSON calls to one node's HTTP API (etcd's v3 JSON gateway, raftkv's API) over one HTTP/1.1
/// connection (kept open between calls, made again when lost). Each call has a deadline; its
/// outcome is sorted into what it says about the request's effect (`CallError`).
public struct JSONGateway: Sendable {
    /// Turns an answer with a status other than 200 into the error it means for the request's
    /// effect; each API says differently which refusals are definite.
    public typealias Rejection = @Sendable (_ status: UInt, _ body: Data) -> CallError

    /// The most a response body may hold (a final read of a large set).
    public static let maxResponseBytes = 64 << 20

    public let http: HTTPClient
    /// E.g. `http://10.77.0.2:2379`, without a trailing slash.
    public let baseURL: String
    public let rejection: Rejection

    public init(http: HTTPClient, baseURL: String, rejection: @escaping Rejection) {
        self.http = http
        self.baseURL = baseURL
        self.rejection = rejection
    }

    /// An HTTP client that keeps at most one connection, never retries a failed connect (so a
    /// refused request fails at once, and a failed request was never sent), never follows
    /// redirects.
    public static func makeHTTPClient(connectTimeout: Duration) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .hours(1), concurrentHTTP1ConnectionsPerHostSoftLimit: 1)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: TimeAmount(connectTimeout))
        configuration.redirectConfiguration = .disallow
        configuration.httpVersion = .http1Only
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// POSTs `body` as JSON to `path` (e.g. `/v3/kv/put`) and decodes the answer.
    public func post<Body: Encodable, Response: Decodable>(
        _ path: String, _ body: Body, as: Response.Type, deadline: NIODeadline
    ) async throws(CallError) -> Response {
        guard deadline > .now() else { throw .notSent("the operation's deadline passed before this call") }
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        do {
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        } catch {
            throw .notSent("cannot encode the request: \(error)")
        }
        return try await send(request, as: Response.self, deadline: deadline)
    }

    /// GETs `path` (e.g. `/status`) and decodes the answer.
    public func get<Response: Decodable>(_ path: String, as: Response.Type, deadline: NIODeadline) async throws(CallError) -> Response {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .GET
        return try await send(request, as: Response.self, deadline: deadline)
    }

    private func send<Response: Decodable>(_ request: HTTPClientRequest, as: Response.Type, deadline: NIODeadline)
        async throws(CallError) -> Response
    {
        let status: UInt
        let bytes: ByteBuffer
        do {
            let response = try await http.execute(request, deadline: deadline)
            status = response.status.code
            bytes = try await response.body.collect(upTo: Self.maxResponseBytes)
        } catch {
            throw CallError(transport: error)
        }
        return try Self.decode(status: status, body: Data(bytes.readableBytesView), as: Response.self, rejection: rejection)
    }

    /// Reads an answer: the response on status 200, else what `rejection` makes of it.
    public static func decode<Response: Decodable>(status: UInt, body: Data, as: Response.Type, rejection: Rejection)
        throws(CallError) -> Response
    {
        guard status == 200 else { throw rejection(status, body) }
        do {
            return try JSONDecoder().decode(Response.self, from: body)
        } catch {
            throw .unknown("unreadable answer: \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
    }
}
