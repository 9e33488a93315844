import Rules

extension DocumentReader {
    static let actionFields: [String: Set<String>] = [
        "percentOff": ["type", "percent"],
        "amountOff": ["type", "amount", "per"],
        "fixedPrice": ["type", "unitPrice"],
        "buyXGetY": ["type", "buy", "get", "percent", "cheapest"],
        "multiBuy": ["type", "quantity", "price"],
        "tieredSpend": ["type", "tiers"],
        "loyaltyPoints": ["type", "perUnitOfCurrency", "multiplier"],
    ]

    /// Parses `action` (`{"type": "percentOff", "percent": "10"}`, …) at `/action`.
    mutating func action(_ value: JSONValue, currency: Currency?) -> PromotionAction? {
        let path = "/action"
        guard let members = object(value, at: path) else { return nil }
        guard let typeValue = required(members, "type", at: path), let type = string(typeValue, at: path + "/type") else {
            return nil
        }
        guard let allowed = DocumentReader.actionFields[type] else {
            report("unknown_action", "unknown action \"\(type)\"; expected one of \(PromotionAction.types.joined(separator: ", "))", at: path + "/type")
            return nil
        }
        _ = object(value, at: path, allowed: allowed)
        switch type {
        case "percentOff":
            return required(members, "percent", at: path).flatMap { percent($0, at: path + "/percent") }
                .map { .percentOff(percent: $0) }
        case "amountOff":
            let amount = required(members, "amount", at: path).flatMap { self.amount($0, at: path + "/amount", currency: currency) }
            let scope = required(members, "per", at: path).flatMap { value -> AmountScope? in
                guard let text = string(value, at: path + "/per") else { return nil }
                guard let scope = AmountScope(rawValue: text) else {
                    report("invalid_value", "\"per\" must be \"line\", \"unit\" or \"cart\"", at: path + "/per")
                    return nil
                }
                return scope
            }
            guard let amount, let scope else { return nil }
            return .amountOff(amount: amount, per: scope)
        case "fixedPrice":
            return required(members, "unitPrice", at: path).flatMap { amount($0, at: path + "/unitPrice", currency: currency) }
                .map { .fixedPrice(unitPrice: $0) }
        case "buyXGetY":
            let buy = required(members, "buy", at: path).flatMap { integer($0, at: path + "/buy", in: 1...1_000_000) }
            let get = required(members, "get", at: path).flatMap { integer($0, at: path + "/get", in: 1...1_000_000) }
            var rate: Percent? = .hundred
            if let value = members["percent"], value != .null { rate = percent(value, at: path + "/percent") }
            let cheapest = bool(members, "cheapest", at: path, default: true)
            guard let buy, let get, let rate else { return nil }
            return .buyXGetY(buy: buy, get: get, percent: rate, cheapest: cheapest)
        case "multiBuy":
            let quantity = required(members, "quantity", at: path).flatMap { integer($0, at: path + "/quantity", in: 1...1_000_000) }
            let price = required(members, "price", at: path).flatMap { amount($0, at: path + "/price", currency: currency) }
            guard let quantity, let price else { return nil }
            return .multiBuy(quantity: quantity, price: price)
        case "tieredSpend":
            return required(members, "tiers", at: path).flatMap { tiers($0, at: path + "/tiers", currency: currency) }
                .map { .tieredSpend(tiers: $0) }
        default:  // loyaltyPoints
            let perUnit = members["perUnitOfCurrency"].flatMap { $0 == .null ? nil : $0 }
            let multiplier = members["multiplier"].flatMap { $0 == .null ? nil : $0 }
            switch (perUnit, multiplier) {
            case (let value?, nil):
                return pointsRate(value, at: path + "/perUnitOfCurrency").map { .loyaltyPoints(.perUnitOfCurrency($0)) }
            case (nil, let value?):
                return pointsRate(value, at: path + "/multiplier").map { .loyaltyPoints(.multiplier($0)) }
            case (nil, nil):
                report("required", "one of \"perUnitOfCurrency\" or \"multiplier\" is required", at: path)
            default:
                report("conflict", "give either \"perUnitOfCurrency\" or \"multiplier\", not both", at: path + "/multiplier")
            }
            return nil
        }
    }

    private mutating func tiers(_ value: JSONValue, at path: String, currency: Currency?) -> [SpendTier]? {
        guard case .array(let elements) = value else {
            report("type_mismatch", "expected an array of tiers, found \(value.typeName)", at: path)
            return nil
        }
        if elements.isEmpty {
            report("empty", "at least one tier is required", at: path)
            return nil
        }
        if elements.count > 100 {
            report("too_many", "at most 100 tiers", at: path)
            return nil
        }
        var tiers: [SpendTier] = []
        var complete = true
        for (index, element) in elements.enumerated() {
            let tierPath = JSONPointer.append(path, index)
            guard let members = object(element, at: tierPath, allowed: ["threshold", "percent", "amount"]) else {
                complete = false
                continue
            }
            let threshold = required(members, "threshold", at: tierPath).flatMap { amount($0, at: tierPath + "/threshold", currency: currency) }
            var reward: SpendTier.Reward?
            switch (members["percent"], members["amount"]) {
            case (let value?, nil):
                reward = percent(value, at: tierPath + "/percent").map(SpendTier.Reward.percent)
            case (nil, let value?):
                reward = amount(value, at: tierPath + "/amount", currency: currency).map(SpendTier.Reward.amount)
            case (nil, nil):
                report("required", "one of \"percent\" or \"amount\" is required", at: tierPath)
            default:
                report("conflict", "give either \"percent\" or \"amount\", not both", at: tierPath + "/amount")
            }
            if let threshold, let reward {
                tiers.append(SpendTier(threshold: threshold, reward: reward))
            } else {
                complete = false
            }
        }
        return complete ? tiers : nil
    }
}
