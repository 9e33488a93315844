import Accounts
import Foundation
import Pricing
import Rules
import Storage

/// The demo tenant a newcomer plays with: a few promotions and coupons, so pricing shows
/// something at once.
enum DemoData {
    static let tenant = "demo"

    static let promotions: [String] = [
        #"{"id": "shoes-10", "name": "10% off shoes for gold and silver members", "priority": 10, "combinesWith": ["*"], "trigger": {"customer.tier": {"$in": ["gold", "silver"]}}, "target": {"category": "shoes"}, "action": {"type": "percentOff", "percent": "10"}}"#,
        #"{"id": "socks-3-for-2", "name": "Socks: 3 for 2", "priority": 5, "combinesWith": ["*"], "target": {"category": "socks"}, "action": {"type": "buyXGetY", "buy": 2, "get": 1, "cheapest": true}}"#,
        #"{"id": "bf-coupon", "name": "Black Friday: 10 EUR off 50 EUR", "coupon": true, "combinesWith": ["*"], "currency": "EUR", "trigger": {"subtotal": {"$gte": {"value": "50.00", "type": "DECIMAL"}}}, "action": {"type": "amountOff", "amount": "10.00", "per": "cart"}}"#,
        #"{"id": "points", "name": "Double points on web orders", "channels": ["web"], "action": {"type": "loyaltyPoints", "multiplier": "2"}}"#,
        #"{"id": "horror-snacks", "name": "Horror fans: 20% off snacks", "combinesWith": ["*"], "trigger": {"customer.audiences": "horror-fans"}, "target": {"category": "snacks"}, "action": {"type": "percentOff", "percent": "20"}}"#,
    ]

    /// Creates the demo tenant and data if missing and returns a fresh admin key for it.
    static func seed(store: Store) async throws -> String {
        let existing = try await store.accounts.tenant(named: tenant)
        let tenant = if let existing { existing } else { try await store.accounts.createTenant(name: tenant) }
        if existing == nil {
            for text in promotions {
                _ = try await store.promotions.create(tenant: tenant.id, promotion: try Promotion(parsing: try JSONValue(parsing: Data(text.utf8))))
            }
            try await store.coupons.create(tenant: tenant.id, coupon: CouponDefinition(
                code: "BLACKFRIDAY", promotionID: "bf-coupon", kind: .limited, maxRedemptions: 100, perCustomer: 1))
        }
        return try await store.accounts.createKey(tenantID: tenant.id, role: .admin).secret
    }

    static func instructions(base: String, key: String) -> String {
        let cart = #"{"currency": "EUR", "channel": "web", "customer": {"id": "42", "tier": "gold"}, "coupons": ["blackfriday"], "explain": true, "lines": [{"id": "1", "sku": "run-1", "quantity": 1, "unitPrice": "89.90", "category": "shoes"}, {"id": "2", "sku": "sock-1", "quantity": 3, "unitPrice": "4.99", "category": "socks"}]}"#
        return """

        Marquee demo is running at \(base) (tenant "\(tenant)"). Try:

          export KEY=\(key)
          curl -s \(base)/readyz
          curl -s -H "Authorization: Bearer $KEY" \(base)/v1/promotions
          curl -s -H "Authorization: Bearer $KEY" \(base)/v1/carts/price -d '\(cart)'
          curl -s -H "Authorization: Bearer $KEY" -H "Idempotency-Key: order-1" \(base)/v1/redemptions -d '{"coupon": "blackfriday", "customer": "42", "order": "1"}'
          curl -s -H "Authorization: Bearer $KEY" \(base)/v1/rules/evaluate -d '{"condition": {"customer.tier": "gold"}, "document": {"customer": {"tier": "silver"}}, "explain": true}'
          curl -s \(base)/metrics | grep http_server_requests_total

        """
    }
}
