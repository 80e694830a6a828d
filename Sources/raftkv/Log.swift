import Foundation

/// One line on stderr, stamped with the wall-clock time (UTC, milliseconds).
func logLine(_ text: String) {
    let stamp = Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(Date())
    FileHandle.standardError.write(Data("\(stamp) \(text)\n".utf8))
}
