import Testing
import RaftKV

@Suite struct ServerOptionsTests {
    let base = [
        "--id", "n1", "--listen", "10.77.0.1:7379", "--peers", "n1=10.77.0.1:7379,n2=10.77.0.2:7379,n3=10.77.0.3:7379",
        "--data-dir", "/var/lib/x/n1",
    ]

    @Test func theContractCommandLineParses() throws {
        let parsed = try ServerOptions.parse(base + ["--election-timeout", "300", "--heartbeat-interval", "30", "--bug", "stale-reads", "--bug", "no-fsync", "--pre-vote", "true", "--join", "true", "--max-entries-per-message", "1"])
        guard case .run(let o) = parsed else { Issue.record("not a run"); return }
        #expect(o.id == "n1" && o.listenHost == "10.77.0.1" && o.listenPort == 7379)
        #expect(o.peers.map(\.id) == ["n1", "n2", "n3"] && o.peers[2].host == "10.77.0.3" && o.peers[2].port == 7379)
        #expect(o.electionTimeout == 300 && o.heartbeatInterval == 30 && o.bugs == [.staleReads, .noFsync] && o.preVote && o.join)
        #expect(o.maxEntriesPerMessage == 1)
        guard case .run(let defaults) = try ServerOptions.parse(base) else { return }
        #expect(defaults.electionTimeout == 1000 && defaults.heartbeatInterval == 100 && defaults.bugs == [] && !defaults.preVote && !defaults.join)
        #expect(defaults.maxEntriesPerMessage == 512)
        #expect(try ServerOptions.parse(["--version"]) == .version)
    }

    @Test(arguments: [
        ["--bug", "no-such-bug"], ["--election-timeout", "1.5"], ["--election-timeout", "0"], ["--frob", "1"],
        ["--listen", "nohost"], ["--id"], ["--id", "n9"], ["--heartbeat-interval", "2000"],
        ["--pre-vote", "yes"], ["--join", "1"], ["--max-entries-per-message", "0"], ["--max-entries-per-message", "many"],
    ])
    func badFlagsAreUsageErrors(extra: [String]) {
        var arguments = base
        if let i = arguments.firstIndex(of: extra[0]) { arguments.removeSubrange(i...(i + 1)) }
        #expect(throws: ServerOptions.UsageError.self) { try ServerOptions.parse(arguments + extra) }
    }

    @Test func missingRequiredFlagsAreUsageErrors() {
        #expect(throws: ServerOptions.UsageError.self) { try ServerOptions.parse(Array(base.dropFirst(2))) }
        #expect(throws: ServerOptions.UsageError.self) { try ServerOptions.parse(["--peers", "n1=a:1,n1=b:2", "--id", "n1"]) }
    }
}
