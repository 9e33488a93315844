import Rules

extension Cart {
    /// One line of a cart: a quantity of one article at one unit price.
    public struct Line: Sendable, Hashable {
        /// Client-chosen line id, unique within the cart; results are keyed and ordered by it
        /// internally, so the order of lines in the request never changes the outcome.
        public let id: String
        /// Article number.
        public let sku: String
        /// Number of units, 1...`CartLimits.maxQuantity`.
        public let quantity: Int
        /// Price of one unit before promotions.
        public let unitPrice: Money
        /// Product category, e.g. `"shoes"`.
        public let category: String?
        /// Brand, e.g. `"acme"`.
        public let brand: String?
        /// Free-form data conditions can test (`attributes.color`).
        public let attributes: [String: JSONValue]

        /// Creates a line (validated when the enclosing ``Cart`` is created).
        public init(id: String, sku: String, quantity: Int, unitPrice: Money, category: String? = nil,
                    brand: String? = nil, attributes: [String: JSONValue] = [:]) {
            self.id = id
            self.sku = sku
            self.quantity = quantity
            self.unitPrice = unitPrice
            self.category = category
            self.brand = brand
            self.attributes = attributes
        }

        /// `unitPrice × quantity` in minor units.
        public var subtotalMinorUnits: Int64 { unitPrice.minorUnits &* Int64(quantity) }
    }

    /// The shopper: conditions test `customer.tier`, `customer.loyaltyCard`, `customer.attributes.city`, ….
    public struct Customer: Sendable, Hashable {
        /// Customer id (JSON string or integer in the request; kept as text).
        public let id: String?
        /// Loyalty tier, e.g. `"gold"`.
        public let tier: String?
        /// Whether a loyalty card was presented.
        public let loyaltyCard: Bool?
        /// Free-form data.
        public let attributes: [String: JSONValue]
        /// Ids of the saved audiences the customer belongs to, as conditions see them
        /// (`{"customer.audiences": "horror-fans"}`). Never taken from a request: the server fills
        /// it from its audience bitmaps (``Cart/withCustomerAudiences(_:)``); `nil` = not looked up.
        public let audiences: [String]?

        /// Creates a customer.
        public init(id: String? = nil, tier: String? = nil, loyaltyCard: Bool? = nil, attributes: [String: JSONValue] = [:],
                    audiences: [String]? = nil) {
            self.id = id
            self.tier = tier
            self.loyaltyCard = loyaltyCard
            self.attributes = attributes
            self.audiences = audiences
        }
    }
}
