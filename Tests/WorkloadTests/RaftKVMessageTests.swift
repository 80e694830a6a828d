@testable import Databases
import Foundation
import Testing
@testable import Workload

/// raftkv's client API messages, as its server expects them; answers sorted by effect.
@Suite("raftkv messages")
struct RaftKVMessageTests {
    private func json(_ command: RaftKVCommand) throws -> NSDictionary {
        try JSONSerialization.jsonObject(with: try JSONEncoder().encode(command)) as! NSDictionary
    }

    @Test func commandsEncodeAsTheServerExpects() throws {
        #expect(try json(.get("k")) == ["op": "get", "key": "k"] as NSDictionary)
        #expect(try json(.put("k", "3")) == ["op": "put", "key": "k", "value": "3"] as NSDictionary)
        #expect(try json(.cas("k", expected: "1", "2")) == ["op": "cas", "key": "k", "expected": "1", "value": "2"] as NSDictionary)
        // "Only if absent" is an explicit null, not a missing field.
        let absent = String(decoding: try JSONEncoder().encode(RaftKVCommand.cas("k", expected: nil, "2")), as: UTF8.self)
        #expect(absent.contains(#""expected":null"#))
        #expect(try json(.scan("p/")) == ["op": "scan", "prefix": "p/"] as NSDictionary)
    }

    @Test func errorsAreSortedByEffect() {
        func rejection(_ status: UInt, _ body: String) -> CallError { RaftKVErrorBody.rejection(status: status, body: Data(body.utf8)) }
        #expect(rejection(503, #"{"error":"no-leader"}"#) == .rejected(message: "raftkv 503: no-leader", definite: true))
        #expect(rejection(400, #"{"error":"bad op"}"#).certainlyWithoutEffect)
        #expect(rejection(504, #"{"error":"timeout"}"#) == .unknown("raftkv 504: timeout"))
        #expect(!rejection(500, "boom").certainlyWithoutEffect)
        let answer = try? JSONDecoder().decode(RaftKVAnswer.self, from: Data(#"{"ok":true,"kvs":[{"key":"a","value":"1"}]}"#.utf8))
        #expect(answer?.kvs?.first == RaftKVAnswer.Pair(key: "a", value: "1"))
    }
}
