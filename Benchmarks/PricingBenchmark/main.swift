// Pricing benchmark: in-process price calls, no HTTP.
//
//   swift build -c release --product PricingBenchmark && .build/release/PricingBenchmark [iterations] [scenario]
//
// Scenarios (seeded, reproducible):
//   realistic   — 300 active promotions of a retail tenant (mix below), 100-line cart, 1 coupon
//   explain     — the same with "explain": true (notApplied with reasons and trigger details)
//   large-cart  — the same promotions, 500-line cart
//   worst-case  — 300 promotions that ALL match every line through non-indexable targets and
//                 all combine ("*"), 100-line cart: every promotion is computed and applied
import Foundation
import Pricing
import Rules

struct Generator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

let categories = (0..<10).map { "category-\($0)" }
let brands = (0..<8).map { "brand-\($0)" }
let catalog = 5_000

func eur(_ cents: Int) -> Money { Money(minorUnits: Int64(cents), currency: .eur) }
func percent(_ value: Int) -> Percent { Percent(value)! }
func condition(_ json: JSONValue, _ base: String) -> Condition { try! Condition(parsing: json, basePath: base) }

/// 300 promotions: 150 SKU-list targets (1–20 SKUs each), 60 category/brand targets,
/// 30 coupon-only, 30 cart-level triggers (tier, total, lines.category), 15 other-channel/store,
/// 15 loyalty-points; priorities 0–9, ~5 % exclusive, ~40 % combine with "*" or a group.
func realisticPromotions(_ rng: inout Generator) -> ([Promotion], [Coupon]) {
    var promotions: [Promotion] = []
    var coupons: [Coupon] = []
    func action(_ rng: inout Generator) -> PromotionAction {
        switch rng.below(6) {
        case 0, 1: .percentOff(percent: percent(5 + rng.below(40)))
        case 2: .amountOff(amount: eur(100 * (1 + rng.below(20))), per: [.line, .unit, .cart][rng.below(3)])
        case 3: .fixedPrice(unitPrice: eur(99 + 100 * rng.below(30)))
        case 4: .buyXGetY(buy: 1 + rng.below(3), get: 1, percent: percent(50 + 50 * rng.below(2)), cheapest: true)
        default: .multiBuy(quantity: 2 + rng.below(3), price: eur(1_000 + 100 * rng.below(50)))
        }
    }
    for index in 0..<300 {
        let id = String(format: "promo-%03d", index)
        var target: Condition?
        var trigger: Condition?
        var coupon = false
        var channels: [String] = []
        var stores: [String] = []
        var promotionAction = action(&rng)
        switch index {
        case 0..<150:
            let skus = (0...rng.below(20)).map { _ in JSONValue.string("sku-\(rng.below(catalog))") }
            target = condition(["sku": ["$in": .array(skus)]], "/target")
        case 150..<210:
            target = rng.below(2) == 0
                ? condition(["category": .string(categories[rng.below(categories.count)])], "/target")
                : condition(["brand": .string(brands[rng.below(brands.count)]), "unitPrice": ["$gte": .int(rng.below(50))]], "/target")
        case 210..<240:
            coupon = true
            coupons.append(Coupon(code: "CODE-\(index)", promotionID: id, kind: index % 2 == 0 ? .limited : .unlimited))
            target = condition(["category": .string(categories[rng.below(categories.count)])], "/target")
        case 240..<270:
            switch rng.below(3) {
            case 0: trigger = condition(["customer.tier": .string(["gold", "silver", "bronze"][rng.below(3)])], "/trigger")
            case 1: trigger = condition(["total": ["$gte": .int(50 * rng.below(40))]], "/trigger")
            default: trigger = condition(["lines.category": .string(categories[rng.below(categories.count)])], "/trigger")
            }
            promotionAction = rng.below(2) == 0
                ? .tieredSpend(tiers: [SpendTier(threshold: eur(10_000), reward: .percent(percent(5))),
                                       SpendTier(threshold: eur(50_000), reward: .amount(eur(5_000)))])
                : .amountOff(amount: eur(500), per: .cart)
        case 270..<285:
            channels = ["pos"]
            stores = ["hamburg-02"]
        default:
            promotionAction = .loyaltyPoints(rng.below(2) == 0 ? .perUnitOfCurrency(.one) : .multiplier(PointsRate(parsing: "2")!))
            target = condition(["category": .string(categories[rng.below(categories.count)])], "/target")
        }
        let combines: [String] = switch rng.below(5) {
        case 0: ["*"]
        case 1: ["loyalty", "newsletter"]
        default: []
        }
        promotions.append(try! Promotion(
            id: id, name: "Promotion \(index)", channels: channels, stores: stores, currency: .eur, trigger: trigger,
            coupon: coupon, target: target, action: promotionAction,
            maxDiscount: rng.below(10) == 0 ? eur(2_000) : nil, maxApplications: rng.below(10) == 0 ? 3 : nil,
            priority: rng.below(10), exclusive: rng.below(20) == 0 && index >= 150,
            combinesWith: combines, group: ["loyalty", "newsletter", nil, nil][rng.below(4)]))
    }
    return (promotions, coupons)
}

