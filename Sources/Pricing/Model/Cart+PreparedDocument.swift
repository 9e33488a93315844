import Rules

extension Cart {
    /// The trigger document (``ruleDocument(at:lineDocuments:fields:)`` with the line documents of
    /// `lines`), prepared directly from the typed cart — no intermediate `JSONValue`.
    ///
    /// - Parameters:
    ///   - lineOrder: request indices of the lines in line-id order (element *i* of the `lines`
    ///     array is `self.lines[lineOrder[i]]`); `nil` = no condition reads `lines`, leave it out.
    ///   - cartFields: top-level fields to build (`nil` = all).
    ///   - mask: line fields to build.
    func preparedDocument(at instant: RuleDateTime, lineOrder: [Int]?, cartFields: Set<String>?,
                          mask: LineFieldMask) -> PreparedDocument {
        func wants(_ name: String) -> Bool { cartFields?.contains(name) ?? true }
        let exponent = currency.exponent
        let currencyField = wants("currency"), atField = wants("at"), couponsField = wants("coupons")
        let amountFields = wants("subtotal") || wants("total"), quantityField = wants("quantity")
        let lineCountField = wants("lineCount")
        let channelField = channel != nil && wants("channel"), storeField = store != nil && wants("store")
        let customerField = customer != nil && wants("customer")
        let count = (lineOrder != nil ? 1 : 0) + (currencyField ? 1 : 0) + (atField ? 1 : 0) + (couponsField ? 1 : 0) + (amountFields ? 2 : 0)
            + (quantityField ? 1 : 0) + (lineCountField ? 1 : 0) + (channelField ? 1 : 0) + (storeField ? 1 : 0)
            + (customerField ? 1 : 0)
        var builder = PreparedDocument.Builder()
        builder.beginObject(count: count)
        // Lines are read in place (iterating `lines` would copy every line struct).
        var subtotal: Int64 = 0, units = 0
        lines.withUnsafeBufferPointer { lines in
            for index in lines.indices {
                subtotal += lines[index].subtotalMinorUnits
                units += lines[index].quantity
            }
            if let lineOrder {
                builder.key("lines")
                builder.beginArray(count: lineOrder.count)
                for index in lineOrder { lines[index].addDocument(to: &builder, exponent: exponent, mask: mask) }
                builder.end()
            }
        }
        if currencyField { builder.key("currency"); builder.string(currency.code) }
        if atField { builder.key("at"); builder.string(instant.description) }
        if couponsField {
            builder.key("coupons")
            builder.beginArray(count: coupons.count)
            for code in coupons { builder.string(Coupon.normalize(code)) }
            builder.end()
        }
        if amountFields {
            let value = JSONNumber(units: subtotal, scale: exponent)
            builder.key("subtotal"); builder.number(value)
            builder.key("total"); builder.number(value)
        }
        if quantityField { builder.key("quantity"); builder.number(JSONNumber(Int64(units))) }
        if lineCountField { builder.key("lineCount"); builder.number(JSONNumber(self.lines.count)) }
        if channelField, let channel { builder.key("channel"); builder.string(channel) }
        if storeField, let store { builder.key("store"); builder.string(store) }
        if customerField, let customer {
            builder.key("customer")
            builder.beginObject(count: 1 + (customer.id != nil ? 1 : 0) + (customer.tier != nil ? 1 : 0) + (customer.loyaltyCard != nil ? 1 : 0)
                + (customer.audiences != nil ? 1 : 0))
            if let id = customer.id { builder.key("id"); builder.string(id) }
            if let tier = customer.tier { builder.key("tier"); builder.string(tier) }
            if let card = customer.loyaltyCard { builder.key("loyaltyCard"); builder.bool(card) }
            builder.key("attributes"); builder.value(.object(customer.attributes))
            if let audiences = customer.audiences {
                builder.key("audiences")
                builder.beginArray(count: audiences.count)
                for audience in audiences { builder.string(audience) }
                builder.end()
            }
            builder.end()
        }
        builder.end()
        return builder.finish()
    }
}

extension Cart.Line {
    /// Writes the line document (as ``ruleDocument(currency:mask:)``) into a prepared document.
    func addDocument(to builder: inout PreparedDocument.Builder, exponent: Int, mask: LineFieldMask) {
        let category = mask.category ? self.category : nil
        let brand = mask.brand ? self.brand : nil
        let count = (mask.id ? 1 : 0) + (mask.sku ? 1 : 0) + (mask.quantity ? 1 : 0) + (mask.unitPrice ? 1 : 0)
            + (mask.subtotal ? 1 : 0) + (mask.attributes ? 1 : 0) + (category != nil ? 1 : 0) + (brand != nil ? 1 : 0)
        builder.beginObject(count: count)
        if mask.id { builder.key("id"); builder.string(id) }
        if mask.sku { builder.key("sku"); builder.string(sku) }
        if mask.quantity { builder.key("quantity"); builder.number(JSONNumber(quantity)) }
        if mask.unitPrice { builder.key("unitPrice"); builder.number(JSONNumber(units: unitPrice.minorUnits, scale: exponent)) }
        if mask.subtotal { builder.key("subtotal"); builder.number(JSONNumber(units: subtotalMinorUnits, scale: exponent)) }
        if mask.attributes { builder.key("attributes"); builder.value(.object(attributes)) }
        if let category { builder.key("category"); builder.string(category) }
        if let brand { builder.key("brand"); builder.string(brand) }
        builder.end()
    }
}
