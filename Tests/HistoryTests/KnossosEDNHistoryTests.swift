import History
import Testing

@Suite struct KnossosEDNHistoryTests {
    static let sample = """
        ; A register starting at 0.
        [{:process 0, :type :invoke, :f :write, :value 0}
         {:process 0, :type :ok, :f :write, :value 0}
         {:process :nemesis, :type :info, :f :start, :value nil}
         {:process 1, :type :invoke, :f :read, :value nil}
         ; a read of nil constrains nothing
         {:process 1, :type :ok, :f :read, :value nil}
         {:process 22  :type :invoke, :f :read, :value nil, :time 17, :index 40}
         {:process 22, :type :ok, :f :read, :value 0 :extra {:a [1 2]}}
         {:process 3, :type :invoke, :f :cas, :value [0 -3]}
         {:process 3, :type :fail, :f :cas, :value [0 -3], :error [:temporarily-unavailable nil]}
         {:process 4,
          :type :invoke,
          :f :write,
          :value 5}
         {:process 4, :type :info, :f :write, :value 5, :error "timeout"}
         {:process 5, :type :invoke, :f :write, :value 6}
         {:process :nemesis, :type :info, :f :stop, :value "fully connected"}]

        """

    @Test func readsAVectorOfMaps() throws {
        let h = try KnossosEDNHistory.parse(Self.sample, source: "k.edn")
        #expect(h.source == "k.edn")
        try #require(h.lines == [2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 16, 17, 18])
        #expect(h.events[0] == Event(index: 0, type: .invoke, process: .client(0), f: "write", value: 0))
        #expect(h.events[2] == Event(index: 2, type: .info, process: .nemesis, f: "start", value: .null))
        #expect(h.events[5] == Event(index: 40, type: .invoke, process: .client(22), f: "read", value: .null, time: 17))
        #expect(h.events[7].value == [0, -3])
        #expect(h.events[8].error == "[:temporarily-unavailable nil]")
        #expect(h.events[9] == Event(index: 9, type: .invoke, process: .client(4), f: "write", value: 5))
        #expect(h.events[10].error == "timeout")
        #expect(h.events[12].value == "fully connected")
    }

    @Test func appliesKnossosSemantics() throws {
        let h = try KnossosEDNHistory.parse(Self.sample)
        try #require(h.events.count == 13)
        // A completed read of nil becomes an unknown read; a read of a value stays ok.
        #expect(h.events[4].type == .info)
        #expect(h.events[6].type == .ok)
        let ops = try h.operations()
        try #require(ops.count == 6)
        #expect(ops.map(\.process) == [.client(0), .client(1), .client(22), .client(3), .client(4), .client(5)])
        #expect(ops.map(\.outcome) == [.ok, .info, .ok, .fail, .info, .info])
        #expect(ops[2].output == 0)
        #expect(ops[4].input == 5)
        #expect(ops[5].completeIndex == nil)
    }

    @Test func readsAListAndMapsWithoutAVector() throws {
        let list = """
            ({:type :invoke, :f :write, :value 0, :process 0}
             {:type :ok, :f :write, :value 0, :process 0}
            )
            """
        #expect(try KnossosEDNHistory.parse(list).events.count == 2)
        let loose = "{:type :invoke, :f :read, :process 0}\n{:type :ok, :f :read, :value 1, :process 0}\n"
        let h = try KnossosEDNHistory.parse(loose)
        #expect(h.events.map(\.value) == [.null, 1])
        let tagged = "#jepsen.history.Op{:index 0, :type :invoke, :f :read, :process 0}\n"
        #expect(try KnossosEDNHistory.parse(tagged).events == [Event(index: 0, type: .invoke, process: .client(0), f: "read")])
        #expect(
            thrownError { () throws(HistoryError) in try KnossosEDNHistory.parse("#tag [1]", source: "k.edn") }?.description
                == "k.edn:1:1: expected a map {…} for an event, found a #tag element")
        #expect(try KnossosEDNHistory.parse("; nothing\n[]\n").events.isEmpty)
        #expect(try KnossosEDNHistory.parse("").events.isEmpty)
    }

    private func message(_ text: String) -> String? {
        thrownError { () throws(HistoryError) in try KnossosEDNHistory.parse(text, source: "k.edn") }?.description
    }

    @Test func reportsMalformedHistoriesWithLineAndColumn() {
        #expect(
            message("[{:process 0, :type :invoke, :f :read, :value nil}\n {:process 0, :type :ok, :f :read, :value 1}\n")
                == "k.edn:3:1: expected ']' to close the vector of events opened at 1:1, found the end of the file")
        #expect(
            message("[{:process 0, :type :invoke, :f :read, :value nil}\n {:process 0, :type :ok, :f :read, :value [1 2}]")
                == "k.edn:2:47: expected ']' to close the vector opened at 2:43, found '}'")
        #expect(
            message("[{:process 0, :type :invoke, :f :read, :value nil}\n [:process 1]]")
                == "k.edn:2:2: expected a map {…} for an event or ']', found a vector")
        #expect(
            message(#"[{:process "p1", :type :invoke, :f :read}]"#)
                == "k.edn:1:12: :process must be an integer or :nemesis, found a string")
        #expect(message("[{:process 1, :type :invoke}]") == "k.edn:1:2: missing key :f in the event")
        #expect(
            message("[{:process 1, :type :invoke, :f 7}]")
                == "k.edn:1:33: :f must be a keyword or a string, such as :read, found an integer")
        #expect(
            message("[{:process 1, :type :invoke, :f :read, :time :now}]")
                == "k.edn:1:46: :time must be an integer, found the keyword :now")
        #expect(
            message("[{:process 1, :type :invoke, :f :read}]\n[]")
                == "k.edn:2:1: expected the end of the file after the vector of events, found '['")
        #expect(
            message("[{:process 99999999999999999999, :type :invoke, :f :read}]")
                == "k.edn:1:12: integer out of range (more than 64 bits): 99999999999999999999")
    }
}
