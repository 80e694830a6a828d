import Testing
@testable import Control

@Suite("Inventory parsing")
struct InventoryTests {
    @Test("hosts take defaults, relative paths are anchored to the file's folder")
    func parsesHostsWithDefaults() throws {
        let yaml = """
        defaults:
          user: admin
          key: keys/id_ed25519
          known_hosts: /etc/faultline/known_hosts
          sudo: true
          connect_timeout: 1500ms
        hosts:
          - name: n1
            address: 10.0.0.1
          - name: n2
            address: db2.example
            port: 2222
            user: root
            host_key_policy: accept-new
            base_dir: /srv/faultline
        """
        let inventory = try Inventory.parse(yaml: yaml, source: "inv.yml", directory: "/opt/lab")
        #expect(inventory.hosts.map(\.name) == ["n1", "n2"])
        let n1 = inventory.hosts[0], n2 = inventory.hosts[1]
        #expect(n1.ssh.user == "admin" && n1.ssh.port == 22 && n1.ssh.sudo)
        #expect(n1.ssh.identity == .keyFile("/opt/lab/keys/id_ed25519"))
        #expect(n1.ssh.connectTimeout == .milliseconds(1500))
        #expect(n1.ssh.hostKeyPolicy == .strict)
        #expect(n1.baseDirectory == "/var/lib/faultline")
        #expect(n1.line == 8)
        #expect(n2.ssh.port == 2222 && n2.ssh.user == "root" && n2.ssh.hostKeyPolicy == .acceptNew)
        #expect(n2.baseDirectory == "/srv/faultline")
        #expect(try inventory.select(["n2"]).map(\.name) == ["n2"])
        #expect(throws: InventoryError.self) { try inventory.select(["n9"]) }
    }

    @Test("a host without key uses the ssh-agent")
    func agentWhenNoKey() throws {
        let inventory = try Inventory.parse(yaml: "hosts:\n  - {name: a, address: 127.0.0.1}\n")
        #expect(inventory.hosts[0].ssh.identity == .agent(socket: nil))
    }

    @Test("bad inventories name file, line and what was expected", arguments: [
        ("hosts:\n  - name: n1\n    address: 10.0.0.1\n    port: 70000\n", 4, "port"),
        ("hosts:\n  - name: n1\n", 2, "address"),
        ("hosts:\n  - name: n1\n    address: a\n    colour: red\n", 4, "unknown field `colour`"),
        ("hosts:\n  - name: n1\n    address: a\n  - name: n1\n    address: b\n", 4, "duplicate host name"),
        ("hosts:\n  - name: n1\n    address: a\n    sudo: perhaps\n", 4, "true or false"),
        ("hosts:\n  - name: n1\n    address: a\n    host_key_policy: trust-all\n", 4, "strict or accept-new"),
        ("hosts:\n  - name: n1\n    address: a\n    base_dir: data\n", 4, "absolute path"),
        ("hosts:\n  - name: n1\n    address: [a, b]\n", 3, "address"),
        ("defaults:\n  connect_timeout: soon\nhosts:\n  - name: n1\n    address: a\n", 2, "duration"),
        ("hosts: []\n", 1, "non-empty list"),
        ("hosts:\n  - name: n1\n    address: 'unclosed\n", 3, "not valid YAML"),
        ("nodes:\n  - n1\n", 1, "unknown field `nodes`"),
        ("- just a list\n", 1, "mapping"),
    ])
    func badInventory(yaml: String, line: Int, expected: String) {
        #expect {
            try Inventory.parse(yaml: yaml, source: "bad.yml")
        } throws: { error in
            guard let error = error as? InventoryError else { return false }
            return error.file == "bad.yml" && error.line == line && error.message.contains(expected)
                && error.description.hasPrefix("bad.yml:\(line): ")
        }
    }

    @Test("an empty or missing file is an error naming the file")
    func emptyOrMissing() {
        #expect(throws: InventoryError.self) { try Inventory.parse(yaml: "", source: "empty.yml") }
        #expect { try Inventory.load(path: "/nonexistent/inventory.yml") } throws: { error in
            (error as? InventoryError)?.description.hasPrefix("/nonexistent/inventory.yml") == true
        }
    }
}