/// 300 promotions that all apply to every line (non-indexable targets) and all combine.
func worstCasePromotions(_ rng: inout Generator) -> [Promotion] {
    (0..<300).map { index in
        let action: PromotionAction = switch index % 4 {
        case 0: .percentOff(percent: percent(1))
        case 1: .amountOff(amount: eur(1), per: .unit)
        case 2: .buyXGetY(buy: 3, get: 1, percent: percent(1), cheapest: true)
        default: .amountOff(amount: eur(10), per: .cart)
        }
        return try! Promotion(
            id: String(format: "all-%03d", index), name: "All \(index)", currency: .eur,
            target: condition(["quantity": ["$gte": 1], "unitPrice": ["$gt": 0]], "/target"),
            action: action, priority: rng.below(10), combinesWith: ["*"])
    }
}

func cart(lines count: Int, explain: Bool, _ rng: inout Generator) -> Cart {
    let lines = (0..<count).map { index in
        Cart.Line(id: "line-\(index)", sku: "sku-\(rng.below(catalog))", quantity: 1 + (rng.below(4) == 0 ? rng.below(5) : 0),
                  unitPrice: eur(199 + rng.below(20_000)), category: categories[rng.below(categories.count)],
                  brand: brands[rng.below(brands.count)], attributes: ["color": .string(["red", "blue", "black"][rng.below(3)])])
    }
    return try! Cart(currency: .eur, channel: "web", store: "berlin-01", at: RuleDateTime(rfc3339: "2026-11-27T10:00:00Z"),
                     customer: Cart.Customer(id: "12345", tier: "gold", loyaltyCard: true), lines: lines,
                     coupons: ["code-212"], explain: explain)
}

func measure(_ name: String, iterations: Int, cart: Cart, snapshot: PromotionSnapshot) {
    let now = RuleDateTime(seconds: 1_795_000_000)
    var sink = 0
    for _ in 0..<max(200, iterations / 20) { sink &+= PricingEngine.price(cart: cart, snapshot: snapshot, now: now).applied.count }
    var samples: [UInt64] = []
    samples.reserveCapacity(iterations)
    var last: PriceResult?
    for _ in 0..<iterations {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = PricingEngine.price(cart: cart, snapshot: snapshot, now: now)
        samples.append(DispatchTime.now().uptimeNanoseconds - start)
        sink &+= result.applied.count
        last = result
    }
    samples.sort()
    func quantile(_ q: Double) -> Double { Double(samples[min(samples.count - 1, Int(Double(samples.count) * q))]) / 1_000 }
    let mean = Double(samples.reduce(0, +)) / Double(samples.count) / 1_000
    let result = last!
    print(String(format: "%-11@ lines=%4d applied=%3d notApplied=%3d  p50=%7.1f µs  p90=%7.1f µs  p99=%7.1f µs  max=%8.1f µs  mean=%7.1f µs",
                 name as NSString, cart.lines.count, result.applied.count, result.notApplied?.count ?? 0,
                 quantile(0.5), quantile(0.9), quantile(0.99), Double(samples.last!) / 1_000, mean))
    if sink == 42 { print("") }  // keep the work observable
    if let notApplied = result.notApplied {
        let reasons = Dictionary(grouping: notApplied, by: \.reason.rawValue).mapValues(\.count).sorted { $0.key < $1.key }
        print("            not applied: " + reasons.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
    }
}

let iterations = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 20_000
let only = CommandLine.arguments.dropFirst(2).first  // optional scenario name
func run(_ name: String, iterations: Int, cart: @autoclosure () -> Cart, snapshot: @autoclosure () -> PromotionSnapshot) {
    guard only == nil || only == name else { return }
    measure(name, iterations: iterations, cart: cart(), snapshot: snapshot())
}
var rng = Generator(state: 2026)
let (promotions, coupons) = realisticPromotions(&rng)
let buildStart = DispatchTime.now().uptimeNanoseconds
let snapshot = PromotionSnapshot(promotions: promotions, coupons: coupons, version: 1)
let buildMicros = Double(DispatchTime.now().uptimeNanoseconds - buildStart) / 1_000
print("PricingBenchmark: \(iterations) price calls per scenario; snapshot of \(promotions.count) promotions built in \(String(format: "%.0f", buildMicros)) µs")
let cart100 = cart(lines: 100, explain: false, &rng)
run("realistic", iterations: iterations, cart: cart100, snapshot: snapshot)
run("explain", iterations: iterations, cart: try! Cart(parsing: { () -> JSONValue in
    guard case .object(var members) = cart100.document else { fatalError() }
    members["explain"] = true
    return .object(members)
}()), snapshot: snapshot)
run("large-cart", iterations: max(1, iterations / 5), cart: cart(lines: 500, explain: false, &rng), snapshot: snapshot)
let worst = PromotionSnapshot(promotions: worstCasePromotions(&rng), version: 1)
run("worst-case", iterations: max(1, iterations / 10), cart: cart100, snapshot: worst)
