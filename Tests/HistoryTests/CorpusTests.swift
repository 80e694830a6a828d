import Foundation
import History
import Testing

/// The corpus folder named by `FAULTLINE_TESTDATA`, if set.
let corpusRoot = ProcessInfo.processInfo.environment["FAULTLINE_TESTDATA"]

/// Reads the shared corpus of published histories, when `FAULTLINE_TESTDATA` names its folder
/// (the corpus stays outside the repository; without the variable these tests are disabled).
@Suite(.enabled(if: corpusRoot != nil, "set FAULTLINE_TESTDATA to the testdata folder"))
struct CorpusTests {
    static let root = corpusRoot

    /// Every file listed in VERDICTS.tsv, relative to the root.
    static func listedFiles() throws -> [String] {
        let tsv = try String(contentsOfFile: root! + "/VERDICTS.tsv", encoding: .utf8)
        return tsv.split(separator: "\n").dropFirst().map { String($0.split(separator: "\t")[0]) }
    }

    struct Totals: Equatable {
        var files = 0, events = 0, nemesis = 0, operations = 0, ok = 0, fail = 0, info = 0
    }

    static func totals(of format: HistoryFormat) throws -> Totals {
        var t = Totals()
        for file in try listedFiles() where HistoryFormat.guess(path: file) == format {
            let h = try format.read(path: root! + "/" + file)
            let ops = try h.operations()
            t.files += 1
            t.events += h.events.count
            t.nemesis += h.events.filter { $0.process == .nemesis }.count
            t.operations += ops.count
            t.ok += ops.filter { $0.outcome == .ok }.count
            t.fail += ops.filter { $0.outcome == .fail }.count
            t.info += ops.filter { $0.outcome == .info }.count
        }
        return t
    }

    // Expected figures were counted from the files with grep, independently of these readers.

    @Test func everyListedFileHasAFormatByItsExtension() throws {
        let files = try Self.listedFiles()
        #expect(files.count == 128)
        #expect(files.allSatisfy { HistoryFormat.guess(path: $0) != nil })
    }

    @Test func jepsenEtcdLogs() throws {
        // 10046 operation lines; 3193 :ok, 1066 :fail (all :cas), 764 :info … :timed-out.
        #expect(
            try Self.totals(of: .jepsenLog)
                == Totals(files: 60, events: 10046, nemesis: 0, operations: 5023, ok: 3193, fail: 1066, info: 764))
    }

    @Test func porcupineKVLogs() throws {
        #expect(
            try Self.totals(of: .porcupineKV)
                == Totals(files: 4, events: 1676, nemesis: 0, operations: 838, ok: 838, fail: 0, info: 0))
    }

    @Test func knossosEDNHistories() throws {
        // 20831 maps, 8 of the nemesis; 10476 invocations; 7166 :ok of which 225 are reads of
        // nil (unknown reads); 2987 :fail.
        #expect(
            try Self.totals(of: .knossosEDN)
                == Totals(
                    files: 64, events: 20831, nemesis: 8, operations: 10476, ok: 7166 - 225, fail: 2987,
                    info: 10476 - (7166 - 225) - 2987))
    }
}
