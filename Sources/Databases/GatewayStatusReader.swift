import Cluster
import NIOCore
import Workload

/// Reads one node's status from its HTTP API over a kept connection of its own (`StatusReporting`
/// for the built-in kinds): `GET` or `POST {}` to `path`, the answer decoded as `Answer` and turned
/// into a `NodeStatus` by `read`. Any error, refusal or a deadline passed reads as nil.
struct GatewayStatusReader<Answer: Decodable & Sendable>: NodeStatusReader {
    private struct Empty: Encodable {}

    let gateway: JSONGateway
    let path: String
    let post: Bool
    let read: @Sendable (Answer) -> NodeStatus

    init(baseURL: String, path: String, post: Bool, read: @escaping @Sendable (Answer) -> NodeStatus) {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        gateway = JSONGateway(http: JSONGateway.makeHTTPClient(connectTimeout: .milliseconds(200)), baseURL: base,
                              rejection: { status, _ in .rejected(message: "status \(status)", definite: true) })
        self.path = path
        self.post = post
        self.read = read
    }

    func status(timeout: Duration) async -> NodeStatus? {
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        let answer = post ? try? await gateway.post(path, Empty(), as: Answer.self, deadline: deadline)
                          : try? await gateway.get(path, as: Answer.self, deadline: deadline)
        return answer.map(read)
    }

    func close() async { try? await gateway.http.shutdown() }
}
