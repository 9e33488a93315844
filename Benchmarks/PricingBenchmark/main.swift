// Pricing benchmark: in-process price calls, no HTTP.
//
//   swift build -c release --product PricingBenchmark && .build/release/PricingBenchmark [iterations] [scenario]
//
// Scenarios (seeded, reproducible):
//   index [n,…] — (default) the promotion-index table: a realistic mix (see `mixedPromotions`) of
//                 300, 10 000 and 100 000 active promotions, 10- and 100-line carts (64 different
//                 carts per size, cycled), index on vs off side by side; VmRSS after each snapshot
//   index100 [n,…] — only the 100-line, index-on rows of the index table (default 300 and
//                 10 000 promotions; same seeds and carts as `index`)
//   carts [n]   — the 64 100-line carts of the index table (n promotions, default 300) priced one
//                 by one: the ten slowest by median (what sets the table's p99)
//   rss         — VmRSS of a process that built only the 100 000-promotion snapshot (clean figure)
//   dense       — 300 deliberately dense promotions (~120 pass the pre-checks for every cart),
//                 100-line cart, 1 coupon (the former "realistic" scenario), index on and off
//   explain     — the dense set with "explain": true (notApplied with reasons and trigger details)
//   large-cart  — the dense set, 500-line cart
//   worst-case  — 300 promotions that ALL match every line through non-indexable targets and
//                 all combine ("*"), 100-line cart: every promotion is computed and applied
import Foundation
import MallocCounter
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

/// The dense set — 300 promotions: 150 SKU-list targets (1–20 SKUs each), 60 category/brand targets,
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

/// VmRSS of this process in MB (Linux), or -1.
func residentMB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
          let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return -1 }
    return kb / 1_024
}

struct Stats {
    var p50: Double, p90: Double, p99: Double, max: Double
    /// The same calls timed by the thread's CPU clock (excludes time the thread was not running).
    var cpuP50: Double, cpuP99: Double
    var mean: Double
    var applied: Int, notApplied: Int
    /// Heap allocations per price call (malloc and friends, counted by MallocCounter).
    var allocations: Double
}

/// CPU time this thread has used, in ns.
func threadCPUNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// Prices `carts` round-robin; returns quantiles in µs.
func sample(iterations: Int, carts: [Cart], snapshot: PromotionSnapshot, options: PricingOptions) -> Stats {
    let now = RuleDateTime(seconds: 1_795_000_000)
    var sink = 0
    for i in 0..<max(50, min(iterations / 20, 2_000)) {
        sink &+= PricingEngine.price(cart: carts[i % carts.count], snapshot: snapshot, now: now, options: options).applied.count
    }
    var samples: [UInt64] = []
    samples.reserveCapacity(iterations)
    var cpuSamples: [UInt64] = []
    cpuSamples.reserveCapacity(iterations)
    var applied = 0, notApplied = 0
    let allocationsBefore = malloc_counter_allocations()
    for i in 0..<iterations {
        let cart = carts[i % carts.count]
        let cpuStart = threadCPUNanoseconds()
        let start = DispatchTime.now().uptimeNanoseconds
        let result = PricingEngine.price(cart: cart, snapshot: snapshot, now: now, options: options)
        samples.append(DispatchTime.now().uptimeNanoseconds - start)
        cpuSamples.append(threadCPUNanoseconds() - cpuStart)
        applied += result.applied.count
        notApplied += result.notApplied?.count ?? 0
    }
    let allocations = Double(malloc_counter_allocations() - allocationsBefore) / Double(iterations)
    if sink == 42 { print("") }  // keep the work observable
    samples.sort()
    cpuSamples.sort()
    func quantile(_ q: Double) -> Double { Double(samples[min(samples.count - 1, Int(Double(samples.count) * q))]) / 1_000 }
    return Stats(p50: quantile(0.5), p90: quantile(0.9), p99: quantile(0.99), max: Double(samples.last!) / 1_000,
                 cpuP50: Double(cpuSamples[cpuSamples.count / 2]) / 1_000,
                 cpuP99: Double(cpuSamples[min(cpuSamples.count - 1, Int(Double(cpuSamples.count) * 0.99))]) / 1_000,
                 mean: Double(samples.reduce(0, +)) / Double(samples.count) / 1_000,
                 applied: applied / iterations, notApplied: notApplied / iterations, allocations: allocations)
}

