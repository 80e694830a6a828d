@testable import Databases
import Foundation
import History
import Testing
@testable import Workload

/// JSON as etcd 3.4.23's gateway wrote and accepted it (captured with curl against a local etcd).
@Suite struct EtcdMessageTests {
    private func json(_ value: some Encodable) throws -> NSDictionary {
        try JSONSerialization.jsonObject(with: JSONEncoder().encode(value)) as! NSDictionary
    }

    private func parsed(_ text: String) throws -> NSDictionary {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as! NSDictionary
    }

    private func decode<R: Decodable>(_ text: String, as: R.Type, status: UInt = 200) throws(CallError) -> R {
        try JSONGateway.decode(status: status, body: Data(text.utf8), as: R.self, rejection: GatewayErrorBody.rejection)
    }

    @Test func requestsEncodeAsTheGatewayExpects() throws {
        #expect(try json(RangeRequest(key: "ci8x")) == parsed(#"{"key":"ci8x"}"#))
        #expect(try json(RangeRequest(key: "Zm9v", rangeEnd: "Zm9w")) == parsed(#"{"key":"Zm9v","range_end":"Zm9w"}"#))
        #expect(try json(RangeRequest(key: "ci8x", serializable: true)) == parsed(#"{"key":"ci8x","serializable":true}"#))
        #expect(try json(PutRequest(key: "ci8x", value: "Mw==")) == parsed(#"{"key":"ci8x","value":"Mw=="}"#))
        let txn = TxnRequest(
            compare: [.valueEquals(key: "ci8x", value: "Mw==")],
            success: [RequestOp(requestPut: PutRequest(key: "ci8x", value: "NA=="))])
        #expect(
            try json(txn)
                == parsed(
                    #"{"compare":[{"key":"ci8x","target":"VALUE","result":"EQUAL","value":"Mw=="}],"#
                        + #""success":[{"request_put":{"key":"ci8x","value":"NA=="}}]}"#))
        #expect(
            try json(Compare.missing(key: "ci8x"))
                == parsed(#"{"key":"ci8x","target":"CREATE","result":"EQUAL","create_revision":"0"}"#))
        #expect(try json(LeaseGrantRequest(ttl: 10)) == parsed(#"{"TTL":10}"#))
        #expect(try json(LeaseID(id: "5007618083978465292")) == parsed(#"{"ID":"5007618083978465292"}"#))
        #expect(
            try json(LockRequest(name: "bG9jay9h", lease: "5007618083978465292"))
                == parsed(#"{"name":"bG9jay9h","lease":"5007618083978465292"}"#))
        #expect(try json(UnlockRequest(key: "bG9jay9h")) == parsed(#"{"key":"bG9jay9h"}"#))
    }

    @Test func responsesDecode() throws {
        let header = #""header":{"cluster_id":"7801232528081817440","member_id":"13458989633860879742","revision":"2","raft_term":"2"}"#
        #expect(try decode("{\(header)}", as: RangeResponse.self) == RangeResponse(kvs: nil))
        let found = try decode(
            "{\(header),"
                + #""kvs":[{"key":"ci8x","create_revision":"2","mod_revision":"2","version":"1","value":"Mw=="}],"count":"1"}"#,
            as: RangeResponse.self)
        #expect(found.kvs == [KeyValue(key: "ci8x", value: "Mw==", modRevision: "2")])
        let succeeded = try decode(
            "{\(header)," + #""succeeded":true,"responses":[{"response_put":{"header":{"revision":"3"}}}]}"#,
            as: TxnResponse.self)
        #expect(succeeded.succeeded == true)
        // A failed compare: `succeeded` is left out.
        #expect(try decode("{\(header)}", as: TxnResponse.self).succeeded == nil)
        #expect(
            try decode("{\(header)," + #""ID":"5007618083978465290","TTL":"5"}"#, as: LeaseID.self).id
                == "5007618083978465290")
        #expect(
            try decode("{\(header)," + #""key":"bG9jay9hLzQ1N2VhMjFkYWE1YmQwMGM="}"#, as: LockResponse.self).key
                == "bG9jay9hLzQ1N2VhMjFkYWE1YmQwMGM=")
        #expect(try decode("{\(header)}", as: IgnoredResponse.self) == IgnoredResponse())
    }

    @Test func gatewayErrorsAreSortedByEffect() {
        let cases: [(UInt, String, CallError, Bool)] = [
            (
                400, #"{"error":"etcdserver: key is not provided","message":"etcdserver: key is not provided","code":3}"#,
                .rejected(message: "etcd error 3: etcdserver: key is not provided", definite: true), true
            ),
            (
                404, #"{"error":"etcdserver: requested lease not found","message":"etcdserver: requested lease not found","code":5}"#,
                .rejected(message: "etcd error 5: etcdserver: requested lease not found", definite: true), true
            ),
            (
                500, #"{"error":"etcdserver: requested lease not found","message":"etcdserver: requested lease not found","code":2}"#,
                .rejected(message: "etcd error 2: etcdserver: requested lease not found", definite: true), true
            ),
            (
                503, #"{"error":"etcdserver: request timed out","message":"etcdserver: request timed out","code":14}"#,
                .rejected(message: "etcd error 14: etcdserver: request timed out", definite: false), false
            ),
            (
                503, #"{"error":"etcdserver: leader changed","message":"etcdserver: leader changed","code":14}"#,
                .rejected(message: "etcd error 14: etcdserver: leader changed", definite: false), false
            ),
            (
                429, #"{"error":"etcdserver: too many requests","message":"etcdserver: too many requests","code":8}"#,
                .rejected(message: "etcd error 8: etcdserver: too many requests", definite: true), true
            ),
            (502, "Bad Gateway", .unknown("HTTP status 502: Bad Gateway"), false),
        ]
        for (status, body, expected, definite) in cases {
            #expect(throws: expected) { try decode(body, as: IgnoredResponse.self, status: status) }
            #expect(expected.certainlyWithoutEffect == definite, "\(body)")
        }
        #expect(throws: CallError.unknown("unreadable answer: {\"kvs\":3}")) {
            try decode(#"{"kvs":3}"#, as: RangeResponse.self)
        }
        #expect(CallError.notSent("refused").certainlyWithoutEffect)
        #expect(!CallError.unknown("deadline").certainlyWithoutEffect)
    }

    @Test func keyLayoutAndValues() {
        let layout = KeyLayout()
        #expect(layout.register(.int(3)) == "faultline/register/3")
        #expect(layout.set(.int(0)) == "faultline/set/0/")
        #expect(layout.element(.int(42), of: .int(0)) == "faultline/set/0/42")
        #expect(layout.lock(.int(1)) == "faultline/lock/1")
        #expect(KeyLayout.base64("r/1") == "ci8x")
        #expect(KeyLayout.text(fromBase64: "Mw==") == "3")
        #expect(KeyLayout.text(fromBase64: "not base64!") == nil)
        #expect(KeyLayout.value(fromText: "-12") == .int(-12))
        #expect(KeyLayout.value(fromText: "x") == .string("x"))
        #expect(KeyLayout.text(.int(7)) == "7")
        // "foo" ends at "fop"; the set prefix "…/0/" ends at "…/00".
        #expect(KeyLayout.rangeEnd(ofPrefix: "foo") == KeyLayout.base64("fop"))
        #expect(KeyLayout.rangeEnd(ofPrefix: "faultline/set/0/") == KeyLayout.base64("faultline/set/00"))
    }

    // The transactional workloads' txn bodies: ranges inside a txn, mod_revision compares, and
    // the ranges' answers with each key's mod_revision.

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
