import History
import Testing

@Suite struct PorcupineKVHistoryTests {
    static let sample = """
        {:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}
        {:process 1, :type :invoke, :f :get, :key "0", :value nil}
        {:process 0, :type :ok, :f :append, :key "0", :value "x 0 0 y"}
        {:process 1, :type :ok, :f :get, :key "0", :value ""}

        {:process 2, :type :invoke, :f :put, :key "1", :value "a \\"quoted\\" word"}
        {:process 2, :type :ok, :f :put, :key "1", :value "a \\"quoted\\" word"}

        """

    @Test func readsOneMapPerLine() throws {
        let h = try PorcupineKVHistory.parse(Self.sample, source: "c01-ok.txt")
        #expect(h.source == "c01-ok.txt")
        try #require(h.lines == [1, 2, 3, 4, 6, 7])
        #expect(
            h.events[0] == Event(index: 0, type: .invoke, process: .client(0), f: "append", key: "0", value: "x 0 0 y"))
        #expect(h.events[1] == Event(index: 1, type: .invoke, process: .client(1), f: "get", key: "0", value: .null))
        #expect(h.events[3] == Event(index: 3, type: .ok, process: .client(1), f: "get", key: "0", value: ""))
        #expect(h.events[4].value == "a \"quoted\" word")
    }

    @Test func pairsGetsWithTheValueTheyRead() throws {
        let ops = try PorcupineKVHistory.parse(Self.sample).operations()
        try #require(ops.count == 3)
        #expect(ops.map(\.f) == ["append", "get", "put"])
        #expect(ops.map(\.outcome) == [.ok, .ok, .ok])
        #expect(ops[1].key == "0")
        #expect(ops[1].input == .null)
        #expect(ops[1].output == "")
        #expect(ops[2].key == "1")
    }

    private func message(_ text: String) -> String? {
        thrownError { () throws(HistoryError) in try PorcupineKVHistory.parse(text, source: "kv.txt") }?.description
    }

    @Test func reportsMalformedLinesWithTheirColumn() {
        let good = #"{:process 0, :type :invoke, :f :get, :key "0", :value nil}"#
        #expect(message(good + "\n" + #"{:process 0, :f :get, :key "0"}"#) == "kv.txt:2:1: missing key :type in the event")
        #expect(
            message(#"{:process 0, :type :done, :f :get}"#)
                == "kv.txt:1:20: :type must be :invoke, :ok, :fail or :info, found the keyword :done")
        #expect(
            message(#"{:process 0, :type :ok, :f :get, :key "0", :value "x}"#)
                == #"kv.txt:1:51: unterminated string: expected '"' to close the string opened here"#)
        #expect(
            message(good + "\n" + #"{:process 0, :type :ok, :f :get :key}"#)
                == "kv.txt:2:37: expected a value for the map key :key, found '}'")
        #expect(message("[1 2]") == "kv.txt:1:2: expected a map {…} for an event or ']', found an integer")
        #expect(message(good + "\n:oops") == "kv.txt:2:1: expected a map {…} for an event, found the keyword :oops")
    }
}
