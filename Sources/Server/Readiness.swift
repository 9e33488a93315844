import Synchronization

/// What must finish before the instance takes traffic (`/readyz`): migrations, in-memory loads.
public final class Readiness: Sendable {
    struct State {
        var pending: Set<String>
        var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]
    }

    let state: Mutex<State>

    public init(pending: Set<String>) {
        state = Mutex(State(pending: pending))
    }

    public func markDone(_ step: String) {
        let waiters = state.withLock { state in
            state.pending.remove(step)
            return state.waiters.removeValue(forKey: step) ?? []
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once `step` is done (at once if it is not pending).
    public func waitUntilDone(_ step: String) async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                guard state.pending.contains(step) else { return true }
                state.waiters[step, default: []].append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    public var pendingSteps: [String] {
        state.withLock { $0.pending.sorted() }
    }
}
