import Synchronization

/// An async counting semaphore (FIFO, cancellation-aware): at most `capacity` bodies run at once.
/// The filter cache keeps one per tenant so a source never sees more concurrent filter queries
/// than its `maxConcurrentQueries`.
///
/// `Sendable` without `@unchecked`: all state is inside a `Mutex`.
final class QueryGate: Sendable {
    private struct State {
        var available: Int
        var waiters: [(id: Int, continuation: CheckedContinuation<Void, any Error>)] = []
        var nextID = 0
        /// Ids that asked for a permit but have not yet queued or been granted one.
        var pending: Set<Int> = []
        /// Pending ids cancelled before they queued.
        var cancelled: Set<Int> = []
    }

    private enum Decision { case granted, queued, cancelled }

    private let state: Mutex<State>
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        state = Mutex(State(available: max(1, capacity)))
    }

    /// Runs `body` holding a permit, waiting for one first; throws `CancellationError` if the
    /// task is cancelled while waiting.
    func withPermit<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await body()
    }

    /// Permits in use (for tests and diagnostics).
    var inUse: Int { state.withLock { capacity - $0.available } }

    private func acquire() async throws {
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
                    state.waiters.append((id, continuation))
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
            return state.waiters.removeFirst().continuation  // the permit passes on
        }
        next?.resume()
    }
}
