import Foundation
import RemoteCore

/// The controller's own machine as a `Remote`: commands run as children of this process under
/// `/bin/sh -c`; upload and download copy files locally. A timeout or cancellation kills the
/// command's whole process group.
public struct LocalRemote: Remote {
    public let name: String

    public init(name: String = "localhost") {
        self.name = name
    }

    public func run(_ request: ExecRequest, output: @escaping OutputHandler) async throws -> ExitStatus {
        let command = RemoteCommandLine.build(request, loginIsRoot: geteuid() == 0, killAfterTimeout: false)
        return try await LocalProcess.run(command: command, input: request.input, timeout: request.timeout,
                                          host: name, output: output)
    }
}

/// Process-wide set-up that Control needs once: libssh2's global state, and SIGPIPE ignored so a
/// peer that went away yields EPIPE instead of ending the process.
public enum ControlRuntime {
    private static let once: Void = {
        signal(SIGPIPE, SIG_IGN)
        SSHLibrary.initialize()
    }()

    public static func initialize() {
        _ = once
    }
}
