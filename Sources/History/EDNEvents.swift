/// Events written as EDN maps, `{:process 1, :type :invoke, :f :read, :value nil}`: the part
/// shared by the Knossos and Porcupine importers.
enum EDNEvents {
    /// Reads a history written as EDN maps: either one vector or list of maps (Knossos), or maps
    /// one after another (Jepsen's `history.edn`, Porcupine's kv logs); a tagged map
    /// (`#jepsen.history.Op{…}`) counts as a map. Each event's line is the line of its `{`. `adjust` may rewrite an event after it is read (for format semantics).
    static func read(
        bytes: [UInt8], source: String, adjust: (inout Event) -> Void = { _ in }
    ) throws(HistoryError) -> History {
        try UTF8Text.require(bytes, source: source)
        var reader = EDNReader(bytes: bytes, source: source)
        var history = History(events: [], source: source, lines: [])

        func add(_ value: EDN, at position: EDNPosition) throws(HistoryError) {
            var event = try event(from: value, at: position, reader: reader, defaultIndex: history.events.count)
            adjust(&event)
            history.append(event, line: position.line)
        }

        try reader.skipIgnorable()
        guard let first = reader.peek else { return history }
        if first == UInt8(ascii: "[") || first == UInt8(ascii: "(") {
            let open = reader.position
            let closing = first == UInt8(ascii: "[") ? "]" : ")"
            let closingByte = first == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: ")")
            let name = first == UInt8(ascii: "[") ? "vector" : "list"
            reader.advance()
            while true {
                try reader.skipIgnorable()
                guard let c = reader.peek else {
                    throw reader.error(
                        "expected '\(closing)' to close the \(name) of events opened at "
                            + "\(open.line):\(reader.column(of: open)), found the end of the file")
                }
                if c == closingByte {
                    reader.advance()
                    break
                }
                let position = reader.position
                if c == UInt8(ascii: ")") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}") {
                    throw reader.error(
                        "expected a map {…} for an event or '\(closing)', found \(reader.describeHere)")
                }
                let value = try reader.readValue()
                guard isEventMap(value) else {
                    throw reader.error(
                        "expected a map {…} for an event or '\(closing)', found \(value.kindDescription)",
                        at: position)
                }
                try add(value, at: position)
            }
            try reader.skipIgnorable()
            guard reader.atEnd else {
                throw reader.error(
                    "expected the end of the file after the \(name) of events, found \(reader.describeHere)")
            }
            return history
        }
        while !reader.atEnd {
            let position = reader.position
            let value = try reader.readValue()
            guard isEventMap(value) else {
                throw reader.error("expected a map {…} for an event, found \(value.kindDescription)", at: position)
            }
            try add(value, at: position)
            try reader.skipIgnorable()
        }
        return history
    }

    /// True for a map, or a tagged map such as `#jepsen.history.Op{…}`.
    private static func isEventMap(_ value: EDN) -> Bool {
        switch value {
        case .map, .tagged(_, .map): return true
        default: return false
        }
    }

    /// The event an EDN map (or tagged map) describes.
    ///
    /// Keys: `:process` (an integer or `:nemesis`), `:type` (`:invoke`, `:ok`, `:fail` or
    /// `:info`) and `:f` (a keyword or string) are required; `:value` (default nil), `:key`,
    /// `:time` (an integer), `:index` (an integer; default `defaultIndex`) and `:error` (a string,
    /// or any value, kept as its EDN text) are optional; nil counts as absent; other keys are
    /// ignored.
    static func event(from value: EDN, at position: EDNPosition, reader: EDNReader, defaultIndex: Int)
        throws(HistoryError) -> Event
    {
        var value = value
        if case .tagged(_, let inner) = value { value = inner }
        guard case .map(let entries) = value else {
            throw reader.error("expected a map {…} for an event, found \(value.kindDescription)", at: position)
        }
        var type: EventType?
        var process: ProcessID?
        var f: String?
        var key: Value?
        var payload = Value.null
        var time: Int64?
        var index: Int?
        var errorText: String?
        for entry in entries {
            guard case .keyword(let name) = entry.key else { continue }
            let v = entry.value
            switch name {
            case "process":
                switch v {
                case .int(let p): process = .client(p)
                case .keyword("nemesis"), .string("nemesis"), .symbol("nemesis"): process = .nemesis
                default:
                    throw reader.error(
                        ":process must be an integer or :nemesis, found \(v.kindDescription)",
                        at: entry.valuePosition)
                }
            case "type":
                switch v {
                case .keyword(let t), .string(let t):
                    type = EventType(rawValue: t)
                default: type = nil
                }
                if type == nil {
                    throw reader.error(
                        ":type must be :invoke, :ok, :fail or :info, found \(v.kindDescription)",
                        at: entry.valuePosition)
                }
            case "f":
                switch v {
                case .keyword(let s), .string(let s), .symbol(let s): f = s
                default:
                    throw reader.error(
                        ":f must be a keyword or a string, such as :read, found \(v.kindDescription)",
                        at: entry.valuePosition)
                }
            case "value":
                payload = v.value
            case "key":
                key = v == .null ? nil : v.value
            case "time":
                switch v {
                case .null: time = nil
                case .int(let t): time = Int64(t)
                default:
                    throw reader.error(
                        ":time must be an integer, found \(v.kindDescription)", at: entry.valuePosition)
                }
            case "index":
                switch v {
                case .null: index = nil
                case .int(let n): index = n
                default:
                    throw reader.error(
                        ":index must be an integer, found \(v.kindDescription)", at: entry.valuePosition)
                }
            case "error":
                switch v {
                case .null: errorText = nil
                case .string(let s): errorText = s
                default: errorText = v.text
                }
            default:
                continue
            }
        }
        guard let type else { throw reader.error("missing key :type in the event", at: position) }
        guard let process else { throw reader.error("missing key :process in the event", at: position) }
        guard let f else { throw reader.error("missing key :f in the event", at: position) }
        return Event(
            index: index ?? defaultIndex, type: type, process: process, f: f, key: key, value: payload,
            time: time, node: nil, error: errorText)
    }
}
