import Dispatch
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import RaftKV

#if canImport(Glibc)
import Glibc
#endif

let options: ServerOptions
do {
    switch try ServerOptions.parse(Array(CommandLine.arguments.dropFirst())) {
    case .version:
        print(ServerOptions.version)
        exit(0)
    case .run(let parsed):
        options = parsed
    }
} catch {
    FileHandle.standardError.write(Data("raftkv: \(error.description)\n".utf8))
    exit(254)
}

let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
let transport = PeerTransport(options: options, group: group)
let server: RaftServer
do {
    server = try RaftServer(options: options, transport: transport)
} catch {
    logLine("\(options.id) error: cannot open \(options.dataDirectory): \(error)")
    exit(255)
}

// SIGTERM / SIGINT: write out what is buffered and exit at once. Set up before the port opens,
// so a caller that sees the port open can rely on a clean exit from SIGTERM.
var signalSources: [DispatchSourceSignal] = []
for sig in [SIGTERM, SIGINT] {
    signal(sig, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: sig, queue: .main)
    source.setEventHandler {
        logLine("\(options.id) stopping on signal \(sig)")
        exit(0)
    }
    source.resume()
    signalSources.append(source)
}
let bootstrap = ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 256)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline()
            try channel.pipeline.syncOperations.addHandler(HTTPHandler(server: server, transport: transport))
        }
    }
do {
    _ = try bootstrap.bind(host: options.listenHost, port: options.listenPort).wait()
} catch {
    logLine("\(options.id) error: cannot listen on \(options.listenHost):\(options.listenPort): \(error)")
    exit(255)
}
logLine("\(options.id) listening on \(options.listenHost):\(options.listenPort) pre-vote=\(options.preVote) bugs=\(options.bugs.sorted().map(\.rawValue))")
server.start()

dispatchMain()
