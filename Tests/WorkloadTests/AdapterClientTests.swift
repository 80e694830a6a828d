import Foundation
import History
import Testing
@testable import Workload

/// The adapter protocol end to end with a real child process (Tests/WorkloadTests/Adapters/
/// scripted_adapter.py): what each kind of reply, silence, garbage and exit becomes.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs /usr/bin/python3"),
       .timeLimit(.minutes(2)))
struct AdapterClientTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Adapters").path

    private func client(logs: String? = nil) -> AdapterClient {
        AdapterClient(.init(command: ["/usr/bin/python3", "scripted_adapter.py"], directory: Self.folder,
                            node: "n2", address: "http://10.0.0.2:8001", readPath: "serializable", logDirectory: logs), serial: 7)
    }

    @Test func writesReadsAndCasGoThroughTheAdapter() async {
        let c = client()
        defer { Task { await c.close() } }
        #expect(await c.invoke(OperationRequest(f: "read", key: 1), timeout: .seconds(10)) == .ok(.null), "a missing key (error 20) reads nil")
        #expect(await c.invoke(OperationRequest(f: "write", key: 1, value: 3), timeout: .seconds(10)) == .ok(3))
        #expect(await c.invoke(OperationRequest(f: "read", key: 1), timeout: .seconds(10)) == .ok(3))
        #expect(await c.invoke(OperationRequest(f: "cas", key: 1, value: [3, 4]), timeout: .seconds(10)) == .ok([3, 4]))
        let refused = await c.invoke(OperationRequest(f: "cas", key: 1, value: [3, 5]), timeout: .seconds(10))
        #expect(refused == .fail(error: "error 22 precondition-failed: expected 3"))
        #expect(await c.invoke(OperationRequest(f: "read", key: 1), timeout: .seconds(10)) == .ok(4))
    }

    @Test func aTransactionComesBackWithItsReadsFilledIn() async {
        let c = client()
        defer { Task { await c.close() } }
        let txn: Value = [["append", 1, 5], ["r", 1, .null], ["r", 2, .null]]
        #expect(await c.invoke(OperationRequest(f: "txn", value: txn), timeout: .seconds(10)) == .ok([["append", 1, 5], ["r", 1, [5]], ["r", 2, .null]]))
        #expect(await c.invoke(OperationRequest(f: "txn", value: [["append", 1, 6], ["r", 1, .null]]), timeout: .seconds(10))
                == .ok([["append", 1, 6], ["r", 1, [5, 6]]]))
    }

    @Test func definiteCodesFailAndOthersAreInfoExceptForReads() async {
        let c = client()
        defer { Task { await c.close() } }
        for code in [1, 10, 11, 12, 14, 20, 21, 22, 30] {
            let w = await c.invoke(OperationRequest(f: "write", key: .string("code-\(code)"), value: 1), timeout: .seconds(10))
            guard case .fail = w else { Issue.record("code \(code) on a write: \(w)"); continue }
        }
        for code in [0, 13, 2, 99] {
            let w = await c.invoke(OperationRequest(f: "write", key: .string("code-\(code)"), value: 1), timeout: .seconds(10))
            guard case .info(let error) = w else { Issue.record("code \(code) on a write: \(w)"); continue }
            #expect(error.hasPrefix("error \(code)"))
            let r = await c.invoke(OperationRequest(f: "read", key: .string("code-\(code)")), timeout: .seconds(10))
            guard case .fail = r else { Issue.record("code \(code) on a read: \(r)"); continue }
        }
    }

    @Test func theRequestLineNamesTheNodeAddressAndReadPath() async throws {
        let c = client()
        defer { Task { await c.close() } }
        let reply = await c.invoke(OperationRequest(f: "read", key: "echo"), timeout: .seconds(10))
        guard case .ok(.array(let parts)) = reply else { Issue.record("\(reply)"); return }
        let strings = parts.compactMap(\.string)
        #expect(strings.contains("n2") && strings.contains("http://10.0.0.2:8001"), "FAULTLINE_NODE and FAULTLINE_ADDRESS: \(strings)")
        let line = try #require(strings.first { $0.hasPrefix("{") })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["src"] as? String == "faultline" && object["dest"] as? String == "n2")
        let body = try #require(object["body"] as? [String: Any])
        #expect(body["type"] as? String == "read" && body["key"] as? String == "echo")
        #expect(body["node"] as? String == "n2" && body["address"] as? String == "http://10.0.0.2:8001")
        #expect(body["read_path"] as? String == "serializable" && body["workload"] as? String == "register")
        #expect(body["msg_id"] as? Int == 1)
    }

    @Test func aTimeoutIsInfoAndTheNextRequestGetsAFreshAdapter() async {
        let c = client()
        defer { Task { await c.close() } }
        #expect(await c.invoke(OperationRequest(f: "write", key: 1, value: 1), timeout: .seconds(10)) == .ok(1))
        let clock = ContinuousClock()
        let start = clock.now
        #expect(await c.invoke(OperationRequest(f: "write", key: "slow", value: 1), timeout: .milliseconds(300)) == .info(error: "timed out"))
        #expect(clock.now - start < .seconds(10), "the timeout is kept, not the adapter's 30 s sleep")
        // The stopped adapter took its store with it: a new one starts empty.
        #expect(await c.invoke(OperationRequest(f: "read", key: 1), timeout: .seconds(10)) == .ok(.null))
    }

    @Test func aMalformedLineOrAnExitIsInfoWithWhatWentWrong() async throws {
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-adapter-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: logs) }
        let c = client(logs: logs)
        let garbage = await c.invoke(OperationRequest(f: "write", key: "garbage", value: 1), timeout: .seconds(10))
        guard case .info(let g) = garbage else { Issue.record("\(garbage)"); return }
        #expect(g.contains("this is not json") || g.contains("JSON"), "\(g)")
        #expect(await c.invoke(OperationRequest(f: "write", key: 2, value: 2), timeout: .seconds(10)) == .ok(2), "a new adapter after the broken one")
        let exited = await c.invoke(OperationRequest(f: "write", key: "exit", value: 1), timeout: .seconds(10))
        guard case .info(let e) = exited else { Issue.record("\(exited)"); return }
        #expect(e.contains("told to exit"), "the stderr tail is in the error: \(e)")
        let read = await c.invoke(OperationRequest(f: "read", key: "exit"), timeout: .seconds(10))
        guard case .fail = read else { Issue.record("a read that broke the adapter: \(read)"); return }
        await c.close()
        let files = try FileManager.default.contentsOfDirectory(atPath: logs)
        #expect(files == ["adapter-7-n2.stderr"], "only the stderr file that says something is kept: \(files)")
        #expect(await c.invoke(OperationRequest(f: "read", key: 1), timeout: .seconds(10)) == .fail(error: "client is closed"))
    }

    @Test func aCommandThatCannotStartFailsWithoutSending() async {
        let c = AdapterClient(.init(command: ["/nonexistent/adapter"], directory: "/", node: "n1", address: "x"), serial: 1)
        let w = await c.invoke(OperationRequest(f: "write", key: 1, value: 1), timeout: .seconds(2))
        guard case .fail(let error) = w else { Issue.record("\(w)"); return }
        #expect(error.contains("/nonexistent/adapter"))
    }

    @Test func repliesAreParsedOrRefusedWithWhatWasExpected() throws {
        let ok = try AdapterReply.parse(#"{"src":"n1","dest":"faultline","body":{"type":"read_ok","in_reply_to":4,"value":[1,"a",null,true]}}"#)
        #expect(ok == AdapterReply(type: "read_ok", inReplyTo: 4, value: [1, "a", .null, .bool(true)]))
        let bare = try AdapterReply.parse(#"{"type":"error","in_reply_to":5,"code":20,"text":"nope"}"#)
        #expect(bare.code == 20 && bare.text == "nope")
        for (line, expected) in [("[1]", "JSON object"), (#"{"in_reply_to":1}"#, "`type`"), (#"{"type":"read_ok"}"#, "in_reply_to"),
                                 (#"{"type":"read_ok","in_reply_to":1,"value":1.5}"#, "`value`"),
                                 (#"{"type":"read_ok","in_reply_to":1,"value":{"a":1}}"#, "`value`"),
                                 (#"{"type":"error","in_reply_to":1}"#, "`code`")] {
            #expect(throws: AdapterProtocolError.self, "\(line)") { try AdapterReply.parse(Substring(line)) }
            do { _ = try AdapterReply.parse(Substring(line)) } catch { #expect(error.description.contains(expected), "\(line): \(error)") }
        }
    }

    @Test func aSlowStartIsNotCountedInTheOperationsTimeout() async {
        let c = AdapterClient(.init(command: ["/usr/bin/env", "SCRIPTED_INIT_DELAY=1", "/usr/bin/python3", "scripted_adapter.py"],
                                    directory: Self.folder, node: "n1", address: "a"), serial: 1)
        defer { Task { await c.close() } }
        #expect(await c.invoke(OperationRequest(f: "write", key: 1, value: 1), timeout: .milliseconds(500)) == .ok(1),
                "the adapter answered init after 1 s; the write itself is quick")
    }

    @Test func anAdapterThatRefusesInitFailsItsRequestsDefinitely() async {
        let c = AdapterClient(.init(command: ["/usr/bin/env", "SCRIPTED_INIT=refuse", "/usr/bin/python3", "scripted_adapter.py"],
                                    directory: Self.folder, node: "n1", address: "a"), serial: 1)
        defer { Task { await c.close() } }
        let w = await c.invoke(OperationRequest(f: "write", key: 1, value: 1), timeout: .seconds(2))
        guard case .fail(let error) = w else { Issue.record("\(w)"); return }
        #expect(error.contains("answered init with `error`"), "\(error)")
    }

    @Test func theFactoryStartsTheAdapterBeforeTheFirstOperationIsTimed() async throws {
        let factory = AdapterClientFactory(command: ["/usr/bin/env", "SCRIPTED_INIT_DELAY=6", "/usr/bin/python3", "scripted_adapter.py"],
                                           directory: Self.folder)
        let c = try await factory.open(node: "n1", url: "a")
        defer { Task { await c.close() } }
        let clock = ContinuousClock()
        let start = clock.now
        #expect(await c.invoke(OperationRequest(f: "write", key: 1, value: 1), timeout: .seconds(10)) == .ok(1))
        #expect(clock.now - start < .seconds(5), "the worker times from invoke: the 6 s start was spent in open")
    }
}
