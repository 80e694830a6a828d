/// libfaketime's settings for a daemon whose wall clock Faultline moves: the offset comes from a
/// file re-read on every clock read; only the wall clock is faked (Raft timers run on the
/// monotonic clock). `RemoteDaemon` preloads the library only where the host has it.
public enum FakedClock {
    /// Where Debian's libfaketime puts the library.
    public static let defaultLibrary = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"

    /// The environment of a daemon on a faked clock whose offset is in `offsetFile`.
    public static func environment(offsetFile: String, library: String = defaultLibrary) -> [String: String] {
        ["LD_PRELOAD": library, "FAKETIME_TIMESTAMP_FILE": offsetFile, "FAKETIME_NO_CACHE": "1",
         "FAKETIME_DONT_FAKE_MONOTONIC": "1"]
    }
}
