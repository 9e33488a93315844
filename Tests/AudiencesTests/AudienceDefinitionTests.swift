import Audiences
import Foundation
import Testing

@Suite("Audience definitions")
struct AudienceDefinitionTests {
    static let json = """
        {"all": [
          {"filter": "watched_genre", "params": {"genre": "horror", "since": "2024-01-01"}},
          {"any": [{"filter": "lives_in", "params": {"city": "Oslo"}},
                   {"filter": "opted_out", "exclude": true}]}
        ]}
        """

    func decode(_ json: String) throws -> AudienceDefinition {
        try JSONDecoder().decode(AudienceDefinition.self, from: Data(json.utf8))
    }

    func decodingIssue(_ json: String) -> AudienceIssue? {
        do {
            _ = try decode(json)
            return nil
        } catch let error as DecodingError {
            return AudienceIssue(error, basePath: "/definition")
        } catch {
            return nil
        }
    }

    @Test func decodesAndEncodesTheTree() throws {
        let definition = try decode(Self.json)
        #expect(definition == .all([
            .filter("watched_genre", params: ["genre": "horror", "since": "2024-01-01"]),
            .any([.filter("lives_in", params: ["city": "Oslo"]), .filter("opted_out", exclude: true)]),
        ]))
        #expect(try JSONDecoder().decode(AudienceDefinition.self, from: JSONEncoder().encode(definition)) == definition)
    }

    @Test func shapeErrorsPointAtTheNode() {
        #expect(decodingIssue(#"{"all": [{"filter": "a"}, {"any": [], "filter": "b"}]}"#)
            == AudienceIssue(code: "invalid_value", message: "an audience node has exactly one of \"all\", \"any\" and \"filter\"",
                             path: "/definition/all/1"))
        #expect(decodingIssue(#"{"any": [{"filter": "a", "exlude": true}]}"#)?.path == "/definition/any/0/exlude")
        #expect(decodingIssue(#"{"all": [{"x": 1}]}"#)?.path == "/definition/all/0")
        #expect(decodingIssue(#"{"all": {"filter": "a"}}"#)?.path == "/definition/all")
        #expect(decodingIssue(#"{"filter": "a", "exclude": "yes"}"#)?.path == "/definition/exclude")
    }

    @Test func resolutionReportsEveryProblemWithItsPointer() {
        let definition = AudienceDefinition.all([
            .filter("nope"),
            .filter("watched_genre", params: ["genre": 7, "since": "2024-01-01", "extra": true]),
            .any([]),
            .filter("lives_in"),
            .filter("spent_at_least", params: ["amount": .number(10.5)]),
        ])
        let issues = Fixtures.catalog.validate(definition, basePath: "/definition")
        #expect(issues.map(\.code) == ["unknown_filter", "unknown_parameter", "invalid_parameter", "empty_group",
                                       "missing_parameter", "invalid_parameter"])
        #expect(issues.map(\.path) == ["/definition/all/0/filter", "/definition/all/1/params/extra",
                                       "/definition/all/1/params/genre", "/definition/all/2/any",
                                       "/definition/all/3/params", "/definition/all/4/params/amount"])
    }

    @Test func nestingIsLimited() {
        let leaf = AudienceDefinition.filter("opted_out")
        let three = AudienceDefinition.all([.any([.all([leaf])])])
        #expect(Fixtures.catalog.validate(three).isEmpty)
        let four = AudienceDefinition.all([leaf, .any([.all([.any([leaf])])])])
        #expect(Fixtures.catalog.validate(four) == [AudienceIssue(code: "too_deep", message: "groups nest at most 3 levels deep",
                                                                  path: "/all/1/any/0/all/0")])
        #expect(Fixtures.catalog.validate(four, limits: AudienceLimits(maxDepth: 4)).isEmpty)
        let many = AudienceDefinition.any(Array(repeating: leaf, count: 5))
        #expect(Fixtures.catalog.validate(many, limits: AudienceLimits(maxFilters: 4)).map(\.code) == ["too_many_filters"])
    }

    @Test func theUniverseIsNeededOnlyForComplementedAudiences() throws {
        let excluded = AudienceDefinition.filter("opted_out", exclude: true)
        let oslo = AudienceDefinition.filter("lives_in", params: ["city": "Oslo"])
        let cases: [(AudienceDefinition, Bool)] = [
            (excluded, true),
            (.all([oslo, excluded]), false),
            (.any([oslo, excluded]), true),
            (.all([excluded, excluded]), true),
            (.all([.any([oslo, excluded]), oslo]), false),
            (.any([.all([oslo, excluded])]), false),
        ]
        for (definition, needsUniverse) in cases {
            #expect(try Fixtures.catalog.resolve(definition).needsUniverse == needsUniverse, "\(definition)")
            #expect(Fixtures.catalogWithoutUniverse.validate(definition).map(\.code) == (needsUniverse ? ["universe_required"] : []))
        }
    }

    @Test func canonicalFormsIgnoreOrderAndSpelling() throws {
        let a = AudienceDefinition.any([
            .filter("spent_at_least", params: ["amount": "49.90"]),
            .filter("lives_in", params: ["city": "Oslo"], exclude: true),
        ])
        let b = AudienceDefinition.any([
            .filter("lives_in", params: ["city": "Oslo"], exclude: true),
            .filter("spent_at_least", params: ["amount": "049.9"]),
        ])
        let ra = try Fixtures.catalog.resolve(a), rb = try Fixtures.catalog.resolve(b)
        #expect(ra.canonicalForm == rb.canonicalForm)
        #expect(ra.canonicalForm
            == #"{"any":[{"exclude":true,"filter":"lives_in","params":{"city":"Oslo"}},{"filter":"spent_at_least","params":{"amount":"49.9"}}]}"#)
        let c = AudienceDefinition.all([.filter("spent_at_least", params: ["amount": "49.9"]), .filter("lives_in", params: ["city": "Oslo"], exclude: true)])
        #expect(try Fixtures.catalog.resolve(c).canonicalForm != ra.canonicalForm)
    }
}
