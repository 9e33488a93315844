import Rules
import Testing
@testable import Pricing

/// Trigger conjuncts compiled over the typed cart (``CartPredicate``) must decide exactly as the
/// rules engine does on the cart's rule document.
@Suite struct CartPredicateTests {
    static let paths = ["currency", "channel", "store", "customer.id", "customer.tier", "customer.loyaltyCard",
                        "total", "subtotal", "quantity", "lineCount"]
    static let literals: [JSONValue] = [
        "EUR", "JPY", "web", "app", "pos", "berlin-01", "store-1", "gold", "silver", "", "7", "42",
        .int(0), .int(1), .int(3), .int(7), .int(42), .int(100), .number(JSONNumber(units: 9_999, scale: 2)),
        .number(JSONNumber(units: 15, scale: 1)), .bool(true), .bool(false), .null,
    ]

    static func randomCondition(_ rng: inout SplitMix64, depth: Int = 0) -> JSONValue {
        func pick<T>(_ values: [T]) -> T { values[Int(rng.next() % UInt64(values.count))] }
        if depth < 2 && rng.next() % 5 == 0 {
            let children = (0..<Int(rng.next() % 3 + 1)).map { _ in randomCondition(&rng, depth: depth + 1) }
            return [pick(["$and", "$or"]): .array(children)]
        }
        let path = pick(paths)
        let literal = pick(literals)
        let test: JSONValue = switch rng.next() % 8 {
        case 0: literal
        case 1: ["$eq": literal]
        case 2: ["$in": .array((0..<Int(rng.next() % 3 + 1)).map { _ in pick(literals) })]
        case 3: ["$gt": literal]
        case 4: ["$gte": literal]
        case 5: ["$lt": literal]
        case 6: ["$lte": literal]
        default: ["$ne": literal]  // outside the native subset: must not compile
        }
        return .object([path: test])
    }

    @Test func nativeCartConditionsAgreeWithTheRulesEngine() {
        var rng = SplitMix64(seed: 2_026)
        let instant = Fixture.now
        var compiled = 0, total = 0
        for _ in 0..<60 {
            let (_, _, carts) = IndexDifferentialTests.scenario(&rng, promotionCount: 1)
            for cart in carts {
                let order = cart.lines.indices.sorted { cart.lines[$0].id < cart.lines[$1].id }
                let document = cart.ruleDocument(at: instant, lineDocuments: order.map { cart.lines[$0].ruleDocument(currency: cart.currency) })
                let facts = PricingSession(cart: cart, snapshot: PromotionSnapshot(promotions: []), instant: instant, options: .default).cartFacts
                for _ in 0..<20 {
                    let json = Self.randomCondition(&rng)
                    guard let condition = try? Condition(parsing: json, basePath: "/trigger").normalized() else { continue }
                    total += 1
                    guard let native = CartPredicate.compile(condition.root) else { continue }
                    compiled += 1
                    #expect(native.matches(cart, facts) == condition.compile().matches(document), "\(json.jsonText) on \(document.jsonText)")
                }
            }
        }
        #expect(compiled > total / 3)  // the test exercises the native path, not only the fallback
    }

    @Test func outsideTheSubsetFallsBack() {
        for json: JSONValue in [["customer.tier": ["$ne": "gold"]], ["customer.tier": .null], ["customer.audiences": "vip"],
                                ["at": ["$gte": "2026-01-01T00:00:00Z"]],
                                ["lines.sku": "A"], ["customer.attributes.city": "Berlin"],
                                ["store": ["$eq": ["type": "DATETIME", "value": "2026-01-01T00:00:00Z"]]]] {
            let condition = try! Condition(parsing: json, basePath: "/trigger").normalized()
            #expect(CartPredicate.compile(condition.root) == nil, "\(json.jsonText)")
        }
    }
}
