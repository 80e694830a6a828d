#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading a whole history file into memory, for the format readers.
enum FileBytes {
    /// The bytes of the file at `path`, read whole with a few large reads.
    ///
    /// Throws a `HistoryError` on line 0 naming the file and the system's reason when the file
    /// does not exist or cannot be read (a directory, no permission, an I/O error).
    static func read(path: String) throws(HistoryError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            throw HistoryError(file: path, line: 0, message: "cannot open the history: \(lastError())")
        }
        defer { _ = close(fd) }
        var st = stat()
        var capacity = 1 << 20
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG {
            capacity = Int(st.st_size) + 1
        }
        // Read straight into the array's storage; a file that grows meanwhile, or one whose size
        // is not known (a pipe), goes on in chunks.
        var failure: Int32 = 0
        var bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buf, initialized in
            initialized = 0
            while initialized < buf.count {
                let n = Glue.read(fd, buf.baseAddress! + initialized, buf.count - initialized)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if n == 0 { return }
                initialized += n
            }
        }
        if failure == 0 && bytes.count == capacity {
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let n = chunk.withUnsafeMutableBytes { Glue.read(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if n == 0 { break }
                bytes.append(contentsOf: chunk[0..<n])
            }
        }
        if failure != 0 {
            errno = failure
            throw HistoryError(file: path, line: 0, message: "cannot read the history: \(lastError())")
        }
        return bytes
    }

    /// The text of the current `errno`.
    static func lastError() -> String {
        String(cString: strerror(errno))
    }
}

/// How a character that was not expected is named in messages: quoted, or described when it is
/// invisible (a control character).
func describeCharacter(_ utf8: some Collection<UInt8>) -> String {
    if utf8.count == 1, let c = utf8.first, c < 0x20 || c == 0x7F {
        switch c {
        case 0x09: return "a tab"
        case 0x0A: return "the end of the line"
        case 0x0D: return "a carriage return"
        default:
            let hex = String(c, radix: 16, uppercase: true)
            return "the control character U+" + String(repeating: "0", count: 4 - hex.count) + hex
        }
    }
    return "'" + String(decoding: utf8, as: UTF8.self) + "'"
}

/// The byte a one-character string escape stands for, in both JSON and EDN: `\"` `\\` `\n`
/// `\t` `\r` `\b` `\f`. Nil for anything else (`\u` and format-specific escapes are read by
/// the caller).
func singleCharacterEscape(_ e: UInt8) -> UInt8? {
    switch e {
    case UInt8(ascii: "\""), UInt8(ascii: "\\"): return e
    case UInt8(ascii: "n"): return 0x0A
    case UInt8(ascii: "t"): return 0x09
    case UInt8(ascii: "r"): return 0x0D
    case UInt8(ascii: "b"): return 0x08
    case UInt8(ascii: "f"): return 0x0C
    default: return nil
    }
}

/// Names of C functions that Swift types shadow inside the History module.
enum Glue {
    static func read(_ fd: Int32, _ buf: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
            return Glibc.read(fd, buf, count)
        #elseif canImport(Musl)
            return Musl.read(fd, buf, count)
        #else
            return Darwin.read(fd, buf, count)
        #endif
    }

    static func write(_ fd: Int32, _ buf: UnsafeRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
            return Glibc.write(fd, buf, count)
        #elseif canImport(Musl)
            return Musl.write(fd, buf, count)
        #else
            return Darwin.write(fd, buf, count)
        #endif
    }
}
