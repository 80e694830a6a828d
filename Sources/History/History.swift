/// An ordered list of events, as read from one file or recorded by one run.
///
/// Order is real-time order: an event that comes later in the list happened later.
public struct History: Sendable {
    public var events: [Event]
    /// Where the events came from, for messages (a file path, or a description).
    public var source: String
    /// The source line of each event (parallel to `events`), for messages.
    public var lines: [Int]

    public init(events: [Event], source: String = "<memory>", lines: [Int]? = nil) {
        self.events = events
        self.source = source
        self.lines = lines ?? events.indices.map { $0 + 1 }
    }

    /// Appends an event read from `line` of the source.
    public mutating func append(_ event: Event, line: Int) {
        events.append(event)
        lines.append(line)
    }
}
