import History
import Testing

/// Every reader refuses text that is not UTF-8 (naming line and column) instead of reading it
/// with replacement characters, which merges distinct keys and changes verdicts.
@Suite struct UTF8InputTests {
    static func jsonl(key: [UInt8]) -> [UInt8] {
        Array(#"{"type":"invoke","process":0,"f":"write","key":"#.utf8) + key + Array(#","value":1}"#.utf8) + [0x0A]
    }

    @Test func twoKeysThatDifferOnlyInInvalidBytesAreRefusedNotMerged() throws {
        let good = Array("{\"type\":\"ok\",\"process\":0,\"f\":\"write\",\"key\":\"a\",\"value\":1}\n".utf8)
        for bad: [UInt8] in [[0xFF], [0xFE], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
            let bytes = good + Self.jsonl(key: [0x22, 0x6B] + bad + [0x22])
            let error = #expect(throws: HistoryError.self) { try JSONLHistory.parse(bytes: bytes, source: "h.jsonl") }
            #expect(error?.line == 2)
            #expect(error?.column == 50)
            #expect(error?.message.contains("not UTF-8") == true)
        }
    }

    @Test func validMultibyteTextIsRead() throws {
        let key = "kä€😀"
        let history = try JSONLHistory.parse(bytes: Self.jsonl(key: Array("\"\(key)\"".utf8)))
        #expect(history.events.first?.key == .string(key))
        let escaped = try JSONLHistory.parse(#"{"type":"invoke","process":0,"f":"write","key":"\ud83d\ude00","value":1}"#)
        #expect(escaped.events.first?.key == .string("😀"))
    }

    @Test func aLoneSurrogateEscapeIsRefused() {
        for escape in [#"\ud800"#, #"\udc00"#, #"\ud800x"#] {
            let text = #"{"type":"invoke","process":0,"f":"write","key":"k"# + escape + #"","value":1}"#
            let error = #expect(throws: HistoryError.self) { try JSONLHistory.parse(text) }
            #expect(error?.message.contains("surrogate") == true, "\(escape)")
        }
        let edn = #"{:type :invoke, :f :write, :value "\ud800", :process 0}"#
        #expect(throws: HistoryError.self) { try PorcupineKVHistory.parse(edn) }
    }

    @Test func ednAndJepsenLogsAreCheckedToo() {
        let edn = Array("{:type :invoke, :f :write, :value 1, :process 0}\n{:type :invoke, :f :write, :value \"".utf8) + [0xFE] + Array("\", :process 1}\n".utf8)
        let e1 = #expect(throws: HistoryError.self) { try PorcupineKVHistory.parse(bytes: edn, source: "p.txt") }
        #expect(e1?.line == 2)
        #expect(e1?.column == 36)
        let knossos = #expect(throws: HistoryError.self) { try KnossosEDNHistory.parse(bytes: [0x5B] + edn + [0x5D], source: "k.edn") }
        #expect(knossos?.line == 2)
        let log = Array("INFO jepsen.util - 0\t:invoke\t:write\t".utf8) + [0xFF] + [0x0A]
        let e2 = #expect(throws: HistoryError.self) { try JepsenLogHistory.parse(bytes: log, source: "j.log") }
        #expect(e2?.line == 1)
        #expect(e2?.message.contains("0xFF") == true)
    }
}
