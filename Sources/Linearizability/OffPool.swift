import History
import Foundation

/// Runs CPU-heavy, blocking work on a thread of its own and suspends the caller until it is
/// done, so the search never occupies a thread of Swift's cooperative pool (a machine with two
/// cores has two of them; a check that holds one for seconds starves every other task).
public func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try work() })
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

extension Checker {
    /// `check` on a thread of its own: for callers in async code.
    public static func check<M: Model>(
        _ operations: [HistoryOperation], model: M, options: CheckOptions = CheckOptions()
    ) async throws -> CheckResult {
        try await offPool { try check(operations, model: model, options: options) }
    }

    /// `check` of a monotone model on a thread of its own: for callers in async code.
    public static func check<M: MonotoneModel>(
        _ operations: [HistoryOperation], model: M, options: CheckOptions = CheckOptions()
    ) async throws -> CheckResult {
        try await offPool { try check(operations, model: model, options: options) }
    }
}

extension BuiltInModel {
    /// `check` on a thread of its own: for callers in async code.
    public func check(
        _ operations: [HistoryOperation], initial: Value? = nil, options: CheckOptions = CheckOptions()
    ) async throws -> CheckResult {
        try await offPool { try check(operations, initial: initial, options: options) }
    }
}
