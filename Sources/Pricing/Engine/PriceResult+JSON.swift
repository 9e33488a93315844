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

extension PriceResult {
    /// Exactly the UTF-8 bytes of `json.jsonText`, written straight into one buffer: no
    /// intermediate dictionaries, no per-object key sorting, no `String` appends per character
    /// (building and serialising the `JSONValue` tree was the largest single cost of a price call
    /// over HTTP). Keys are written in the sorted order `jsonText` uses (UTF-8 byte order).
    public var jsonUTF8: [UInt8] {
        var writer = JSONBytesWriter()
        writer.bytes.reserveCapacity(256 + lines.count * 192 + applied.count * 128 + (notApplied?.count ?? 0) * 160)
        writer.raw("{\"applied\":[")
        writer.elements(applied) { $1.write(to: &$0) }
        writer.raw("],\"coupons\":[")
        writer.elements(coupons) { writer, coupon in
            writer.raw("{\"code\":")
            writer.string(coupon.code)
            writer.raw(",\"status\":")
            writer.string(coupon.status.rawValue)
            writer.raw("}")
        }
        writer.raw("],\"currency\":")
        writer.string(currency.code)
        writer.raw(",\"discount\":")
        writer.money(discount)
        writer.raw(",\"lines\":[")
        writer.elements(lines) { $1.write(to: &$0) }
        writer.raw("],\"loyaltyPoints\":")
        writer.integer(loyaltyPoints)
        if let notApplied {
            writer.raw(",\"notApplied\":[")
            writer.elements(notApplied) { $1.write(to: &$0) }
            writer.raw("]")
        }
        writer.raw(",\"subtotal\":")
        writer.money(subtotal)
        writer.raw(",\"total\":")
        writer.money(total)
        writer.raw("}")
        return writer.bytes
    }
}

extension PriceResult.Line {
    func write(to writer: inout JSONBytesWriter) {
        writer.raw("{\"adjustments\":[")
        writer.elements(adjustments) { writer, adjustment in
            writer.raw("{\"amount\":")
            writer.money(adjustment.amount)
            writer.raw(",\"promotion\":")
            writer.string(adjustment.promotion)
            writer.raw("}")
        }
        writer.raw("],\"discount\":")
        writer.money(discount)
        writer.raw(",\"id\":")
        writer.string(id)
        writer.raw(",\"quantity\":")
        writer.integer(Int64(quantity))
        writer.raw(",\"subtotal\":")
        writer.money(subtotal)
        writer.raw(",\"total\":")
        writer.money(total)
        writer.raw(",\"unitPrice\":")
        writer.money(unitPrice)
        writer.raw("}")
    }
}

extension PriceResult.Applied {
    func write(to writer: inout JSONBytesWriter) {
        writer.raw("{\"applications\":")
        writer.integer(Int64(applications))
        if let capped {
            writer.raw(capped ? ",\"capped\":true" : ",\"capped\":false")
        }
        if let coupon {
            writer.raw(",\"coupon\":")
            writer.string(coupon)
        }
        writer.raw(",\"discount\":")
        writer.money(discount)
        if let loyaltyPoints {
            writer.raw(",\"loyaltyPoints\":")
            writer.integer(loyaltyPoints)
        }
        writer.raw(",\"name\":")
        writer.string(name)
        writer.raw(",\"promotion\":")
        writer.string(promotion)
        writer.raw("}")
    }
}

extension PriceResult.NotApplied {
    func write(to writer: inout JSONBytesWriter) {
        writer.raw("{")
        if let detail {
            writer.raw("\"detail\":{\"expected\":")
            writer.value(detail.expected)
            writer.raw(",\"field\":")
            writer.string(detail.field)
            if let found = detail.found {
                writer.raw(",\"found\":")
                writer.value(found)
            }
            writer.raw(",\"operator\":")
            writer.string(detail.operator)
            writer.raw(",\"path\":")
            writer.string(detail.path)
            writer.raw("},")
        }
        writer.raw("\"promotion\":")
        writer.string(promotion)
        writer.raw(",\"reason\":")
        writer.string(reason.rawValue)
        writer.raw("}")
    }
}

extension JSONBytesWriter {
    /// An amount as its JSON string: exactly `.string(money.decimalString)` (minus sign, at least
    /// one integer digit, the currency's fraction digits), without building the `String`.
    mutating func money(_ money: Money) {
        let scale = money.currency.exponent
        bytes.append(UInt8(ascii: "\""))
        if money.minorUnits < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = money.minorUnits.magnitude
        let start = bytes.count
        var written = 0
        repeat {
            if scale > 0 && written == scale { bytes.append(UInt8(ascii: ".")) }
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
            written += 1
        } while magnitude > 0 || written <= scale
        bytes[start...].reverse()
        bytes.append(UInt8(ascii: "\""))
    }
}
