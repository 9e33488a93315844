import Testing
@testable import Rules

/// Member lookup in prepared objects and `$in` over numbers narrow a sorted range before a short
/// linear scan; every member and every literal must be found wherever it sits (the element in
/// the middle of the last narrowing step was once skipped: a trigger on a 10-member cart
/// document missed `at`).
@Suite struct PreparedLookupTests {
    @Test(arguments: [1, 2, 5, 8, 9, 10, 11, 16, 17, 33, 64])
    func everyMemberOfAnObjectIsFound(members: Int) throws {
        // Fresh names per run, interned in a scrambled order so key ids are not name order.
        let prefix = "lookup\(members)x"
        let names = (0..<members).map { "\(prefix)\($0)" }
        for name in names.reversed() { _ = try Condition(parsing: [name: 0], basePath: "").compile() }
        let document = PreparedDocument(.object(Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, JSONValue.int($0)) })))
        for (value, name) in names.enumerated() {
            #expect(try Condition(parsing: [name: .int(value)], basePath: "").compile().matches(document), "\(name)")
            #expect(try !Condition(parsing: [name: .int(value + 1)], basePath: "").compile().matches(document), "\(name)")
        }
    }

    @Test(arguments: [1, 4, 5, 6, 9, 10, 17, 40])
    func everyNumberOfAnInListIsFound(count: Int) throws {
        let condition = try Condition(parsing: ["x": ["$in": .array((0..<count).map { .int($0 * 3) })]], basePath: "").compile()
        for value in -1...(count * 3) {
            let document = PreparedDocument(["x": .int(value)])
            #expect(condition.matches(document) == (value >= 0 && value % 3 == 0 && value < count * 3), "\(value)")
        }
    }
}
