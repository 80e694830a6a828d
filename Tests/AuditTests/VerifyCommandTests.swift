import Foundation
import LabHarness
import Testing

/// `faultline verify` as a user runs it: output and exit codes.
@Suite struct VerifyCommandTests {
    static func verify(_ dir: String) throws -> (status: Int32, output: String) {
        try FaultlineBinary.run(["verify", dir])
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
