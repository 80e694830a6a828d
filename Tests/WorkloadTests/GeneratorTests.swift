import History
import Testing
@testable import Workload

@Suite struct GeneratorTests {
    @Test func sameSeedGivesTheSameScheduleAndAnotherSeedAnother() throws {
        for kind in WorkloadSpec.Kind.allCases {
            let spec = testSpec(kind)
            let a = simulate(try spec.makeGenerator(seed: 42))
            let b = simulate(try spec.makeGenerator(seed: 42))
            #expect(a == b, "\(kind)")
            if kind == .register {
                let c = simulate(try spec.makeGenerator(seed: 43))
                #expect(a.map(\.request) != c.map(\.request))
            }
        }
    }

    @Test func timingDoesNotChangeWhatIsGenerated() throws {
        let generator = try testSpec(.register).makeGenerator(seed: 7)
        let steady = simulate(generator)
        // Each worker's latencies vary (as thread timing would): fewer requests fit, same ones.
        let jittery = simulate(generator, latency: { w, n in .microseconds(500 + (w * 7919 + n * 104_729) % 3000) })
        for w in 0..<generator.workerCount {
            let a = requests(of: w, in: steady)
            let b = requests(of: w, in: jittery)
            #expect(b.count < a.count)
            #expect(Array(a.prefix(b.count)) == b)
        }
    }

    @Test func registerMixIsRespected() throws {
        let onlyReads = simulate(try testSpec(.register) { $0.mix = OperationMix(["read": 1]) }.makeGenerator(seed: 1))
        #expect(Set(onlyReads.map(\.request.f)) == ["read"])

        let issued = simulate(
            try testSpec(.register) { $0.mix = OperationMix(["read": 2, "write": 1, "cas": 1]) }.makeGenerator(seed: 1))
        let total = Double(issued.count)
        let share = { (f: String) in Double(issued.filter { $0.request.f == f }.count) / total }
        #expect(total > 3000)
        #expect(abs(share("read") - 0.5) < 0.03)
        #expect(abs(share("write") - 0.25) < 0.03)
        #expect(abs(share("cas") - 0.25) < 0.03)
        for i in issued {
            switch i.request.f {
            case "write": #expect((0..<5).contains(i.request.value.int ?? -1))
            case "cas": #expect(i.request.value.array?.count == 2)
            default: #expect(i.request.value == .null)
            }
        }
    }

    @Test func everyRegisterKeyGetsAtMostOpsPerKeyAndGroupsNeverShareKeys() throws {
        let spec = testSpec(.register) {
            $0.concurrency = 10
            $0.keys = 3
            $0.opsPerKey = 50
        }
        let issued = simulate(try spec.makeGenerator(seed: 3))
        var perKey: [Value: Int] = [:]
        var workersOfKey: [Value: Set<Int>] = [:]
        for i in issued {
            perKey[i.request.key!, default: 0] += 1
            workersOfKey[i.request.key!, default: []].insert(i.worker)
        }
        #expect(perKey.count > 10)
        #expect(perKey.values.allSatisfy { $0 <= 50 })
        // Keys are used up before moving on: only the keys in use at the time limit are partial.
        #expect(perKey.values.filter { $0 == 50 }.count >= perKey.count * 3 / 4)
        for workers in workersOfKey.values {
            #expect(Set(workers.map { $0 % 3 }).count == 1)
        }
    }

    @Test func rateLimitHoldsOverall() throws {
        let spec = testSpec(.register) {
            $0.rate = 200
            $0.timeLimit = .seconds(5)
        }
        let issued = simulate(try spec.makeGenerator(seed: 1))
        #expect(issued.count >= 990 && issued.count <= 1000)
        // Each worker keeps C/R = 20 ms between its requests.
        for w in 0..<spec.concurrency {
            let times = issued.filter { $0.worker == w }.map(\.time)
            #expect(zip(times, times.dropFirst()).allSatisfy { $1 - $0 >= .milliseconds(20) })
        }
    }

