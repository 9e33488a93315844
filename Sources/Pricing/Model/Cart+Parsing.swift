import Rules

extension Cart {
    static let topLevelFields: Set<String> = ["currency", "channel", "store", "at", "customer", "lines", "coupons", "explain"]
    static let lineFields: Set<String> = ["id", "sku", "quantity", "unitPrice", "category", "brand", "attributes"]
    static let customerFields: Set<String> = ["id", "tier", "loyaltyCard", "attributes"]

    /// Parses the request document, reporting every problem at once (type errors, unknown fields,
    /// amounts with too many fraction digits, non-positive quantities, duplicate line ids, …).
    ///
    /// Unknown fields are rejected so that a typo (`"coupon"`) is never silently ignored; custom
    /// data belongs under `attributes`.
    public init(parsing document: JSONValue, limits: CartLimits = .default) throws(RuleErrors) {
        var reader = DocumentReader()
        guard let members = reader.knownObject(document, at: "", allowed: Cart.topLevelFields) else {
            throw RuleErrors(issues: reader.issues)
        }
        let currency = reader.required(members, "currency", at: "").flatMap { reader.currency($0, at: "/currency") }
        let channel = reader.plainOptionalString(members, "channel", at: "")
        let store = reader.plainOptionalString(members, "store", at: "")
        let at = reader.timestamp(members, "at", at: "")
        let explain = reader.bool(members, "explain", at: "", default: false)
        var customer: Customer?
        if let value = members["customer"], value != .null {
            customer = Cart.parseCustomer(value, reader: &reader)
        }
        var lines: [Line] = []
        var linesComplete = true
        if let value = reader.required(members, "lines", at: "") {
            if case .array(let elements) = value {
                if elements.count > limits.maxLines {
                    reader.report("too_many", "at most \(limits.maxLines) lines", at: "/lines")
                    linesComplete = false
                } else {
                    lines.reserveCapacity(elements.count)
                    for (index, element) in elements.enumerated() {
                        if let line = Cart.parseLine(element, at: JSONPointer.append("/lines", index), currency: currency, limits: limits, reader: &reader) {
                            lines.append(line)
                        } else {
                            linesComplete = false
                        }
                    }
                }
            } else {
                reader.report("type_mismatch", "expected an array of lines, found \(value.typeName)", at: "/lines")
            }
        }
        var coupons: [String] = []
        if let value = members["coupons"], value != .null {
            if case .array(let elements) = value, elements.count > limits.maxCoupons {
                reader.report("too_many", "at most \(limits.maxCoupons) coupons", at: "/coupons")
            } else {
                coupons = reader.stringArrayKeepingDuplicates(value, at: "/coupons")
            }
        }
        guard let currency, reader.issues.isEmpty, linesComplete else {
            throw RuleErrors(issues: reader.issues)
        }
        try self.init(currency: currency, channel: channel, store: store, at: at, customer: customer,
                      lines: lines, coupons: coupons, explain: explain, limits: limits)
    }

    private static func parseLine(_ value: JSONValue, at path: String, currency: Currency?, limits: CartLimits,
                                  reader: inout DocumentReader) -> Line? {
        // Each check below takes a fast path for a valid value and builds the member's JSON
        // pointer only when it has a problem to report (the same problems as the plain readers).
        guard let members = reader.knownObject(value, at: path, allowed: lineFields) else { return nil }
        let id = reader.required(members, "id", at: path).flatMap { reader.idText($0, at: path + "/id") }
        let sku = reader.required(members, "sku", at: path).flatMap { reader.idText($0, at: path + "/sku") }
        let quantity = reader.required(members, "quantity", at: path).flatMap { value -> Int? in
            if case .number(let number) = value, let integer = number.int64Value, integer >= 1, integer <= Int64(limits.maxQuantity) {
                return Int(integer)
            }
            return reader.integer(value, at: path + "/quantity", in: 1...limits.maxQuantity)
        }
        let price = reader.required(members, "unitPrice", at: path).flatMap { value -> Money? in
            if let currency, case .string(let text) = value, let money = try? Money(parsing: text, currency: currency), money.minorUnits >= 0 {
                return money
            }
            return reader.amount(value, at: path + "/unitPrice", currency: currency)
        }
        let category = reader.plainOptionalString(members, "category", at: path)
        let brand = reader.plainOptionalString(members, "brand", at: path)
        let attributes = reader.attributes(members, at: path)
        guard let id, let sku, let quantity, let price else { return nil }
        let (subtotal, overflow) = price.minorUnits.multipliedReportingOverflow(by: Int64(quantity))
        if overflow || subtotal > Money.maxMinorUnits {
            reader.report("too_large", "line subtotal is too large", at: path)
            return nil
        }
        return Line(id: id, sku: sku, quantity: quantity, unitPrice: price, category: category, brand: brand, attributes: attributes)
    }

