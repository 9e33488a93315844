import Audiences
import Roaring
import Storage
import TestSupport
import Testing

/// The SQL member sources: typed binding, read-only execution, id range, save-time checks.
@Suite("SQL member sources")
struct MemberSourceTests {
    /// A table of typed columns, unique per test (tests share PostgreSQL).
    static func table(_ store: Store) async throws -> String {
        let name = "people_" + TestDatabases.uniqueName("m").replacingOccurrences(of: "-", with: "_")
        let dateType = store.database.dialect == .postgres ? "date" : "TEXT"
        let decimalType = store.database.dialect == .postgres ? "numeric" : "NUMERIC"
        try await store.database.query("CREATE TABLE \(name) (id BIGINT NOT NULL, city TEXT, age INTEGER, spent \(decimalType), born \(dateType), vip BOOLEAN)")
        try await store.database.query("""
            INSERT INTO \(name) (id, city, age, spent, born, vip) VALUES
            (1, 'Oslo', 20, 10.50, '2000-01-31', TRUE), (2, 'Bergen', 35, 99.99, '1990-06-15', FALSE),
            (3, 'Oslo', 50, 250, '1975-03-01', TRUE), (4294967295, 'Oslo', 60, 0, '1965-12-24', FALSE)
            """)
        return name
    }

    static func filter(_ sql: String, _ parameters: [FilterParameter] = []) -> FilterDefinition {
        FilterDefinition(id: "f", name: "f", sql: sql, parameters: parameters)
    }

