import Synchronization

/// An async counting semaphore (cancellation-aware): at most `capacity` bodies run at once.
/// The filter cache keeps one per tenant so a source never sees more concurrent filter queries
/// than its `maxConcurrentQueries`.
///
/// Waiters are served in order of their `QueuePosition`: first come, first served between
/// arrivals (an audience evaluation is one arrival: all its filters share its start time), and
/// the longest expected first within one. So an audience's slowest filter starts first and the
/// short ones run beside it, instead of the slowest starting last (a cold audience is bounded by
/// its slowest filter), and a later request's queued query does not overtake an earlier one's.
///
/// `Sendable` without `@unchecked`: all state is inside a `Mutex`.
final class QueryGate: Sendable {
    private struct State {
        var available: Int
        var waiters: [Waiter] = []
        var nextID = 0
        /// Ids that asked for a permit but have not yet queued or been granted one.
        var pending: Set<Int> = []
        /// Pending ids cancelled before they queued.
        var cancelled: Set<Int> = []
    }

    private struct Waiter {
        var id: Int
        var position: QueuePosition
        var continuation: CheckedContinuation<Void, any Error>
    }

    private enum Decision { case granted, queued, cancelled }

    private let state: Mutex<State>
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        state = Mutex(State(available: max(1, capacity)))
    }

    /// Runs `body` holding a permit, waiting for one first (at `position`: now, nothing expected,
    /// unless given); throws `CancellationError` if the task is cancelled while waiting.
    func withPermit<T: Sendable>(at position: QueuePosition? = nil, _ body: () async throws -> T) async throws -> T {
        try await acquire(at: position ?? QueuePosition(arrival: .now))
        defer { release() }
        return try await body()
    }

    /// Permits in use (for tests and diagnostics).
    var inUse: Int { state.withLock { capacity - $0.available } }
    /// Bodies waiting for a permit.
    var waiting: Int { state.withLock { $0.waiters.count } }

    private func acquire(at position: QueuePosition) async throws {
        let id = state.withLock { state in
            state.nextID += 1
            state.pending.insert(state.nextID)
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let decision = state.withLock { state -> Decision in
                    state.pending.remove(id)
                    if state.cancelled.remove(id) != nil { return .cancelled }
                    if state.available > 0 {
                        state.available -= 1
                        return .granted
                    }
                    state.waiters.append(Waiter(id: id, position: position, continuation: continuation))
                    return .queued
                }
                switch decision {
                case .granted: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .queued: break
                }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                if let index = state.waiters.firstIndex(where: { $0.id == id }) {
                    return state.waiters.remove(at: index).continuation
                }
                if state.pending.contains(id) { state.cancelled.insert(id) }
                return nil
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            if state.waiters.isEmpty {
                state.available += 1
                return nil
            }
            // The permit passes on to the first position (the first to queue on a tie).
            let next = state.waiters.indices.min { state.waiters[$0].position < state.waiters[$1].position }!
            return state.waiters.remove(at: next).continuation
        }
        next?.resume()
    }
}
