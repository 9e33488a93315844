import Foundation
import Rules
import Testing
@testable import Pricing

/// The promotion index must never change a result: random promotion sets (up to 10 000) and
/// random carts, priced with the index and with `usesIndex: false` (every promotion evaluated),
/// encode to byte-identical JSON. The generator leans on what the index reads: line and cart
/// keys under `$eq`/`$in`/`$ne`/`$nin`/`$not`/`$nor`/`$or`/`$elemMatch`, null and wrongly typed
/// literals, canonically equivalent but byte-different strings, channels/stores, coupons,
/// validity windows and currencies.
@Suite struct IndexDifferentialTests {
    // "K" (U+004B) and the Kelvin sign (U+212A) are canonically equivalent (Swift `==`), but
    // byte-different (conditions compare bytes); likewise precomposed/decomposed "é".
    static let skus = ["S1", "S2", "S3", "S4", "S5", "S6", "K", "\u{212A}", "caf\u{E9}", "cafe\u{301}"]
    static let categories = ["shoes", "socks", "hats", "bags", "K", "\u{212A}"]
    static let brands = ["acme", "globex", "initech"]
    static let channels = ["web", "app", "pos", "K", "\u{212A}"]
    static let stores = ["s1", "s2", "s3", "caf\u{E9}", "cafe\u{301}"]
    static let tiers = ["gold", "silver", "bronze"]

    static func leaf(_ rng: inout SplitMix64, line: Bool) -> JSONValue {
        func pick<T>(_ values: [T]) -> T { values[Int(rng.next() % UInt64(values.count))] }
        let (path, pool): (String, [String]) = line
            ? pick([("sku", skus), ("category", categories), ("brand", brands), ("id", ["L1", "L2", "L3"])])
            : pick([("lines.sku", skus), ("lines.category", categories), ("lines.brand", brands), ("channel", channels),
                    ("store", stores), ("customer.tier", tiers), ("customer.id", ["c1", "c2"]), ("coupons", ["CODE1", "CODE2", "X"]),
                    ("currency", ["EUR", "JPY"]), ("lines.0.sku", skus)])
        let value = JSONValue.string(pick(pool))
        switch rng.next() % 12 {
        case 0: return [path: ["$in": [value, .string(pick(pool))]]]
        case 1: return [path: ["$ne": value]]
        case 2: return [path: ["$nin": [value, .string(pick(pool))]]]
        case 3: return [path: ["$not": ["$eq": value]]]
        case 4: return [path: .null]
        case 5: return [path: ["$in": [value, 3]]]
        case 6: return [path: ["$exists": .bool(rng.next() % 2 == 0)]]
        case 7: return line ? ["quantity": ["$gte": 2]] : ["customer.loyaltyCard": .bool(rng.next() % 2 == 0)]
        case 8: return line ? ["unitPrice": ["$lt": 50]] : ["total": ["$gte": .int(Int(rng.next() % 300))]]
        case 9: return line ? [path: ["$gt": value]] : ["lines": ["$elemMatch": ["sku": .string(pick(skus)), "quantity": ["$gte": 2]]]]
        default: return [path: value]
        }
    }

    static func condition(_ rng: inout SplitMix64, line: Bool, depth: Int = 0) -> JSONValue {
        switch depth < 2 ? rng.next() % 8 : 7 {
        case 0: return ["$or": .array((0..<Int(rng.next() % 3 + 1)).map { _ in condition(&rng, line: line, depth: depth + 1) })]
        case 1: return ["$and": .array((0..<Int(rng.next() % 3 + 1)).map { _ in condition(&rng, line: line, depth: depth + 1) })]
        case 2: return ["$nor": [condition(&rng, line: line, depth: depth + 1)]]
        case 3: return rng.next() % 4 == 0 ? ["$and": [["quantity": ["$lt": 0]], ["quantity": ["$gt": 0]]]] : leaf(&rng, line: line)
        default: return leaf(&rng, line: line)
        }
    }

