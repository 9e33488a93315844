import Synchronization

/// Runs `operation` in a task of its own and returns its result, or throws `expired()` once
/// `limit` has passed, or `CancellationError` as soon as the caller is cancelled — without
/// waiting for the operation to notice. The loser is cancelled and left to finish on its own.
///
/// Why not a task group: a group waits for every child, and postgres-nio can miss the cancellation
/// of a connection lease (it checks for cancellation, then queues the request; a cancel in
/// between finds nothing to remove). On a pool that cannot connect — a member source whose
/// database is gone — the request then waits forever, and so did the caller: a test server's
/// audience service never stopped (README, "Known issue").
public func withDeadline<T: Sendable>(
    _ limit: Duration, expired: @escaping @Sendable () -> any Error,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try Task.checkCancellation()  // the work's task would not inherit the cancellation
    let outcome = FirstOutcome<T>()
    let work = Task {
        do { outcome.settle(.success(try await operation())) } catch { outcome.settle(.failure(error)) }
    }
    let timer = Task {
        guard (try? await Task.sleep(for: limit)) != nil else { return }
        outcome.settle(.failure(expired()))
    }
    defer {
        work.cancel()
        timer.cancel()
    }
    return try await withTaskCancellationHandler {
        try await outcome.value()
    } onCancel: {
        outcome.settle(.failure(CancellationError()))
    }
}

/// The first outcome settled wins; later ones are dropped.
final class FirstOutcome<T: Sendable>: Sendable {
    struct State {
        var outcome: Result<T, any Error>?
        var waiter: CheckedContinuation<T, any Error>?
    }

    let state = Mutex(State())

    func settle(_ outcome: Result<T, any Error>) {
        let waiter = state.withLock { state -> CheckedContinuation<T, any Error>? in
            guard state.outcome == nil else { return nil }
            state.outcome = outcome
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: outcome)
    }

    func value() async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let settled = state.withLock { state -> Result<T, any Error>? in
                if state.outcome == nil { state.waiter = continuation }
                return state.outcome
            }
            if let settled { continuation.resume(with: settled) }
        }
    }
}
