@testable import History
import Testing

@Suite struct EDNReaderTests {
    private func read(_ text: String) throws(HistoryError) -> [EDN] {
        var reader = EDNReader(bytes: Array(text.utf8), source: "t.edn")
        var out: [EDN] = []
        try reader.skipIgnorable()
        while !reader.atEnd {
            out.append(try reader.readValue())
            try reader.skipIgnorable()
        }
        return out
    }

    private func message(_ text: String) -> String? {
        thrownError { () throws(HistoryError) in try read(text) }?.description
    }

    @Test func readsScalars() throws {
        #expect(
            try read("nil true false 0 -12 +7 42N 1.5 -2e10 3.0M 1/2 :kw :ns/kw sym a.b/c")
                == [
                    .null, .bool(true), .bool(false), .int(0), .int(-12), .int(7), .int(42), .float("1.5"),
                    .float("-2e10"), .float("3.0M"), .float("1/2"), .keyword("kw"), .keyword("ns/kw"),
                    .symbol("sym"), .symbol("a.b/c"),
                ])
        #expect(try read("-9223372036854775808 9223372036854775807") == [.int(Int.min), .int(Int.max)])
        #expect(try read("- -> +") == [.symbol("-"), .symbol("->"), .symbol("+")])
    }

    @Test func readsStringsAndCharacters() throws {
        #expect(try read(#""a\"b\\c\nd\te\u00e9""#) == [.string("a\"b\\c\nd\teé")])
        #expect(try read("\"two\nlines\" :after") == [.string("two\nlines"), .keyword("after")])
        #expect(
            try read(#"\a \newline \space \tab \u0041 \( \é"#)
                == [.char("a"), .char("\n"), .char(" "), .char("\t"), .char("A"), .char("("), .char("é")])
    }

    @Test func readsCollectionsCommentsCommasAndDiscards() throws {
        let text = """
            [1, 2 ,3] (a (b)) #{:x} ; a comment [not read
            {:a 1, :b [nil {:c "d"}]} #_ :dropped #_[1 2] #inst "2020-01-01" [#_1]
            """
        #expect(
            try read(text) == [
                .vector([.int(1), .int(2), .int(3)]),
                .list([.symbol("a"), .list([.symbol("b")])]),
                .set([.keyword("x")]),
                .map([
                    EDNEntry(key: .keyword("a"), value: .int(1), valuePosition: EDNPosition(line: 2, offset: 50, lineStart: 46)),
                    EDNEntry(
                        key: .keyword("b"),
                        value: .vector([.null, .map([EDNEntry(key: .keyword("c"), value: .string("d"), valuePosition: EDNPosition(line: 2, offset: 65, lineStart: 46))])]),
                        valuePosition: EDNPosition(line: 2, offset: 56, lineStart: 46)),
                ]),
                .tagged("inst", .string("2020-01-01")),
                .vector([]),
            ])
    }

    @Test func convertsToValues() throws {
        let v = try read(#"[nil true 3 "s" :kw sym 1.5 \c (1) #{2} {:k [4]} #t 5]"#)[0].value
        #expect(v == [.null, .bool(true), 3, "s", "kw", "sym", "1.5", "c", [1], [2], [["k", [4]]], 5])
    }

    @Test func printsEDNText() throws {
        let text = #"[:a nil "q\"\n" {:b 1, :c (2 \x)} #{3} #t 4]"#
        #expect(try read(text)[0].text == text)
    }

    @Test func reportsErrorsWithLineAndColumn() {
        #expect(message("[1 2") == "t.edn:1:5: expected ']' to close the vector opened at 1:1, found the end of the file")
        #expect(message("(1\n  2]") == "t.edn:2:4: expected ')' to close the list opened at 1:1, found ']'")
        #expect(message("{:a 1 :b}") == "t.edn:1:9: expected a value for the map key :b, found '}'")
        #expect(message("  )") == "t.edn:1:3: expected a value, found ')' with nothing open to close")
        #expect(message("1 99999999999999999999") == "t.edn:1:3: integer out of range (more than 64 bits): 99999999999999999999")
        #expect(message("12abc") == "t.edn:1:1: invalid number 12abc")
        #expect(message("\"two\nlines\" )") == "t.edn:2:8: expected a value, found ')' with nothing open to close")
        #expect(message("\n  \"abc") == #"t.edn:2:3: unterminated string: expected '"' to close the string opened here"#)
        #expect(message(#""a\qb""#) == #"t.edn:1:3: invalid escape in a string: expected one of \" \\ \n \t \r \b \f \u"#)
        #expect(message(#""\u12G4""#) == #"t.edn:1:2: expected 4 hexadecimal digits after \u"#)
        #expect(message(":") == "t.edn:1:1: expected a keyword name after ':'")
        #expect(message("\\bogus") == "t.edn:1:1: invalid character literal \\bogus")
        #expect(message("#_") == "t.edn:1:3: expected a value, found the end of the file")
        #expect(message("é [") == "t.edn:1:4: expected ']' to close the vector opened at 1:3, found the end of the file")
    }

    @Test func refusesNestingDeeperThanTheLimit() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(message(deep)?.hasSuffix("values nested too deep") == true)
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(message(fine) == nil)
    }
}
