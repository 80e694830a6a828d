import History
import Testing

@Suite struct JepsenLogHistoryTests {
    static let sample = [
        "INFO  jepsen.util - 2\t:invoke\t:write\t4",
        "INFO  jepsen.util - 0\t:invoke\t:read\tnil",
        "INFO  jepsen.util - 0\t:ok\t:read\tnil",
        "INFO  jepsen.util - 1\t:invoke\t:cas\t[0 3]",
        "INFO  jepsen.util - 1\t:fail\t:cas\t[0 3]",
        "INFO  jepsen.util - 1\t:invoke\t:cas\t[2 -1]",
        "INFO  jepsen.util - 1\t:info\t:cas\t:timed-out",
        "INFO  jepsen.util - 3\t:invoke\t:read\tnil",
        "INFO  jepsen.util - 3\t:fail\t:read\t:timed-out",
        "INFO  jepsen.util - 2\t:ok\t:write\t4",
    ].joined(separator: "\n") + "\n"

    @Test func readsTheShapesOfTheLog() throws {
        let h = try JepsenLogHistory.parse(Self.sample, source: "etcd.log")
        try #require(h.events.count == 10)
        #expect(h.source == "etcd.log")
        #expect(h.lines == Array(1...10))
        #expect(h.events.map(\.index) == Array(0..<10))
        #expect(h.events[0] == Event(index: 0, type: .invoke, process: .client(2), f: "write", value: 4))
        #expect(h.events[1] == Event(index: 1, type: .invoke, process: .client(0), f: "read", value: .null))
        #expect(h.events[2] == Event(index: 2, type: .ok, process: .client(0), f: "read", value: .null))
        #expect(h.events[3].value == [0, 3])
        #expect(h.events[4].type == .fail)
        #expect(h.events[4].value == [0, 3])
        #expect(h.events[5].value == [2, -1])
    }

    @Test func aTimedOutCompletionIsAnInfoWithNoValue() throws {
        let h = try JepsenLogHistory.parse(Self.sample)
        try #require(h.events.count == 10)
        #expect(h.events[6] == Event(index: 6, type: .info, process: .client(1), f: "cas", value: .null, error: "timed-out"))
        // `:fail :read :timed-out`: the read's outcome is unknown, not "did not happen".
        #expect(h.events[8] == Event(index: 8, type: .info, process: .client(3), f: "read", value: .null, error: "timed-out"))
    }

    @Test func pairsIntoOperationsKeepingTheInvocationsValue() throws {
        let ops = try JepsenLogHistory.parse(Self.sample).operations()
        try #require(ops.count == 5)
        #expect(ops.map(\.f) == ["write", "read", "cas", "cas", "read"])
        #expect(ops.map(\.outcome) == [.ok, .ok, .fail, .info, .info])
        #expect(ops[3].input == [2, -1])
        #expect(ops[3].output == .null)
        #expect(ops[3].completeIndex == nil)
        #expect(ops[4].input == .null)
    }

    @Test func skipsLinesOfOtherShapesAndMatchesRunsOfSpaces() throws {
        let text = """
            INFO  jepsen.core - Running test
            2015-04-14 12:00:01,123{GMT}	INFO	[jepsen worker 1] jepsen.util: 1	:invoke	:read	nil
            INFO  jepsen.util - Starting nemesis
            INFO  jepsen.util - x1 :ok :read nil
            INFO  jepsen.util - 7	:done	:read	nil
            WARN  jepsen.util - 1	:invoke	:read	nil
            NOINFO  jepsen.util - 1	:invoke	:read	nil
            just some text

            2015-04-14 12:00:02,000{GMT}	INFO  jepsen.util - 1    :invoke     :write  3
            INFO  jepsen.util - :nemesis	:info	:start	"Cut off {:n1 #{:n2}}"
            INFO  jepsen.util - 1	:ok	:write	3	extra words here \r
            """
        let h = try JepsenLogHistory.parse(text)
        try #require(h.lines == [10, 11, 12])
        #expect(h.events[0] == Event(index: 0, type: .invoke, process: .client(1), f: "write", value: 3))
        #expect(h.events[1] == Event(index: 1, type: .info, process: .nemesis, f: "start", value: "Cut off {:n1 #{:n2}}"))
        #expect(h.events[2].error == "extra words here")
        #expect(try h.operations().count == 1)
    }

    private func message(_ text: String) -> String? {
        thrownError { () throws(HistoryError) in try JepsenLogHistory.parse(text, source: "j.log") }?.description
    }

    @Test func reportsAMalformedOperationLineWithItsColumn() {
        #expect(
            message("INFO  jepsen.util - 1\t:invoke\t:read\tnil\nINFO  jepsen.util - 1\t:invoke\t:cas\t[0 3\n")
                == "j.log:2:40: expected ']' to close the vector opened at 2:36, found the end of the line")
        #expect(
            message("INFO  jepsen.util - 1\t:invoke\t:cas")
                == "j.log:1:35: expected the operation's value (such as nil, 3 or [0 3]) after :cas")
        #expect(
            message("INFO  jepsen.util - 1\t:invoke\tread\t1")
                == "j.log:1:31: expected the operation's function as a keyword, such as :read, after :invoke")
        #expect(message("INFO  jepsen.util - 1\t:invoke\t:read\t\"abc") == #"j.log:1:37: unterminated string: expected '"' to close the string opened here"#)
    }

    @Test func anOperationLineCutShortIsAnError() {
        #expect(
            message("INFO  jepsen.util - 4 :ok")
                == "j.log:1:26: expected the operation's function as a keyword, such as :read, after :ok")
    }

    @Test func readsAFileAndReportsAMissingOne() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let path = try dir.file("etcd_000.log", contents: Self.sample)
        #expect(try JepsenLogHistory.read(path: path).events.count == 10)
        let e = thrownError { () throws(HistoryError) in try JepsenLogHistory.read(path: dir.path + "/none.log") }
        #expect(e?.line == 0)
        #expect(e?.message.hasPrefix("cannot open the history: ") == true)
    }
}
