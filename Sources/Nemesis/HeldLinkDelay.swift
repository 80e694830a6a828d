import Cluster
import Foundation
import History
import RemoteCore

/// Delay held on the links between the nodes for the whole load phase (`NemesisSpec.linkDelay`):
/// on every node the packets from each other node wait a fixed time before the node takes them,
/// so a round trip between two nodes takes twice that; the controller's traffic (clients, status
/// polls, SSH) is never delayed. A slow network lets faults fired by triggers land inside one
/// message's flight: an isolation fired a few milliseconds after an election, with a 50 ms delay,
/// cuts the new leader off before its first append arrives anywhere.
///
/// netem's delay is not on every kernel (not on the lab's), so the delay is Faultline's own:
/// `faultline-delay` (C, this package), uploaded to each node, holds the packets iptables queues to
/// it (`-j NFQUEUE` in the `mangle` table's chain `FAULTLINE-DELAY`, one rule per peer) and lets
/// each go on after the delay, in order. A packet let go still passes the `filter` table, so a
/// partition applied meanwhile drops it, as on a slow wire. The rules carry `--queue-bypass`: with
/// no delayer the packets pass. Recorded as `link-delay` from the start of the load phase to its
/// `heal-link-delay` at the end; every heal (`LinkDelayHeal`) removes the chain and stops the
/// delayer by its pid file.
public enum LinkDelay {
    /// The `mangle` chain whose rules queue the peers' packets to the delayer.
    public static let chain = "FAULTLINE-DELAY"
    /// The netfilter queue the delayer binds.
    public static let queue = 7411

    /// The binary on the controller: `FAULTLINE_DELAY`, or `faultline-delay` beside the running
    /// executable.
    public static var localBinary: String { BuiltBinary.path("faultline-delay", environment: "FAULTLINE_DELAY") }

    /// `<base directory>/faultline-delay`: the binary (`bin/`), its pid file and its log.
    public static func directory(on node: ClusterNode) throws -> String {
        try NodeDirectory.under(node.baseDirectory, named: "faultline-delay")
    }

    /// Commands that start the delayer from `home` holding packets `delay` long (an earlier one
    /// left by a crashed run stopped first), wait until it has bound its queue, then queue to it
    /// the packets from each of `peers` and list the chain. Throws `Firewall.Refusal` when a peer
    /// is one of `controller`.
    public static func holdCommands(delay: Duration, peers: [String], controller: Set<String>, home: String) throws -> String {
        try Firewall.refuseController(peers, controller, "delay")
        let h = ShellQuote.quote(home)
        let milliseconds = max(0, Int(delay.inMilliseconds.rounded()))
        let rules = peers.map { "iptables -w -t mangle -A \(chain) -s \(ShellQuote.quote($0)) -j NFQUEUE --queue-num \(queue) --queue-bypass" }
        return ([stopDelayer(home: h),
                 "setsid \(h)/bin/faultline-delay --queue \(queue) --delay-ms \(milliseconds) --pid-file \(h)/delay.pid >\(h)/delay.log 2>&1 </dev/null &",
                 "i=0; while [ ! -s \(h)/delay.pid ] && [ $i -lt 200 ]; do sleep 0.02; i=$((i+1)); done",
                 "[ -s \(h)/delay.pid ] || { echo \"faultline-delay did not start: $(tail -n 5 \(h)/delay.log)\" >&2; exit 1; }",
                 "iptables -w -t mangle -N \(chain) 2>/dev/null || iptables -w -t mangle -F \(chain)",
                 "iptables -w -t mangle -C INPUT -j \(chain) 2>/dev/null || iptables -w -t mangle -I INPUT -j \(chain)"]
                + rules + ["iptables -w -t mangle -S \(chain)"]).joined(separator: "\n")
    }

