import Cluster
import Foundation
import RemoteCore

extension RaftKVDatabase: ClockFaking {
    /// Writes the offset into the node's libfaketime file (re-read by the server on every clock
    /// read), then asks the server for its wall clock and compares it with the controller's.
    /// Throws when the measured offset is more than 250 ms from the one asked for (libfaketime is
    /// missing on the host, or the server was started without it).
    public func setClockOffset(_ offset: Duration, on node: ClusterNode, in cluster: ClusterContext) async throws -> Duration {
        let layout = try layout(for: node)
        let seconds = offset / .seconds(1)
        try await FakedClock.writeOffset(offset, file: layout.fakeTimeFile, on: node, timeout: options.timings.commandTimeout)
        let sent = Date().timeIntervalSince1970
        guard let wall = await probe(node).status?.wallClockMillis else {
            throw NodeFailure(node: node.name, reason: "raftkv does not answer its status endpoint; its clock cannot be measured")
        }
        let received = Date().timeIntervalSince1970
        let measured = Double(wall) / 1000 - (sent + received) / 2
        guard abs(measured - seconds) < 0.25 else {
            throw NodeFailure(node: node.name, reason: String(format: "raftkv's clock is off by %+.3f s, not %+.3f s: it does not run on a faked clock (libfaketime missing at %@?)",
                                                             measured, seconds, options.fakeTimeLibrary))
        }
        return .milliseconds(Int64((measured * 1000).rounded()))
    }
}
