import Audiences
import Foundation
import Testing

@Suite("Filter definitions")
struct FilterDefinitionTests {
    static let tricky = """
        SELECT m.id FROM members m -- :commented
        WHERE m.city = :city AND m.joined_at::date >= :since /* :block /* :nested */ */
          AND m.note <> ':literal' AND m.nick <> 'it''s :quoted' AND m.raw <> E'\\' :escaped'
          AND "odd:column" = 1 AND m.tag <> $tag$ :dollar $tag$ AND m.tier = :city AND m.codes[1:2] = m.codes[lo:hi]
        """

    @Test func placeholdersIgnoreCastsLiteralsAndComments() {
        let filter = FilterDefinition(id: "f", name: "F", sql: Self.tricky,
                                      parameters: [.init(name: "city", type: .string), .init(name: "since", type: .date)])
        #expect(filter.placeholderNames == ["city", "since"])
        let (sql, order) = filter.positionalSQL()
        #expect(order == ["city", "since"])
        #expect(sql.contains("m.city = $1 AND m.joined_at::date >= $2"))
        #expect(sql.contains("m.tier = $1"))
        #expect(sql.contains("-- :commented") && sql.contains("':literal'") && sql.contains("$tag$ :dollar $tag$"))
        #expect(filter.validate().isEmpty)
        #expect(filter.positionalSQL(startingAt: 7).sql.contains("m.city = $7 AND m.joined_at::date >= $8"))
    }

    @Test func theIssueExampleValidates() {
        #expect(Fixtures.genre.validate().isEmpty)
        #expect(Fixtures.genre.positionalSQL() == (
            sql: "SELECT DISTINCT member_id FROM tickets t JOIN films f ON f.id = t.film_id WHERE f.genre = $1 AND t.bought_at >= $2",
            parameterOrder: ["genre", "since"]))
        let request = FilterRequest(filter: Fixtures.genre, parameters: ["since": .date("2024-01-01"), "genre": .string("horror")])
        #expect(request.binds == [.string("horror"), .date("2024-01-01")])
    }

    @Test func declaredAndUsedParametersMustMatch() {
        let filter = FilterDefinition(id: "f", name: "F", sql: "SELECT id FROM members WHERE city = :city AND age > :age",
                                      parameters: [.init(name: "city", type: .string), .init(name: "tier", type: .integer),
                                                   .init(name: "city", type: .string)])
        let issues = filter.validate(basePath: "/filter")
        #expect(issues.map(\.code) == ["duplicate_parameter", "unused_parameter", "undeclared_parameter"])
        #expect(issues.map(\.path) == ["/filter/parameters/2/name", "/filter/parameters/1", "/filter/sql"])
        #expect(issues[2].message.contains(":age"))
    }

    @Test(arguments: [
        ("SELECT id FROM members; DELETE FROM members", "a filter is one query: remove ';'"),
        ("SELECT id FROM members WHERE city = $1", "use named parameters (:name), not positional ones ($1)"),
        ("DELETE FROM members", "a filter is a query starting with SELECT, WITH or VALUES"),
        ("SELECT id FROM members WHERE name = 'open", "unterminated string literal"),
        ("SELECT id /* open", "unterminated comment"),
        ("   ", "the SQL is empty"),
    ])
    func badSQLIsReported(sql: String, message: String) {
        let issues = FilterDefinition(id: "f", name: "F", sql: sql).validate()
        #expect(issues.contains(AudienceIssue(code: "invalid_sql", message: message, path: "/sql")), "\(issues)")
    }

    @Test func queriesMayStartWithCommentsParenthesesOrWith() {
        for sql in ["-- members\nSELECT id FROM members", "(SELECT id FROM a) UNION (SELECT id FROM b)",
                    "WITH x AS (SELECT 1 AS id) SELECT id FROM x", "/* c */ VALUES (1), (2)"] {
            #expect(FilterDefinition(id: "f", name: "F", sql: sql).validate().isEmpty, "\(sql)")
        }
    }

    @Test func idsNamesTTLsAndTheUniverseAreChecked() {
        var filter = FilterDefinition(id: "Bad Id", name: " ", sql: "SELECT id FROM members WHERE x = :x",
                                      parameters: [.init(name: "x", type: .integer)], cacheTTLSeconds: 1, universe: true)
        #expect(filter.validate().map(\.code) == ["invalid_id", "invalid_name", "invalid_ttl", "universe_parameters"])
        filter = FilterDefinition(id: "ok", name: "OK", sql: "SELECT 1", parameters: [.init(name: "1x", type: .string)])
        #expect(filter.validate().map(\.path) == ["/parameters/0/name"])
        let limits = FilterLimits(cacheTTLSeconds: 1...5)
        #expect(FilterDefinition(id: "ok", name: "OK", sql: "SELECT 1", cacheTTLSeconds: 3).validate(limits: limits).isEmpty)
    }

    @Test func oneUniversePerCatalog() {
        let catalog = Fixtures.catalog
        let second = FilterDefinition(id: "everyone", name: "Everyone", sql: "SELECT id FROM people", universe: true)
        #expect(catalog.issues(saving: second).map(\.code) == ["duplicate_universe"])
        #expect(catalog.issues(saving: Fixtures.members).isEmpty)  // replacing the universe itself
        #expect(catalog.universe?.id == "members")
        #expect(Fixtures.catalogWithoutUniverse.universe == nil)
    }

    @Test func decodesWithDefaultsAndReportsUnknownTypes() throws {
        let json = #"{"id": "f", "name": "F", "sql": "SELECT id FROM m WHERE t = ANY(:tags)", "parameters": [{"name": "tags", "type": "string[]"}]}"#
        let filter = try JSONDecoder().decode(FilterDefinition.self, from: Data(json.utf8))
        #expect(filter.cacheTTLSeconds == 300 && !filter.universe && filter.description.isEmpty)
        #expect(filter.parameters == [FilterParameter(name: "tags", type: .stringArray)])
        let again = try JSONDecoder().decode(FilterDefinition.self, from: JSONEncoder().encode(filter))
        #expect(again == filter)

        let bad = #"{"id": "f", "name": "F", "sql": "SELECT 1", "parameters": [{"name": "x", "type": "uuid"}]}"#
        do {
            _ = try JSONDecoder().decode(FilterDefinition.self, from: Data(bad.utf8))
            Issue.record("expected a decoding error")
        } catch let error as DecodingError {
            let issue = AudienceIssue(error, basePath: "/filter")
            #expect(issue.path == "/filter/parameters/0/type")
            #expect(issue.message.hasPrefix("unknown parameter type 'uuid'"))
        }
        #expect(ParameterType(name: "bool") == .boolean)
    }

    @Test func fingerprintsAreStableAndFollowTheSQL() {
        #expect(Fixtures.genre.fingerprint.count == 16)
        var renamed = Fixtures.genre
        renamed.name = "Another name"
        renamed.cacheTTLSeconds = 30
        #expect(renamed.fingerprint == Fixtures.genre.fingerprint)
        var retyped = Fixtures.genre
        retyped.parameters[1].type = .string
        #expect(retyped.fingerprint != Fixtures.genre.fingerprint)
        // FNV-1a is fixed: the value must not change between processes or releases (persisted keys).
        #expect(FilterDefinition(id: "x", name: "x", sql: "SELECT 1").fingerprint == "72d065e7c77e6217")
    }
}
