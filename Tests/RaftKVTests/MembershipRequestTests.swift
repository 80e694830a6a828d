import Testing
import RaftKV

@Suite struct MembershipRequestTests {
    func parse(_ json: String, adding: Bool) throws(MembershipRequest.Invalid) -> MembershipRequest {
        try MembershipRequest.parse(Array(json.utf8), adding: adding)
    }

    @Test func oneServerOrSeveral() throws {
        #expect(try parse(#"{"id":"n4","address":"10.0.0.4:7379"}"#, adding: true) == MembershipRequest(add: ["n4": "10.0.0.4:7379"]))
        #expect(
            try parse(#"{"servers":[{"id":"n4","address":"h4:1"},{"id":"n5","address":"h5:2"}]}"#, adding: true)
                == MembershipRequest(add: ["n4": "h4:1", "n5": "h5:2"]))
        #expect(try parse(#"{"id":"n2"}"#, adding: false) == MembershipRequest(remove: ["n2"]))
        #expect(try parse(#"{"ids":["n2","n3"]}"#, adding: false) == MembershipRequest(remove: ["n2", "n3"]))
    }

    @Test(arguments: [
        (#"{"id":"n4"}"#, true), (#"{"id":"n4","address":"nohost"}"#, true), (#"{"id":"n4","address":"h:0"}"#, true),
        (#"{}"#, true), (#"{}"#, false), (#"not json"#, false), (#"{"ids":["n2","n2"]}"#, false),
        (#"{"servers":[{"id":"n4","address":"h:1"},{"id":"n4","address":"h:2"}]}"#, true), (#"{"id":""}"#, false),
    ])
    func badBodiesAreRefused(json: String, adding: Bool) {
        #expect(throws: MembershipRequest.Invalid.self) { try parse(json, adding: adding) }
    }
}
