import Foundation
import Report
import RunFixtures
import RunRecord
import Testing

/// Opens reports in headless Chromium (Debian `chromium`): the page's script must run to its end
/// without an error, and a screenshot of each is kept in `.build/test-artifacts/`.
@Suite(.serialized, .timeLimit(.minutes(5))) struct BrowserTests {
    typealias S = ReportTestSupport

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    struct Output { var status: Int32; var stdout: String; var stderr: String }

    /// Runs chromium headless on `page` with `arguments`, killed after `seconds`.
    static func chromium(_ arguments: [String], page: String, seconds: Int = 90) throws -> Output {
        let binary = try #require(chromium, "chromium is not installed (scripts/setup.sh installs it)")
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-chromium-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        p.arguments = ["-k", "5", String(seconds), binary, "--headless", "--no-sandbox", "--disable-gpu",
                       "--user-data-dir=\(profile)", "--no-first-run", "--disable-extensions",
                       "--enable-logging=stderr", "--v=0", "--virtual-time-budget=8000", "--window-size=1400,2600"]
            + arguments + [URL(fileURLWithPath: page).absoluteString]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read both pipes at once: chromium's log may fill one while we wait on the other.
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        return Output(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Console errors chromium logged for the page's own script.
    static func consoleErrors(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter {
            $0.contains("CONSOLE") && ($0.contains("Uncaught") || $0.contains("Error")) || $0.contains("Uncaught ")
        }
    }

    func open(name: String, _ make: (String) throws -> RunStore) throws {
        let reports = try S.temporaryReports()
        defer { try? FileManager.default.removeItem(atPath: reports) }
        let page = try ReportWriter.writeRun(directory: try make(reports).directory)

        let dom = try Self.chromium(["--dump-dom"], page: page)
        #expect(dom.status == 0, "chromium exited \(dom.status): \(dom.stderr.suffix(2000))")
        #expect(dom.stdout.contains("data-rendered=\"yes\""), "the page's script did not finish: \(dom.stdout.suffix(600))")
        #expect(!dom.stdout.contains("data-script-error=\"yes\""), "script error: \(dom.stdout.suffix(2000))")
        #expect(Self.consoleErrors(dom.stderr).isEmpty, "\(Self.consoleErrors(dom.stderr))")

        let artifacts = Self.root.appendingPathComponent(".build/test-artifacts").path
        try FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
        let shot = (artifacts as NSString).appendingPathComponent("report-\(name).png")
        try? FileManager.default.removeItem(atPath: shot)
        let screenshot = try Self.chromium(["--screenshot=\(shot)", "--hide-scrollbars"], page: page)
        #expect(screenshot.status == 0)
        let size = (try? FileManager.default.attributesOfItem(atPath: shot)[.size] as? Int) ?? 0
        #expect(size > 10_000, "no screenshot at \(shot)")
        #expect(Self.consoleErrors(screenshot.stderr).isEmpty)
        print("report screenshot: \(shot)")
    }

    @Test func validReportRunsItsScriptWithoutErrors() throws {
        try open(name: "valid", S.validRun)
    }

    @Test func membershipBandRunsItsScriptWithoutErrors() throws {
        try open(name: "membership", S.membershipRun)
    }

    @Test func invalidReportRunsItsScriptWithoutErrors() throws {
        try open(name: "invalid", S.invalidRun)
    }

    /// An empty history (the run's set-up failed) leaves every chart empty: the script still ends.
    @Test func failedRunReportRunsItsScriptWithoutErrors() throws {
        try open(name: "failed", S.failedRun)
    }

    /// The check itself must be able to fail: a page whose script throws is caught.
    @Test func aScriptErrorIsCaught() throws {
        let reports = try S.temporaryReports()
        defer { try? FileManager.default.removeItem(atPath: reports) }
        let page = try ReportWriter.writeRun(directory: try S.validRun(reports: reports).directory)
        let html = try S.read(page).replacingOccurrences(of: "drawAll();\n  document.body", with: "drawAll(); null.x;\n  document.body")
        #expect(html.contains("null.x"))
        try html.write(toFile: page, atomically: true, encoding: .utf8)
        let dom = try Self.chromium(["--dump-dom"], page: page)
        #expect(dom.stdout.contains("data-script-error=\"yes\""))
        #expect(!dom.stdout.contains("data-rendered=\"yes\""))
    }
}
