import Synchronization

/// What must finish before the instance takes traffic (`/readyz`): migrations, in-memory loads.
public final class Readiness: Sendable {
    struct State {
        var pending: Set<String>
        var waiters: [String: [Int: CheckedContinuation<Void, Never>]] = [:]
        var nextWaiter = 0
    }

    let state: Mutex<State>

    public init(pending: Set<String>) {
        state = Mutex(State(pending: pending))
    }

    public func markDone(_ step: String) {
        let waiters = state.withLock { state in
            state.pending.remove(step)
            return state.waiters.removeValue(forKey: step) ?? [:]
        }
        for waiter in waiters.values { waiter.resume() }
    }

    /// Returns once `step` is done (at once if it is not pending), or once the calling task is
    /// cancelled: a service waiting for a step that will never be done (say, migrations failed
    /// and the server is stopping) must still end, or the process never exits.
    public func waitUntilDone(_ step: String) async {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    // The cancelled flag is set before the handler below runs, and both take the
                    // lock: a cancellation is seen here or finds the continuation there.
                    guard state.pending.contains(step), !Task.isCancelled else { return true }
                    state.waiters[step, default: [:]][id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { $0.waiters[step]?.removeValue(forKey: id) }
            continuation?.resume()
        }
    }

    public func isDone(_ step: String) -> Bool {
        state.withLock { !$0.pending.contains(step) }
    }

    /// Waits registered for `step` (tests use it to act once a waiter really waits).
    var waiting: Int {
        state.withLock { $0.waiters.values.reduce(0) { $0 + $1.count } }
    }

    public var pendingSteps: [String] {
        state.withLock { $0.pending.sorted() }
    }
}