func measure(_ name: String, iterations: Int, cart: Cart, snapshot: PromotionSnapshot, options: PricingOptions = .default) {
    let stats = sample(iterations: iterations, carts: [cart], snapshot: snapshot, options: options)
    print(String(format: "%-16@ lines=%4d applied=%3d notApplied=%3d  p50=%7.1f µs  p90=%7.1f µs  p99=%7.1f µs  max=%8.1f µs  mean=%7.1f µs",
                 name as NSString, cart.lines.count, stats.applied, stats.notApplied,
                 stats.p50, stats.p90, stats.p99, stats.max, stats.mean))
}

// MARK: - The realistic mix for the index table

/// Universe sizes grow with the tenant so that the number of promotions per key value stays
/// about constant (a bigger tenant has more stores, categories and articles, not more promotions
/// per article): catalog 10·N SKUs (≥ 20 000), N categories (≥ 100), N/2 brands (≥ 50),
/// N/10 stores (≥ 50), 4 tiers, channels web/app/pos.
struct Universe {
    let promotions: Int
    var catalog: Int { max(20_000, 10 * promotions) }
    var categories: Int { max(100, promotions) }
    var brands: Int { max(50, promotions / 2) }
    var stores: Int { max(50, promotions / 10) }
    static let tiers = ["bronze", "silver", "gold", "platinum"]
}

/// N promotions: 40 % per-SKU (target `sku $in` 1–5 SKUs), 20 % per-category (half also
/// `unitPrice $gte`), 10 % per-brand (+ `unitPrice $gte`), 10 % per-store (`stores: [s]`, half
/// store-wide, half one category), 5 % per-tier (trigger `customer.tier`, target one category),
/// 10 % coupon-only (one code each, half with a category target), 3 % app-only (+ category),
/// 2 % loyalty points per category; plus 20 cart-level threshold promotions (trigger
/// `total $gte`, tiered spend / amount off per cart) that no index can prune. Priorities 0–9,
/// ~3 % exclusive, ~40 % combine with "*" or a group.
func mixedPromotions(_ universe: Universe, _ rng: inout Generator) -> ([Promotion], [Coupon]) {
    let n = universe.promotions
    var promotions: [Promotion] = []
    var coupons: [Coupon] = []
    promotions.reserveCapacity(n)
    func action(_ rng: inout Generator) -> PromotionAction {
        switch rng.below(6) {
        case 0, 1: .percentOff(percent: percent(5 + rng.below(40)))
        case 2: .amountOff(amount: eur(100 * (1 + rng.below(20))), per: [.line, .unit, .cart][rng.below(3)])
        case 3: .fixedPrice(unitPrice: eur(99 + 100 * rng.below(30)))
        case 4: .buyXGetY(buy: 1 + rng.below(3), get: 1, percent: percent(50 + 50 * rng.below(2)), cheapest: true)
        default: .multiBuy(quantity: 2 + rng.below(3), price: eur(1_000 + 100 * rng.below(50)))
        }
    }
    func category(_ rng: inout Generator) -> JSONValue { .string("category-\(rng.below(universe.categories))") }
    let thresholds = min(20, n / 10)
    for index in 0..<n {
        let id = "promo-\(index)"
        var target: Condition?
        var trigger: Condition?
        var coupon = false
        var channels: [String] = []
        var stores: [String] = []
        var promotionAction = action(&rng)
        let share = index < thresholds ? -1 : (index * 100 / n)
        switch share {
        case -1:
            trigger = condition(["total": ["$gte": .int(50 * (1 + rng.below(40)))]], "/trigger")
            promotionAction = rng.below(2) == 0
                ? .tieredSpend(tiers: [SpendTier(threshold: eur(10_000), reward: .percent(percent(5))),
                                       SpendTier(threshold: eur(50_000), reward: .amount(eur(5_000)))])
                : .amountOff(amount: eur(500), per: .cart)
        case 0..<40:
            let skus = (0...rng.below(5)).map { _ in JSONValue.string("sku-\(rng.below(universe.catalog))") }
            target = condition(["sku": ["$in": .array(skus)]], "/target")
        case 40..<60:
            target = rng.below(2) == 0
                ? condition(["category": category(&rng)], "/target")
                : condition(["category": category(&rng), "unitPrice": ["$gte": .int(rng.below(50))]], "/target")
        case 60..<70:
            target = condition(["brand": .string("brand-\(rng.below(universe.brands))"), "unitPrice": ["$gte": .int(rng.below(50))]], "/target")
        case 70..<80:
            stores = ["store-\(rng.below(universe.stores))"]
            if rng.below(2) == 0 { target = condition(["category": category(&rng)], "/target") }
        case 80..<85:
            trigger = condition(["customer.tier": .string(Universe.tiers[rng.below(4)])], "/trigger")
            target = condition(["category": category(&rng)], "/target")
        case 85..<95:
            coupon = true
            coupons.append(Coupon(code: "CODE-\(index)", promotionID: id, kind: index % 2 == 0 ? .limited : .unlimited))
            if rng.below(2) == 0 { target = condition(["category": category(&rng)], "/target") }
        case 95..<98:
            channels = ["app"]
            target = condition(["category": category(&rng)], "/target")
        default:
            promotionAction = .loyaltyPoints(rng.below(2) == 0 ? .perUnitOfCurrency(.one) : .multiplier(PointsRate(parsing: "2")!))
            target = condition(["category": category(&rng)], "/target")
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
            priority: rng.below(10), exclusive: rng.below(33) == 0 && share >= 0,
            combinesWith: combines, group: ["loyalty", "newsletter", nil, nil][rng.below(4)]))
    }
    return (promotions, coupons)
}

