import Foundation
import RemoteCore

/// Supplies a command's standard input chunk by chunk, from bytes in memory or from a local file,
/// to a sink that may take only part of each chunk (a pipe, an SSH channel).
final class InputFeeder {
    enum Progress: Equatable {
        /// All input was written.
        case finished
        /// The sink takes no more for now.
        case pending
        /// The reader went away (it exited without reading everything): stop feeding.
        case peerGone
        case failed(String)
    }

    private var bytes: [UInt8] = []
    private var offset = 0
    private var fileFD: Int32 = -1
    private var fileAtEnd = true
    private var stream: StreamedInput?

    init(_ input: ExecInput, host: String, command: String) throws {
        switch input {
        case .none: break
        case .bytes(let data): bytes = data
        case .file(let path):
            fileFD = open(path, O_RDONLY | O_CLOEXEC)
            guard fileFD >= 0 else {
                throw RemoteError(.local, host: host, command: command,
                                  reason: "cannot read input file \(path): \(errnoText())")
            }
            fileAtEnd = false
        case .stream(let input):
            stream = input
            fileAtEnd = false
        }
    }

    /// True when a streamed input has nothing buffered and waits for its writer: nothing to write.
    var awaitsWriter: Bool { stream != nil && offset >= bytes.count && !fileAtEnd }

    /// True when there is nothing (left) to write.
    var isFinished: Bool { offset >= bytes.count && fileAtEnd }

    /// Writes as much as `sink` takes. `sink` returns the count written, or a negative errno-like
    /// code: `-EAGAIN` for "not now", `-EPIPE` for "reader gone", anything else is a failure.
    func feed(_ sink: (UnsafeRawBufferPointer) -> Int) -> Progress {
        while true {
            if offset >= bytes.count {
                if fileAtEnd { return .finished }
                if let stream {
                    let (more, finished) = stream.take()
                    if more.isEmpty {
                        if finished { fileAtEnd = true; bytes = []; offset = 0; return .finished }
                        return .pending
                    }
                    bytes = more
                    offset = 0
                    continue
                }
                if let failure = refill() { return .failed(failure) }
                continue
            }
            let n = bytes.withUnsafeBytes { sink(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
            if n > 0 { offset += n; continue }
            if n == -Int(EAGAIN) || n == 0 { return .pending }
            if n == -Int(EPIPE) { return .peerGone }
            return .failed("writing standard input: error \(-n)")
        }
    }

    /// `feed` into a non-blocking file descriptor.
    func write(to fd: Int32) -> Progress {
        feed { chunk in
            let n = Glibc.write(fd, chunk.baseAddress, chunk.count)
            return n >= 0 ? n : -Int(errno)
        }
    }

    func close() {
        if fileFD >= 0 { Glibc.close(fileFD); fileFD = -1 }
    }

    private func refill() -> String? {
        if bytes.count != 65536 { bytes = [UInt8](repeating: 0, count: 65536) }
        let n = bytes.withUnsafeMutableBytes { read(fileFD, $0.baseAddress, $0.count) }
        if n < 0 { return "reading input file: \(errnoText())" }
        if n == 0 { fileAtEnd = true; bytes = []; offset = 0; close(); return nil }
        bytes.removeSubrange(n...)
        offset = 0
        return nil
    }
}
