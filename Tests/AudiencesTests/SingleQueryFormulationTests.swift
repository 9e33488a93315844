import Audiences
import Testing

@Suite("Single-query formulation")
struct SingleQueryFormulationTests {
    @Test func allWithAnExclusionNeedsNoUniverse() throws {
        let (sql, binds) = try SingleQueryFormulation.sql(
            for: .all([.filter("watched_genre", params: ["genre": "horror", "since": "2024-01-01"]),
                       .filter("lives_in", params: ["city": "Oslo"]),
                       .filter("opted_out", exclude: true)]),
            catalog: Fixtures.catalog)
        #expect(sql == """
            WITH tagged(member_id, leaf) AS (
              SELECT f.*, 1 FROM (
            SELECT DISTINCT member_id FROM tickets t JOIN films f ON f.id = t.film_id WHERE f.genre = $1 AND t.bought_at >= $2
              ) AS f
              UNION ALL
              SELECT f.*, 2 FROM (
            SELECT id FROM members WHERE city = $3
              ) AS f
              UNION ALL
              SELECT f.*, 3 FROM (
            SELECT member_id FROM optouts
              ) AS f
            )
            SELECT member_id FROM tagged
            GROUP BY member_id
            HAVING (MAX(CASE WHEN leaf = 1 THEN 1 ELSE 0 END) = 1 AND MAX(CASE WHEN leaf = 2 THEN 1 ELSE 0 END) = 1 AND MAX(CASE WHEN leaf = 3 THEN 1 ELSE 0 END) = 0)
            ORDER BY member_id
            """)
        #expect(binds == [.string("horror"), .date("2024-01-01"), .string("Oslo")])
    }

    @Test func complementedAudiencesAddTheUniverseBranch() throws {
        let (sql, binds) = try SingleQueryFormulation.sql(
            for: .any([.filter("lives_in", params: ["city": "Oslo"]), .filter("opted_out", exclude: true)]),
            catalog: Fixtures.catalog)
        #expect(sql.contains("SELECT f.*, 0 FROM (\nSELECT id FROM members\n  ) AS f"))
        #expect(sql.contains("HAVING (MAX(CASE WHEN leaf = 1 THEN 1 ELSE 0 END) = 1 OR MAX(CASE WHEN leaf = 2 THEN 1 ELSE 0 END) = 0)"))
        #expect(binds == [.string("Oslo")])
    }

    @Test func repeatedLeavesShareABranchAndBindsFollowPlaceholders() throws {
        let oslo = AudienceDefinition.filter("lives_in", params: ["city": "Oslo"])
        let bergen = AudienceDefinition.filter("lives_in", params: ["city": "Bergen"])
        let (sql, binds) = try SingleQueryFormulation.sql(for: .any([.all([oslo, bergen]), oslo]), catalog: Fixtures.catalog)
        #expect(sql.components(separatedBy: "UNION ALL").count == 2)
        #expect(sql.contains("HAVING ((MAX(CASE WHEN leaf = 1 THEN 1 ELSE 0 END) = 1 AND MAX(CASE WHEN leaf = 2 THEN 1 ELSE 0 END) = 1) OR MAX(CASE WHEN leaf = 1 THEN 1 ELSE 0 END) = 1)"))
        #expect(binds == [.string("Oslo"), .string("Bergen")])
    }

    @Test func invalidAudiencesThrowTheirIssues() {
        #expect(throws: AudienceValidationError(issues: [AudienceIssue(code: "unknown_filter", message: "no filter 'x'", path: "/filter")])) {
            try SingleQueryFormulation.sql(for: .filter("x"), catalog: Fixtures.catalog)
        }
    }
}
