import Rules

/// The mutable working state of one `price` call (never shared, never escapes the call).
struct PricingSession {
    let cart: Cart
    let snapshot: PromotionSnapshot
    let instant: RuleDateTime
    let options: PricingOptions

    /// Canonical index (lines sorted by id: the order every tie-break uses) → index in the
    /// request. Lines are read in place through it, never copied.
    let requestIndex: [Int]
    /// Number of lines.
    let lineCount: Int
    /// The cart's computed fields as triggers see them (values before any discount).
    let cartFacts: CartPredicate.Facts
    /// Quantity per canonical line.
    let quantity: [Int64]
    /// Current net value per canonical line (subtotal minus discounts applied so far).
    var net: [Int64]
    /// Σ ``net``.
    var netTotal: Int64
    /// Applied discount promotions per canonical line.
    var discountClaims: LineClaims
    /// Applied points promotions per canonical line.
    var pointsClaims: LineClaims
    /// Every canonical line index (the lines of a promotion without target).
    let allLines: [Int]
    /// (applied record, amount taken) per canonical line, in application order: per-line singly
    /// linked lists in flat arrays (no per-line allocation while stacking).
    var adjustmentRecord: [Int32] = []
    var adjustmentAmount: [Int64] = []
    var adjustmentNext: [Int32] = []
    /// First and last node of each line's adjustment list (-1 = none).
    var adjustmentHead: [Int32]
    var adjustmentTail: [Int32]

    /// The cart's rule document, flattened once for fast evaluation of every trigger (at its
    /// root) and target (at each line node); built on first use.
    var prepared: PreparedDocument?
    /// Node of each canonical line inside ``prepared``'s `lines` array.
    var lineNodes: [PreparedDocument.NodeID] = []
    /// Results of shared trigger conjuncts: dense (0 = unknown, 1 = false, 2 = true) for small
    /// snapshots, sparse otherwise.
    var conjunctMemo: [UInt8]
    var sparseConjunctMemo: [Int32: Bool] = [:]
    /// Matching canonical lines per distinct target (computed on first use).
    var targetLines: [Int: [Int]] = [:]
    /// Index hits of the cart's lines: (table entry, canonical line), for entries that list targets.
    var lineHits: [(entry: Int32, line: Int32)] = []
    /// Candidate lines (with whether the index alone decides the match) per prefiltered target
    /// needed by a candidate promotion; built on first use.
    var targetCandidates: TargetCandidates?
    /// ``selectPromotions()`` ran.
    var selected = false
    /// Snapshot indices of the promotions evaluated, in canonical order: every promotion, or the
    /// index's candidates.
    var evaluated: [Int] = []
    /// `evaluated` is every promotion (slot = snapshot index).
    var evaluatesAll = true

    /// Valid presented coupon per promotion (snapshot index → normalised code).
    var unlockingCoupon: [Int: String] = [:]

    init(cart: Cart, snapshot: PromotionSnapshot, instant: RuleDateTime, options: PricingOptions) {
        self.cart = cart
        self.snapshot = snapshot
        self.instant = instant
        self.options = options
        let count = cart.lines.count
        var order = Array(0..<count)
        var quantity: [Int64] = [], net: [Int64] = []
        quantity.reserveCapacity(count)
        net.reserveCapacity(count)
        cart.lines.withUnsafeBufferPointer { lines in
            // By UTF-8 bytes, as conditions compare strings: Swift's `<` treats canonically
            // equivalent ids ("é" composed or not) as equal, which would leave their order to the request.
            let precedes = { (a: Int, b: Int) in lines[a].id.utf8.lexicographicallyPrecedes(lines[b].id.utf8) }
            if !(lines.indices.dropFirst()).allSatisfy({ precedes($0 - 1, $0) }) {
                order.sort(by: precedes)
            }
            for index in order {
                quantity.append(Int64(lines[index].quantity))
                net.append(lines[index].subtotalMinorUnits)
            }
        }
        requestIndex = order
        lineCount = count
        self.quantity = quantity
        self.net = net
        netTotal = net.reduce(0, +)
        cartFacts = CartPredicate.Facts(subtotal: JSONNumber(units: netTotal, scale: cart.currency.exponent),
                                        quantity: JSONNumber(quantity.reduce(0, +)), lineCount: JSONNumber(count))
        discountClaims = LineClaims(lines: count)
        pointsClaims = LineClaims(lines: count)
        adjustmentRecord.reserveCapacity(count * 2)
        adjustmentAmount.reserveCapacity(count * 2)
        adjustmentNext.reserveCapacity(count * 2)
        adjustmentHead = Array(repeating: -1, count: count)
        adjustmentTail = Array(repeating: -1, count: count)
        allLines = Array(0..<count)
        conjunctMemo = snapshot.conjuncts.count <= PricingSession.denseMemoLimit ? Array(repeating: 0, count: snapshot.conjuncts.count) : []
    }

    /// Conjunct memo is a dense array up to this many shared conjuncts.
    static let denseMemoLimit = 4_096

    mutating func run() -> PriceResult {
        let couponStates = checkCoupons()
        selectPromotions()
        snapshot.candidateWindow.record(evaluated.count)
        targetLines.reserveCapacity(evaluated.count)
        var reasons = [NotAppliedReason?](repeating: nil, count: evaluated.count)
        var details = [Explanation.Failure?](repeating: nil, count: cart.explain ? evaluated.count : 0)
        var candidates: [Candidate] = []
        candidates.reserveCapacity(evaluated.count)
        for (slot, index) in evaluated.enumerated() {
            switch eligibility(of: index) {
            case .success(let lines):
                candidates.append(Candidate(promotion: index, slot: slot, lines: lines))
            case .failure(let failure):
                reasons[slot] = failure.reason
                if cart.explain { details[slot] = failure.detail }
            }
        }
        let applied = stack(candidates, reasons: &reasons)
        return result(applied: applied, reasons: reasons, details: details, couponStates: couponStates)
    }

    /// The slot of a promotion in ``evaluated`` (nil when it was not evaluated).
    func slot(of promotion: Int) -> Int? {
        if evaluatesAll { return promotion }
        var low = 0, high = evaluated.count
        while low < high {
            let middle = (low + high) / 2
            if evaluated[middle] < promotion { low = middle + 1 } else { high = middle }
        }
        return low < evaluated.count && evaluated[low] == promotion ? low : nil
    }

    // MARK: - Documents

    /// The prepared cart document (lines in canonical order, so line node *i* is canonical line *i*),
    /// built straight from the cart with only the fields conditions read (no `lines` at all when
    /// nothing reads them).
    mutating func preparedDocument() -> PreparedDocument {
        if let prepared { return prepared }
        let usage = snapshot.fieldUsage
        let mask = LineFieldMask(usage.everything ? nil : usage.lineFields)
        let document = cart.preparedDocument(at: instant, lineOrder: usage.needsLines ? requestIndex : nil,
                                             cartFields: usage.everything ? nil : usage.cartFields, mask: mask)
        if let linesNode = document.member("lines", of: document.root) {
            lineNodes = Array(document.elements(of: linesNode))
        }
        prepared = document
        return document
    }
}

/// A promotion that passed the pre-checks: snapshot index, slot in the evaluated list, target lines.
struct Candidate {
    var promotion: Int
    var slot: Int
    var lines: [Int]
}