    @Test func slowWorkerDoesNotBurstAfterwards() throws {
        let spec = testSpec(.register) {
            $0.rate = 100
            $0.concurrency = 1
        }
        // The third request takes 500 ms (50 intervals); afterwards requests are 10 ms apart again.
        let issued = simulate(try spec.makeGenerator(seed: 1), latency: { _, n in n == 2 ? .milliseconds(500) : .zero })
        let times = issued.map(\.time)
        let gaps = zip(times, times.dropFirst()).map { $1 - $0 }
        #expect(gaps.filter { $0 < .milliseconds(10) }.count <= 1)
        #expect(issued.count <= 100)
    }

    @Test func operationLimitIsSplitOverWorkers() throws {
        let issued = simulate(try testSpec(.register) { $0.operationLimit = 103 }.makeGenerator(seed: 1))
        #expect(issued.count == 103)
        #expect(requests(of: 0, in: issued).count == 26)
        #expect(requests(of: 3, in: issued).count == 25)
    }

    @Test func setAddsUniqueElementsThenFinalReadsAfterTheQuietPeriod() throws {
        let spec = testSpec(.set) {
            $0.quietPeriod = .seconds(2)
            $0.finalReadTimeout = .seconds(7)
        }
        let issued = simulate(try spec.makeGenerator(seed: 9))
        let adds = issued.filter { $0.request.f == "add" }
        #expect(adds.allSatisfy { $0.time < .seconds(1) && $0.timeout == spec.operationTimeout })
        #expect(Set(adds.map(\.request.value)).count == adds.count)
        let reads = issued.filter { $0.request.f == "read" }
        #expect(reads.count == spec.concurrency)
        #expect(reads.allSatisfy { $0.time == .seconds(3) && $0.timeout == .seconds(7) && $0.request.key == .int(0) })
        for w in 0..<spec.concurrency {
            #expect(requests(of: w, in: issued).last?.f == "read")
        }

        let one = simulate(try testSpec(.set) { $0.finalReads = .one }.makeGenerator(seed: 9))
        #expect(one.filter { $0.request.f == "read" }.map(\.worker) == [0])
        let none = simulate(try testSpec(.set) { $0.finalReads = .none }.makeGenerator(seed: 9))
        #expect(none.allSatisfy { $0.request.f == "add" })
    }

    @Test func finalReadsWaitForTheTimeLimitEvenAfterTheOperationLimit() throws {
        let spec = testSpec(.set) {
            $0.timeLimit = .seconds(60)
            $0.operationLimit = 8
            $0.quietPeriod = .milliseconds(100)
        }
        let issued = simulate(try spec.makeGenerator(seed: 1))
        #expect(issued.filter { $0.request.f == "add" }.allSatisfy { $0.time < .milliseconds(2) })
        let reads = issued.filter { $0.request.f == "read" }
        #expect(reads.count == 4)
        #expect(reads.allSatisfy { $0.time == .milliseconds(60_100) })
    }

