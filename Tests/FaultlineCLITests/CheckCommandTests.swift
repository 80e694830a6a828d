import Foundation
import Testing

/// Runs the built `faultline` binary as a user would and checks its output and exit codes.
@Suite struct CheckCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func faultline(_ args: [String]) throws -> Run {
        let p = Process()
        p.executableURL = root.appendingPathComponent(".build/debug/faultline")
        p.arguments = args
        p.currentDirectoryURL = root
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// Runs the built `faultline` under `timeout` (killed after `seconds`), for runs against a
    /// lab; returns its exit status and standard output (standard error, the progress, is dropped).
    /// `withStderr`: stderr is read into the same text (after stdout's lines as they interleave).
    static func faultlineBounded(_ args: [String], seconds: Int, withStderr: Bool = false) throws -> (status: Int32, stdout: String) {
        try bounded([root.appendingPathComponent(".build/debug/faultline").path] + args, seconds: seconds, withStderr: withStderr)
    }

    /// Runs `command` in the package's root under `timeout` (killed after `seconds`); returns its
    /// exit status and standard output (and standard error with `withStderr`).
    static func bounded(_ command: [String], seconds: Int, withStderr: Bool = false) throws -> (status: Int32, stdout: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        p.arguments = ["-k", "10", String(seconds)] + command
        p.currentDirectoryURL = root
        let out = Pipe()
        p.standardOutput = out
        p.standardError = withStderr ? out : FileHandle.nullDevice
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text)
    }

    static func temp(_ name: String, _ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func validHistoryExitsZero() throws {
        let r = try Self.faultline(["check", "examples/register-valid.jsonl"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("examples/register-valid.jsonl: valid"))
        #expect(r.stdout.contains("60 operations"))
    }

    @Test func invalidHistoryExitsOneWithACounterexample() throws {
        let r = try Self.faultline(["check", "--model", "cas-register", "examples/register-stale-read.jsonl"])
        #expect(r.status == 1)
        #expect(r.stdout.contains(": invalid"))
        #expect(r.stdout.contains("counterexample for key \"k1\""))
        #expect(r.stdout.contains("lines 11–12  process 1  read → 1"))
        // The summary line gives the check time and the shrink time apart.
        #expect(r.stdout.range(of: #": invalid  [0-9]+\.[0-9] ms check \+ [0-9]+\.[0-9] ms shrink  "#, options: .regularExpression) != nil,
                "\(r.stdout)")
    }

    @Test func noShrinkReportsTheCheckTimeAlone() throws {
        let r = try Self.faultline(["check", "--no-shrink", "--model", "cas-register", "examples/register-stale-read.jsonl"])
        #expect(r.status == 1)
        #expect(r.stdout.range(of: #": invalid  [0-9]+\.[0-9] ms  [0-9]+ operations"#, options: .regularExpression) != nil,
                "\(r.stdout)")
        #expect(!r.stdout.contains("shrink"))
    }

    @Test func jsonOutput() throws {
        let r = try Self.faultline(["check", "--json", "examples/register-valid.jsonl", "examples/register-stale-read.jsonl"])
        #expect(r.status == 1)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        #expect(array.count == 2)
        #expect(array[0]["valid"] as? Bool == true)
        #expect(array[1]["valid"] as? Bool == false)
        #expect(array[0]["operations"] as? Int == 60)
        #expect(array[0]["checkMillis"] is Double)
        #expect(array[0]["shrinkMillis"] as? Double == 0)  // valid: nothing shrunk
        #expect(array[1]["checkMillis"] is Double)
        #expect((array[1]["shrinkMillis"] as? Double ?? 0) > 0)
        #expect(array[1]["counterexample"] != nil)
    }

    @Test func malformedHistoryExits254NamingFileAndLine() throws {
        let path = try Self.temp("bad.jsonl", """
            {"type":"invoke","process":0,"f":"write","value":1}
            {"type":"ok","process":0,"f":"write","value":1
            """)
        let r = try Self.faultline(["check", path])
        #expect(r.status == 254)
        #expect(r.stderr.contains("\(path):2:"))
        #expect(r.stdout.isEmpty)
    }

    @Test func partialAcceptsAHistoryCutOffMidLine() throws {
        let path = try Self.temp("cut.jsonl", """
            {"type":"invoke","process":0,"f":"write","value":1}
            {"type":"ok","process":0,"f":"write","value":1}
            {"type":"invoke","process":0,"f":"read","val
            """)
        let r = try Self.faultline(["check", "--partial", path])
        #expect(r.status == 0)
        #expect(r.stdout.contains("1 operations"))
        #expect(r.stderr.contains("warning: left out an incomplete last line"))
    }

    @Test func operationTheModelDoesNotKnowExits254() throws {
        let path = try Self.temp("h.jsonl", """
            {"type":"invoke","process":0,"f":"write","value":1}
            {"type":"ok","process":0,"f":"write","value":1}
            {"type":"invoke","process":0,"f":"frobnicate","value":1}
            """)
        let r = try Self.faultline(["check", "--model", "mutex", path])
        #expect(r.status == 254)
        #expect(r.stderr.contains("\(path):1:"))
    }

    @Test func missingFileAndUsageErrorsExit254() throws {
        #expect(try Self.faultline(["check", "/nonexistent/h.jsonl"]).status == 254)
        #expect(try Self.faultline(["check", "--model", "nonsense", "examples/register-valid.jsonl"]).status == 254)
    }

    @Test func timeoutGivesUnknownExitTwo() throws {
        var lines: [String] = []
        for p in 0..<40 { lines.append(#"{"type":"invoke","process":\#(p),"f":"write","value":\#(p)}"#) }
        for p in 0..<40 { lines.append(#"{"type":"ok","process":\#(p),"f":"write","value":\#(p)}"#) }
        lines.append(#"{"type":"invoke","process":99,"f":"read","value":null}"#)
        lines.append(#"{"type":"ok","process":99,"f":"read","value":999}"#)
        let path = try Self.temp("hard.jsonl", lines.joined(separator: "\n") + "\n")
        let r = try Self.faultline(["check", "--timeout", "200ms", path])
        #expect(r.status == 2)
        #expect(r.stdout.contains(": unknown"))
        #expect(r.stdout.contains("time budget exhausted"))
    }
}
