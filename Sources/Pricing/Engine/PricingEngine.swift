import Rules

/// Prices carts against a ``PromotionSnapshot``.
///
/// `price` is a pure function of (cart, snapshot, instant, options): no I/O, no locks, no
/// counters, no clock reads, no dependence on dictionary iteration order — the same input
/// gives the same ``PriceResult`` (and so byte-identical JSON with sorted keys).
public enum PricingEngine {
    /// Prices `cart` at `cart.at`, or at `now` when the cart has no `at`.
    ///
    /// The cart is valid by construction (see ``Cart``), so pricing cannot fail.
    public static func price(cart: Cart, snapshot: PromotionSnapshot, now: RuleDateTime,
                             options: PricingOptions = .default) -> PriceResult {
        var session = PricingSession(cart: cart, snapshot: snapshot, instant: cart.at ?? now, options: options)
        return session.run()
    }
}
