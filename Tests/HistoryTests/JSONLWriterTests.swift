import History
import Testing

@Suite struct JSONLWriterTests {
    /// Events that exercise every field, escaping and the extreme values.
    static let events: [Event] = [
        Event(
            index: 12, type: .invoke, process: .client(3), f: "cas", key: "k2", value: [1, 4],
            time: 183_920_113, node: "n2"),
        Event(index: 13, type: .ok, process: .client(3), f: "cas", key: "k2", value: [1, 4], time: 183_920_999),
        Event(index: 14, type: .fail, process: .client(-1), f: "write", value: .int(Int.min), error: "not leader"),
        Event(index: 15, type: .info, process: .nemesis, f: "start", value: [["n1", ["n2", "n3"]], .bool(true), .null]),
        Event(
            index: 16, type: .info, process: .client(Int.max), f: "we\"ird\\f", key: [.int(-7), "k"],
            value: "quote \" backslash \\ slash / nl \n cr \r tab \t bell \u{07} esc \u{1B} unit \u{1F} del \u{7F} é 😀 \u{2028}",
            time: Int64.min, node: "n\u{1}", error: "line1\nline2"),
        Event(index: 17, type: .ok, process: .client(0), f: "", value: .string("")),
    ]

    @Test func encodesTheDesignExampleExactly() {
        #expect(
            JSONLHistory.encode(Self.events[0])
                == #"{"index":12,"type":"invoke","process":3,"f":"cas","key":"k2","value":[1,4],"time":183920113,"node":"n2"}"#
        )
        #expect(
            JSONLHistory.encode(Event(index: 0, type: .info, process: .nemesis, f: "stop"))
                == #"{"index":0,"type":"info","process":"nemesis","f":"stop","value":null}"#)
    }

    @Test func escapesStringsAsJSONRequires() {
        let e = Event(index: 0, type: .ok, process: .client(1), f: "r", value: "a\"b\\c\nd\u{1}e\u{1F}\u{7F}é")
        #expect(
            JSONLHistory.encode(e)
                == #"{"index":0,"type":"ok","process":1,"f":"r","value":"a\"b\\c\nd\u0001e\u001f\u007fé"}"#)
    }

    @Test func encodeThenParseGivesTheSameEvents() throws {
        let text = Self.events.map(JSONLHistory.encode).joined(separator: "\n")
        let h = try JSONLHistory.parse(text)
        #expect(h.events == Self.events)
        for e in Self.events {
            #expect(try JSONLHistory.parse(JSONLHistory.encode(e)).events == [e])
        }
    }

    @Test func writesBatchesAndFlushesThemToTheFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let path = dir.path + "/history.jsonl"
        let writer = try JSONLWriter(path: path, batchBytes: 1 << 20)
        try writer.write(Self.events[0])
        try writer.write(Self.events[1])
        #expect(writer.eventCount == 2)
        // Still in the memory buffer: a batch is far from full.
        #expect(try dir.contents("history.jsonl") == "")
        try writer.flush()
        #expect(
            try dir.contents("history.jsonl")
                == JSONLHistory.encode(Self.events[0]) + "\n" + JSONLHistory.encode(Self.events[1]) + "\n")
        for e in Self.events.dropFirst(2) { try writer.write(e) }
        try writer.close()
        try writer.close()
        #expect(try JSONLHistory.read(path: path).events == Self.events)
    }

    @Test func writesOutByItselfWhenABatchIsFull() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let path = dir.path + "/history.jsonl"
        let writer = try JSONLWriter(path: path, batchBytes: 10)
        try writer.write(Self.events[0])
        #expect(try dir.contents("history.jsonl") == JSONLHistory.encode(Self.events[0]) + "\n")
        try writer.close()
    }

    @Test func appendsToAnExistingHistoryAndRefusesWritesAfterClose() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let path = dir.path + "/history.jsonl"
        let first = try JSONLWriter(path: path)
        try first.write(Self.events[0])
        try first.close()
        let second = try JSONLWriter(path: path)
        try second.write(Self.events[1])
        try second.sync()
        #expect(try JSONLHistory.read(path: path).events == Array(Self.events[0...1]))
        try second.close()
        let e = thrownError { () throws(HistoryError) in try second.write(Self.events[2]) }
        #expect(e == HistoryError(file: path, line: 0, message: "cannot write an event: the history is closed"))
    }

    @Test func closesOnDeinit() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let path = dir.path + "/history.jsonl"
        do {
            let writer = try JSONLWriter(path: path)
            try writer.write(Self.events[0])
        }
        #expect(try JSONLHistory.read(path: path).events == [Self.events[0]])
    }

    @Test func reportsAnUnwritablePathOnLineZero() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let path = dir.path + "/missing-dir/history.jsonl"
        let e = thrownError { () throws(HistoryError) in try JSONLWriter(path: path) }
        #expect(e?.file == path)
        #expect(e?.line == 0)
        #expect(e?.message.hasPrefix("cannot open the history for writing: ") == true)
    }

    @Test func concurrentWritersLoseNoEventAndSplitNoLine() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let path = dir.path + "/history.jsonl"
        let writer = try JSONLWriter(path: path, batchBytes: 512)
        await withTaskGroup(of: Void.self) { group in
            for p in 0..<8 {
                group.addTask {
                    for n in 0..<200 {
                        try? writer.write(Event(index: n, type: .invoke, process: .client(p), f: "write", value: .int(n)))
                    }
                }
            }
        }
        try writer.close()
        let h = try JSONLHistory.read(path: path)
        #expect(h.events.count == 1600)
        for p in 0..<8 {
            #expect(h.events.filter { $0.process == .client(p) }.map(\.index) == Array(0..<200))
        }
    }
}
