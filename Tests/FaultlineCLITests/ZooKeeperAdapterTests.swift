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
        let (status, text) = try CheckCommandTests.bounded([venvPython, "-B", "-m", "unittest", "-v", "adapters/test_zookeeper_kv.py"],
                                                           seconds: 30, withStderr: true)
        #expect(status == 0, "\(text)")
        #expect(text.contains("Ran 8 tests"), "\(text)")
    }
}
