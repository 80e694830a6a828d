import Foundation
import RunRecord
import Runner
import RunFixtures
import Testing

/// A run whose controller was killed outright (no results.json, no manifest) as `report`,
/// `verify` and the index find it later.
@Suite struct CrashedRunTests {
    /// A stored run cut off as a SIGKILL leaves it: no results.json or manifest, a pending
    /// invocation, a last line cut short, and a temporary file of a killed atomic write.
    static func crashedRun(in reports: String) throws -> RunStore {
        let store = try RunFixtures.store(reports: reports, specText: RunFixtures.specText(name: "cli-crashed"),
                                          events: RunFixtures.registerEvents(operations: 200))
        for name in ["results.json", "manifest.json", "report.html", "junit.xml"] { try? FileManager.default.removeItem(atPath: store.path(name)) }
        let tail = FileHandle(forWritingAtPath: store.historyPath)!
        tail.seekToEndOfFile()
        tail.write(Data("{\"type\":\"invoke\",\"process\":3,\"f\":\"write\",\"key\":\"k1\",\"value\":5,\"time\":999999999999}\n{\"type\":\"ok\",\"proc".utf8))
        tail.closeFile()
        try "partial".write(toFile: store.path(".results.json.faultline-tmp"), atomically: false, encoding: .utf8)
        return store
    }

    @Test func reportAndVerifyShowACrashedRunWithWhatItsHistoryHolds() throws {
        let reports = try ReportCommandTests.temporaryReports()
        defer { try? FileManager.default.removeItem(atPath: reports) }
        let store = try Self.crashedRun(in: reports)
        let report = try CheckCommandTests.faultline(["report", store.directory])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stderr.contains("crashed"))
        let results = try ResultsFile.read(path: store.resultsPath)
        #expect(results.crashed == true)
        #expect(results.outcome == "crashed")
        #expect(results.summary.operations == 201)
        #expect(results.check.verdict == .valid)
        #expect(!FileManager.default.fileExists(atPath: store.path(".results.json.faultline-tmp")))
        let index = try String(contentsOfFile: reports + "/index.html", encoding: .utf8)
        #expect(index.contains("crashed"))

        let verify = try CheckCommandTests.faultline(["verify", store.directory])
        #expect(verify.status == 3, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("crashed"))
        #expect(verify.stdout.contains("201 operations"))
        #expect(!(verify.stdout + verify.stderr).contains("NSCocoaErrorDomain"))
    }

    @Test func aRunInProgressIsNotTakenForACrashedOne() throws {
        let reports = try ReportCommandTests.temporaryReports()
        defer { try? FileManager.default.removeItem(atPath: reports) }
        let store = try Self.crashedRun(in: reports)
        #expect(CrashedRun.find(reports: reports) == [store.directory])
        let lock = RunLock(directory: store.directory)
        #expect(lock != nil)
        #expect(CrashedRun.find(reports: reports).isEmpty)
        withExtendedLifetime(lock) {}
    }

    @Test func verifyOfADirectoryWithoutAManifestSaysSoPlainly() throws {
        let reports = try ReportCommandTests.temporaryReports()
        defer { try? FileManager.default.removeItem(atPath: reports) }
        let r = try CheckCommandTests.faultline(["verify", reports])
        #expect(r.status == 254)
        #expect(r.stderr.contains("manifest.json: no such file"))
        #expect(!r.stderr.contains("NSCocoaErrorDomain"))
    }
}
