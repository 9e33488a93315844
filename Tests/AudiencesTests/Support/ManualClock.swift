import Audiences
import Synchronization

/// A `CacheClock` that moves only when the test advances it; sleepers wake when their deadline
/// is reached (cancellation-aware).
final class ManualClock: CacheClock {
    private struct Sleeper {
        var deadline: CacheInstant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: CacheInstant
        var sleepers: [Int: Sleeper] = [:]
        var nextID = 0
        var pending: Set<Int> = []
        var cancelled: Set<Int> = []
    }

    private let state: Mutex<State>

    init(start: CacheInstant = CacheInstant(nanosecondsSinceEpoch: 1_700_000_000_000_000_000)) {
        state = Mutex(State(now: start))
    }

    func now() -> CacheInstant { state.withLock { $0.now } }

    /// Sleepers waiting now.
    var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    func advance(by duration: Duration) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.now = state.now.advanced(by: duration)
            let due = state.sleepers.filter { $0.value.deadline <= state.now }
            for id in due.keys { state.sleepers[id] = nil }
            return due.values.map(\.continuation)
        }
        for continuation in woken { continuation.resume() }
    }

    func sleep(for duration: Duration) async throws {
        let id = state.withLock { state in
            state.nextID += 1
            state.pending.insert(state.nextID)
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Decision { case wait, wake, cancel }
                let decision = state.withLock { state -> Decision in
                    state.pending.remove(id)
                    if state.cancelled.remove(id) != nil { return .cancel }
                    let deadline = state.now.advanced(by: duration)
                    if deadline <= state.now { return .wake }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return .wait
                }
                switch decision {
                case .wait: break
                case .wake: continuation.resume()
                case .cancel: continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                if let sleeper = state.sleepers.removeValue(forKey: id) { return sleeper.continuation }
                if state.pending.contains(id) { state.cancelled.insert(id) }
                return nil
            }
            continuation?.resume(throwing: CancellationError())
        }
    }
}
