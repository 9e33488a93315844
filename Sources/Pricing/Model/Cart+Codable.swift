import Rules

extension Cart: Codable {
    /// Decodes through ``init(parsing:limits:)``; all issues are in the `DecodingError`'s
    /// description. Servers should parse a `JSONValue` and call `init(parsing:)` to get the issues.
    public init(from decoder: any Decoder) throws {
        let document = try JSONValue(from: decoder)
        do {
            try self.init(parsing: document)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description, underlyingError: error))
        }
    }

    /// Encodes the wire document (amounts as decimal strings).
    public func encode(to encoder: any Encoder) throws {
        try document.encode(to: encoder)
    }

    /// The wire document of this cart.
    public var document: JSONValue {
        var members: [String: JSONValue] = [
            "currency": .string(currency.code),
            "lines": .array(lines.map { line in
                var fields: [String: JSONValue] = [
                    "id": .string(line.id), "sku": .string(line.sku), "quantity": .int(line.quantity),
                    "unitPrice": .string(line.unitPrice.decimalString),
                ]
                if let category = line.category { fields["category"] = .string(category) }
                if let brand = line.brand { fields["brand"] = .string(brand) }
                if !line.attributes.isEmpty { fields["attributes"] = .object(line.attributes) }
                return .object(fields)
            }),
        ]
        if let channel { members["channel"] = .string(channel) }
        if let store { members["store"] = .string(store) }
        if let at { members["at"] = .string(at.description) }
        if let customer { members["customer"] = customer.document }
        if !coupons.isEmpty { members["coupons"] = .array(coupons.map(JSONValue.string)) }
        if explain { members["explain"] = .bool(true) }
        return .object(members)
    }
}

extension Cart.Customer {
    /// The customer object of the wire document (absent fields are omitted; `audiences` is
    /// server-side only and never sent).
    var document: JSONValue {
        var fields: [String: JSONValue] = [:]
        if let id { fields["id"] = .string(id) }
        if let tier { fields["tier"] = .string(tier) }
        if let loyaltyCard { fields["loyaltyCard"] = .bool(loyaltyCard) }
        fields["attributes"] = .object(attributes)
        return .object(fields)
    }

    /// The customer object as conditions see it: the wire fields plus `audiences` when looked up.
    var ruleDocument: JSONValue {
        guard let audiences, case .object(var fields) = document else { return document }
        fields["audiences"] = .array(audiences.map(JSONValue.string))
        return .object(fields)
    }
}
