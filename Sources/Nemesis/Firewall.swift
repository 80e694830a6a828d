import Cluster
import RemoteCore

/// The iptables commands of partitions and iptables loss, all confined to Faultline's own chain
/// `FAULTLINE`, jumped to from `INPUT`. Nothing here touches any other rule: healing flushes
/// that chain only, and `Heal` removes the jump and the chain.
public enum Firewall {
    public static let chain = "FAULTLINE"
    /// The chain of loss held between the nodes for a whole run (`NemesisSpec.linkLoss`): apart
    /// from `chain`, so that healing a fault that fired meanwhile leaves it in place.
    public static let heldChain = "FAULTLINE-HELD"

    /// Why a rule was refused.
    public struct Refusal: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Creates the chain unless it exists and adds the `INPUT` jump unless it is there.
    static let ensureChain = ensure(chain)

    /// Creates `chain` unless it exists and adds the `INPUT` jump unless it is there; one
    /// iptables process when both are there (every fault after the first), since a triggered
    /// fault's latency is mostly process starts.
    static func ensure(_ chain: String) -> String {
        """
        iptables -w -C INPUT -j \(chain) 2>/dev/null || { iptables -w -N \(chain) 2>/dev/null; iptables -w -C INPUT -j \(chain) 2>/dev/null || iptables -w -I INPUT -j \(chain); }
        """
    }

    /// Commands that (re)fill the held chain: a random share `probability` of the packets from
    /// each of `peers` (the other nodes) dropped, then list it. Throws `Refusal` when a peer is
    /// one of `controller`.
    public static func linkLossCommands(probability: Double, peers: [String], controller: Set<String>) throws -> String {
        try refuseController(peers, controller)
        let p = probabilityText(probability)
        let rules = peers.map { "iptables -w -A \(heldChain) -s \(ShellQuote.quote($0)) -m statistic --mode random --probability \(p) -j DROP" }
        return ([ensure(heldChain), "iptables -w -F \(heldChain)"] + rules + ["iptables -w -S \(heldChain)"]).joined(separator: "\n")
    }

    /// Throws `Refusal` when one of `sources` is one of `controller`: the controller's own
    /// traffic (SSH, clients, status polls) is never dropped nor delayed (`doing`: "drop", "delay").
    static func refuseController(_ sources: [String], _ controller: Set<String>, _ doing: String = "drop") throws {
        if let refused = sources.first(where: controller.contains) {
            throw Refusal(description: "refusing to \(doing) traffic from \(refused), the controller's own address")
        }
    }

    /// `probability` clamped to 0...1, as the statistic match takes it.
    private static func probabilityText(_ probability: Double) -> String {
        String(format: "%.4f", min(1, max(0, probability)))
    }

    /// Lists the chain (`-N FAULTLINE`, then one `-A` line per rule).
    static let list = "iptables -w -S \(chain)"

    /// Commands that drop all traffic from `sources` (every rule added by one `iptables-restore
    /// --noflush`, one process), then list the chain. Throws `Refusal` when a source is one of
    /// `controller`: the controller's own traffic (SSH, clients) is never dropped.
    public static func dropCommands(from sources: [String], controller: Set<String>) throws -> String {
        try refuseController(sources, controller)
        let lines = ["*filter"] + sources.map { "-A \(chain) -s \($0) -j DROP" } + ["COMMIT"]
        let add = "printf '%s\\n' " + lines.map(ShellQuote.quote).joined(separator: " ") + " | iptables-restore -w --noflush"
        return ([ensureChain] + (sources.isEmpty ? [] : [add]) + [list]).joined(separator: "\n")
    }

