import Foundation
import Testing

/// `faultline verify` as a user runs it: output and exit codes.
@Suite struct VerifyCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func verify(_ dir: String) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = root.appendingPathComponent(".build/debug/faultline")
        p.arguments = ["verify", dir]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func exitCodesFollowTheVerdictTheFilesAndTheInput() async throws {
        let (_, dir) = try await RunManifestTests.run(operations: 200)
        let clean = try Self.verify(dir)
        #expect(clean.status == 0, "\(clean.output)")
        #expect(clean.output.contains("stored verdict stands: valid"))

        let path = dir + "/history.jsonl"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: path))
        let tampered = try Self.verify(dir)
        #expect(tampered.status == 1, "\(tampered.output)")
        #expect(tampered.output.contains("changed: history.jsonl"))
        #expect(tampered.output.contains("does not stand"))

        #expect(try Self.verify(dir + "/no-such-run").status == 254)
    }
}
