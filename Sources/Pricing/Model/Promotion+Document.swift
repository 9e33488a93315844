import Rules

extension Promotion {
    /// The canonical stored document (amounts and percentages as decimal strings, timestamps in
    /// UTC RFC 3339, conditions in their canonical JSON form). Parses back to an equal promotion.
    public var document: JSONValue {
        var fields: [String: JSONValue] = [
            "id": .string(id),
            "version": .int(version),
            "name": .string(name),
            "enabled": .bool(enabled),
            "channels": .array(channels.map(JSONValue.string)),
            "stores": .array(stores.map(JSONValue.string)),
            "coupon": .bool(coupon),
            "action": action.document,
            "priority": .int(priority),
            "exclusive": .bool(exclusive),
            "combinesWith": .array(combinesWith.map(JSONValue.string)),
        ]
        if let description { fields["description"] = .string(description) }
        if let startsAt { fields["startsAt"] = .string(startsAt.description) }
        if let endsAt { fields["endsAt"] = .string(endsAt.description) }
        if let currency { fields["currency"] = .string(currency.code) }
        if let trigger { fields["trigger"] = trigger.json }
        if let target { fields["target"] = target.json }
        if let maxDiscount { fields["maxDiscount"] = .string(maxDiscount.decimalString) }
        if let maxApplications { fields["maxApplications"] = .int(maxApplications) }
        if let group { fields["group"] = .string(group) }
        return .object(fields)
    }
}

extension PromotionAction {
    /// The `action` object of the stored document.
    public var document: JSONValue {
        var fields: [String: JSONValue] = ["type": .string(type)]
        switch self {
        case .percentOff(let percent):
            fields["percent"] = .string(percent.decimalString)
        case .amountOff(let amount, let scope):
            fields["amount"] = .string(amount.decimalString)
            fields["per"] = .string(scope.rawValue)
        case .fixedPrice(let price):
            fields["unitPrice"] = .string(price.decimalString)
        case .buyXGetY(let buy, let get, let percent, let cheapest):
            fields["buy"] = .int(buy)
            fields["get"] = .int(get)
            fields["percent"] = .string(percent.decimalString)
            fields["cheapest"] = .bool(cheapest)
        case .multiBuy(let quantity, let price):
            fields["quantity"] = .int(quantity)
            fields["price"] = .string(price.decimalString)
        case .tieredSpend(let tiers):
            fields["tiers"] = .array(tiers.map { tier in
                switch tier.reward {
                case .percent(let percent):
                    ["threshold": .string(tier.threshold.decimalString), "percent": .string(percent.decimalString)]
                case .amount(let amount):
                    ["threshold": .string(tier.threshold.decimalString), "amount": .string(amount.decimalString)]
                }
            })
        case .loyaltyPoints(.perUnitOfCurrency(let rate)):
            fields["perUnitOfCurrency"] = .string(rate.decimalString)
        case .loyaltyPoints(.multiplier(let rate)):
            fields["multiplier"] = .string(rate.decimalString)
        }
        return .object(fields)
    }
}

extension Promotion: Codable {
    /// Decodes through ``init(parsing:generatedID:limits:)``; the issues are in the error's
    /// description. (Through `JSONDecoder`, numbers pass through `Double`; servers should parse a
    /// `JSONValue` from the body with `JSONValue(parsing:)` and call `init(parsing:)`.)
    public init(from decoder: any Decoder) throws {
        let document = try JSONValue(from: decoder)
        do {
            try self.init(parsing: document)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description, underlyingError: error))
        }
    }

    /// Encodes ``document``.
    public func encode(to encoder: any Encoder) throws {
        try document.encode(to: encoder)
    }
}
