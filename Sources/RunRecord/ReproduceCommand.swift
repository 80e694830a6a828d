import RemoteCore

/// The command that runs a test again with the same seed and time limit: built here only, for
/// the terminal when a run starts and for results.json (and so the report) when it is stored.
public enum ReproduceCommand {
    /// `faultline run SPEC [--hosts INVENTORY] --seed N --time-limit Ts`, shell-quoted; `hosts`
    /// is the inventory the run was given (nil: the local lab, the default).
    public static func text(spec: String, hosts: String?, seed: UInt64, timeLimit: Duration) -> String {
        let seconds = timeLimit.inMilliseconds / 1000
        let limit = seconds.rounded() == seconds ? String(Int(seconds)) : String(seconds)
        return ShellQuote.join(["faultline", "run", spec] + (hosts.map { ["--hosts", $0] } ?? [])
                               + ["--seed", String(seed), "--time-limit", limit + "s"])
    }
}
