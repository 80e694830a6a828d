import Corpus
import Foundation
import Linearizability
import Testing

/// Every history of the shared corpus gets the verdict its publishers assert. The corpus lives
/// outside the repository; `.ci/run` passes its path in FAULTLINE_TESTDATA.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["FAULTLINE_TESTDATA"] != nil, "FAULTLINE_TESTDATA not set"))
struct ConformanceTests {
    static var root: String { ProcessInfo.processInfo.environment["FAULTLINE_TESTDATA"] ?? "" }

    @Test func everyVerdictInVerdictsTSV() async throws {
        let corpus = try CorpusEntry.load(root: Self.root)
        #expect(corpus.count == 128)
        var options = CheckOptions()
        options.shrink = false
        for entry in corpus {
            let result = try await entry.check(options: options)
            #expect(result.verdict == entry.expected, "\(entry.path)")
        }
    }

    @Test func invalidCorpusFilesGetACounterexample() async throws {
        let corpus = try CorpusEntry.load(root: Self.root).filter { $0.expected == .invalid }.prefix(8)
        var options = CheckOptions()
        options.shrinkTimeout = .seconds(5)
        for entry in corpus {
            let cx = try #require(try await entry.check(options: options).counterexample, "\(entry.path)")
            #expect(!cx.operations.isEmpty && cx.operations.count <= cx.shrunkFrom)
            #expect(cx.blocking != nil)
        }
    }

    @Test func kvUnsplitAgreesWithSplit() async throws {
        var unsplit = CheckOptions()
        unsplit.split = false
        unsplit.shrink = false
        for entry in try CorpusEntry.load(root: Self.root) where entry.set == "kv" {
            #expect(try await entry.check(options: unsplit).verdict == entry.expected, "\(entry.path)")
        }
    }
}
