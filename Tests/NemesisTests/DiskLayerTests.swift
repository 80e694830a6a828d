import Cluster
import Control
import Foundation
import Testing
@testable import Nemesis

enum DiskLayerAvailability {
    static var available: Bool {
        getuid() == 0 && FileManager.default.fileExists(atPath: "/dev/fuse")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/fusermount3")
            && FileManager.default.isExecutableFile(atPath: LazyFS().localBinary)
    }
}

/// The disk layer for real (root, /dev/fuse, the built faultline-lazyfs): mounted over a
/// directory of this machine through a local `Remote`, written through by this process, then
/// told to drop: what was fsynced survives, what was not is gone, as after a power loss. The
/// heal's sweep unmounts what a crashed run left.
@Suite("the disk layer (faultline-lazyfs) drops what was not fsynced",
       .enabled(if: DiskLayerAvailability.available, "needs root, /dev/fuse, fusermount3 and the built faultline-lazyfs"),
       .timeLimit(.minutes(1)))
struct DiskLayerTests {
    static let layer = LazyFS()

    /// A node on this machine with a base directory of its own, removed (and unmounted) afterwards.
    static func withNode(_ body: (ClusterNode, String) async throws -> Void) async throws {
        let base = NSTemporaryDirectory() + "fl-disk-\(UInt32.random(in: 0...UInt32.max))"
        let node = ClusterNode(name: "local", address: "127.0.0.1", remote: LocalRemote(), baseDirectory: base)
        let data = base + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        var failure: (any Error)?
        do { try await body(node, data) } catch { failure = error }
        try? await LazyFS.unmount(data, on: node)
        try? FileManager.default.removeItem(atPath: base)
        if let failure { throw failure }
    }

    static func write(_ path: String, _ text: String, at offset: off_t? = nil, create: Bool = true, fsyncAfter: Bool = false) throws {
        let fd = open(path, O_WRONLY | (create ? O_CREAT : 0) | (offset == nil ? O_APPEND : 0), 0o644)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        let n = text.withCString { bytes in
            if let offset { return pwrite(fd, bytes, strlen(bytes), offset) }
            return Foundation.write(fd, bytes, strlen(bytes))
        }
        guard n == text.utf8.count, !fsyncAfter || fsync(fd) == 0 else { throw POSIXError(.EIO) }
    }

