import Synchronization

/// The outcome of `task` if it finishes within `limit`, else nil; the task keeps running.
///
/// A task group cannot do this: awaiting `task.value` ignores cancellation, so the group would
/// wait for a hung database call however long it takes (a stopped PostgreSQL answered nothing
/// for minutes).
func outcome<T: Sendable>(of task: Task<T, any Error>, within limit: Duration) async -> Result<T, any Error>? {
    let race = FirstAnswer<Result<T, any Error>?>()
    return await withCheckedContinuation { continuation in
        race.waiter.withLock { $0 = continuation }
        let timer = Task {
            try? await Task.sleep(for: limit)
            race.answer(nil)
        }
        Task {
            race.answer(await Result { try await task.value })
            timer.cancel()
        }
    }
}

/// Resumes one waiting continuation with whichever answer comes first.
private final class FirstAnswer<Value: Sendable>: Sendable {
    let waiter = Mutex<CheckedContinuation<Value, Never>?>(nil)

    func answer(_ value: Value) {
        waiter.withLock { $0.take() }?.resume(returning: value)
    }
}
