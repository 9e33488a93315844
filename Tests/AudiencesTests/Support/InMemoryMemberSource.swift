import Audiences
import Roaring
import Synchronization

/// A `MemberSource` over in-memory sets: results by filter id and canonical parameters (or by
/// a function), counting queries, tracking concurrency, and optionally holding every query until
/// the test releases it (continuations, no sleeps).
final class InMemoryMemberSource: MemberSource {
    struct Query: Hashable, Sendable {
        var filterID: String
        var parameters: String
    }

    private struct State {
        var queries: [Query] = []
        var inFlight = 0
        var maxInFlight = 0
        var holding = false
        var held: [CheckedContinuation<Void, Never>] = []
        var failing: Set<String> = []
    }

    let maxConcurrentQueries: Int
    private let resolve: @Sendable (FilterDefinition, [String: ParameterValue]) -> [UInt32]
    private let state = Mutex(State())
    private let startedContinuation: AsyncStream<Query>.Continuation
    /// One element per query, when it starts (after any hold it is subject to is registered).
    let started: AsyncStream<Query>
    /// Runs inside every query (e.g. to advance a manual clock: a "slow" query).
    let onQuery: @Sendable (Query) -> Void

    init(maxConcurrentQueries: Int = 4, onQuery: @escaping @Sendable (Query) -> Void = { _ in },
         resolve: @escaping @Sendable (FilterDefinition, [String: ParameterValue]) -> [UInt32])
    {
        self.maxConcurrentQueries = maxConcurrentQueries
        self.resolve = resolve
        self.onQuery = onQuery
        (started, startedContinuation) = AsyncStream.makeStream(of: Query.self)
    }

    /// Results by filter id, ignoring parameters.
    convenience init(maxConcurrentQueries: Int = 4, sets: [String: [UInt32]],
                     onQuery: @escaping @Sendable (Query) -> Void = { _ in })
    {
        self.init(maxConcurrentQueries: maxConcurrentQueries, onQuery: onQuery) { filter, _ in sets[filter.id] ?? [] }
    }

    func members(of filter: FilterDefinition, parameters: [String: ParameterValue]) async throws -> Bitmap {
        let query = Query(filterID: filter.id, parameters: FilterRequest(filter: filter, parameters: parameters).canonicalParameters)
        let fails = state.withLock { state in
            state.queries.append(query)
            state.inFlight += 1
            state.maxInFlight = max(state.maxInFlight, state.inFlight)
            return state.failing.contains(filter.id)
        }
        defer { state.withLock { $0.inFlight -= 1 } }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let hold = state.withLock { state in
                if state.holding { state.held.append(continuation) }
                return state.holding
            }
            startedContinuation.yield(query)
            if !hold { continuation.resume() }
        }
        onQuery(query)
        if fails { throw SourceFailure(filterID: filter.id) }
        return Bitmap(resolve(filter, parameters))
    }

    /// Queries from now on wait for `release()`.
    func hold() { state.withLock { $0.holding = true } }

    /// Lets every held query continue; with `stopHolding`, later queries run at once.
    func release(stopHolding: Bool = true) {
        let held = state.withLock { state in
            if stopHolding { state.holding = false }
            defer { state.held = [] }
            return state.held
        }
        for continuation in held { continuation.resume() }
    }

    func fail(_ filterID: String) { state.withLock { _ = $0.failing.insert(filterID) } }

    var queries: [Query] { state.withLock { $0.queries } }
    var queryCount: Int { state.withLock { $0.queries.count } }
    var maxInFlight: Int { state.withLock { $0.maxInFlight } }
    var heldCount: Int { state.withLock { $0.held.count } }
}

struct SourceFailure: Error, Equatable {
    var filterID: String
}
