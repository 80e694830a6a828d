import Foundation
import LabHarness
import Testing

/// `faultline run` against etcd on a lab of this suite's own ends with the run's report.html and
/// junit.xml, and the reports folder's index.html.
@Suite(.serialized,
       .enabled(if: LabHarness.available(requiring: ["/usr/bin/etcd", "/usr/bin/curl"]), "needs root, namespaces, sshd, etcd, curl"),
       .timeLimit(.minutes(4)))
struct RunReportLabTests {
    static let config = LabHarness.config("fh", octet: 89, nodes: 3)

    @Test func aRunEndsWithItsReportJUnitAndTheIndex() async throws {
        try await LabHarness.withLab(Self.config) { lab in
            let reports = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-run-report-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: reports) }
            let inventory = lab.config.directory + "/inventory.yml"
            let (status, text) = try CheckCommandTests.faultlineBounded(
                ["run", "workloads/etcd-register.yml", "--hosts", inventory, "--reports", reports, "--time-limit", "3s", "--seed", "11"],
                seconds: 180)
            #expect(status == 0, "\(text)")
            let runs = try FileManager.default.contentsOfDirectory(atPath: reports + "/etcd-register")
            let run = reports + "/etcd-register/" + (try #require(runs.first))
            let html = try String(contentsOfFile: run + "/report.html", encoding: .utf8)
            #expect(html.contains("id=\"verdict\">VALID<"))
            // One command, built once: the same in the terminal and in the report, with the hosts.
            let command = "faultline run workloads/etcd-register.yml --hosts \(inventory) --seed 11 --time-limit 3s"
            #expect(html.contains(command), "\(command)")
            #expect(text.contains("reproduce with: \(command)"))
            #expect(html.contains("href=\"nodes/n1/"))
            let junit = try String(contentsOfFile: run + "/junit.xml", encoding: .utf8)
            #expect(junit.contains("failures=\"0\""))
            let index = try String(contentsOfFile: reports + "/index.html", encoding: .utf8)
            #expect(index.contains("etcd-register/\((run as NSString).lastPathComponent)/report.html"))
            #expect(text.contains("faultline: report \(run)/report.html"))
        }
    }
}
