import ArgumentParser
import SpecFiles

/// A duration on the command line: `60s`, `500ms`, `2m`, `1h`, or a number of seconds.
struct DurationArgument: ExpressibleByArgument, Sendable {
    var duration: Duration

    init(_ duration: Duration) { self.duration = duration }

    init?(argument: String) {
        guard let d = DurationText.parse(argument) else { return nil }
        duration = d
    }

    var defaultValueDescription: String { "\(duration)" }
}

/// A size on the command line: `512M`, `8G`, or a number of bytes.
struct ByteSizeArgument: ExpressibleByArgument, Sendable {
    var bytes: Int

    init(bytes: Int) { self.bytes = bytes }

    init?(argument: String) {
        let scales: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        var text = argument.uppercased()
        if text.hasSuffix("B") { text.removeLast() }
        var scale = 1
        if let last = text.last, let s = scales[last] {
            scale = s
            text.removeLast()
        }
        guard let n = Double(text), n > 0 else { return nil }
        bytes = Int(n * Double(scale))
    }

    /// As written on the command line: `8G`, `512M`, or bytes.
    var defaultValueDescription: String {
        for (suffix, scale) in [("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)] where bytes % scale == 0 {
            return "\(bytes / scale)\(suffix)"
        }
        return "\(bytes)"
    }
}
