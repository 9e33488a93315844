import Rules

/// The benchmark's cart and conditions (shaped like Pricing's cart documents).
enum BenchmarkData {
    static func cart(lines: Int) -> JSONValue {
        let categories = ["grocery", "drinks", "household", "beauty", "toys"]
        let brands = ["acme", "globex", "initech", "umbrella"]
        var items: [JSONValue] = []
        for i in 0..<lines {
            items.append([
                "sku": .string(String(130_000_000 + i * 7)),
                "quantity": .int(1 + i % 3),
                "unitPrice": .number(JSONNumber(units: Int64(199 + i * 37 % 5_000), scale: 2)),
                "category": .string(categories[i % categories.count]),
                "brand": .string(brands[i % brands.count]),
                "attributes": ["organic": .bool(i % 4 == 0), "size": .string(["S", "M", "L"][i % 3])],
            ])
        }
        return [
            "currency": "EUR", "channel": "web", "store": "0042", "at": "2024-11-29T10:15:00Z",
            "customer": ["id": "c-123", "tier": "gold", "age": 34, "optIn": true, "segments": ["students", "vip"]],
            "lines": .array(items),
            "subtotal": .number(JSONNumber(units: 1_234_567, scale: 2)),
            "itemCount": .int(lines),
        ]
    }

    /// 20 leaves, true on the cart: every leaf must be evaluated, including line scans that find
    /// their match near the end of the cart.
    static let matchingCondition: JSONValue = [
        "currency": "EUR",
        "channel": ["$in": ["web", "app"]],
        "store": ["$nin": ["0001", "0002"]],
        "at": ["$gte": ["value": "2024-11-29T00:00:00Z", "type": "DATETIME"], "$lt": ["value": "2024-11-30T00:00:00+01:00", "type": "DATETIME"]],
        "customer.tier": ["$in": ["gold", "platinum"]],
        "customer.age": ["$between": [18, 99]],
        "customer.optIn": true,
        "customer.segments": "vip",
        "customer.blocked": ["$exists": false],
        "subtotal": ["$gte": ["value": "2999.99", "type": "DECIMAL"]],
        "itemCount": ["$lte": 200],
        "lines.sku": ["$in": ["130000637", "130000644", "130000651", "999", "998", "997", "996", "995", "994", "993"]],
        "lines.category": "toys",
        "lines.brand": ["$ne": "evilcorp"],
        "lines.unitPrice": ["$gt": ["value": "38.50", "type": "DECIMAL"]],
        "lines": ["$elemMatch": ["category": "beauty", "quantity": ["$gte": 3]]],
        "$or": [["customer.tier": "platinum"], ["lines.attributes.size": "L"]],
    ]

    /// 20 leaves, false on the cart only at the last leaf (a line scan with no match).
    static let failingCondition: JSONValue = {
        guard case .object(var members) = matchingCondition else { return matchingCondition }
        members["lines.sku"] = ["$in": ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]]
        return .object(members)
    }()

    static func leafCount(_ node: RuleNode) -> Int {
        switch node {
        case .constant: return 0
        case .and(let children), .or(let children), .nor(let children): return children.map(leafCount).reduce(0, +)
        case .not(let child): return leafCount(child)
        case .field(let predicate):
            switch predicate.test {
            case .between: return 2
            default: return 1
            }
        }
    }
}