    @Test(arguments: Backend.allCases)
    func bindsEveryScalarTypeAndReadsTheWholeIDRange(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let table = try await Self.table(store)
            let source = try MemberSources.overTestDatabase(store)
            let cases: [(FilterDefinition, [String: ParameterValue], [UInt32])] = [
                (Self.filter("SELECT id FROM \(table) WHERE city = :city", [FilterParameter(name: "city", type: .string)]),
                 ["city": .string("Oslo")], [1, 3, 4_294_967_295]),
                (Self.filter("SELECT id FROM \(table) WHERE age >= :age", [FilterParameter(name: "age", type: .integer)]),
                 ["age": .integer(35)], [2, 3, 4_294_967_295]),
                (Self.filter("SELECT id FROM \(table) WHERE spent >= :amount", [FilterParameter(name: "amount", type: .decimal)]),
                 ["amount": .decimal("99.99")], [2, 3]),
                (Self.filter("SELECT id FROM \(table) WHERE born < :before", [FilterParameter(name: "before", type: .date)]),
                 ["before": .date("1990-06-15")], [3, 4_294_967_295]),
                (Self.filter("SELECT id FROM \(table) WHERE vip = :vip", [FilterParameter(name: "vip", type: .boolean)]),
                 ["vip": .boolean(true)], [1, 3]),
                (Self.filter("SELECT id FROM \(table) WHERE city = :c AND age < :a OR city = :c AND id = 3",
                             [FilterParameter(name: "c", type: .string), FilterParameter(name: "a", type: .integer)]),
                 ["c": .string("Oslo"), "a": .integer(30)], [1, 3]),
                (Self.filter("SELECT CASE WHEN id > 10 THEN NULL ELSE id END FROM \(table)"), [:], [1, 2, 3]),
                // Ids arrive in the query's order (the fetch does not sort): descending, with duplicates.
                (Self.filter("SELECT id FROM (SELECT id FROM \(table) UNION ALL SELECT id FROM \(table)) x ORDER BY id DESC"), [:],
                 [1, 2, 3, 4_294_967_295]),
            ]
            for (filter, parameters, expected) in cases {
                try await source.check(filter)
                let members = try await source.members(of: filter, parameters: parameters)
                #expect(Array(members) == expected, "\(filter.sql)")
            }
            try await store.database.query("DROP TABLE \(table)")
        }
    }

    /// The PostgreSQL save check prepares without running: it ran the query with sample values
    /// ("" and 0) and refused valid filters that divide by a parameter or cast one (found by
    /// review). And it refuses ids of a non-integer type, which the fetch rounded to members.
    @Test func thePostgresCheckPreparesWithoutSampleValuesAndWantsIntegerIDs() async throws {
        try await TestDatabases.withStore(.postgres) { store in
            let table = try await Self.table(store)
            let source = try MemberSources.overTestDatabase(store)
            let valid = [
                Self.filter("SELECT id FROM \(table) WHERE spent > 100 / :n", [FilterParameter(name: "n", type: .integer)]),
                Self.filter("SELECT id FROM \(table) WHERE age > :years::int", [FilterParameter(name: "years", type: .string)]),
                Self.filter("SELECT age FROM \(table) WHERE city = ANY(:cities)", [FilterParameter(name: "cities", type: .stringArray)]),
            ]
            for filter in valid { try await source.check(filter) }
            for sql in ["SELECT spent FROM \(table)", "SELECT id / 2.0 FROM \(table)", "SELECT age::real FROM \(table)"] {
                await #expect(throws: MemberSourceError.invalidQuery(
                    "the query's column must be of an integer type (smallint, integer or bigint): member ids are unsigned 32-bit integers"), "\(sql)") {
                    try await source.check(Self.filter(sql))
                }
            }
            try await store.database.query("DROP TABLE \(table)")
        }
    }

    @Test(arguments: Backend.allCases)
    func badQueriesAreInvalidQueriesNotCrashes(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let table = try await Self.table(store)
            let source = try MemberSources.overTestDatabase(store)
            for sql in ["SELECT id FROM no_such_table_x", "SELECT id, city FROM \(table)", "SELEC id FROM \(table)"] {
                await #expect(throws: MemberSourceError.self, "\(sql)") { try await source.check(Self.filter(sql)) }
            }
            for sql in ["SELECT -1", "SELECT 4294967296", "SELECT 'x'"] {
                await #expect(throws: MemberSourceError.self, "\(sql)") { _ = try await source.members(of: Self.filter(sql), parameters: [:]) }
            }
            // SQLite's other parameter forms were bound to nothing (NULL), silently emptying the
            // filter (found by review); PostgreSQL reads `?` and `@` as operators and keeps them.
            if backend == .sqlite {
                for marker in ["?", "?1", "@city", "$city", ":1", "@1", "#city", "$t$x$t$"] {
                    await #expect(throws: MemberSourceError.self, "\(marker)") {
                        try await source.check(Self.filter("SELECT id FROM \(table) WHERE city = \(marker)"))
                    }
                }
                try await source.check(Self.filter("SELECT id FROM \(table) WHERE city <> '?' AND city <> '@x' -- ?"))
                try await source.check(Self.filter("SELECT id AS `who@home` FROM \(table) WHERE [city] <> :c", [FilterParameter(name: "c", type: .string)]))
            } else {
                try await source.check(Self.filter(#"SELECT id FROM \#(table) WHERE '{"a": 1}'::jsonb ? 'a' AND @ age > 1"#))
            }
            // Writes are refused (read-only transaction / query_only connection); the data stays.
            let write = backend == .postgres
                ? "WITH d AS (DELETE FROM \(table) RETURNING id) SELECT id FROM d"
                : "SELECT id FROM \(table) WHERE (SELECT 1 FROM pragma_query_only) = 0"
            if backend == .postgres {
                await #expect(throws: MemberSourceError.self) { _ = try await source.members(of: Self.filter(write), parameters: [:]) }
            } else {
                #expect(try await source.members(of: Self.filter(write), parameters: [:]).isEmpty, "query_only is on")
            }
            #expect(try await store.database.query("SELECT COUNT(*) AS n FROM \(table)").first?.int("n") == 4)
            try await store.database.query("DROP TABLE \(table)")
        }
    }
}
