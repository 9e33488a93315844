import Rules

/// The request of `POST /v1/carts/price`: what the shopper is buying, where and when.
///
/// A `Cart` is valid by construction: both initialisers run the same validation and report every
/// problem at once as ``RuleIssue``s with JSON-pointer paths (`/lines/3/unitPrice`). Decodes from
/// and encodes to the wire document (amounts as decimal strings).
public struct Cart: Sendable, Hashable {
    /// The currency of every amount in the cart.
    public let currency: Currency
    /// Sales channel, e.g. `"web"`, `"pos"`, `"app"`.
    public let channel: String?
    /// Store identifier, e.g. `"berlin-01"`.
    public let store: String?
    /// The instant to price at; `nil` means "now" (the engine's `now` argument).
    public let at: RuleDateTime?
    /// The shopper, if known.
    public private(set) var customer: Customer?
    /// The cart lines, in request order; ids are unique.
    public let lines: [Line]
    /// Coupon codes as presented (original spelling, request order, duplicates kept).
    public let coupons: [String]
    /// Whether the response should list the promotions that did not apply, and why.
    public let explain: Bool

    /// Creates a cart, validating it against `limits`.
    public init(
        currency: Currency, channel: String? = nil, store: String? = nil, at: RuleDateTime? = nil,
        customer: Customer? = nil, lines: [Line], coupons: [String] = [], explain: Bool = false,
        limits: CartLimits = .default
    ) throws(RuleErrors) {
        self.currency = currency
        self.channel = channel
        self.store = store
        self.at = at
        self.customer = customer
        self.lines = lines
        self.coupons = coupons
        self.explain = explain
        let issues = validate(limits: limits)
        if !issues.isEmpty { throw RuleErrors(issues: issues) }
    }

    /// This cart with the customer's audience memberships set (sorted, so the result does not
    /// depend on the order the caller found them in). A cart without a customer is returned as is.
    public func withCustomerAudiences(_ audiences: [String]) -> Cart {
        guard let customer else { return self }
        var copy = self
        copy.customer = Customer(id: customer.id, tier: customer.tier, loyaltyCard: customer.loyaltyCard,
                                 attributes: customer.attributes, audiences: audiences.sorted())
        return copy
    }

    /// Σ line subtotals in minor units (bounded by validation to `Money.maxMinorUnits`).
    public var subtotal: Money {
        Money(minorUnits: lines.reduce(0) { $0 + $1.subtotalMinorUnits }, currency: currency)
    }

    /// Semantic checks shared by both initialisers: positive quantities, unique line ids,
    /// non-negative prices in the cart's currency, size limits.
    func validate(limits: CartLimits) -> [RuleIssue] {
        var reader = DocumentReader()
        if lines.count > limits.maxLines {
            reader.report("too_many", "at most \(limits.maxLines) lines", at: "/lines")
        }
        if coupons.count > limits.maxCoupons {
            reader.report("too_many", "at most \(limits.maxCoupons) coupons", at: "/coupons")
        }
        var ids: Set<String> = []
        var total: Int64 = 0
        for (index, line) in lines.enumerated() {
            let path = JSONPointer.append("/lines", index)
            if line.id.isEmpty { reader.report("empty", "must not be empty", at: path + "/id") }
            // A Set<String> treats canonically equivalent ids as one; they are distinct ids (conditions
            // compare bytes), so only byte-identical ids are duplicates.
            if !ids.insert(line.id).inserted, lines[..<index].contains(where: { $0.id.utf8.elementsEqual(line.id.utf8) }) {
                reader.report("duplicate_line_id", "line id \"\(line.id)\" is used twice", at: path + "/id")
            }
            if line.quantity < 1 || line.quantity > limits.maxQuantity {
                reader.report("out_of_range", "quantity must be between 1 and \(limits.maxQuantity)", at: path + "/quantity")
            }
            if line.unitPrice.currency != currency {
                reader.report("currency_mismatch", "unit price must be in \(currency.code)", at: path + "/unitPrice")
            }
            if line.unitPrice.minorUnits < 0 {
                reader.report("negative_amount", "must not be negative", at: path + "/unitPrice")
            }
            let (subtotal, overflow) = line.unitPrice.minorUnits.multipliedReportingOverflow(by: Int64(max(0, line.quantity)))
            if overflow || subtotal > Money.maxMinorUnits {
                reader.report("too_large", "line subtotal is too large", at: path)
            } else {
                total = ExactArithmetic.add(total, max(0, subtotal))
            }
        }
        if total > Money.maxMinorUnits {
            reader.report("too_large", "cart subtotal is too large", at: "/lines")
        }
        return reader.issues
    }
}
