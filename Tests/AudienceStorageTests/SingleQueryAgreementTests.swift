import Audiences
import Roaring
import Storage
import TestSupport
import Testing

/// Acceptance: random audience trees over random small member sets, evaluated by Marquee
/// (filter per query, bitmap algebra) and by the single-SQL formulation on the same database:
/// identical member sets, on both backends.
@Suite("Marquee vs the single SQL query")
struct SingleQueryAgreementTests {
    @Test(arguments: Backend.allCases)
    func randomAudiencesAgree(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let suffix = TestDatabases.uniqueName("w").replacingOccurrences(of: "-", with: "_")
            let facts = "facts_\(suffix)", universe = "universe_\(suffix)"
            try await store.database.query("CREATE TABLE \(facts) (f INTEGER NOT NULL, v TEXT NOT NULL, member_id INTEGER NOT NULL)")
            try await store.database.query("CREATE TABLE \(universe) (id INTEGER NOT NULL)")
            var generator = SeededGenerator(state: 20_251_121)
            let values = ["a", "b", "c"]
            let filterCount = 5
            // Ids 0…150; each (filter, value) a random set; the universe misses some ids filters return.
            var rows: [String] = []
            for f in 0..<filterCount {
                for v in values {
                    let density = Double.random(in: 0...0.7, using: &generator)
                    for id in 0...150 where Double.random(in: 0..<1, using: &generator) < density { rows.append("(\(f), '\(v)', \(id))") }
                }
            }
            for chunk in stride(from: 0, to: rows.count, by: 500) {
                try await store.database.query("INSERT INTO \(facts) (f, v, member_id) VALUES " + rows[chunk..<min(rows.count, chunk + 500)].joined(separator: ","))
            }
            let universeIDs = (0...150).filter { _ in Int.random(in: 0..<10, using: &generator) < 8 }
            try await store.database.query("INSERT INTO \(universe) (id) VALUES " + universeIDs.map { "(\($0))" }.joined(separator: ","))

            var filters = [FilterDefinition(id: "all", name: "All", sql: "SELECT id FROM \(universe)", universe: true)]
            for f in 0..<filterCount {
                filters.append(FilterDefinition(id: "f\(f)", name: "f\(f)", sql: "SELECT member_id FROM \(facts) WHERE f = \(f) AND v = :v",
                                                parameters: [FilterParameter(name: "v", type: .string)]))
            }
            let catalog = FilterCatalog(filters)
            let source = try MemberSources.overTestDatabase(store)
            let engine = AudienceEngine(cache: FilterCache())

            func tree(depth: Int) -> AudienceDefinition {
                if depth == 3 || (depth > 0 && Int.random(in: 0..<3, using: &generator) == 0) {
                    return .filter("f\(Int.random(in: 0..<filterCount, using: &generator))",
                                   params: ["v": .string(values.randomElement(using: &generator)!)],
                                   exclude: Int.random(in: 0..<3, using: &generator) == 0)
                }
                let children = (0..<Int.random(in: 1...4, using: &generator)).map { _ in tree(depth: depth + 1) }
                return Bool.random(using: &generator) ? .all(children) : .any(children)
            }

            for index in 0..<40 {
                let definition = tree(depth: 0)
                let result = try await engine.evaluate(tenant: suffix, definition: definition, catalog: catalog, source: source)
                let (sql, binds) = try SingleQueryFormulation.sql(for: definition, catalog: catalog)
                let expected = try await store.database.query(sql, binds.map(MemberSources.sqlValue)).map { UInt32(try $0.int("member_id")) }
                #expect(Array(result.members) == expected, "audience \(index): \(definition)")
            }
            try await store.database.query("DROP TABLE \(facts)")
            try await store.database.query("DROP TABLE \(universe)")
        }
    }
}
