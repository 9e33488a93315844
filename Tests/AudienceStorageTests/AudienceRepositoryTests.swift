import Audiences
import Foundation
import Roaring
import Storage
import TestSupport
import Testing

/// Filters, saved audiences, snapshots, member source settings and cache usage in storage.
@Suite("Audience storage")
struct AudienceRepositoryTests {
    static func tenant(_ store: Store) async throws -> String {
        try await store.accounts.createTenant(name: TestDatabases.uniqueName("aud")).id
    }

    @Test(arguments: Backend.allCases)
    func filtersRoundTrip(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let tenant = try await Self.tenant(store), other = try await Self.tenant(store)
            let filter = FilterDefinition(id: "lives_in", name: "Lives in", description: "city", sql: "SELECT id FROM members WHERE city = :city",
                                          parameters: [FilterParameter(name: "city", type: .string)], cacheTTLSeconds: 60)
            #expect(try await store.filters.save(tenant: tenant, filter: filter))
            #expect(try await store.filters.get(tenant: tenant, id: "lives_in") == filter)
            #expect(try await store.filters.get(tenant: other, id: "lives_in") == nil)
            var edited = filter
            edited.sql = "SELECT id FROM members WHERE town = :city"
            #expect(try await !store.filters.save(tenant: tenant, filter: edited))
            edited.version = 2  // every save increments it
            #expect(try await store.filters.list(tenant: tenant) == [edited])
            // A save naming a stale version is refused and changes nothing.
            await #expect(throws: FilterRepositoryError.versionConflict(expected: 1, actual: 2)) {
                try await store.filters.save(tenant: tenant, filter: filter, expectedVersion: 1)
            }
            #expect(try await store.filters.save(tenant: tenant, filter: edited, expectedVersion: 2).filter.version == 3)
            await #expect(throws: FilterRepositoryError.versionConflict(expected: 0, actual: 3)) {
                try await store.filters.save(tenant: tenant, filter: filter, expectedVersion: 0)
            }
            #expect(try await store.filters.delete(tenant: tenant, id: "lives_in"))
            #expect(try await !store.filters.delete(tenant: tenant, id: "lives_in"))
        }
    }

    @Test(arguments: Backend.allCases)
    func audiencesAndSnapshotsRoundTrip(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let tenant = try await Self.tenant(store)
            let definition = AudienceDefinition.all([.filter("a", params: ["x": "1", "n": 2]), .filter("b", exclude: true)])
            let created = try await store.audiences.create(tenant: tenant, audience: SavedAudience(id: "aud", name: "A", definition: definition))
            #expect(created.version == 1)
            #expect(try await store.audiences.get(tenant: tenant, id: "aud") == created)
            await #expect(throws: AudienceRepositoryError.alreadyExists("aud")) {
                _ = try await store.audiences.create(tenant: tenant, audience: created)
            }
            var changed = created
            changed.name = "B"
            let updated = try await store.audiences.update(tenant: tenant, audience: changed, expectedVersion: 1)
            #expect(updated.version == 2 && updated.name == "B")
            await #expect(throws: AudienceRepositoryError.versionConflict(expected: 1, actual: 2)) {
                _ = try await store.audiences.update(tenant: tenant, audience: changed, expectedVersion: 1)
            }

            let members = Bitmap([1, 5, 70_000, 4_000_000_000])
            let snapshot = AudienceSnapshot(id: "snap-1", audienceID: "aud", definition: definition, members: members,
                                            createdAt: Date(timeIntervalSince1970: 1_700_000_000.123))
            try await store.audiences.saveSnapshot(tenant: tenant, snapshot: snapshot)
            let read = try #require(try await store.audiences.snapshot(tenant: tenant, audienceID: "aud", id: "snap-1"))
            #expect(read.members == members && read.count == 4 && read.definition == definition)
            #expect(read.createdAt == snapshot.createdAt)
            let listed = try await store.audiences.snapshots(tenant: tenant, audienceID: "aud")
            #expect(listed.map(\.id) == ["snap-1"] && listed.first?.count == 4)
            try await store.audiences.delete(tenant: tenant, id: "aud")
            #expect(try await store.audiences.snapshot(tenant: tenant, audienceID: "aud", id: "snap-1") == nil)
            await #expect(throws: AudienceRepositoryError.notFound) { try await store.audiences.delete(tenant: tenant, id: "aud") }
            // A snapshot evaluated before the delete is refused, so a later audience of the same id starts with none.
            await #expect(throws: AudienceRepositoryError.notFound) {
                try await store.audiences.saveSnapshot(tenant: tenant, snapshot: snapshot)
            }
            _ = try await store.audiences.create(tenant: tenant, audience: SavedAudience(id: "aud", name: "new", definition: .filter("c")))
            #expect(try await store.audiences.snapshots(tenant: tenant, audienceID: "aud").isEmpty)
        }
    }

    @Test(arguments: Backend.allCases)
    func memberSourceSettings(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let tenant = try await Self.tenant(store)
            #expect(try await store.memberSourceSettings.get(tenant: tenant) == nil)
            let settings = MemberSourceSettings(kind: .postgres(url: "postgres://u:secret@db:5432/members"),
                                                statementTimeout: .seconds(5), maxQueries: 2)
            try await store.memberSourceSettings.set(tenant: tenant, settings)
            #expect(try await store.memberSourceSettings.get(tenant: tenant) == settings)
            #expect(!settings.redacted.contains("secret"))
            try await store.memberSourceSettings.set(tenant: tenant, nil)
            #expect(try await store.memberSourceSettings.get(tenant: tenant) == nil)
        }
    }

    @Test func onlyOneTenantOwnsTheEmbeddedSource() async throws {
        // SQLite only: a fresh database (on the shared PostgreSQL another test may own it).
        try await TestDatabases.withStore(.sqlite) { store in
            let a = try await Self.tenant(store), b = try await Self.tenant(store)
            try await store.memberSourceSettings.set(tenant: a, MemberSourceSettings(kind: .embedded))
            await #expect(throws: StorageError.self) {
                try await store.memberSourceSettings.set(tenant: b, MemberSourceSettings(kind: .embedded))
            }
            #expect(try await store.memberSourceSettings.embeddedOwner() == a)
            let registry = MemberSourceRegistry(store: store)
            _ = try await registry.source(tenant: a)
            await #expect(throws: MemberSourceError.notConfigured(tenant: b)) { _ = try await registry.source(tenant: b) }
        }
    }

    @Test(arguments: Backend.allCases)
    func usageRoundTripsAndKeepsTheLargerCount(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let tenant = TestDatabases.uniqueName("usage")
            let key = FilterCacheKey(tenant: tenant, filterID: "f", fingerprint: "0123456789abcdef", parameters: #"{"d":"2024-01-01"}"#)
            let record = FilterUsage(key: key, parameters: ["d": .date("2024-01-01"), "n": .decimal("1.5"), "l": .stringArray(["a"])],
                                     useCount: 7, lastUsed: CacheInstant(nanosecondsSinceEpoch: 1_900_000_000_000_000_000),
                                     lastDuration: .milliseconds(250))
            try await store.filterUsage.saveUsage([record])
            var lower = record
            lower.useCount = 3
            lower.lastDuration = nil
            try await store.filterUsage.saveUsage([lower])
            let loaded = try await store.filterUsage.loadUsage().filter { $0.key.tenant == tenant }
            #expect(loaded == [record])
            // A row that no longer decodes (an older format, a hand edit) is skipped, not the whole load.
            try await store.database.query(
                #"UPDATE filter_usage SET typed_parameters = '{"d": {"unknown": 1}}' WHERE tenant_id = $1 AND filter_id = $2"#,
                [.text(tenant), .text("f")])
            var other = record
            other.key.filterID = "g"
            try await store.filterUsage.saveUsage([other])
            #expect(try await store.filterUsage.loadUsage().filter { $0.key.tenant == tenant } == [other])
        }
    }

    /// A parameter set too long for a PostgreSQL index row (a 12 KB `string[]`) is stored by
    /// digest and loads back with its full key; before, its save failed, and with it every later
    /// save of the process's usage.
    @Test(arguments: Backend.allCases)
    func usageWithLongParameters(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let tenant = TestDatabases.uniqueName("usage")
            let cities = (0..<1_000).map { "city-\(($0 * 7_919) % 100_003)" }
            let parameters: [String: ParameterValue] = ["cities": .stringArray(cities)]
            let canonical = FilterRequest.canonicalParameters(parameters)
            #expect(canonical.utf8.count > 10_000)
            let tenDaysAgo = Int64(Date().timeIntervalSince1970 - 10 * 86_400) * 1_000_000_000
            let long = FilterUsage(key: FilterCacheKey(tenant: tenant, filterID: "in_cities", fingerprint: "0123456789abcdef", parameters: canonical),
                                   parameters: parameters, useCount: 3, lastUsed: CacheInstant(nanosecondsSinceEpoch: tenDaysAgo),
                                   lastDuration: .milliseconds(12))
            let short = FilterUsage(key: FilterCacheKey(tenant: tenant, filterID: "in_cities", fingerprint: "0123456789abcdef", parameters: #"{"cities":["a"]}"#),
                                    parameters: ["cities": .stringArray(["a"])], useCount: 1,
                                    lastUsed: CacheInstant(nanosecondsSinceEpoch: tenDaysAgo + 1), lastDuration: nil)
            try await store.filterUsage.saveUsage([long, short])
            var later = long
            later.useCount = 5
            try await store.filterUsage.saveUsage([later])
            let loaded = try await store.filterUsage.loadUsage().filter { $0.key.tenant == tenant }
            try await store.database.query("DELETE FROM filter_usage WHERE tenant_id = $1", [.text(tenant)])
            let roundTripped = loaded.sorted { $0.lastUsed < $1.lastUsed } == [later, short]  // a Bool: the values would print 60 KB
            #expect(roundTripped, "loaded \(loaded.count) records: \(loaded.map(\.useCount))")
        }
    }

    /// More records than one statement takes (`SQLFilterUsageStore.rowsPerStatement`): every one
    /// is stored, in a save that also updates rows already there. The records are used once, ten
    /// days ago, and deleted at the end, so pre-warming tests sharing the database rank them last.
    @Test(arguments: Backend.allCases)
    func usageSavesSpanningSeveralStatements(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let tenant = TestDatabases.uniqueName("usage")
            let tenDaysAgo = Int64(Date().timeIntervalSince1970 - 10 * 86_400) * 1_000_000_000
            let records = (0..<(SQLFilterUsageStore.rowsPerStatement * 2 + 7)).map { index in
                FilterUsage(key: FilterCacheKey(tenant: tenant, filterID: "f\(index % 3)", fingerprint: "0123456789abcdef",
                                                parameters: #"{"n":\#(index)}"#),
                            parameters: ["n": .integer(Int64(index))], useCount: 1,
                            lastUsed: CacheInstant(nanosecondsSinceEpoch: tenDaysAgo + Int64(index)),
                            lastDuration: index.isMultiple(of: 2) ? .milliseconds(index) : nil)
            }
            try await store.filterUsage.saveUsage(Array(records.prefix(10)))
            try await store.filterUsage.saveUsage(records.shuffled())
            let loaded = try await store.filterUsage.loadUsage().filter { $0.key.tenant == tenant }
            try await store.database.query("DELETE FROM filter_usage WHERE tenant_id = $1", [.text(tenant)])
            #expect(loaded.count == records.count)
            #expect(loaded.sorted { $0.lastUsed < $1.lastUsed } == records)
        }
    }
}
