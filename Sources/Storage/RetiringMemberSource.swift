import Audiences
import Roaring
import Synchronization

/// A registry's source that stops querying once the registry replaced or dropped it.
///
/// A request may pick up a tenant's source just before the tenant's settings change and start a
/// filter query after the cache was cleared for the change; without this, the old database's
/// answer would be cached and served until the filter's TTL. The registry retires a source
/// before it tells the cache, so a query either started before the clear (its result is
/// discarded) or finds the source retired (`MemberSourceError.replaced`).
struct RetiringMemberSource: SQLMemberSource {
    let base: any SQLMemberSource
    let retired = Retirement()

    var maxConcurrentQueries: Int { base.maxConcurrentQueries }

    func members(of filter: FilterDefinition, parameters: [String: ParameterValue]) async throws -> Bitmap {
        try retired.check()
        return try await base.members(of: filter, parameters: parameters)
    }

    func check(_ filter: FilterDefinition) async throws {
        try retired.check()
        try await base.check(filter)
    }
}

/// Whether a `RetiringMemberSource` was retired (shared by its copies).
final class Retirement: Sendable {
    private let flag = Atomic(false)

    func retire() { flag.store(true, ordering: .sequentiallyConsistent) }

    func check() throws {
        if flag.load(ordering: .sequentiallyConsistent) { throw MemberSourceError.replaced }
    }
}
