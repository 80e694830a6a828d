import Control
import Foundation

// Benchmarks of the control plane against a lab of its own (prefix flb, 10.81.0.0/24); needs
// root. Build in release: `scripts/bench-control.sh`. Prints each figure beside its target.

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func report(_ name: String, _ value: String, target: String) {
    print("\(name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(value.padding(toLength: 12, withPad: " ", startingAt: 0)) target \(target)")
}

let config = LabConfig(prefix: "flb", subnet: "10.81.0.0/24", nodes: 5)
let lab = Lab(config: config)
_ = try await lab.down()
let clock = ContinuousClock()

var start = clock.now
_ = try await lab.up()
report("lab up, 5 hosts", String(format: "%.3f s", seconds(clock.now - start)), target: "< 5 s")

do {
    let remotes = try lab.inventory().hosts.map { $0.remote() }
    for remote in remotes { try await remote.connect() }
    let n1 = remotes[0]
    for _ in 0..<20 { _ = try await n1.exec("true") }
    var samples: [Double] = []
    for _ in 0..<300 {
        let t = clock.now
        _ = try await n1.exec("true")
        samples.append(seconds(clock.now - t) * 1000)
    }
    samples.sort()
    report("exec round trip, open session (median)", String(format: "%.2f ms", samples[samples.count / 2]), target: "< 5 ms")
    report("exec round trip, open session (p90)", String(format: "%.2f ms", samples[samples.count * 9 / 10]), target: "-")

    start = clock.now
    let failures = try await withThrowingTaskGroup(of: Bool.self) { group in
        for i in 0..<500 {
            let remote = remotes[i % remotes.count]
            group.addTask { try await remote.exec("echo \(i)").stdoutText == "\(i)\n" }
        }
        var wrong = 0
        for try await ok in group where !ok { wrong += 1 }
        return wrong
    }
    report("500 commands over 5 hosts in parallel", String(format: "%.3f s", seconds(clock.now - start)), target: "< 3 s")
    if failures > 0 { print("WRONG OUTPUT from \(failures) commands") }
    for remote in remotes { await remote.close() }
}

start = clock.now
_ = try await lab.down()
report("lab down, 5 hosts", String(format: "%.3f s", seconds(clock.now - start)), target: "-")