/// A cart of `count` lines drawn from the universe: 70 % web, 20 % app, 10 % pos; a random store
/// and tier; half the carts present one coupon code of a coupon-only promotion.
func mixedCart(lines count: Int, _ universe: Universe, coupons: [Coupon], _ rng: inout Generator) -> Cart {
    let lines = (0..<count).map { index in
        Cart.Line(id: "line-\(index)", sku: "sku-\(rng.below(universe.catalog))", quantity: 1 + (rng.below(4) == 0 ? rng.below(5) : 0),
                  unitPrice: eur(199 + rng.below(20_000)), category: "category-\(rng.below(universe.categories))",
                  brand: "brand-\(rng.below(universe.brands))", attributes: ["color": .string(["red", "blue", "black"][rng.below(3)])])
    }
    let channel = [String](repeating: "web", count: 7) + ["app", "app", "pos"]
    let codes = rng.below(2) == 0 && !coupons.isEmpty ? [coupons[rng.below(coupons.count)].code] : []
    return try! Cart(currency: .eur, channel: channel[rng.below(10)], store: "store-\(rng.below(universe.stores))",
                     at: RuleDateTime(rfc3339: "2026-11-27T10:00:00Z"),
                     customer: Cart.Customer(id: "\(rng.below(1_000_000))", tier: rng.below(5) == 0 ? nil : Universe.tiers[rng.below(4)], loyaltyCard: rng.below(2) == 0),
                     lines: lines, coupons: codes)
}

