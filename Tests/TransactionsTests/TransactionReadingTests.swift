import History
import Testing
@testable import Transactions

/// Transactions are read from JSONL and EDN events; malformed ones are refused with file:line.
@Suite struct TransactionReadingTests {
    @Test func readsJepsenEDN() throws {
        let text = """
            [{:type :invoke, :process 3, :f :txn, :value [[:append 253 1] [:r 253 nil]]}
             {:type :ok, :process 3, :f :txn, :value [[:append 253 1] [:r 253 [1]]]}
             {:type :invoke, :process 4, :f :txn, :value [[:r 253 nil]]}
             {:type :ok, :process 4, :f :txn, :value [[:r 253 nil]]}]
            """
        let h = try KnossosEDNHistory.parse(text, source: "h.edn")
        let txns = try TransactionHistory(h, model: .listAppend)
        #expect(txns.transactions.count == 2)
        #expect(txns.transactions[0].ops == [.append(key: 253, value: 1), .read(key: 253, value: [1])])
        #expect(txns.transactions[1].ops == [.read(key: 253, value: .array([]))])
        #expect(txns.transactions[0].invokeLine == 1 && txns.transactions[0].completeLine == 2)
        // The second transaction read the key empty after the first completed: stale.
        let result = try TransactionModel.listAppend.check(h)
        #expect(result.kinds == [.gSingleRealtime])
    }

    @Test func readsJSONL() throws {
        let text = """
            {"type":"invoke","process":0,"f":"txn","value":[["append","k",1],["r","k",null]]}
            {"type":"ok","process":0,"f":"txn","value":[["append","k",1],["r","k",[1]]]}
            """
        let txns = try TransactionHistory(try JSONLHistory.parse(text, source: "h.jsonl"), model: .listAppend)
        #expect(txns.transactions[0].ops[1] == .read(key: "k", value: [1]))
    }

    func error(_ text: String, _ model: TransactionModel = .listAppend) -> HistoryError? {
        do {
            _ = try model.check(try JSONLHistory.parse(text, source: "h.jsonl"))
            return nil
        } catch {
            return error
        }
    }

    @Test func aValueThatIsNotATransactionNamesItsLine() throws {
        let e = try #require(error("""
            {"type":"invoke","process":0,"f":"txn","value":[["append","k",1]]}
            {"type":"ok","process":0,"f":"txn","value":[["append","k",1]]}
            {"type":"invoke","process":0,"f":"txn","value":3}
            """))
        #expect(e.line == 3)
        #expect(e.description.hasPrefix("h.jsonl:3: expected a list-append transaction, an array of micro-operations such as [[\"append\", k, 1], [\"r\", k, nil]], found txn with value 3"))
    }

    @Test func unknownFunctionsAndShapes() throws {
        let wrongF = try #require(error("""
            {"type":"invoke","process":0,"f":"txn","value":[["w","k",1]]}
            """))
        #expect(wrongF.description.contains("unknown function \"w\""))
        let registerList = try #require(error("""
            {"type":"invoke","process":0,"f":"txn","value":[["r","k",null]]}
            {"type":"ok","process":0,"f":"txn","value":[["r","k",[1]]]}
            """, .rwRegister))
        #expect(registerList.line == 2)
        #expect(registerList.description.contains("rw-register read returns a single value"))
        let short = try #require(error("""
            {"type":"invoke","process":0,"f":"txn","value":[["append","k"]]}
            """))
        #expect(short.description.contains("expected [f, key, value]"))
        let listRead = try #require(error("""
            {"type":"invoke","process":0,"f":"txn","value":[["r","k",null]]}
            {"type":"ok","process":0,"f":"txn","value":[["r","k",5]]}
            """))
        #expect(listRead.description.contains("returns a list or nil"))
    }

    @Test func aCompletionMustReportTheInvokedSteps() throws {
        let e = try #require(error("""
            {"type":"invoke","process":0,"f":"txn","value":[["append","k",1],["r","k",null]]}
            {"type":"ok","process":0,"f":"txn","value":[["append","k",2],["r","k",[2]]]}
            """))
        #expect(e.line == 2)
        #expect(e.description.contains("its invocation (line 1) asked for [append \"k\" 1]"))
    }

    @Test func aValueAppendedTwiceIsRefused() throws {
        let e = try #require(error("""
            {"type":"invoke","process":0,"f":"txn","value":[["append","k",1]]}
            {"type":"ok","process":0,"f":"txn","value":[["append","k",1]]}
            {"type":"invoke","process":1,"f":"txn","value":[["append","k",1]]}
            {"type":"fail","process":1,"f":"txn","value":[["append","k",1]]}
            """))
        #expect(e.line == 3)
        #expect(e.description.contains("appended to key \"k\" twice"))
    }
}
