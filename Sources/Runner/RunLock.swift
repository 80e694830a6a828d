import Foundation

/// A lock on a run directory held by the controller for as long as the run is in progress
/// (`flock` on the directory itself, so no file is added to the run). The kernel releases it when
/// the controller dies, even by SIGKILL: a directory without `results.json` whose lock is free was
/// left by a controller that crashed (`CrashedRun`).
public final class RunLock: Sendable {
    private let fd: Int32

    /// Takes the lock on `directory`; nil when another process holds it or it cannot be opened.
    public init?(directory: String) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        self.fd = fd
    }

    /// True when a live process holds the lock of `directory` (its run is in progress).
    public static func isHeld(directory: String) -> Bool {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return errno == EWOULDBLOCK }
        flock(fd, LOCK_UN)
        return false
    }

    deinit { close(fd) }
}
