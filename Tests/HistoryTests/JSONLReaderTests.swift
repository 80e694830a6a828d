import History
import Testing

@Suite struct JSONLReaderTests {
    @Test func readsEveryFieldOfTheDesignExample() throws {
        let line = #"{"index":12,"type":"invoke","process":3,"f":"cas","key":"k2","value":[1,4],"time":183920113,"node":"n2"}"#
        let h = try JSONLHistory.parse(line, source: "h.jsonl")
        #expect(h.source == "h.jsonl")
        #expect(h.lines == [1])
        #expect(
            h.events == [
                Event(
                    index: 12, type: .invoke, process: .client(3), f: "cas", key: "k2", value: [1, 4],
                    time: 183_920_113, node: "n2")
            ])
    }

    @Test func optionalFieldsDefaultAndIndexIsThePosition() throws {
        let text = """
            {"type":"invoke","process":0,"f":"read"}
            {"type":"ok","process":0,"f":"read","value":null,"key":null,"time":null,"node":null,"error":null}
            {"type":"info","process":"nemesis","f":"start","value":{"n1":["n2","n3"],"at":-5},"error":"partitioned"}
            """
        let h = try JSONLHistory.parse(text)
        try #require(h.events.count == 3)
        #expect(h.events.map(\.index) == [0, 1, 2])
        #expect(h.events[0] == Event(index: 0, type: .invoke, process: .client(0), f: "read"))
        #expect(h.events[1] == Event(index: 1, type: .ok, process: .client(0), f: "read"))
        #expect(h.events[2].process == .nemesis)
        #expect(h.events[2].value == [["n1", ["n2", "n3"]], ["at", -5]])
        #expect(h.events[2].error == "partitioned")
    }

    @Test func ignoresUnknownFieldsKeepsOddNumbersAsTextAndNonStringErrorsAsJSON() throws {
        let text = #"{"extra":{"a":[1,{"b":null}],"c":1.5e3},"type":"fail","process":-2,"f":"w","value":[true,false,2.50,"x"],"error":{"code":7}}"#
        let h = try JSONLHistory.parse(text)
        try #require(h.events.count == 1)
        #expect(h.events[0].type == .fail)
        #expect(h.events[0].process == .client(-2))
        #expect(h.events[0].value == [.bool(true), .bool(false), "2.50", "x"])
        #expect(h.events[0].error == #"{"code":7}"#)
    }

    @Test func skipsBlankLinesAndAcceptsCRLFAndKeepsLineNumbers() throws {
        let text = "\n  \t\r\n{\"type\":\"invoke\",\"process\":1,\"f\":\"read\"}\r\n\n{ \"type\" : \"ok\" , \"process\" : 1 , \"f\" : \"read\" , \"value\" : [ ] }\n\n"
        let h = try JSONLHistory.parse(text)
        try #require(h.lines == [3, 5])
        #expect(h.events[1].value == [])
        #expect(try JSONLHistory.parse("").events.isEmpty)
        #expect(try JSONLHistory.parse("\n\n").events.isEmpty)
    }

    @Test func decodesStringEscapes() throws {
        let text = #"{"type":"ok","process":1,"f":"r\"e\\a\/d","value":"tab\there\nnl \u00e9 \ud83d\ude00 \b\f\r","node":"n\u0031"}"#
        let e = try #require(try JSONLHistory.parse(text).events.first)
        #expect(e.f == "r\"e\\a/d")
        #expect(e.value == .string("tab\there\nnl é 😀 \u{08}\u{0C}\r"))
        #expect(e.node == "n1")
    }

    @Test func readsTheExtremeIntegers() throws {
        let text = #"{"type":"ok","process":1,"f":"r","value":[-9223372036854775808,9223372036854775807],"time":-1}"#
        let e = try #require(try JSONLHistory.parse(text).events.first)
        #expect(e.value == [.int(Int.min), .int(Int.max)])
        #expect(e.time == -1)
    }

    // MARK: Malformed lines: file, line, column (in characters) and what was expected.

    private func message(_ text: String) -> String? {
        thrownError { () throws(HistoryError) in try JSONLHistory.parse(text, source: "h.jsonl") }?.description
    }

    @Test func reportsAMissingCommaWithItsColumn() {
        #expect(
            message(#"{"type":"invoke","process":1,"f":"read"]"#)
                == "h.jsonl:1:40: expected ',' or '}' after a field, found ']'")
    }

    @Test func countsColumnsInCharactersNotBytes() {
        #expect(
            message(#"{"f":"héllo" "type":"ok"}"#)
                == #"h.jsonl:1:14: expected ',' or '}' after a field, found '"'"#)
    }

    @Test func namesInvisibleAndWideCharactersItFound() {
        #expect(
            message("{\"type\":\"ok\"\u{1}}")
                == "h.jsonl:1:13: expected ',' or '}' after a field, found the control character U+0001")
        #expect(
            message("{\"type\":\"ok\",\"process\":1,\"f\":\"r\"}\t\rx")
                == "h.jsonl:1:36: expected the end of the line after the event's closing '}'")
        #expect(message("{\"type\":\"ok\"é}") == "h.jsonl:1:13: expected ',' or '}' after a field, found 'é'")
        #expect(message("\t{\"type\"\r\u{7F}") == "h.jsonl:1:10: expected ':' after a field name, found the control character U+007F")
    }

    @Test func reportsMissingRequiredFieldsAtTheEventsStart() {
        let ok = #"{"type":"invoke","process":1,"f":"read"}"#
        #expect(message(ok + "\n  {\"process\":1,\"f\":\"read\"}") == #"h.jsonl:2:3: missing field "type""#)
        #expect(message(#"{"type":"ok","f":"read"}"#) == #"h.jsonl:1:1: missing field "process""#)
        #expect(message(#"{"type":"ok","process":1}"#) == #"h.jsonl:1:1: missing field "f""#)
    }

    @Test func reportsBadFieldValuesAtTheValue() {
        #expect(
            message(#"{"type":"done","process":1,"f":"read"}"#)
                == "h.jsonl:1:9: type must be invoke, ok, fail or info")
        #expect(
            message(#"{"type":"ok","process":"n1","f":"read"}"#)
                == #"h.jsonl:1:24: process must be an integer or "nemesis""#)
        #expect(
            message(#"{"type":"ok","process":99999999999999999999,"f":"r"}"#)
                == "h.jsonl:1:24: integer out of range (more than 64 bits)")
        #expect(message(#"{"type":"ok","process":1,"f":3}"#) == #"h.jsonl:1:30: f must be a string, such as "read""#)
        #expect(message(#"{"type":"ok","process":1,"f":"r","time":"now"}"#) == "h.jsonl:1:41: time must be an integer")
        #expect(
            message(#"{"type":"ok","process":1,"f":"r","value":[1 2]}"#)
                == "h.jsonl:1:45: expected ',' or ']' in an array, found '2'")
        #expect(
            message(#"{"type":"ok","process":1,"f":"r","value":tru}"#)
                == "h.jsonl:1:42: expected a value (a string, number, array, object, true, false or null), found 't'")
    }

    @Test func reportsGarbageAfterTheEvent() {
        #expect(
            message(#"{"type":"ok","process":1,"f":"read"} x"#)
                == "h.jsonl:1:38: expected the end of the line after the event's closing '}'")
        #expect(message("[1]") == "h.jsonl:1:1: expected '{' to start an event, found '['")
    }

    @Test func reportsAnUnterminatedStringWhereItOpens() {
        #expect(
            message("{\"type\":\"ok\",\"process\":1,\"f\":\"read\n{}")
                == #"h.jsonl:1:30: unterminated string: expected '"' to close the string opened here"#)
        #expect(
            message(#"{"type":"ok","process":1,"f":"r\q"}"#)?.hasPrefix("h.jsonl:1:32: invalid escape") == true)
    }

    // MARK: A last line cut short by a crash.

    private let twoGoodLines = """
        {"index":0,"type":"invoke","process":1,"f":"read","value":null}
        {"index":1,"type":"ok","process":1,"f":"read","value":3}

        """

    @Test func reportsATruncatedLastLineByDefault() {
        #expect(
            message(twoGoodLines + #"{"index":2,"type":"invoke","proc"#)
                == #"h.jsonl:3:28: unterminated string: expected '"' to close the string opened here"#)
        #expect(
            message(twoGoodLines + #"{"index":2,"type":"invoke","#)
                == #"h.jsonl:3:28: expected '"' to start a field name, found the end of the file"#)
    }

    @Test func dropsOnlyAnUnterminatedUnparsableLastLineWhenAllowed() throws {
        let text = twoGoodLines + #"{"index":2,"type":"invoke","proc"#
        let h = try JSONLHistory.parse(text, allowTruncatedTail: true)
        #expect(h.events.count == 2)
        #expect(h.lines == [1, 2])

        let (history, dropped) = try JSONLHistory.parseReportingTail(
            bytes: Array(text.utf8), source: "h.jsonl", allowTruncatedTail: true)
        #expect(history.events.count == 2)
        #expect(dropped?.line == 3)
        #expect(dropped?.file == "h.jsonl")

        // A complete last line without its newline is kept.
        let whole = twoGoodLines + #"{"index":2,"type":"invoke","process":2,"f":"read"}"#
        let kept = try JSONLHistory.parseReportingTail(
            bytes: Array(whole.utf8), source: "h.jsonl", allowTruncatedTail: true)
        #expect(kept.history.events.count == 3)
        #expect(kept.droppedTail == nil)
    }

    @Test func stillReportsBadLinesThatEndInANewlineWhenTruncationIsAllowed() {
        let badLast = twoGoodLines + "{\"index\":2,\"type\":\"invoke\",\n"
        let badMiddle = #"{"index":0,"type":"invoke","proc"# + "\n" + twoGoodLines
        for text in [badLast, badMiddle] {
            let e = thrownError { () throws(HistoryError) in
                try JSONLHistory.parse(text, source: "h.jsonl", allowTruncatedTail: true)
            }
            #expect(e != nil)
        }
        #expect(
            thrownError { () throws(HistoryError) in
                try JSONLHistory.parse(badLast, source: "h.jsonl", allowTruncatedTail: true)
            }?.line == 3)
    }

    @Test func readsAFileAndReportsAMissingOneOnLineZero() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let path = try dir.file("h.jsonl", contents: twoGoodLines + #"{"index":2,"type":"inv"#)
        #expect(thrownError { () throws(HistoryError) in try JSONLHistory.read(path: path) }?.line == 3)
        let h = try JSONLHistory.read(path: path, allowTruncatedTail: true)
        #expect(h.source == path)
        #expect(h.events.count == 2)
        let tail = try JSONLHistory.readReportingTail(path: path)
        #expect(tail.droppedTail?.line == 3)

        let missing = dir.path + "/nope.jsonl"
        let e = thrownError { () throws(HistoryError) in try JSONLHistory.read(path: missing) }
        #expect(e?.file == missing)
        #expect(e?.line == 0)
        #expect(e?.column == nil)
        #expect(e?.message.hasPrefix("cannot open the history: ") == true)
        #expect(e?.message.contains("No such file") == true)
    }
}
