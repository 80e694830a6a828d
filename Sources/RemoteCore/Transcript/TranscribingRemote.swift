import Foundation

/// A `Remote` that passes everything on to `base` and writes each command and file transfer,
/// with its start, duration and outcome, to a `Transcript`.
///
/// It keeps `base`'s contract; the entry is appended once the call has returned or thrown
/// (cancellation included). Standard input is never transcribed: only the command line is.
public struct TranscribingRemote: Remote {
    public let base: any Remote
    public let transcript: Transcript

    public init(_ base: any Remote, transcript: Transcript) {
        self.base = base
        self.transcript = transcript
    }

    public var name: String { base.name }

    public func run(_ request: ExecRequest, output: @escaping OutputHandler) async throws -> ExitStatus {
        try await transcribed("run", request.command, sudo: request.sudo) {
            try await base.run(request, output: output)
        }
    }

    public func upload(_ localPath: String, to remotePath: String, options: TransferOptions) async throws {
        try await transcribed("upload", "\(localPath) -> \(remotePath)", sudo: options.sudo) {
            try await base.upload(localPath, to: remotePath, options: options)
            return ExitStatus(code: 0)
        }
    }

    public func download(_ remotePath: String, to localPath: String, options: TransferOptions) async throws {
        try await transcribed("download", "\(remotePath) -> \(localPath)", sudo: options.sudo) {
            try await base.download(remotePath, to: localPath, options: options)
            return ExitStatus(code: 0)
        }
    }

    private func transcribed(_ action: String, _ command: String, sudo: Bool,
                             _ body: () async throws -> ExitStatus) async throws -> ExitStatus {
        let wall = Date()
        let start = ContinuousClock.now
        var entry = TranscriptEntry(host: name, action: action, command: command, sudo: sudo,
                                    start: Transcript.timestamp(wall), durationMillis: 0)
        do {
            let status = try await body()
            entry.exitCode = status.code
            entry.signal = status.signal
            entry.durationMillis = (ContinuousClock.now - start).milliseconds
            transcript.append(entry)
            return status
        } catch {
            entry.error = "\(error)"
            entry.durationMillis = (ContinuousClock.now - start).milliseconds
            transcript.append(entry)
            throw error
        }
    }
}

extension Duration {
    fileprivate var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
