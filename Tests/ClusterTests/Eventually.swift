import Testing

/// Retries `condition` every 100 ms until it holds, for up to `seconds`; errors count as "not yet".
/// Records an issue when it never held. The bound only rules out hangs: a cluster on a busy
/// machine may take seconds to elect or catch up.
func eventually(within seconds: Int = 15, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now.advanced(by: .seconds(seconds))
    while ContinuousClock.now < deadline {
        if (try? await condition()) == true { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    Issue.record("condition not met within \(seconds) s")
}
