import Cluster
import History
import RemoteCore

/// netem commands for packet faults. Applying is also the detection: on a kernel without netem
/// (`qdisc kind is unknown`) the command fails and the fault falls back (loss) or is reported
/// unavailable (delay).
public enum Netem {
    /// Replaces the root qdisc of `interface` with netem delaying packets by `delay` ± `jitter`.
    public static func delayCommand(interface: String, delay: Duration, jitter: Duration) -> String {
        "tc qdisc replace dev \(ShellQuote.quote(interface)) root netem delay \(ms(delay))ms \(ms(jitter))ms"
    }

    /// Replaces the root qdisc of `interface` with netem dropping `probability` of the packets.
    public static func lossCommand(interface: String, probability: Double) -> String {
        let percent = String(format: "%.2f", min(1, max(0, probability)) * 100)
        return "tc qdisc replace dev \(ShellQuote.quote(interface)) root netem loss \(percent)%"
    }

    /// Runs the netem command `command`, then shows the root qdisc of `interface` and fails
    /// unless it is netem: its output is the evidence.
    public static func applyCommand(_ command: String, interface: String) -> String {
        "\(command) && tc qdisc show dev \(ShellQuote.quote(interface)) root | grep netem"
    }

    /// Removes a netem root qdisc of `interface` if there is one; prints `removed netem` then.
    /// Succeeds when there is none, or no `tc`.
    public static func removeCommand(interface: String) -> String {
        let dev = ShellQuote.quote(interface)
        return "if command -v tc >/dev/null && tc qdisc show dev \(dev) root 2>/dev/null | grep -q netem; then tc qdisc del dev \(dev) root && echo 'removed netem'; fi"
    }

    private static func ms(_ duration: Duration) -> Int { max(0, Int(duration.inMilliseconds.rounded())) }
}

extension UndoAction {
    /// Remove the root netem qdisc.
    public static let netem = UndoAction(rawValue: "netem")
}

/// Removes a netem root qdisc on every heal: on the run's interface, and on any other a journal
/// line names.
struct NetemHeal: HealStep {
    var stage: HealStage { .network }

    func heal(_ node: ClusterNode, _ context: HealContext, into report: inout HealReport.Host) async {
        for device in Set([context.interface] + context.entries.compactMap(\.interface)).sorted() {
            await report.attempt("netem on \(device)") {
                try await node.root(Netem.removeCommand(interface: device)).contains("removed") ? "netem removed from \(device)" : nil
            }
        }
    }
}
