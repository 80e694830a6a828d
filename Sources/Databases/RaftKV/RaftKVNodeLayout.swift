import Cluster

/// Where raftkv keeps its files on one node: everything under `<base directory>/raftkv`.
public struct RaftKVNodeLayout: Sendable, Equatable {
    /// `<base directory>/raftkv`.
    public var directory: String

    /// The layout under `baseDirectory`, which must be an absolute path other than `/` (a data
    /// directory derived from it is removed at tear-down).
    public init(baseDirectory: String) throws {
        directory = try NodeDirectory.under(baseDirectory, named: "raftkv")
    }

    /// The uploaded server binary.
    public var binary: String { directory + "/bin/raftkv" }
    /// Term, vote and log (`--data-dir`); removed at tear-down.
    public var dataDirectory: String { directory + "/data" }
    /// The server's output; kept at tear-down for collection, emptied by the next set-up.
    public var logFile: String { directory + "/raftkv.log" }
    public var pidFile: String { directory + "/raftkv.pid" }
    /// libfaketime's offset file (`FAKETIME_TIMESTAMP_FILE`): `+0` unless a clock fault is on.
    public var fakeTimeFile: String { directory + "/faketime" }
}
