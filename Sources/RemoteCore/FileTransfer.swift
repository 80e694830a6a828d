import Foundation

/// Upload and download over `run`, for every `Remote`: the file travels through the command's
/// standard input or output (one channel, works under sudo, no scp or sftp binary needed on the
/// host), under a temporary name that is renamed into place once complete, with its mode kept.
extension Remote {
    public func upload(_ localPath: String, to remotePath: String, options: TransferOptions) async throws {
        var info = stat()
        guard stat(localPath, &info) == 0 else {
            throw RemoteError(.transferFailed, host: name, reason: "upload: cannot read \(localPath): \(errnoText())")
        }
        let mode = String(info.st_mode & 0o7777, radix: 8)
        let tmp = ShellQuote.quote(remotePath + ".faultline-\(UInt32.random(in: 0...UInt32.max))")
        let dest = ShellQuote.quote(remotePath)
        let command = "umask 077; cat > \(tmp) && chmod \(mode) \(tmp) && mv -f \(tmp) \(dest)"
            + " || { rc=$?; rm -f \(tmp); exit $rc; }"
        let result = try await exec(ExecRequest(command, timeout: options.timeout, sudo: options.sudo,
                                                input: .file(localPath)))
        guard result.status.isSuccess else {
            throw RemoteError(.transferFailed, host: name, command: command,
                              reason: "upload of \(localPath) to \(remotePath) failed (\(result.status)): \(result.stderrText.trimmed)")
        }
    }

    public func download(_ remotePath: String, to localPath: String, options: TransferOptions) async throws {
        let command = "stat -c %a \(ShellQuote.quote(remotePath)) && exec cat \(ShellQuote.quote(remotePath))"
        let sink = try DownloadSink(localPath: localPath, host: name)
        let status: ExitStatus
        do {
            status = try await run(ExecRequest(command, timeout: options.timeout, sudo: options.sudo),
                                   output: sink.handler)
        } catch {
            sink.discard()
            throw error
        }
        if let failure = sink.failure ?? (status.isSuccess ? nil : "\(status): \(sink.errorText)") {
            sink.discard()
            throw RemoteError(.transferFailed, host: name, command: command,
                              reason: "download of \(remotePath) to \(localPath) failed: \(failure)")
        }
        try sink.commit()
    }
}

/// Receives `stat -c %a FILE && cat FILE`: the first line is the mode, the rest the content, which
/// goes straight to a temporary file beside the destination.
private final class DownloadSink: @unchecked Sendable {
    private let lock = NSLock()
    private let localPath: String
    private let tmpPath: String
    private let host: String
    private var fd: Int32
    private var modeLine: [UInt8] = []
    private var mode: mode_t?
    private var stderr: [UInt8] = []
    private(set) var failure: String?

    init(localPath: String, host: String) throws {
        self.localPath = localPath
        self.host = host
        tmpPath = localPath + ".faultline-\(UInt32.random(in: 0...UInt32.max))"
        fd = open(tmpPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw RemoteError(.transferFailed, host: host, reason: "download: cannot create \(tmpPath): \(errnoText())")
        }
    }

    var errorText: String { lock.withLock { String(decoding: stderr, as: UTF8.self).trimmed } }

    var handler: OutputHandler {
        { [self] kind, bytes in lock.withLock { receive(kind, bytes) } }
    }

    private func receive(_ kind: OutputStreamKind, _ bytes: UnsafeRawBufferPointer) {
        guard kind == .stdout else {
            if stderr.count < 65536 { stderr.append(contentsOf: bytes.prefix(65536 - stderr.count)) }
            return
        }
        var rest = bytes[...]
        if mode == nil {
            guard let newline = rest.firstIndex(of: UInt8(ascii: "\n")) else {
                modeLine.append(contentsOf: rest)
                return
            }
            modeLine.append(contentsOf: rest[..<newline])
            mode = mode_t(String(decoding: modeLine, as: UTF8.self), radix: 8)
            if mode == nil { failure = "unexpected mode line from stat" }
            rest = rest[(newline + 1)...]
        }
        writeAll(UnsafeRawBufferPointer(rebasing: rest))
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count && failure == nil {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                failure = "writing \(tmpPath): \(errnoText())"
            } else {
                offset += n
            }
        }
    }

    func commit() throws {
        try lock.withLock {
            defer { if fd >= 0 { close(fd); fd = -1 } }
            guard fchmod(fd, mode ?? 0o600) == 0, fsync(fd) == 0, rename(tmpPath, localPath) == 0 else {
                let reason = errnoText()
                unlink(tmpPath)
                throw RemoteError(.transferFailed, host: host, reason: "download: cannot write \(localPath): \(reason)")
            }
        }
    }

    func discard() {
        lock.withLock {
            if fd >= 0 { close(fd); fd = -1 }
            unlink(tmpPath)
        }
    }
}
