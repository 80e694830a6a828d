@testable import Databases
import Foundation
import History
import Testing
@testable import Workload

/// The txn bodies of the transactional workloads, in the gateway's JSON: ranges inside a txn,
/// mod_revision compares, and the ranges' answers with each key's mod_revision.
@Suite struct EtcdTransactionMessageTests {
    private func json(_ value: some Encodable) throws -> NSDictionary {
        try JSONSerialization.jsonObject(with: JSONEncoder().encode(value)) as! NSDictionary
    }

    private func parsed(_ text: String) throws -> NSDictionary {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as! NSDictionary
    }

    @Test func rangesAndGuardedPutsEncodeAsTheGatewayExpects() throws {
        let read = TxnRequest(compare: [], success: [RequestOp(requestRange: RangeRequest(key: "ci8x"))])
        #expect(try json(read) == parsed(#"{"compare":[],"success":[{"request_range":{"key":"ci8x"}}]}"#))
        let guarded = TxnRequest(
            compare: [.modified(key: "ci8x", at: "12"), .modified(key: "ci8y", at: "0")],
            success: [RequestOp(requestPut: PutRequest(key: "ci8x", value: "MSAy"))])
        #expect(
            try json(guarded)
                == parsed(
                    #"{"compare":[{"key":"ci8x","target":"MOD","result":"EQUAL","mod_revision":"12"},"#
                        + #"{"key":"ci8y","target":"MOD","result":"EQUAL","mod_revision":"0"}],"#
                        + #""success":[{"request_put":{"key":"ci8x","value":"MSAy"}}]}"#))
    }

    @Test func rangeAnswersInsideATxnDecode() throws {
        let text = #"{"header":{"revision":"13"},"succeeded":true,"responses":[{"response_range":{"header":{},"kvs":[{"key":"ci8x","create_revision":"5","mod_revision":"12","version":"3","value":"MSAy"}],"count":"1"}},{"response_range":{"header":{}}}]}"#
        let response = try JSONDecoder().decode(TxnResponse.self, from: Data(text.utf8))
        #expect(response.succeeded == true && response.responses?.count == 2)
        let kv = try #require(response.responses?[0].responseRange?.kvs?.first)
        #expect(kv.modRevision == "12" && KeyLayout.text(fromBase64: kv.value ?? "") == "1 2")
        #expect(response.responses?[1].responseRange?.kvs == nil)
        #expect(KeyLayout.list(fromText: "1 2") == [.int(1), .int(2)] && KeyLayout.list(fromText: "") == [])
        #expect(KeyLayout.text(ofList: [.int(1), .int(2)]) == "1 2")
    }
}
