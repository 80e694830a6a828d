import Foundation
import Testing
@testable import Control

/// The lab's own life cycle: idempotent up, complete down, refusal of foreign objects.
@Suite("Lab life cycle", .serialized, .enabled(if: LabSupport.available, "needs root and network namespaces"),
       .timeLimit(.minutes(1)))
struct LabTests {
    @Test("up twice keeps the lab; down after a half-made lab leaves nothing behind")
    func upTwiceThenDownAfterDamage() async throws {
        let lab = Lab(config: LabConfig(prefix: "flu", subnet: "10.79.0.0/24", nodes: 2))
        try await ensuring({ try await damageAndRemove(lab) }, finally: { _ = try? await lab.down() })
    }

    private func damageAndRemove(_ lab: Lab) async throws {
        let first = try await lab.up()
        #expect(!first.reused)
        let lastLine = try await sh("/bin/true; echo \(first.inventoryPath)")
        #expect(lastLine.hasSuffix("inventory.yml\n"))
        #expect(try await lab.up().reused)
        #expect(try await lab.status().healthy)
        // Damage it as an interrupted `up` would: a veth missing, one sshd not started.
        _ = try await sh("ip link del flu-n2")
        try await lab.killSSHD(node: "n1")
        #expect(try await !lab.status().healthy)
        let removed = try await lab.down()
        #expect(removed.contains("netns flu-n1") && removed.contains("bridge flu-br"))
        #expect(try await !sh("ip netns list").contains("flu-"))
        #expect(try await !sh("ip -o link show").contains("flu-"))
        #expect(try await !sh("ps -eo args").contains("/tmp/faultline-lab-flu/"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/faultline-lab-flu"))
        #expect(try await lab.down().isEmpty)
    }

    @Test("objects with the lab's names that it did not make are refused and left alone")
    func refusesForeignObjects() async throws {
        _ = try await sh("ip netns add flv-n1")
        try await ensuring({ try await refuse() }, finally: { _ = try? await sh("ip netns del flv-n1") })
    }

    private func refuse() async throws {
        let lab = Lab(config: LabConfig(prefix: "flv", subnet: "10.80.0.0/24", nodes: 1))
        await #expect { try await lab.up() } throws: { error in
            guard case .notOurs(let text)? = error as? LabError else { return false }
            return text.contains("flv-n1")
        }
        #expect(try await lab.down().isEmpty)
        #expect(try await sh("ip netns list").contains("flv-n1"))
    }
}
