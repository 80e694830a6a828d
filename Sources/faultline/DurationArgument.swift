import ArgumentParser

/// A duration on the command line: `60s`, `500ms`, `2m`, `1h`, or a number of seconds.
struct DurationArgument: ExpressibleByArgument, Sendable {
    var duration: Duration

    init(_ duration: Duration) { self.duration = duration }

    init?(argument: String) {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var number = Substring(argument)
        var scale = 1.0
        for (suffix, s) in units where argument.hasSuffix(suffix) {
            number = argument.dropLast(suffix.count)
            scale = s
            break
        }
        guard let value = Double(number), value >= 0 else { return nil }
        duration = .milliseconds(Int64(value * scale * 1000))
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
}