    /// fsync of a directory: its entries become durable.
    static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { throw POSIXError(.ENOENT) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw POSIXError(.EIO) }
    }

    static func names(_ path: String) throws -> Set<String> {
        try Set(FileManager.default.contentsOfDirectory(atPath: path))
    }

    static func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    static func mounted(_ data: String) throws -> Bool {
        try String(contentsOfFile: "/proc/mounts", encoding: .utf8).split(separator: "\n")
            .contains { $0.split(separator: " ").dropFirst().first.map(String.init) == data && $0.contains(LazyFS.mountType) }
    }

    @Test("fsynced data survives a drop; appends, new files and overwrites not fsynced are undone")
    func dropKeepsOnlyWhatWasFsynced() async throws {
        try await Self.withNode { node, data in
            try Self.write(data + "/before", "durable before the mount\n")
            try await Self.layer.mount(over: data, on: node)
            #expect(try Self.mounted(data))
            #expect(Self.read(data + "/before") == "durable before the mount\n", "reads pass through")

            try Self.write(data + "/before", "appended\n")                     // 9 bytes, not fsynced
            try Self.write(data + "/synced", "kept\n", fsyncAfter: true)       // fsynced
            try Self.write(data + "/pages", String(repeating: "A", count: 10_000), fsyncAfter: true)
            try Self.syncDirectory(data)                                        // their names too
            try Self.write(data + "/synced", "lost\n")                         // 5 bytes after the fsync
            try Self.write(data + "/new", "never synced\n")                    // 13 bytes, name not synced
            try Self.write(data + "/pages", String(repeating: "B", count: 100), at: 5_000, create: false)  // overwrite
            #expect(Self.read(data + "/synced") == "kept\nlost\n", "un-fsynced data is readable before the drop")

            let dropped = try await LazyFS.drop(data, on: node)
            #expect(dropped == LazyFS.Dropped(bytes: 9 + 5 + 13 + 100, files: 4, created: 1))
            #expect(Self.read(data + "/before") == "durable before the mount\n")
            #expect(Self.read(data + "/synced") == "kept\n")
            #expect(Self.read(data + "/new") == nil, "its name was never made durable")
            #expect(Self.read(data + "/pages") == String(repeating: "A", count: 10_000), "overwritten durable bytes come back")

            let again = try await LazyFS.drop(data, on: node)
            #expect(again == LazyFS.Dropped(bytes: 0, files: 0), "nothing un-fsynced is left")
        }
    }

    /// A database that creates `member/wal/`, writes its WAL file and fsyncs only the file (no
    /// directory). Under `strict` the whole tree is undone; under `journaled` (ext4) the file's
    /// fsync committed every earlier name, and only what was written after the last fsync is
    /// lost. Then a directory's fsync: under `journaled` it commits names in other directories too.
    @Test("journaled entries: any fsync makes every earlier name change durable; strict keeps only fsynced directories' names",
          arguments: [LazyFS.Entries.strict, .journaled])
    func entriesFollowTheLayersMode(entries: LazyFS.Entries) async throws {
        try await Self.withNode { node, data in
            try await LazyFS(entries: entries).mount(over: data, on: node)
            try FileManager.default.createDirectory(atPath: data + "/member/wal", withIntermediateDirectories: true)
            try Self.write(data + "/member/wal/0.wal", "record 1\n", fsyncAfter: true)
            try Self.write(data + "/member/wal/0.wal", "record 2\n")          // 9 bytes, not fsynced
            try Self.write(data + "/member/later", "named after the last fsync\n")

            let dropped = try await LazyFS.drop(data, on: node)
            switch entries {
            case .journaled:
                #expect(dropped == LazyFS.Dropped(bytes: 9 + 27, files: 2, created: 1),
                        "only the name created after the last fsync is undone")
                #expect(Self.read(data + "/member/wal/0.wal") == "record 1\n")
                #expect(try Self.names(data + "/member") == ["wal"])
            case .strict:
                #expect(dropped == LazyFS.Dropped(bytes: 9 + 27, files: 2, created: 4),
                        "member/ (never fsynced in its parent) goes with everything under it")
                #expect(try Self.names(data).isEmpty)
                try FileManager.default.createDirectory(atPath: data + "/member/wal", withIntermediateDirectories: true)
            }

            try FileManager.default.createDirectory(atPath: data + "/snap", withIntermediateDirectories: false)
            try Self.syncDirectory(data + "/member/wal")                       // another directory
            let second = try await LazyFS.drop(data, on: node)
            #expect(second.created == (entries == .journaled ? 0 : 3), "snap/ kept only by a journaled layer")
            #expect(try Self.names(data).contains("snap") == (entries == .journaled))
        }
    }

    @Test("names created, removed or renamed are undone by a drop unless their directory was fsynced")
    func dropUndoesEntriesOfDirectoriesNotFsynced() async throws {
        try await Self.withNode { node, data in
            try await Self.layer.mount(over: data, on: node)
            // Durable before the faults: each file fsynced, then the directory.
            for name in ["a", "src", "target", "victim"] { try Self.write(data + "/" + name, "\(name) durable\n", fsyncAfter: true) }
            try FileManager.default.createDirectory(atPath: data + "/empty", withIntermediateDirectories: false)
            try FileManager.default.createDirectory(atPath: data + "/s2", withIntermediateDirectories: false)
            try Self.write(data + "/kept", "kept\n", fsyncAfter: true)
            try Self.syncDirectory(data)

            // Its own directory fsynced: durable although the root is not fsynced again.
            try Self.write(data + "/s2/x", "x\n", fsyncAfter: true)
            try FileManager.default.moveItem(atPath: data + "/s2/x", toPath: data + "/s2/y")
            try Self.syncDirectory(data + "/s2")
            // Not durable: the root directory is not fsynced after these.
            try Self.write(data + "/gone", "data fsynced, name not\n", fsyncAfter: true)
            try FileManager.default.moveItem(atPath: data + "/a", toPath: data + "/b")
            #expect(rename(data + "/src", data + "/target") == 0)               // replaces target
            try FileManager.default.removeItem(atPath: data + "/victim")
            try FileManager.default.removeItem(atPath: data + "/empty")
            try FileManager.default.createDirectory(atPath: data + "/sub", withIntermediateDirectories: false)
            try Self.write(data + "/sub/inner", "inner\n", fsyncAfter: true)
            try Self.syncDirectory(data + "/sub")                               // sub itself is not durable
            #expect(try Self.names(data) == ["kept", "s2", "gone", "b", "target", "sub"], "the graveyard is not listed")

            let dropped = try await LazyFS.drop(data, on: node)
            #expect(dropped == LazyFS.Dropped(bytes: 0, files: 0, created: 2, removed: 2, renamed: 2))
            #expect(try Self.names(data) == ["a", "src", "target", "victim", "empty", "s2", "kept"])
            #expect(Self.read(data + "/a") == "a durable\n", "renamed back")
            #expect(Self.read(data + "/src") == "src durable\n")
            #expect(Self.read(data + "/target") == "target durable\n", "the replaced file comes back")
            #expect(Self.read(data + "/victim") == "victim durable\n", "the removed file comes back with its data")
            #expect(try Self.names(data + "/empty").isEmpty)
            #expect(try Self.names(data + "/s2") == ["y"])
            #expect(Self.read(data + "/kept") == "kept\n")

            let again = try await LazyFS.drop(data, on: node)
            #expect(again == LazyFS.Dropped(bytes: 0, files: 0), "nothing un-fsynced is left")
            try await LazyFS.unmount(data, on: node)
            // The unmount is lazy: the daemon empties the graveyard as it exits, which a loaded
            // machine took over 5 s to get to.
            for _ in 0..<300 where try Self.names(data).contains(".faultline-lazyfs-graveyard") {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(try Self.names(data) == ["a", "src", "target", "victim", "empty", "s2", "kept"],
                    "the graveyard is emptied and removed at unmount")
        }
    }

    @Test("the heal's sweep unmounts the layer a crashed run left under the node's base directory")
    func sweepUnmountsLeftovers() async throws {
        try await Self.withNode { node, data in
            try await Self.layer.mount(over: data, on: node)
            try Self.write(data + "/file", "written through\n", fsyncAfter: true)
            let cluster = ClusterContext(nodes: [node])
            let swept = await Heal.heal(cluster: cluster, database: NoDatabase(), steps: [DiskLayerSweep()])
            #expect(swept.hosts.first?.actions == ["disk layer unmounted from \(data)"])
            #expect(try !Self.mounted(data))
            #expect(Self.read(data + "/file") == "written through\n", "the data stays in the directory underneath")
            let again = await Heal.heal(cluster: cluster, database: NoDatabase(), steps: [DiskLayerSweep()])
            #expect(again.succeeded && again.hosts.first?.actions == [])
        }
    }
}

/// A database with nothing to heal, for heals that run only the steps a test names.
struct NoDatabase: Database {
    var name: String { "none" }
    func setUp(_ cluster: ClusterContext) async throws {}
    func tearDown(_ cluster: ClusterContext) async throws {}
}
