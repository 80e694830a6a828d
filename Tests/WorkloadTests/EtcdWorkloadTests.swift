@testable import Databases
import History
import Linearizability
import Testing
@testable import Workload

/// Whole workloads against a real single-node etcd, recorded and checked with their models.
@Suite(.enabled(if: etcdInstalled, "needs /usr/bin/etcd (Debian etcd-server)"))
struct EtcdWorkloadTests {
    @Test(arguments: WorkloadSpec.Kind.allCases)
    func shortRunIsValid(kind: WorkloadSpec.Kind) async throws {
        try await EtcdServer.with { etcd in
            let spec = testSpec(kind) {
                $0.concurrency = 5
                $0.keys = 2
                // The operation limit ends the load, so a loaded machine still runs all of it (the
                // set's final reads wait for the time limit, so its limit stays short: 8 s, as 3 s
                // gave only 13 ok operations on a loaded CI machine).
                $0.timeLimit = kind == .set ? .seconds(8) : .seconds(60)
                $0.operationLimit = 200
                $0.quietPeriod = .milliseconds(200)
                $0.opsPerKey = kind == .set ? nil : 60
            }
            let history = try await runWorkload(spec, seed: 21, factory: EtcdClientFactory(spec: spec), url: etcd.clientURL)
            let oks = count(.ok, in: history)
            print("etcd \(kind): \(history.events.count / 2) operations, \(oks) ok, \(count(.fail, in: history)) fail, \(count(.info, in: history)) info")
            #expect(oks > 20)
            let result = try await check(history, spec)
            #expect(result.verdict == .valid, "\(kind): \(result.verdict)")
        }
    }
}