func indexTable(iterations: Int, sizes: [Int], lineCounts: [Int] = [10, 100], indexModes: [Bool] = [true, false]) {
    print("| promotions | lines | index | p50 µs | p90 µs | p99 µs | mean µs | CPU p50 µs | CPU p99 µs | avg candidates | avg applied | allocations per call |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    var notes: [String] = []
    for n in sizes {
        var rng = Generator(state: UInt64(n))
        let universe = Universe(promotions: n)
        let (promotions, coupons) = mixedPromotions(universe, &rng)
        let before = residentMB()
        let buildStart = DispatchTime.now().uptimeNanoseconds
        let snapshot = PromotionSnapshot(promotions: promotions, coupons: coupons, version: 1)
        let buildMillis = Double(DispatchTime.now().uptimeNanoseconds - buildStart) / 1_000_000
        let after = residentMB()
        let s = snapshot.indexStatistics
        notes.append(String(format: "%d promotions: snapshot built in %.0f ms; VmRSS %.0f MB after building (%.0f MB before); index: %d indexed, %d coupon-only, %d always evaluated, %d never, %d keys, %d postings, ~%.1f MB; %d shared trigger conjuncts",
                            n, buildMillis, after, before, s.indexed, s.couponOnly, s.alwaysEvaluated, s.neverApplicable, s.keys, s.postings,
                            Double(s.estimatedBytes) / 1_048_576, s.sharedConditions))
        for lineCount in [10, 100] {
            // Always drawn (same seeds and carts whichever rows are measured).
            let carts = (0..<64).map { _ in mixedCart(lines: lineCount, universe, coupons: coupons, &rng) }
            guard lineCounts.contains(lineCount) else { continue }
            for usesIndex in indexModes {
                let options = PricingOptions(usesIndex: usesIndex)
                let count = usesIndex ? iterations : max(100, min(iterations, iterations * 300 / n))
                let stats = sample(iterations: count, carts: carts, snapshot: snapshot, options: options)
                // The window holds the last 1 024 calls: all of this measurement (same options).
                let after = snapshot.candidateWindow.summary
                print(String(format: "| %d | %d | %@ | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %.0f |", n, lineCount,
                             usesIndex ? "on" : "off", stats.p50, stats.p90, stats.p99, stats.mean, stats.cpuP50, stats.cpuP99,
                             usesIndex ? after.averageCandidates : Double(n), stats.applied, stats.allocations))
            }
        }
    }
    print("")
    for note in notes { print(note) }
}

let iterations = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 20_000
let only = CommandLine.arguments.dropFirst(2).first ?? "index"
print("PricingBenchmark: \(iterations) price calls per measurement; scenario \(only); load average at start: \((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?")")
switch only {
case "index":
    let sizes = CommandLine.arguments.dropFirst(3).first.map { $0.split(separator: ",").compactMap { Int($0) } } ?? [300, 10_000, 100_000]
    indexTable(iterations: iterations, sizes: sizes)
case "index100":
    // Only the 100-line, index-on rows of the index table (same carts and seeds): for profiling.
    let sizes = CommandLine.arguments.dropFirst(3).first.map { $0.split(separator: ",").compactMap { Int($0) } } ?? [300, 10_000]
    indexTable(iterations: iterations, sizes: sizes, lineCounts: [100], indexModes: [true])
case "carts":
    // Which of the 64 100-line carts of the index table are slow (they set its p99): the same
    // seeds and carts, each priced on its own; the slowest ten, by median.
    let n = CommandLine.arguments.dropFirst(3).first.flatMap(Int.init) ?? 300
    var rng = Generator(state: UInt64(n))
    let universe = Universe(promotions: n)
    let (promotions, coupons) = mixedPromotions(universe, &rng)
    let snapshot = PromotionSnapshot(promotions: promotions, coupons: coupons, version: 1)
    _ = (0..<64).map { _ in mixedCart(lines: 10, universe, coupons: coupons, &rng) }
    let carts = (0..<64).map { _ in mixedCart(lines: 100, universe, coupons: coupons, &rng) }
    var rows: [(cart: Int, stats: Stats, candidates: Double)] = []
    for (number, cart) in carts.enumerated() {
        let stats = sample(iterations: max(100, iterations / 64), carts: [cart], snapshot: snapshot, options: .default)
        rows.append((number, stats, snapshot.candidateWindow.summary.averageCandidates))
    }
    print("| cart | p50 µs | p99 µs | candidates | applied | allocations per call | coupons | channel |")
    print("|---:|---:|---:|---:|---:|---:|---|---|")
    for row in rows.sorted(by: { $0.stats.p50 > $1.stats.p50 }).prefix(10) {
        let cart = carts[row.cart]
        print(String(format: "| %d | %.1f | %.1f | %.0f | %d | %.0f | %@ | %@ |", row.cart, row.stats.p50, row.stats.p99, row.candidates,
                     row.stats.applied, row.stats.allocations, cart.coupons.joined(separator: " "), cart.channel ?? "-"))
    }
    let medians = rows.map(\.stats.p50).sorted()
    print(String(format: "median of the 64 carts' medians: %.1f µs; fastest %.1f µs", medians[32], medians[0]))
case "rss":
    var rng = Generator(state: 100_000)
    let universe = Universe(promotions: 100_000)
    let (promotions, coupons) = mixedPromotions(universe, &rng)
    let before = residentMB()
    let snapshot = PromotionSnapshot(promotions: promotions, coupons: coupons, version: 1)
    print(String(format: "VmRSS with the 100 000-promotion input arrays: %.0f MB; after building the snapshot: %.0f MB (%d promotions active)",
                 before, residentMB(), snapshot.indexStatistics.promotions))
default:
    var rng = Generator(state: 2026)
    let (promotions, coupons) = realisticPromotions(&rng)
    let snapshot = PromotionSnapshot(promotions: promotions, coupons: coupons, version: 1)
    let cart100 = cart(lines: 100, explain: false, &rng)
    let largeCart = cart(lines: 500, explain: false, &rng)
    switch only {
    case "dense":
        measure("dense index on", iterations: iterations, cart: cart100, snapshot: snapshot)
        print("  candidates per cart with the index: \(snapshot.candidateWindow.summary.averageCandidates) of \(promotions.count)")
        measure("dense index off", iterations: iterations, cart: cart100, snapshot: snapshot, options: PricingOptions(usesIndex: false))
    case "explain":
        measure("explain", iterations: iterations, cart: try! Cart(parsing: { () -> JSONValue in
            guard case .object(var members) = cart100.document else { fatalError() }
            members["explain"] = true
            return .object(members)
        }()), snapshot: snapshot)
    case "large-cart":
        measure("large-cart", iterations: max(1, iterations / 5), cart: largeCart, snapshot: snapshot)
    case "worst-case":
        let worst = PromotionSnapshot(promotions: worstCasePromotions(&rng), version: 1)
        measure("worst-case", iterations: max(1, iterations / 10), cart: cart100, snapshot: worst)
    default:
        print("unknown scenario \(only)")
    }
}
