import Synchronization

/// A task whose outcome many callers await, each until its own deadline; the task keeps running
/// when they give up.
///
/// A task group cannot do this: awaiting `task.value` ignores cancellation, so the group would
/// wait for a hung database call however long it takes (a stopped PostgreSQL answered nothing
/// for minutes). One watcher per task awaits it: a caller that gives up leaves nothing behind
/// (a watcher per caller, as before, stayed for as long as the hung call did, one per request).
final class SharedOutcome<T: Sendable>: Sendable {
    typealias Outcome = Result<T, any Error>

    struct Waiter {
        var continuation: CheckedContinuation<Outcome?, Never>
        var timer: Task<Void, Never>?
    }

    struct State {
        var outcome: Outcome?
        var waiters: [Int: Waiter] = [:]
        var nextWaiter = 0
    }

    let task: Task<T, any Error>
    private let state = Mutex(State())

    init(_ task: Task<T, any Error>) {
        self.task = task
        Task { [self] in
            let outcome = await Result { try await task.value }
            let waiters = state.withLock { state in
                state.outcome = outcome
                defer { state.waiters = [:] }
                return state.waiters.values
            }
            for waiter in waiters {
                waiter.timer?.cancel()
                waiter.continuation.resume(returning: outcome)
            }
        }
    }

    /// Callers waiting now (for tests: those past their deadline must not stay).
    var waiting: Int { state.withLock { $0.waiters.count } }

    /// The task's outcome if it finishes within `limit`, else nil.
    func outcome(within limit: Duration) async -> Outcome? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Outcome?, Never>) in
            let finished = state.withLock { state -> Outcome? in
                if let outcome = state.outcome { return outcome }
                let id = state.nextWaiter
                state.nextWaiter += 1
                state.waiters[id] = Waiter(continuation: continuation)
                state.waiters[id]?.timer = Task { [self] in
                    try? await Task.sleep(for: limit)
                    self.state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume(returning: nil)
                }
                return nil
            }
            if let finished { continuation.resume(returning: finished) }
        }
    }
}