    /// Commands that drop a random share `probability` of incoming packets except the
    /// controller's (a `RETURN` for each of its addresses comes first), then list the chain.
    public static func lossCommands(probability: Double, controller: Set<String>) -> String {
        let keep = controller.sorted().map { "iptables -w -A \(chain) -s \(ShellQuote.quote($0)) -j RETURN" }
        let p = probabilityText(probability)
        let drop = "iptables -w -A \(chain) -m statistic --mode random --probability \(p) -j DROP"
        return ([ensureChain] + keep + [drop, list]).joined(separator: "\n")
    }

    /// Empties the chain (when it exists) and lists it, then runs `then` once the listing shows
    /// no rule left (in the same command, so a heal is one round trip to the host).
    static func flushCommands(then command: String) -> String {
        """
        iptables -w -F \(chain) 2>/dev/null || true
        listing=$(iptables -w -S \(chain) 2>/dev/null || true)
        printf '%s\\n' "$listing"
        case "$listing" in *"-A \(chain) "*) ;; *) \(command) ;; esac
        """
    }

    /// Empties and removes the chain and every `INPUT` jump to it; prints `flushed N` with the
    /// number of rules that were in it, or `absent` when there was no chain. Succeeds when there
    /// is no chain (or no iptables).
    static func removeCommands(_ chain: String = Firewall.chain) -> String {
        """
        command -v iptables >/dev/null || { echo "flushed 0 (no iptables)"; exit 0; }
        iptables -w -S \(chain) >/dev/null 2>&1 || iptables -w -C INPUT -j \(chain) 2>/dev/null || { echo "absent"; exit 0; }
        n=$(iptables -w -S \(chain) 2>/dev/null | grep -c '^-A' || true)
        iptables -w -F \(chain) 2>/dev/null
        while iptables -w -C INPUT -j \(chain) 2>/dev/null; do iptables -w -D INPUT -j \(chain) || exit 1; done
        iptables -w -X \(chain) 2>/dev/null
        if iptables -w -S \(chain) >/dev/null 2>&1; then echo "chain \(chain) still there" >&2; exit 1; fi
        echo "flushed ${n:-0}"
        """
    }

    /// The `-A` rules of a chain listing.
    public static func rules(in listing: String) -> [String] {
        listing.split(separator: "\n").map(String.init).filter { $0.hasPrefix("-A \(chain) ") }
    }

    /// The sources of `-A FAULTLINE -s ADDR[/32] -j DROP` rules in a listing.
    public static func droppedSources(in listing: String) -> Set<String> {
        var sources: Set<String> = []
        for rule in rules(in: listing) {
            let words = rule.split(separator: " ").map(String.init)
            guard words.suffix(2) == ["-j", "DROP"], let s = words.firstIndex(of: "-s"), s + 1 < words.count else { continue }
            let source = words[s + 1]
            sources.insert(source.hasSuffix("/32") ? String(source.dropLast(3)) : source)
        }
        return sources
    }
}

extension UndoAction {
    /// Flush Faultline's iptables chain.
    public static let firewall = UndoAction(rawValue: "firewall")
}

/// Removes Faultline's chains (`chain`, `heldChain`) and their `INPUT` jumps on every heal, asked
/// for or not (no other rule is touched): a journal line cut short by a crash cannot hide a
/// partition.
struct FirewallHeal: HealStep {
    var stage: HealStage { .network }

    func heal(_ node: ClusterNode, _ context: HealContext, into report: inout HealReport.Host) async {
        for chain in [Firewall.chain, Firewall.heldChain] {
            var emptyChain = false
            await report.attempt(chain == Firewall.chain ? "firewall" : "firewall (held)") {
                let output = try await node.root(Firewall.removeCommands(chain)).trimmingCharacters(in: .whitespacesAndNewlines)
                if output.hasPrefix("absent") || output.contains("no iptables") { return nil }
                guard let rules = Int(output.split(separator: " ").last ?? ""), rules > 0 else {
                    emptyChain = true
                    return nil
                }
                return "chain \(chain) removed (\(rules) rules)"
            }
            if emptyChain { report.tidied.append("empty chain \(chain) removed") }
        }
    }
}