    static func scenario(_ rng: inout SplitMix64, promotionCount: Int) -> (promotions: [Promotion], coupons: [Coupon], carts: [Cart]) {
        func pick<T>(_ values: [T]) -> T { values[Int(rng.next() % UInt64(values.count))] }
        func chance(_ percent: UInt64) -> Bool { rng.next() % 100 < percent }
        var promotions: [Promotion] = []
        var coupons: [Coupon] = []
        for index in 0..<promotionCount {
            let id = "p\(index)"
            let currency: Currency = chance(80) ? .eur : .jpy
            let scale: Int64 = currency == .jpy ? 1 : 100
            let action: PromotionAction = switch rng.next() % 6 {
            case 0, 1: .percentOff(percent: Percent(parsing: "\(rng.next() % 60 + 1)")!)
            case 2: .amountOff(amount: Money(minorUnits: Int64(rng.next() % 20 + 1) * scale, currency: currency), per: pick(AmountScope.allCases))
            case 3: .buyXGetY(buy: Int(rng.next() % 2) + 1, get: 1, percent: .hundred, cheapest: true)
            case 4: .tieredSpend(tiers: [SpendTier(threshold: Money(minorUnits: 50 * scale, currency: currency), reward: .percent(Percent(parsing: "5")!))])
            default: .loyaltyPoints(.perUnitOfCurrency(.one))
            }
            let coupon = chance(10)
            if coupon || chance(3) {
                coupons.append(Coupon(code: "CODE\(index % 50)", promotionID: id, startsAt: chance(10) ? RuleDateTime(rfc3339: "2030-01-01T00:00:00Z") : nil,
                                      customerID: chance(10) ? "c1" : nil, kind: chance(20) ? .limited : .unlimited, isAvailable: chance(80)))
            }
            let window = rng.next() % 20
            promotions.append(try! Promotion(
                id: id, name: "P\(index)", enabled: chance(95),
                startsAt: window == 0 ? RuleDateTime(rfc3339: "2030-01-01T00:00:00Z") : nil,
                endsAt: window == 1 ? RuleDateTime(rfc3339: "2026-01-01T00:00:00Z") : nil,
                channels: chance(15) ? [pick(channels), pick(channels)] : [], stores: chance(10) ? [pick(stores)] : [],
                currency: action.hasAbsoluteAmounts || chance(30) ? currency : nil,
                trigger: chance(40) ? try! Condition(parsing: condition(&rng, line: false), basePath: "/trigger") : nil,
                coupon: coupon,
                target: chance(75) ? try! Condition(parsing: condition(&rng, line: true), basePath: "/target") : nil,
                action: action, priority: Int(rng.next() % 4), exclusive: chance(5),
                combinesWith: chance(30) ? ["*"] : (chance(30) ? [pick(["g1", "g2"]), "p\(rng.next() % UInt64(promotionCount))"] : []),
                group: chance(30) ? pick(["g1", "g2"]) : nil))
        }
        var carts: [Cart] = []
        for _ in 0..<8 {
            let currency: Currency = chance(85) ? .eur : .jpy
            let lines = (0..<Int(rng.next() % 30)).map { index in
                Cart.Line(id: chance(10) ? "L\(index + 1)" : "line\(index)", sku: pick(skus), quantity: Int(rng.next() % 4) + 1,
                          unitPrice: Money(minorUnits: Int64(rng.next() % 10_000), currency: currency),
                          category: chance(85) ? pick(categories) : nil, brand: chance(85) ? pick(brands) : nil)
            }
            let customer = chance(80) ? Cart.Customer(id: chance(70) ? pick(["c1", "c2", "c3"]) : nil, tier: chance(70) ? pick(tiers) : nil,
                                                      loyaltyCard: chance(70) ? chance(50) : nil) : nil
            carts.append(try! Cart(currency: currency, channel: chance(90) ? pick(channels) : nil, store: chance(80) ? pick(stores) : nil,
                                   customer: customer, lines: lines,
                                   coupons: (0..<Int(rng.next() % 3)).map { _ in pick(["code1", "CODE2", " code3 ", "CODE\(rng.next() % 50)", "X"]) },
                                   explain: chance(10)))
        }
        return (promotions, coupons, carts)
    }

