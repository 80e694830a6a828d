import Foundation
import Testing
@testable import Control

/// The lab's own life cycle: idempotent up, complete down, refusal of foreign objects.
@Suite("Lab life cycle", .serialized, .enabled(if: LabSupport.available, "needs root and network namespaces"),
       .timeLimit(.minutes(1)))
struct LabTests {
    @Test("up twice keeps the lab; down after a half-made lab leaves nothing behind")
    func upTwiceThenDownAfterDamage() async throws {
        let lab = Lab(config: LabSupport.labConfig("u", nodes: 2))
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
        _ = try await sh("ip link del \(lab.config.prefix)-n2")
        try await lab.killSSHD(node: "n1")
        #expect(try await !lab.status().healthy)
        let removed = try await lab.down()
        let prefix = lab.config.prefix
        #expect(removed.contains("netns \(prefix)-n1") && removed.contains("bridge \(prefix)-br"))
        #expect(try await !sh("ip netns list").contains("\(prefix)-"))
        #expect(try await !sh("ip -o link show").contains("\(prefix)-"))
        #expect(try await !sh("ps -eo args").contains(lab.config.directory + "/"))
        #expect(!FileManager.default.fileExists(atPath: lab.config.directory))
        #expect(try await lab.down().isEmpty)
    }

    @Test("objects with the lab's names that it did not make are refused and left alone")
    func refusesForeignObjects() async throws {
        let lab = Lab(config: LabSupport.labConfig("v", nodes: 1))
        let foreign = "\(lab.config.prefix)-n1"
        _ = try await sh("ip netns add \(foreign)")
        try await ensuring({ try await refuse(lab, foreign) }, finally: { _ = try? await sh("ip netns del \(foreign)") })
    }

    private func refuse(_ lab: Lab, _ foreign: String) async throws {
        await #expect { try await lab.up() } throws: { error in
            guard case .notOurs(let text)? = error as? LabError else { return false }
            return text.contains(foreign)
        }
        #expect(try await lab.down().isEmpty)
        #expect(try await sh("ip netns list").contains(foreign))
    }
}
