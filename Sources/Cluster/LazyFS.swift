import Foundation
import RemoteCore

/// Faultline's disk layer: the `faultline-lazyfs` FUSE filesystem of this package (built beside
/// `faultline`), uploaded to each node and mounted over a database's data directory before the
/// database starts. Reads and writes pass through to the directory underneath; what was written
/// and not yet fsynced can be dropped on command (`drop`), as a power loss would drop it.
///
/// Per node, under `<base directory>/faultline-lazyfs`: the binary and one log. A database set
/// up on a cluster whose context has a disk layer mounts it over its data directory (after wiping,
/// before starting); every database unmounts it at tear-down (`unmount`, safe where nothing is
/// mounted), and `Heal` sweeps mounts a crashed run left.
public struct LazyFS: Sendable, Equatable {
    /// The filesystem type `/proc/mounts` shows for its mounts.
    public static let mountType = "fuse.faultline-lazyfs"
    /// The control file at the root of a mount.
    public static let controlFile = ".faultline-lazyfs"

    /// The binary on the controller: `FAULTLINE_LAZYFS`, or `faultline-lazyfs` beside the running
    /// executable.
    public var localBinary: String
    public var commandTimeout: Duration
    /// Which fsync makes a name change (create, remove, rename) durable.
    public var entries: Entries

    /// When a directory entry survives a power loss.
    public enum Entries: String, Sendable, Equatable, CaseIterable {
        /// Once its directory is fsynced: all that POSIX promises.
        case strict
        /// Once anything on the filesystem is fsynced, as on ext4, whose fsync of any file
        /// commits the journal transaction holding every earlier name change. Only data not
        /// fsynced is lost.
        case journaled
    }

    public init(localBinary: String = BuiltBinary.path("faultline-lazyfs", environment: "FAULTLINE_LAZYFS"),
                commandTimeout: Duration = .seconds(20), entries: Entries = .strict) {
        self.localBinary = localBinary
        self.commandTimeout = commandTimeout
        self.entries = entries
    }

    /// `<base directory>/faultline-lazyfs`.
    public static func directory(on node: ClusterNode) throws -> String {
        try NodeDirectory.under(node.baseDirectory, named: "faultline-lazyfs")
    }

    /// Uploads the binary (unless the node has the same) and mounts the layer over `directory`
    /// (created if missing), backed by the directory itself; returns once `/proc/mounts` shows
    /// the mount. Throws with the layer's log when it does not appear within 5 s.
    public func mount(over directory: String, on node: ClusterNode) async throws {
        guard FileManager.default.isExecutableFile(atPath: localBinary) else {
            throw ClusterError.invalidConfiguration("faultline-lazyfs binary \(localBinary) is missing or not executable "
                + "(build it with `swift build --product faultline-lazyfs`, or set FAULTLINE_LAZYFS)")
        }
        let home = try Self.directory(on: node)
        let binary = home + "/bin/faultline-lazyfs"
        try await BinaryUpload(localPath: localBinary, remotePath: binary).install(on: node.remote, timeout: commandTimeout)
        let dir = ShellQuote.quote(directory), log = ShellQuote.quote(home + "/lazyfs.log")
        let script = """
            mkdir -p -- \(dir)
            \(Self.mountedTest(directory)) && { echo "already mounted" >&2; exit 1; }
            setsid \(ShellQuote.quote(binary)) --entries \(entries.rawValue) \(dir) \(dir) </dev/null >>\(log) 2>&1 &
            i=0; while [ $i -lt 50 ]; do \(Self.mountedTest(directory)) && exit 0; sleep 0.1; i=$((i+1)); done
            echo "faultline-lazyfs did not mount over \(directory) within 5 s:" >&2; tail -n 5 \(log) >&2; exit 1
            """
        let result = try await node.remote.exec(ExecRequest(script, timeout: commandTimeout, sudo: true))
        guard result.status.isSuccess else {
            throw ClusterError.nodesFailed(action: "mount disk layer", failures: [NodeFailure(node: node.name, reason: result.stderrText)])
        }
    }

