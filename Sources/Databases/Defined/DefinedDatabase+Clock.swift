import Cluster
import Foundation
import RemoteCore

extension DefinedDatabase: ClockFaking {
    /// Only a definition with `clock: {faketime: true}` runs its processes on a faked clock.
    public var fakesClock: Bool { definition.clock?.faketime == true }

    /// Writes the offset into the node's libfaketime file. With a `clock.read` query, asks the
    /// node for its clock (seconds or milliseconds since 1970) and returns the offset measured
    /// against the controller's, throwing when it is more than 250 ms from the one asked for;
    /// without one, returns the offset asked for (libfaketime is trusted, not measured).
    public func setClockOffset(_ offset: Duration, on node: ClusterNode, in cluster: ClusterContext) async throws -> Duration {
        let layout = try layout(for: node)
        try await FakedClock.writeOffset(offset, file: layout.fakeTimeFile, on: node, timeout: timings.commandTimeout)
        guard let clock = definition.clock, let read = clock.read else { return offset }
        let values = try rendering(for: node, in: cluster).values
        let sent = Date().timeIntervalSince1970
        let result = try await node.remote.exec(shell(read, values), timeout: timings.commandTimeout)
        let received = Date().timeIntervalSince1970
        guard result.status.isSuccess, let text = try Self.extract(clock.readExtraction, from: result.stdoutText),
              let reading = Self.epochSeconds(text) else {
            throw NodeFailure(node: node.name, reason: "\(name)'s clock could not be read: `\(result.stdoutText.trimmingWhitespace.prefix(200))`")
        }
        let measured = reading - (sent + received) / 2
        let asked = offset / .seconds(1)
        guard abs(measured - asked) < 0.25 else {
            throw NodeFailure(node: node.name, reason: String(format: "%@'s clock is off by %+.3f s, not %+.3f s: it does not run on the faked clock", name, measured, asked))
        }
        return .milliseconds(Int64((measured * 1000).rounded()))
    }

    /// A clock reading as seconds since 1970: a number of seconds, or of milliseconds when it is
    /// too large to be seconds.
    static func epochSeconds(_ text: String) -> Double? {
        guard let n = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)), n > 0 else { return nil }
        return n > 1e11 ? n / 1000 : n
    }
}