    private static func parseCustomer(_ value: JSONValue, reader: inout DocumentReader) -> Customer? {
        guard let members = reader.knownObject(value, at: "/customer", allowed: customerFields) else { return nil }
        var id: String?
        if let value = members["id"], value != .null { id = reader.idText(value, at: "/customer/id") }
        let tier = reader.plainOptionalString(members, "tier", at: "/customer")
        var loyaltyCard: Bool?
        if let value = members["loyaltyCard"], value != .null {
            loyaltyCard = reader.bool(members, "loyaltyCard", at: "/customer", default: false)
        }
        return Customer(id: id, tier: tier, loyaltyCard: loyaltyCard, attributes: reader.attributes(members, at: "/customer"))
    }
}

extension DocumentReader {
    /// ``object(_:at:allowed:)`` without sorting the keys when every member is allowed (the
    /// usual case); otherwise exactly that call, with its issues.
    mutating func knownObject(_ value: JSONValue, at path: String, allowed: Set<String>) -> [String: JSONValue]? {
        if case .object(let members) = value, members.keys.allSatisfy({ allowed.contains($0) }) { return members }
        return object(value, at: path, allowed: allowed)
    }

    /// A string that ``string(_:at:nonEmpty:maxLength:)`` accepts without an issue (non-empty,
    /// at most `maxLength` UTF-8 bytes), or nil when that call has something to report.
    static func plainString(_ value: JSONValue, maxLength: Int) -> String? {
        guard case .string(let text) = value, !text.isEmpty, text.utf8.count <= maxLength else { return nil }
        return text
    }

    /// An id (line, SKU, customer) sent as text or as a JSON integer, which POS systems send; an
    /// integer is kept as its decimal text. Integers beyond 64 bits are refused: the parser has
    /// rounded them, and a rounded id could be another line's or customer's.
    mutating func idText(_ value: JSONValue, at path: String) -> String? {
        if case .number(let number) = value {
            if let integer = number.int64Value { return String(integer) }
            if number.isInteger {
                report("type_mismatch", "an integer id must fit in 64 bits; send longer ids as strings", at: path)
                return nil
            }
        }
        if let text = DocumentReader.plainString(value, maxLength: 256) { return text }
        return string(value, at: path, maxLength: 256)
    }

    /// ``optionalString(_:_:at:maxLength:)`` that builds the member's JSON pointer only when
    /// there is an issue to report.
    mutating func plainOptionalString(_ members: [String: JSONValue], _ key: String, at path: String) -> String? {
        guard let value = members[key], value != .null else { return nil }
        if let text = DocumentReader.plainString(value, maxLength: 1_024) { return text }
        return optionalString(members, key, at: path)
    }

    /// The free-form `attributes` object of a line or customer (absent → empty).
    mutating func attributes(_ members: [String: JSONValue], at path: String) -> [String: JSONValue] {
        guard let value = members["attributes"], value != .null else { return [:] }
        return object(value, at: path + "/attributes") ?? [:]
    }

    /// An array of strings, duplicates kept (coupon codes are echoed one status per entry).
    mutating func stringArrayKeepingDuplicates(_ value: JSONValue, at path: String) -> [String] {
        guard case .array(let elements) = value else {
            report("type_mismatch", "expected an array of strings, found \(value.typeName)", at: path)
            return []
        }
        return elements.enumerated().compactMap { index, element in
            string(element, at: JSONPointer.append(path, index), maxLength: 256)
        }
    }
}
