import Foundation
import Testing
import RaftKV

@Suite struct FileStorageTests {
    func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("raftkv-storage-\(UUID().uuidString)")
    }

    let put = { (v: String) in LogEntry(term: 1, command: .put(key: "k", value: v)) }

    @Test func termVoteAndLogSurviveAReopenWithTruncationsApplied() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            let s = try FileStorage(directory: dir)
            try s.save(hardState: HardState(term: 2, votedFor: "n2"), firstIndex: 1, entries: [put("a"), put("b"), put("c")])
            // A conflicting entry at 2 replaces 2 and 3.
            try s.save(hardState: nil, firstIndex: 2, entries: [LogEntry(term: 2, command: nil)])
        }
        let reopened = try FileStorage(directory: dir)
        #expect(reopened.hardState == HardState(term: 2, votedFor: "n2"))
        #expect(reopened.log == [put("a"), LogEntry(term: 2, command: nil)])
    }

    @Test func aTornLastLineIsCutOff() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileStorage(directory: dir).save(hardState: nil, firstIndex: 1, entries: [put("a"), put("b")])
        let log = dir.appendingPathComponent("log.jsonl")
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        handle.write(Data(#"{"i":3,"t":1,"c":{"op":"pu"#.utf8))
        try handle.close()
        let s = try FileStorage(directory: dir)
        #expect(s.log == [put("a"), put("b")])
        try s.save(hardState: nil, firstIndex: 3, entries: [put("c")])
        #expect(try FileStorage(directory: dir).log == [put("a"), put("b"), put("c")])
    }

    /// `no-fsync` keeps no buffer of its own: the append is written at once (a process crash keeps
    /// it, the OS holds it) and only a power loss, which drops what was never fsynced, loses it
    /// (`DiskLayerTests` and `PowerLossLabTests` show that part on the disk layer).
    @Test func noFsyncWritesAppendsAtOnceWithoutABufferOfItsOwn() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = try FileStorage(directory: dir, skipsFsync: true)
        try s.save(hardState: HardState(term: 1, votedFor: nil), firstIndex: 1, entries: [put("a")])
        #expect(try FileStorage(directory: dir).log == [put("a")], "written at once, though not fsynced")
        #expect(try FileStorage(directory: dir).hardState.term == 1, "term and vote stay durable")
    }
}
