import Cluster

/// Where a defined database keeps its files on one node: everything under
/// `<base directory>/<definition name>` (the templates' `{{dir}}`).
public struct DefinedNodeLayout: Sendable, Equatable {
    /// `<base directory>/<definition name>`.
    public var directory: String
    public var name: String

    /// The layout under `baseDirectory`, which must be an absolute path other than `/` (the data
    /// directory under it is removed at tear-down).
    public init(baseDirectory: String, name: String) throws {
        directory = try NodeDirectory.under(baseDirectory, named: name)
        self.name = name
    }

    /// `{{data}}`: removed at set-up and tear-down.
    public var dataDirectory: String { directory + "/data" }
    /// `{{log}}`: the process's stdout and stderr; emptied by set-up, kept at tear-down.
    public var logFile: String { directory + "/\(name).log" }
    public var pidFile: String { directory + "/\(name).pid" }
    /// Where an uploaded binary goes.
    public func uploadedBinary(named file: String) -> String { directory + "/bin/" + file }
    /// libfaketime's offset file, when the definition asks for a faked clock.
    public var fakeTimeFile: String { directory + "/faketime" }
}
