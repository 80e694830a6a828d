import Foundation
import RunFixtures
import Testing

/// `faultline check` gives the verdict the run gave: a stored run's history is checked with the
/// run's model and initial value; bytes that are not UTF-8 and histories with nothing in them are
/// refused, never "valid".
@Suite struct HonestVerdictTests {
    /// A run directory as `faultline run` stores it: an etcd register whose first read finds the
    /// key missing (nil), as every etcd run's first read does.
    static func storedRun() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-honest-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try RunFixtures.specText(name: "honest").write(toFile: dir + "/spec.yml", atomically: true, encoding: .utf8)
        try """
            {"type":"invoke","process":0,"f":"read","key":"k1","value":null}
            {"type":"ok","process":0,"f":"read","key":"k1","value":null}
            {"type":"invoke","process":1,"f":"write","key":"k1","value":3}
            {"type":"ok","process":1,"f":"write","key":"k1","value":3}

            """.write(toFile: dir + "/history.jsonl", atomically: true, encoding: .utf8)
        return dir
    }

    @Test func theREADMEsExampleOnAStoredRunGivesTheRunsVerdict() throws {
        let dir = try Self.storedRun()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for args in [["check", "--model", "cas-register", dir + "/history.jsonl"], ["check", dir + "/history.jsonl"]] {
            let r = try CheckCommandTests.faultline(args)
            #expect(r.status == 0, "\(args): \(r.stdout)\(r.stderr)")
            #expect(r.stdout.contains("checked as cas-register, initial value nil, from \(dir)/spec.yml"))
        }
        // Told otherwise, it checks otherwise: from 0, a read of nil is impossible.
        let told = try CheckCommandTests.faultline(["check", "--initial", "0", dir + "/history.jsonl"])
        #expect(told.status == 1)
        let json = try CheckCommandTests.faultline(["check", "--json", dir + "/history.jsonl"])
        #expect(json.stdout.contains("\"checkedWith\""))
    }

    @Test func aBrokenSpecBesideTheHistoryIsNamedNotIgnored() throws {
        let dir = try Self.storedRun()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "name: honest\nworkload: [\n".write(toFile: dir + "/spec.yml", atomically: true, encoding: .utf8)
        let r = try CheckCommandTests.faultline(["check", dir + "/history.jsonl"])
        #expect(r.status == 254)
        #expect(r.stderr.contains("\(dir)/spec.yml:"))
        #expect(r.stderr.contains("--model and --initial"))
        let given = try CheckCommandTests.faultline(["check", "--model", "cas-register", "--initial", "nil", dir + "/history.jsonl"])
        #expect(given.status == 0, "\(given.stderr)")
    }

    @Test func keysThatAreNotUTF8AreRefusedWithFileLineAndColumn() throws {
        // Two keys, "k\xff" and "k\xfe": read as replacement characters they merge into one key,
        // and the second key's read of 1 would make this valid history invalid.
        var bytes = Data()
        for (key, value) in [(UInt8(0xFF), 1), (UInt8(0xFE), 2)] {
            for type in ["invoke", "ok"] {
                bytes += Data(#"{"type":"\#(type)","process":0,"f":"write","key":"k"#.utf8) + Data([key]) + Data(#"","value":\#(value)}"#.utf8) + Data([0x0A])
            }
        }
        bytes += Data(#"{"type":"invoke","process":0,"f":"read","key":"k"#.utf8) + Data([0xFF]) + Data(#"","value":null}"#.utf8) + Data([0x0A])
        bytes += Data(#"{"type":"ok","process":0,"f":"read","key":"k"#.utf8) + Data([0xFF]) + Data(#"","value":1}"#.utf8) + Data([0x0A])
        let path = try CheckCommandTests.temp("bytes.jsonl", "")
        try bytes.write(to: URL(fileURLWithPath: path))
        let r = try CheckCommandTests.faultline(["check", path])
        #expect(r.status == 254, "\(r.stdout)")
        #expect(r.stderr.contains("\(path):1:50: not UTF-8: byte 0xFF"))
        #expect(r.stdout.isEmpty)
    }

    @Test func anEmptyHistoryIsAnErrorAndWithPartialNothingToCheck() throws {
        let empty = try CheckCommandTests.temp("empty.jsonl", "")
        let r = try CheckCommandTests.faultline(["check", empty])
        #expect(r.status == 254)
        #expect(r.stderr.contains("\(empty):1: expected at least one completed operation, found none"))
        let cut = try CheckCommandTests.temp("cut.jsonl", #"{"type":"invoke","process":0,"f":"write","value":1}"# + "\n" + #"{"type":"ok","pro"#)
        let partial = try CheckCommandTests.faultline(["check", "--partial", empty, cut])
        #expect(partial.status == 2, "\(partial.stdout)\(partial.stderr)")
        #expect(partial.stdout.contains("\(empty): unknown  nothing to check"))
        #expect(partial.stdout.contains("\(cut): unknown  nothing to check"))
        #expect(!partial.stdout.contains("valid"))
        let json = try CheckCommandTests.faultline(["check", "--partial", "--json", cut])
        #expect(json.stdout.contains("\"valid\" : \"unknown\""))
    }
}
