import Foundation
import Testing

/// `faultline run` refuses bad input before touching any host: exit 254, file and line named,
/// nothing stored.
@Suite struct RunCommandTests {
    @Test func badSpecExits254WithFileAndLine() throws {
        let path = try CheckCommandTests.temp("bad.yml", "name: x\ndatabase: {kind: etcd}\nworkload:\n  kind: register\n  mix: {read: 1, frobnicate: 2}\n")
        let reports = (path as NSString).deletingLastPathComponent + "/reports"
        let r = try CheckCommandTests.faultline(["run", path, "--reports", reports])
        #expect(r.status == 254)
        #expect(r.stderr.contains("\(path):5:"))
        #expect(r.stderr.contains("frobnicate"))
        #expect(!FileManager.default.fileExists(atPath: reports))
    }

    @Test func missingInventoryExits254() throws {
        let r = try CheckCommandTests.faultline(["run", "workloads/etcd-register.yml", "--hosts", "/nonexistent/inventory.yml"])
        #expect(r.status == 254)
        #expect(r.stderr.contains("/nonexistent/inventory.yml"))
    }

    @Test func unreachableHostExits255NamingIt() throws {
        // Three hosts, as the spec's `nodes: 3` asks, none of which answers.
        let inventory = try CheckCommandTests.temp("ghost.yml", """
            defaults: {port: 1, key: /nonexistent/key, base_dir: /tmp/ghost, connect_timeout: 1s}
            hosts:
              - {name: ghost, address: 127.0.0.1}
              - {name: ghost2, address: 127.0.0.2}
              - {name: ghost3, address: 127.0.0.3}
            """)
        let reports = (inventory as NSString).deletingLastPathComponent + "/reports"
        let r = try CheckCommandTests.faultline(["run", "workloads/etcd-register.yml", "--hosts", inventory, "--reports", reports])
        #expect(r.status == 255)
        #expect(r.stderr.contains("ghost (127.0.0.1:1): connect"))
        // The failed run is still stored as one, for a nightly job to show: report, junit.xml, index row.
        let runs = try FileManager.default.contentsOfDirectory(atPath: reports + "/etcd-register")
        let run = reports + "/etcd-register/" + (try #require(runs.first))
        let junit = try String(contentsOfFile: run + "/junit.xml", encoding: .utf8)
        #expect(junit.contains("name=\"run completed\"") && junit.contains("ghost (127.0.0.1:1): connect"))
        #expect(FileManager.default.fileExists(atPath: run + "/report.html"))
        #expect(try String(contentsOfFile: reports + "/index.html", encoding: .utf8).contains("<span class=\"pill failed\">failed</span>"))
        let verify = try CheckCommandTests.faultline(["verify", run])
        #expect(verify.status == 2, "\(verify.stdout)")
        #expect(verify.stdout.contains("it has no verdict to check again"))
    }
}
