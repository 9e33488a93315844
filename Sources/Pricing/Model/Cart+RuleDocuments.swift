import Rules

extension Cart.Line {
    /// The document a promotion's `target` condition is evaluated against:
    /// `{id, sku, quantity, unitPrice, subtotal, category?, brand?, attributes}` with exact numbers.
    public func ruleDocument(currency: Currency) -> JSONValue {
        var fields: [String: JSONValue] = [
            "id": .string(id),
            "sku": .string(sku),
            "quantity": .int(quantity),
            "unitPrice": .number(JSONNumber(units: unitPrice.minorUnits, scale: currency.exponent)),
            "subtotal": .number(JSONNumber(units: subtotalMinorUnits, scale: currency.exponent)),
            "attributes": .object(attributes),
        ]
        if let category { fields["category"] = .string(category) }
        if let brand { fields["brand"] = .string(brand) }
        return .object(fields)
    }
}

extension Cart {
    /// The document a promotion's `trigger` condition is evaluated against: the request fields
    /// (`currency`, `channel`, `store`, `at`, `customer`, `lines`, `coupons` normalised) plus
    /// computed `subtotal` and `total` (both the value before any discount), `quantity` (units)
    /// and `lineCount`. Lines are in line-id order so the document never depends on request order.
    public func ruleDocument(at instant: RuleDateTime, lineDocuments: [JSONValue]) -> JSONValue {
        let value = JSONValue.number(JSONNumber(units: subtotal.minorUnits, scale: currency.exponent))
        var fields: [String: JSONValue] = [
            "currency": .string(currency.code),
            "at": .string(instant.description),
            "lines": .array(lineDocuments),
            "coupons": .array(coupons.map { .string(Coupon.normalize($0)) }),
            "subtotal": value,
            "total": value,
            "quantity": .number(JSONNumber(Int64(lines.reduce(0) { $0 + $1.quantity }))),
            "lineCount": .int(lines.count),
        ]
        if let channel { fields["channel"] = .string(channel) }
        if let store { fields["store"] = .string(store) }
        if let customer { fields["customer"] = customer.document }
        return .object(fields)
    }
}
