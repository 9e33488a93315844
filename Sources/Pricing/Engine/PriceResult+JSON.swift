import Rules

extension PriceResult {
    /// The response document, built directly (the hot path: Foundation's `JSONEncoder` cost
    /// about a third of a price call's CPU). Same fields and values as the `Encodable` form; write
    /// it with `jsonText` (sorted keys, exact numbers).
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "currency": .string(currency.code),
            "subtotal": .string(subtotal.decimalString),
            "discount": .string(discount.decimalString),
            "total": .string(total.decimalString),
            "loyaltyPoints": .int(Int(loyaltyPoints)),
            "lines": .array(lines.map(\.json)),
            "applied": .array(applied.map(\.json)),
            "coupons": .array(coupons.map { .object(["code": .string($0.code), "status": .string($0.status.rawValue)]) }),
        ]
        if let notApplied { object["notApplied"] = .array(notApplied.map(\.json)) }
        return .object(object)
    }
}

extension PriceResult.Line {
    var json: JSONValue {
        .object([
            "id": .string(id),
            "quantity": .int(quantity),
            "unitPrice": .string(unitPrice.decimalString),
            "subtotal": .string(subtotal.decimalString),
            "discount": .string(discount.decimalString),
            "total": .string(total.decimalString),
            "adjustments": .array(adjustments.map { .object(["promotion": .string($0.promotion), "amount": .string($0.amount.decimalString)]) }),
        ])
    }
}

extension PriceResult.Applied {
    var json: JSONValue {
        var object: [String: JSONValue] = [
            "promotion": .string(promotion),
            "name": .string(name),
            "discount": .string(discount.decimalString),
            "applications": .int(applications),
        ]
        if let coupon { object["coupon"] = .string(coupon) }
        if let loyaltyPoints { object["loyaltyPoints"] = .int(Int(loyaltyPoints)) }
        if let capped { object["capped"] = .bool(capped) }
        return .object(object)
    }
}

extension PriceResult.NotApplied {
    var json: JSONValue {
        var object: [String: JSONValue] = ["promotion": .string(promotion), "reason": .string(reason.rawValue)]
        if let detail {
            var failure: [String: JSONValue] = [
                "path": .string(detail.path), "field": .string(detail.field),
                "operator": .string(detail.operator), "expected": detail.expected,
            ]
            if let found = detail.found { failure["found"] = found }
            object["detail"] = .object(failure)
        }
        return .object(object)
    }
}
