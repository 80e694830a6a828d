import Cluster
import Foundation
import RemoteCore

/// Clock faults on real hosts: stepping the host clock with `date -s`, with the NTP daemons
/// stopped and restored afterwards. Never used where a host shares the controller's clock (the
/// local lab): `SharedClock` tells, and `FaultInjector` and `Heal` check it before any step.
public enum ClockControl {
    /// The NTP daemons looked for, as systemd units.
    public static let ntpServices = ["chrony", "chronyd", "systemd-timesyncd", "ntp", "ntpd", "ntpsec", "openntpd"]

    /// Prints the active ones among `ntpServices`, one a line.
    public static let activeServicesCommand =
        "command -v systemctl >/dev/null || exit 0; for s in \(ntpServices.joined(separator: " ")); do systemctl is-active --quiet \"$s\" 2>/dev/null && echo \"$s\"; done; true"

    /// Stops `services`.
    public static func stopServicesCommand(_ services: [String]) -> String {
        services.isEmpty ? "true" : "systemctl stop -- \(ShellQuote.join(services))"
    }

    /// Starts `services` (failures of single units are reported, not fatal).
    public static func startServicesCommand(_ services: [String]) -> String {
        services.isEmpty ? "true" : services.map { "systemctl start -- \(ShellQuote.quote($0)) || echo \"could not start \($0)\" >&2" }.joined(separator: "; ")
    }

    /// Steps the clock by `offset` (nanosecond arithmetic in the shell) and prints the new time
    /// as `%s%N`.
    public static func bumpCommand(by offset: Duration) -> String {
        let ns = offset.components.seconds * 1_000_000_000 + offset.components.attoseconds / 1_000_000_000
        return """
            t=$(( $(date +%s%N) + (\(ns)) ))
            date -s "@$((t / 1000000000)).$(printf %09d $((t % 1000000000)))" >/dev/null && date +%s%N
            """
    }

    /// Sets the clock to `epochNanoseconds` (the controller's time when the command is built) and
    /// prints the new time as `%s%N`.
    public static func setCommand(epochNanoseconds: Int64) -> String {
        "date -s \"@\(epochNanoseconds / 1_000_000_000).\(String(format: "%09lld", epochNanoseconds % 1_000_000_000))\" >/dev/null && date +%s%N"
    }

    /// Prints the host's time as `%s%N`.
    public static let readCommand = "date +%s%N"

    /// The host's clock minus the controller's, from a `date +%s%N` answer read between
    /// `sent` and `received` (controller epoch nanoseconds): compared with the midpoint.
    public static func offset(hostNanoseconds: Int64, sent: Int64, received: Int64) -> Duration {
        .nanoseconds(hostNanoseconds - (sent + (received - sent) / 2))
    }

    /// The controller's time in nanoseconds since the epoch.
    public static func controllerNow() -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1e9)
    }
}
