import Foundation
import Testing

/// adapters/zookeeper_kv.py's own unit tests (adapters/test_zookeeper_kv.py: a fake kazoo client,
/// no server): the request mapping (cas by version, sync before a plain get) and which failures
/// are definite. They need kazoo, i.e. the project's .venv (`bash scripts/setup.sh`).
private let venvPython = CheckCommandTests.root.appendingPathComponent(".venv/bin/python").path

@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: venvPython), "needs .venv (scripts/setup.sh)"),
       .timeLimit(.minutes(1)))
struct ZooKeeperAdapterTests {

    @Test func theAdaptersUnitTestsPass() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        p.arguments = ["30", venvPython, "-B", "-m", "unittest", "-v", "adapters/test_zookeeper_kv.py"]
        p.currentDirectoryURL = CheckCommandTests.root
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(text)")
        #expect(text.contains("Ran 8 tests"), "\(text)")
    }
}