    /// Unmounts the layer from `directory` on `node` (lazily: the database may still hold files
    /// open); succeeds where nothing is mounted. Needs nothing of the layer on the node.
    public static func unmount(_ directory: String, on node: ClusterNode, timeout: Duration = .seconds(20)) async throws {
        let result = try await node.remote.exec(ExecRequest(unmountCommand(directory), timeout: timeout, sudo: true))
        guard result.status.isSuccess else {
            throw ClusterError.nodesFailed(action: "unmount disk layer", failures: [NodeFailure(node: node.name, reason: result.stderrText)])
        }
    }

    /// Unmounts `directory` when the layer is mounted there; prints `unmounted` when it was.
    public static func unmountCommand(_ directory: String) -> String {
        "if \(mountedTest(directory)); then fusermount3 -u -z -- \(ShellQuote.quote(directory)) 2>/dev/null "
            + "|| umount -l -- \(ShellQuote.quote(directory)); echo unmounted; fi"
    }

    /// Prints the layer's mount points under `baseDirectory`, one a line.
    public static func mountsCommand(under baseDirectory: String) -> String {
        "awk -v t=\(mountType) -v b=\(ShellQuote.quote(baseDirectory + "/")) '$3 == t && index($2, b) == 1 { print $2 }' /proc/mounts"
    }

    /// A shell test that succeeds when the layer is mounted over `directory`.
    static func mountedTest(_ directory: String) -> String {
        "awk -v t=\(mountType) -v d=\(ShellQuote.quote(directory)) '$3 == t && $2 == d { f = 1 } END { exit !f }' /proc/mounts"
    }

    /// What the layer dropped: un-fsynced bytes and the files they were in, and the directory
    /// entries whose directory was not fsynced, undone: names created (removed again), names
    /// removed (restored) and renames (renamed back).
    public struct Dropped: Sendable, Equatable, CustomStringConvertible {
        public var bytes: Int
        public var files: Int
        public var created: Int
        public var removed: Int
        public var renamed: Int

        public init(bytes: Int, files: Int, created: Int = 0, removed: Int = 0, renamed: Int = 0) {
            self.bytes = bytes
            self.files = files
            self.created = created
            self.removed = removed
            self.renamed = renamed
        }

        /// `dropped B un-fsynced bytes in F files; undid C creates, R removes, N renames`.
        public var description: String {
            "dropped \(bytes) un-fsynced bytes in \(files) files; undid \(created) creates, \(removed) removes, \(renamed) renames"
        }
    }

    /// Sends `drop` to the layer mounted over `directory` and returns what it dropped.
    public static func drop(_ directory: String, on node: ClusterNode, timeout: Duration = .seconds(20)) async throws -> Dropped {
        let control = ShellQuote.quote(directory + "/" + controlFile)
        let result = try await node.remote.exec(ExecRequest("\(mountedTest(directory)) || { echo 'no disk layer mounted over \(directory)' >&2; exit 1; }; "
            + "printf drop > \(control) && cat \(control)", timeout: timeout, sudo: true))
        let answer = result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.status.isSuccess, let dropped = parseDropped(answer) else {
            throw ClusterError.nodesFailed(action: "drop un-fsynced data", failures: [NodeFailure(node: node.name, reason: "\(answer) \(result.stderrText)")])
        }
        return dropped
    }

    /// `dropped B bytes in F files; undid C creates, R removes, N renames` → its numbers; nil
    /// for anything else.
    public static func parseDropped(_ answer: String) -> Dropped? {
        let words = answer.split(separator: " ").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ",;")) }
        guard words.count == 13, words[0] == "dropped", words[2] == "bytes", words[3] == "in", words[5] == "files",
              words[6] == "undid", words[8] == "creates", words[10] == "removes", words[12] == "renames",
              let bytes = Int(words[1]), let files = Int(words[4]),
              let created = Int(words[7]), let removed = Int(words[9]), let renamed = Int(words[11]) else { return nil }
        return Dropped(bytes: bytes, files: files, created: created, removed: removed, renamed: renamed)
    }
}
