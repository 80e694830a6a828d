// The RunFixtures target: runs stored without a cluster, for the report's tests and benchmark.

import Foundation
import History
import HistoryGenerators
import Linearizability
import RunRecord
import Runner

/// Stored runs made without a cluster, for the report's tests and benchmark: a generated history
/// (with nemesis events, and optionally a read no write explains) checked and stored in a run
/// directory the way `TestRun` stores one.
public enum RunFixtures {
    /// A spec for fixture runs: 5 hosts, a register workload, partitions and pauses.
    public static func specText(name: String, faults: Bool = true) -> String {
        """
        # A generated run for the report's tests.
        name: \(name)
        database:
          kind: etcd
          nodes: 5
          parameters:
            election-timeout: 1000
            heartbeat-interval: 100
        workload:
          kind: register
          concurrency: 10
          keys: 5
        \(faults ? "nemesis:\n  faults: [partition-leader, pause]\n  interval: 5s\n  duration: 3s\n" : "")time-limit: 60s

        """
    }

    /// A register history of `operations` client operations by `clients` clients, `stepNanos`
    /// apart per event; with `faultEvery` > 0 a nemesis fault (and its heal) every that many
    /// events; with `invalid`, one ok read near the middle returns a value nobody wrote.
    public static func registerEvents(
        operations: Int, clients: Int = 10, keys: Int = 5, stepNanos: Int64 = 2_000_000, faultEvery: Int = 0,
        invalid: Bool = false, seed: UInt64 = 7
    ) -> [Event] {
        var clientEvents: [Event] = []
        GeneratedHistories.registers(operations: operations, keys: keys, clients: clients, seed: seed) { clientEvents.append($0) }
        if invalid, let i = clientEvents.indices.dropFirst(clientEvents.count / 2).first(where: {
            clientEvents[$0].type == .ok && clientEvents[$0].f == "read"
        }) {
            clientEvents[i].value = .int(99)
        }
        var events: [Event] = []
        events.reserveCapacity(clientEvents.count + clientEvents.count / max(faultEvery, 1) * 4)
        var active: String?
        for (n, e) in clientEvents.enumerated() {
            if faultEvery > 0, n > 0, n % faultEvery == 0 {
                let time = Int64(n) * stepNanos
                if let kind = active {
                    events.append(nemesis(.invoke, "heal-" + kind, "n1", time: time, index: events.count))
                    events.append(nemesis(.info, "heal-" + kind, "n1: healed", time: time + 50_000_000, index: events.count))
                    active = nil
                } else {
                    let kind = (n / faultEvery) % 4 == 1 ? "partition-leader" : "pause"
                    events.append(nemesis(.invoke, kind, "\(kind) n1", time: time, index: events.count))
                    events.append(nemesis(.info, kind, "n1: in effect", time: time + 60_000_000, index: events.count))
                    active = kind
                }
            }
            var event = e
            event.index = events.count
            event.time = Int64(n) * stepNanos
            event.node = "n\(1 + (n % 5))"
            events.append(event)
        }
        return events
    }

    private static func nemesis(_ type: EventType, _ f: String, _ value: String, time: Int64, index: Int) -> Event {
        Event(index: index, type: type, process: .nemesis, f: f, value: .string(value), time: time)
    }

    /// Leader samples for a fixture: n1 leads; at every fault there is no leader for 0.3 s, then n2.
    public static func leaderLines(events: [Event]) -> String {
        var lines = ["{\"time\":0,\"leader\":\"n1\"}"]
        for e in events where e.process == .nemesis && e.type == .info {
            let time = e.time ?? 0
            if e.f.hasPrefix("heal") {
                lines.append("{\"time\":\(time + 20_000_000),\"leader\":\"n2\"}")
            } else {
                lines.append("{\"time\":\(time),\"leader\":null}")
                lines.append("{\"time\":\(time + 300_000_000),\"leader\":\"n2\"}")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Checks `events` with the cas-register model and stores the run under `reports` as
    /// `TestRun` does (spec.yml, history.jsonl, results.json, node logs), plus `leaders.jsonl`
    /// when `leaders` is given. Returns the run's store.
    public static func store(
        reports: String, specText: String, events: [Event], leaders: String? = nil,
        logs: [String: String] = ["n1": "etcd started\n", "n2": "etcd started\n"],
        versions: [String: String] = ["n1": "3.4.23", "n2": "3.4.23", "n3": "3.4.23", "n4": "3.4.23", "n5": "3.4.23"],
        failure: String? = nil
    ) throws -> RunStore {
        let spec = try TestSpec.parse(specText, file: "workloads/fixture.yml")
        let store = try RunStore.create(reports: reports, test: spec.name)
        try store.write("spec.yml", specText)
        let writer = try JSONLWriter(path: store.historyPath)
        for e in events { try writer.write(e) }
        try writer.close()
        if let leaders { try store.write("leaders.jsonl", leaders) }
        for (host, text) in logs {
            let dir = try store.nodeDirectory(host)
            try Data(text.utf8).write(to: URL(fileURLWithPath: (dir as NSString).appendingPathComponent("etcd.log")))
        }
        let operations = try History(events: events).operations()
        let check = try BuiltInModel.casRegister.check(operations)
        let summary = RunSummary(operations, events: events)
        var results = ResultsFile(spec: spec, seed: 42, summary: summary, check: check, versions: versions,
                                  hosts: ["n1", "n2", "n3", "n4", "n5"], interrupted: false, failure: failure)
        results.metrics = store.measure(events: events, operations: operations)
        try results.write(to: store)
        return store
    }
}