    @Test func aFinalReadThatFailsIsAskedAgainAfterAPauseAThreeTimesAtMost() throws {
        let spec = testSpec(.set) { $0.quietPeriod = .seconds(2) }
        // The first two final reads of every worker fail as a leader change makes them fail.
        var failures: [Int: Int] = [:]
        var worker = 0
        let issued = simulate(try spec.makeGenerator(seed: 9), respond: { request in
            guard request.f == "read" else { return .ok(request.value) }
            failures[worker, default: 0] += 1
            defer { if failures[worker]! == 3 { worker += 1 } }
            return failures[worker]! < 3 ? .fail(error: "etcdserver: leader changed") : .ok(.array([]))
        })
        for w in 0..<spec.concurrency {
            let reads = issued.filter { $0.worker == w && $0.request.f == "read" }
            #expect(reads.count == 3, "worker \(w)")
            #expect(reads.map(\.time) == [.seconds(3), .seconds(3) + .milliseconds(251), .seconds(3) + .milliseconds(502)])
        }
        // Never answered: 1 + 3 attempts, then done. Load operations that fail are not retried.
        let never = simulate(try spec.makeGenerator(seed: 9), respond: { request in
            request.f == "read" ? .info(error: "timed out") : .fail(error: "refused")
        })
        #expect(never.filter { $0.worker == 0 && $0.request.f == "read" }.count == 4)
        #expect(never.filter { $0.worker == 0 && $0.request.f == "add" }.count
                == simulate(try spec.makeGenerator(seed: 9)).filter { $0.worker == 0 && $0.request.f == "add" }.count)
    }

    /// Every key is worked on through several nodes, also when the node count divides the
    /// number of keys (round robin would put each key's workers on one node).
    @Test func theWorkersOfAKeySpreadOverTheNodes() throws {
        for (keys, concurrency, nodes) in [(3, 9, 3), (5, 10, 5), (5, 10, 3), (1, 4, 3), (6, 12, 3)] {
            let generator = try testSpec(.register) { $0.keys = keys; $0.concurrency = concurrency }.makeGenerator(seed: 1)
            let groups = min(keys, concurrency)
            for g in 0..<groups {
                let members = (0..<concurrency).filter { $0 % groups == g }
                let used = Set(members.map { generator.node(forWorker: $0, of: nodes) })
                #expect(used.count == min(members.count, nodes), "keys \(keys), concurrency \(concurrency), nodes \(nodes), group \(g): \(used)")
            }
            // Every node gets workers.
            #expect(Set((0..<concurrency).map { generator.node(forWorker: $0, of: nodes) }).count == min(nodes, concurrency))
        }
    }

    @Test func registerFinalReadReadsTheLastKey() throws {
        let issued = simulate(try testSpec(.register) { $0.finalReads = .every }.makeGenerator(seed: 2))
        for w in 0..<4 {
            let mine = requests(of: w, in: issued)
            #expect(mine.last == OperationRequest(f: "read", key: mine.dropLast().last!.key))
        }
    }

    @Test func lockReleasesOnlyWhatItHolds() throws {
        // Acquires succeed only for requests numbered by a pattern; every release must follow an ok acquire.
        var n = 0
        let issued = simulate(
            try testSpec(.lock) { $0.opsPerKey = 20 }.makeGenerator(seed: 5),
            respond: { request in
                n += 1
                if request.f == "acquire", n % 3 == 0 { return .info(error: "timeout") }
                if request.f == "acquire", n % 5 == 0 { return .fail(error: "refused") }
                return .ok(.null)
            })
        n = 0
        for w in 0..<4 {
            var holding: Value?
            for i in issued where i.worker == w {
                n += 1
                if i.request.f == "release" {
                    #expect(i.request.key == holding)
                    holding = nil
                } else {
                    #expect(holding == nil)
                    let ok = !(n % 3 == 0 || n % 5 == 0)
                    holding = ok ? i.request.key : nil
                }
            }
            #expect(holding == nil, "a lock held at the end is released")
        }
        #expect(issued.contains { $0.request.f == "release" })
        #expect(Set(issued.map(\.request.key)).count > 1, "moves to fresh lock names")
    }

    @Test func lockHeldAtTheTimeLimitIsReleasedAfterIt() throws {
        let spec = testSpec(.lock) { $0.concurrency = 1 }
        // Each operation takes 400 ms: acquire at 0, release at 400, acquire at 800; the time
        // limit passes while holding, and the release comes after it, at 1200.
        let issued = simulate(try spec.makeGenerator(seed: 1), latency: { _, _ in .milliseconds(400) })
        #expect(issued.map(\.request.f) == ["acquire", "release", "acquire", "release"])
        #expect(issued.last!.time == .milliseconds(1200))
    }
}
