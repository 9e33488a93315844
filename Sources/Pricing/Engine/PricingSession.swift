import Rules

/// The mutable working state of one `price` call (never shared, never escapes the call).
struct PricingSession {
    let cart: Cart
    let snapshot: PromotionSnapshot
    let instant: RuleDateTime
    let options: PricingOptions

    /// Lines sorted by id: the canonical order every tie-break uses.
    let lines: [Cart.Line]
    /// Canonical index → index in the request.
    let requestIndex: [Int]
    /// Quantity per canonical line.
    let quantity: [Int64]
    /// Current net value per canonical line (subtotal minus discounts applied so far).
    var net: [Int64]
    /// Applied discount promotions per canonical line.
    var discountClaims: LineClaims
    /// Applied points promotions per canonical line.
    var pointsClaims: LineClaims
    /// Every canonical line index (the lines of a promotion without target).
    let allLines: [Int]
    /// (promotion, amount) per canonical line, in application order.
    var adjustments: [[(promotion: Int, amount: Int64)]]

    /// The cart's rule document, flattened once for fast evaluation of every trigger (at its
    /// root) and target (at each line node); built on first use.
    var prepared: PreparedDocument?
    /// Node of each canonical line inside ``prepared``'s `lines` array.
    var lineNodes: [PreparedDocument.NodeID] = []
    /// Trigger results per distinct trigger (nil = not evaluated yet).
    var triggerResults: [Bool?]
    /// Matching canonical lines per distinct target (nil = not computed yet).
    var targetLines: [[Int]?]
    /// Index candidates of every prefiltered target, grouped by target (CSR layout): target *t*'s
    /// candidates are `candidateSlots[candidateStarts[t] ..< candidateStarts[t + 1]]`, in line order.
    var candidateStarts: [Int32] = []
    var candidateSlots: [(line: Int32, exact: Bool)] = []

    /// Valid presented coupon per promotion (snapshot index → normalised code).
    var unlockingCoupon: [Int: String] = [:]

    init(cart: Cart, snapshot: PromotionSnapshot, instant: RuleDateTime, options: PricingOptions) {
        self.cart = cart
        self.snapshot = snapshot
        self.instant = instant
        self.options = options
        var order = Array(cart.lines.indices)
        let cartLines = cart.lines
        if !zip(cartLines, cartLines.dropFirst()).allSatisfy({ $0.id < $1.id }) {
            order.sort { cartLines[$0].id < cartLines[$1].id }
        }
        requestIndex = order
        lines = order.map { cartLines[$0] }
        quantity = lines.map { Int64($0.quantity) }
        net = lines.map(\.subtotalMinorUnits)
        let count = lines.count
        discountClaims = LineClaims(lines: count)
        pointsClaims = LineClaims(lines: count)
        adjustments = Array(repeating: [], count: count)
        allLines = Array(0..<count)
        triggerResults = Array(repeating: nil, count: snapshot.triggers.count)
        targetLines = Array(repeating: nil, count: snapshot.targets.count)
    }

    mutating func run() -> PriceResult {
        let couponStates = checkCoupons()
        var reasons = [NotAppliedReason?](repeating: nil, count: snapshot.promotions.count)
        var details = [Explanation.Failure?](repeating: nil, count: snapshot.promotions.count)
        var candidates: [(promotion: Int, lines: [Int])] = []
        for index in snapshot.promotions.indices {
            switch eligibility(of: index) {
            case .success(let lines):
                candidates.append((index, lines))
            case .failure(let failure):
                reasons[index] = failure.reason
                details[index] = failure.detail
            }
        }
        let applied = stack(candidates, reasons: &reasons)
        return result(applied: applied, reasons: reasons, details: details, couponStates: couponStates)
    }

    // MARK: - Documents

    /// The prepared cart document (lines in canonical order, so line node *i* is canonical line *i*).
    mutating func preparedDocument() -> PreparedDocument {
        if let prepared { return prepared }
        let currency = cart.currency
        let usage = snapshot.fieldUsage
        let lineFields = usage.everything ? nil : usage.lineFields
        let cartFields = usage.everything ? nil : usage.cartFields
        let mask = LineFieldMask(lineFields)
        let document = PreparedDocument(cart.ruleDocument(
            at: instant, lineDocuments: lines.map { $0.ruleDocument(currency: currency, mask: mask) }, fields: cartFields))
        if let linesNode = document.member("lines", of: document.root) {
            lineNodes = Array(document.elements(of: linesNode))
        }
        prepared = document
        return document
    }
}