    /// Commands that remove the chain and its `INPUT` jump, then stop the delayer (which lets
    /// every packet it holds go); print `removed N` (rules), `stopped` for a delayer stopped, or
    /// nothing when neither was there. Safe where nothing was done, or with no iptables.
    public static func releaseCommands(home: String) -> String {
        let h = ShellQuote.quote(home)
        return """
        if command -v iptables >/dev/null && iptables -w -t mangle -S \(chain) >/dev/null 2>&1; then
          n=$(iptables -w -t mangle -S \(chain) | grep -c '^-A' || true)
          while iptables -w -t mangle -C INPUT -j \(chain) 2>/dev/null; do iptables -w -t mangle -D INPUT -j \(chain) || exit 1; done
          iptables -w -t mangle -F \(chain) && iptables -w -t mangle -X \(chain) || exit 1
          echo "removed ${n:-0}"
        fi
        \(stopDelayer(home: h))
        """
    }

    /// Stops the delayer whose pid `home`'s pid file holds, if that process is a delayer (hosts
    /// may share one process table: only a recorded pid is signalled); prints `stopped`.
    private static func stopDelayer(home h: String) -> String {
        """
        if [ -r \(h)/delay.pid ] && read p < \(h)/delay.pid && [ -n "$p" ] && grep -q faultline-delay /proc/$p/cmdline 2>/dev/null; then
          kill -TERM $p; i=0; while [ -d /proc/$p ] && [ $i -lt 100 ]; do sleep 0.02; i=$((i+1)); done
          [ -d /proc/$p ] && kill -KILL $p; echo stopped
        fi
        rm -f \(h)/delay.pid
        """
    }
}

extension Nemesis {
    /// Applies the held delay when the spec asks for it; returns whether it was tried (then
    /// `releaseLinkDelay` must follow).
    func holdLinkDelay() async -> Bool {
        guard let delay = spec.linkDelay else { return false }
        let nodes = injector.cluster.nodes
        let controller = injector.controllerAddresses
        let ms = Int(delay.inMilliseconds.rounded())
        await hold("link-delay", "\(ms) ms on the packets between \(nodes.map(\.name).joined(separator: ", ")), held") { node in
            let home = try LinkDelay.directory(on: node)
            let binary = LinkDelay.localBinary
            guard FileManager.default.isExecutableFile(atPath: binary) else {
                throw StepFailure("faultline-delay binary \(binary) is missing (build it with `swift build --product faultline-delay`, or set FAULTLINE_DELAY)")
            }
            try await BinaryUpload(localPath: binary, remotePath: home + "/bin/faultline-delay").install(on: node.remote, timeout: .seconds(20))
            let peers = nodes.filter { $0.name != node.name }.map(\.address)
            let listing = try await node.root(try LinkDelay.holdCommands(delay: delay, peers: peers, controller: controller, home: home))
            let rules = try Self.listedRules(listing, chain: LinkDelay.chain, containing: "NFQUEUE", expected: peers.count)
            return "\(rules) peers delayed \(ms) ms"
        }
        return true
    }

    /// Removes the held delay (the chain removed and the delayer stopped on every node) and
    /// records the heal.
    func releaseLinkDelay() async {
        await release("link-delay") { node in
            try await node.root(LinkDelay.releaseCommands(home: try LinkDelay.directory(on: node))).split(separator: "\n").joined(separator: ", ")
        }
    }
}

/// Removes the held delay's chain and stops its delayer on every heal, asked for or not: a run
/// that crashed under a held delay leaves both.
struct LinkDelayHeal: HealStep {
    var stage: HealStage { .network }

    func heal(_ node: ClusterNode, _ context: HealContext, into report: inout HealReport.Host) async {
        await report.attempt("link delay") {
            let done = try await node.root(LinkDelay.releaseCommands(home: try LinkDelay.directory(on: node)))
                .split(separator: "\n").map(String.init)
            guard !done.isEmpty else { return nil }
            return done.map { $0 == "stopped" ? "faultline-delay stopped" : "chain \(LinkDelay.chain) \($0) rules" }.joined(separator: ", ")
        }
    }
}
