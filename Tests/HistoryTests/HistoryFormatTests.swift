import History
import Testing

@Suite struct HistoryFormatTests {
    @Test func rawValuesAreTheCommandLineNames() {
        #expect(HistoryFormat.allCases.map(\.rawValue) == ["jsonl", "jepsen-log", "porcupine-kv", "knossos-edn"])
        #expect(HistoryFormat(rawValue: "knossos-edn") == .knossosEDN)
        #expect(HistoryFormat(rawValue: "edn") == nil)
    }

    @Test func guessesFromTheExtension() {
        #expect(HistoryFormat.guess(path: "reports/t/1/history.jsonl") == .jsonl)
        #expect(HistoryFormat.guess(path: "a/bad-analysis.edn") == .knossosEDN)
        #expect(HistoryFormat.guess(path: "etcd_000.log") == .jepsenLog)
        #expect(HistoryFormat.guess(path: "c01-ok.TXT") == .porcupineKV)
        #expect(HistoryFormat.guess(path: "history.json") == nil)
        #expect(HistoryFormat.guess(path: "history") == nil)
        #expect(HistoryFormat.guess(path: "dir.jsonl/history") == nil)
        #expect(HistoryFormat.guess(path: ".edn") == nil)
        #expect(HistoryFormat.guess(path: "dir/.edn") == nil)
    }

    @Test func readsEachFormatFromAFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let files: [(String, String)] = [
            ("h.jsonl", "{\"type\":\"invoke\",\"process\":1,\"f\":\"read\"}\n{\"type\":\"ok\",\"process\":1,\"f\":\"read\",\"value\":2}\n"),
            ("h.log", "INFO  jepsen.util - 1\t:invoke\t:read\tnil\nINFO  jepsen.util - 1\t:ok\t:read\t2\n"),
            ("h.txt", "{:process 1, :type :invoke, :f :read, :value nil}\n{:process 1, :type :ok, :f :read, :value 2}\n"),
            ("h.edn", "[{:process 1, :type :invoke, :f :read, :value nil}\n {:process 1, :type :ok, :f :read, :value 2}]\n"),
        ]
        for (name, text) in files {
            let path = try dir.file(name, contents: text)
            let format = try #require(HistoryFormat.guess(path: path))
            let h = try format.read(path: path)
            #expect(h.source == path)
            let ops = try h.operations()
            #expect(ops.count == 1)
            #expect(ops.first?.outcome == .ok)
            #expect(ops.first?.output == 2)
            #expect(try format.parse(bytes: Array(text.utf8), source: name).events == h.events)
        }
    }

    @Test func appliesEachFormatsOwnSemantics() throws {
        let maps = Array("{:process 1, :type :invoke, :f :read}\n{:process 1, :type :ok, :f :read, :value nil}\n".utf8)
        #expect(try HistoryFormat.knossosEDN.parse(bytes: maps).events.map(\.type) == [.invoke, .info])
        #expect(try HistoryFormat.porcupineKV.parse(bytes: maps).events.map(\.type) == [.invoke, .ok])
    }

    @Test func passesTheTruncatedTailOptionToJSONL() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let path = try dir.file("h.jsonl", contents: "{\"type\":\"invoke\",\"process\":1,\"f\":\"read\"}\n{\"type\":\"o")
        #expect(thrownError { () throws(HistoryError) in try HistoryFormat.jsonl.read(path: path) }?.line == 2)
        #expect(try HistoryFormat.jsonl.read(path: path, allowTruncatedTail: true).events.count == 1)
    }

    @Test func reportsUnreadableFilesOnLineZero() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        for format in HistoryFormat.allCases {
            let missing = dir.path + "/missing"
            let e = thrownError { () throws(HistoryError) in try format.read(path: missing) }
            #expect(e?.file == missing)
            #expect(e?.line == 0)
            #expect(e?.message == "cannot open the history: No such file or directory")
            let directory = thrownError { () throws(HistoryError) in try format.read(path: dir.path) }
            #expect(directory?.line == 0)
            #expect(directory?.message == "cannot read the history: Is a directory")
        }
    }
}
