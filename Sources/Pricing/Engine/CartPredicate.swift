import Rules

/// A trigger conjunct compiled to read the ``Cart``'s typed fields directly, so the common cart
/// conditions (`{"total": {"$gte": 50}}`, `{"customer.tier": "gold"}`, `{"channel": "app"}`,
/// `{"customer.loyaltyCard": true}`) are decided without building the cart's rule document.
///
/// The subset and its semantics are ``LinePredicate``'s (string and number literals with
/// `$eq`/`$in`/`$gt`/`$gte`/`$lt`/`$lte`/`$between`, `$and`/`$or`; a missing field matches
/// nothing; values of different types never match), on `currency`, `channel`, `store`,
/// `customer.id`, `customer.tier`, `total`/`subtotal` (before discounts), `quantity`,
/// `lineCount`, plus `customer.loyaltyCard` equal to a boolean. Anything else is evaluated by
/// the rules engine on the document. A test checks that both evaluators agree.
indirect enum CartPredicate: Sendable {
    case constant(Bool)
    case and([CartPredicate])
    case or([CartPredicate])
    case text(TextField, LinePredicate.TextTest)
    case number(NumberField, LinePredicate.NumberTest)
    case loyaltyCard(Bool)

    enum TextField: Sendable { case currency, channel, store, customerID, customerTier }
    enum NumberField: Sendable { case subtotal, quantity, lineCount }

    /// Compiles a normalised trigger (conjunct), or `nil` when it uses anything outside the subset.
    static func compile(_ node: RuleNode) -> CartPredicate? {
        switch node {
        case .constant(let value):
            return .constant(value)
        case .and(let children):
            let compiled = children.compactMap(compile)
            return compiled.count == children.count ? .and(compiled) : nil
        case .or(let children):
            let compiled = children.compactMap(compile)
            return compiled.count == children.count ? .or(compiled) : nil
        case .nor, .not:
            return nil
        case .field(let predicate):
            let test = predicate.test
            switch predicate.path.segments {
            case ["currency"]: return LinePredicate.textTest(test).map { .text(.currency, $0) }
            case ["channel"]: return LinePredicate.textTest(test).map { .text(.channel, $0) }
            case ["store"]: return LinePredicate.textTest(test).map { .text(.store, $0) }
            case ["customer", "id"]: return LinePredicate.textTest(test).map { .text(.customerID, $0) }
            case ["customer", "tier"]: return LinePredicate.textTest(test).map { .text(.customerTier, $0) }
            case ["total"], ["subtotal"]: return LinePredicate.numberTest(test).map { .number(.subtotal, $0) }
            case ["quantity"]: return LinePredicate.numberTest(test).map { .number(.quantity, $0) }
            case ["lineCount"]: return LinePredicate.numberTest(test).map { .number(.lineCount, $0) }
            case ["customer", "loyaltyCard"]:
                if case .eq(.value(.bool(let flag))) = test { return .loyaltyCard(flag) }
                return nil
            default: return nil
            }
        }
    }

    /// The cart's computed fields, as the document has them.
    struct Facts {
        /// Σ line subtotals (the document's `subtotal` and `total`).
        var subtotal: JSONNumber
        /// Σ quantities.
        var quantity: JSONNumber
        var lineCount: JSONNumber
    }

    func matches(_ cart: Cart, _ facts: Facts) -> Bool {
        switch self {
        case .constant(let value):
            return value
        case .and(let children):
            for child in children where !child.matches(cart, facts) { return false }
            return true
        case .or(let children):
            for child in children where child.matches(cart, facts) { return true }
            return false
        case .text(let field, let test):
            let value: String? = switch field {
            case .currency: cart.currency.code
            case .channel: cart.channel
            case .store: cart.store
            case .customerID: cart.customer?.id
            case .customerTier: cart.customer?.tier
            }
            return test.matches(value)
        case .number(let field, let test):
            let value: JSONNumber = switch field {
            case .subtotal: facts.subtotal
            case .quantity: facts.quantity
            case .lineCount: facts.lineCount
            }
            return test.matches(value)
        case .loyaltyCard(let flag):
            return cart.customer?.loyaltyCard == flag
        }
    }
}