    static func encode(_ result: PriceResult) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try! encoder.encode(result)
    }

    @Test(arguments: [(1, 300, 1...60), (2, 40, 100...400), (3, 4, 2_000...10_000)])
    func indexOnAndOffAreByteIdentical(seed: UInt64, rounds: Int, sizes: ClosedRange<Int>) {
        var rng = SplitMix64(seed: seed)
        var applied = 0
        for _ in 0..<rounds {
            let size = sizes.lowerBound + Int(rng.next() % UInt64(sizes.count))
            let (promotions, coupons, carts) = Self.scenario(&rng, promotionCount: size)
            let snapshot = PromotionSnapshot(promotions: promotions, coupons: coupons)
            for cart in carts {
                let on = PricingEngine.price(cart: cart, snapshot: snapshot, now: Fixture.now, options: PricingOptions(usesIndex: true))
                let off = PricingEngine.price(cart: cart, snapshot: snapshot, now: Fixture.now, options: PricingOptions(usesIndex: false))
                applied += on.applied.count
                #expect(Self.encode(on) == Self.encode(off))
            }
        }
        #expect(applied > rounds)  // the scenarios do apply promotions
    }

    @Test func indexPrunesAndReportsStatistics() {
        let promotions = [
            Fixture.promotion("sku", .percentOff(percent: Fixture.percent("10")), target: ["sku": "A"]),
            Fixture.promotion("range", .percentOff(percent: Fixture.percent("10")), target: ["unitPrice": ["$gte": 1]]),
            try! Promotion(id: "coupon", name: "C", coupon: true, action: .percentOff(percent: Fixture.percent("5"))),
            try! Promotion(id: "never", name: "N", trigger: Fixture.condition(["lines.sku": ["$in": []]], base: "/trigger"),
                           action: .percentOff(percent: Fixture.percent("5"))),
        ]
        let snapshot = PromotionSnapshot(promotions: promotions, coupons: [Coupon(code: "C1", promotionID: "coupon")])
        let stats = snapshot.indexStatistics
        #expect(stats.promotions == 4)
        #expect(stats.indexed == 1)
        #expect(stats.couponOnly == 1)
        #expect(stats.alwaysEvaluated == 1)
        #expect(stats.neverApplicable == 1)
        #expect(stats.keys >= 1)
        let cart = Fixture.cart([Fixture.line("1", sku: "B", price: "10.00")], explain: false)
        _ = PricingEngine.price(cart: cart, snapshot: snapshot, now: Fixture.now)
        #expect(snapshot.candidateWindow.summary.averageCandidates == 1)  // only "range"
        _ = PricingEngine.price(cart: cart, snapshot: snapshot, now: Fixture.now, options: PricingOptions(usesIndex: false))
        #expect(snapshot.candidateWindow.summary.carts == 2)
        #expect(snapshot.candidateWindow.summary.maxCandidates == 4)
    }

    /// Keys that are prefixes of one another (and the empty key) stay separate index entries:
    /// the index is built by sorting keys, and "AB" sorts right next to "ABC".
    @Test func keysThatArePrefixesOfOthersStayApart() {
        let skus = ["", "A", "AB", "ABC", "AC", "B"]
        let promotions = skus.map { sku in
            Fixture.promotion("p-\(sku)", .percentOff(percent: Fixture.percent("10")), target: ["sku": .string(sku)])
        }
        let snapshot = PromotionSnapshot(promotions: promotions)
        #expect(snapshot.indexStatistics.keys == skus.count)
        for sku in skus + ["ABCD", "AA"] {
            let cart = Fixture.cart([Fixture.line("1", sku: sku, price: "10.00")], explain: false)
            let result = PricingEngine.price(cart: cart, snapshot: snapshot, now: Fixture.now)
            #expect(result.applied.map(\.promotion) == (skus.contains(sku) ? ["p-\(sku)"] : []), "sku \(sku)")
        }
    }

    /// The trigger document built straight from the cart equals the one prepared from JSON.
    @Test func preparedCartDocumentMatchesJSONPath() {
        var rng = SplitMix64(seed: 5)
        for _ in 0..<40 {
            let (_, _, carts) = Self.scenario(&rng, promotionCount: 1)
            for cart in carts {
                let instant = Fixture.now
                let order = cart.lines.indices.sorted { cart.lines[$0].id < cart.lines[$1].id }
                let lines = order.map { cart.lines[$0] }
                for fields: Set<String>? in [nil, ["customer", "total"], ["lines"], ["channel", "coupons", "quantity", "lineCount", "at"]] {
                    for lineFields: Set<String>? in [nil, ["sku"], ["category", "brand", "unitPrice"]] {
                        let mask = LineFieldMask(lineFields)
                        let direct = cart.preparedDocument(at: instant, lineOrder: order, cartFields: fields, mask: mask)
                        let json = cart.ruleDocument(at: instant, lineDocuments: lines.map { $0.ruleDocument(currency: cart.currency, mask: mask) }, fields: fields)
                        #expect(direct.value(of: direct.root) == json)
                        #expect(direct.nodeCount == PreparedDocument(json).nodeCount)
                        // Without lines (no condition reads them): the same document minus `lines`.
                        let withoutLines = cart.preparedDocument(at: instant, lineOrder: nil, cartFields: fields, mask: mask)
                        guard case .object(var members) = json else { Issue.record("not an object"); continue }
                        members["lines"] = nil
                        #expect(withoutLines.value(of: withoutLines.root) == .object(members))
                    }
                }
            }
        }
    }
}
