import Rules

extension Cart.Line {
    /// The document a promotion's `target` condition is evaluated against:
    /// `{id, sku, quantity, unitPrice, subtotal, category?, brand?, attributes}` with exact numbers.
    ///
    /// - Parameter fields: build only these members (`nil` = all); the engine passes the fields
    ///   its conditions can read.
    public func ruleDocument(currency: Currency, fields: Set<String>? = nil) -> JSONValue {
        ruleDocument(currency: currency, mask: LineFieldMask(fields))
    }

    func ruleDocument(currency: Currency, mask: LineFieldMask) -> JSONValue {
        var members: [String: JSONValue] = [:]
        members.reserveCapacity(mask.count)
        if mask.id { members["id"] = .string(id) }
        if mask.sku { members["sku"] = .string(sku) }
        if mask.quantity { members["quantity"] = .int(quantity) }
        if mask.unitPrice { members["unitPrice"] = .number(JSONNumber(units: unitPrice.minorUnits, scale: currency.exponent)) }
        if mask.subtotal { members["subtotal"] = .number(JSONNumber(units: subtotalMinorUnits, scale: currency.exponent)) }
        if mask.attributes { members["attributes"] = .object(attributes) }
        if let category, mask.category { members["category"] = .string(category) }
        if let brand, mask.brand { members["brand"] = .string(brand) }
        return .object(members)
    }
}

/// Which members of a line document to build (resolved once per price call, not per line).
struct LineFieldMask {
    var id, sku, quantity, unitPrice, subtotal, attributes, category, brand: Bool

    init(_ fields: Set<String>?) {
        func wants(_ name: String) -> Bool { fields?.contains(name) ?? true }
        id = wants("id")
        sku = wants("sku")
        quantity = wants("quantity")
        unitPrice = wants("unitPrice")
        subtotal = wants("subtotal")
        attributes = wants("attributes")
        category = wants("category")
        brand = wants("brand")
    }

    var count: Int { [id, sku, quantity, unitPrice, subtotal, attributes, category, brand].filter { $0 }.count }
}

extension Cart {
    /// The document a promotion's `trigger` condition is evaluated against: the request fields
    /// (`currency`, `channel`, `store`, `at`, `customer`, `lines`, `coupons` normalised) plus
    /// computed `subtotal` and `total` (both the value before any discount), `quantity` (units)
    /// and `lineCount`. `lineDocuments` are the lines in line-id order, so the document never
    /// depends on request order.
    ///
    /// - Parameter fields: build only these members (`nil` = all); `lines` is always included.
    public func ruleDocument(at instant: RuleDateTime, lineDocuments: [JSONValue], fields: Set<String>? = nil) -> JSONValue {
        func wants(_ name: String) -> Bool { fields?.contains(name) ?? true }
        var members: [String: JSONValue] = ["lines": .array(lineDocuments)]
        if wants("currency") { members["currency"] = .string(currency.code) }
        if wants("at") { members["at"] = .string(instant.description) }
        if wants("coupons") { members["coupons"] = .array(coupons.map { .string(Coupon.normalize($0)) }) }
        if wants("subtotal") || wants("total") {
            let value = JSONValue.number(JSONNumber(units: subtotal.minorUnits, scale: currency.exponent))
            members["subtotal"] = value
            members["total"] = value
        }
        if wants("quantity") { members["quantity"] = .number(JSONNumber(Int64(lines.reduce(0) { $0 + $1.quantity }))) }
        if wants("lineCount") { members["lineCount"] = .int(lines.count) }
        if let channel, wants("channel") { members["channel"] = .string(channel) }
        if let store, wants("store") { members["store"] = .string(store) }
        if let customer, wants("customer") { members["customer"] = customer.ruleDocument }
        return .object(members)
    }
}
