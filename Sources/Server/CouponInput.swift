import Foundation
import Pricing
import Rules
import Storage

/// The JSON of a coupon (request and response).
struct CouponView: Codable {
    var code: String
    var promotion: String
    var kind: Coupon.Kind
    var maxRedemptions: Int?
    var perCustomer: Int?
    var customer: String?
    var startsAt: String?
    var endsAt: String?
    var batch: String?
    /// Responses only: live uses (limited coupons).
    var redeemed: Int?

    /// What a request may send; `batch` and `redeemed` are read-only (ignored).
    static let inputFields: Set<String> = ["code", "promotion", "kind", "maxRedemptions", "perCustomer", "customer", "startsAt", "endsAt",
                                           "batch", "redeemed"]

    init(_ coupon: CouponDefinition, redeemed: Int? = nil) {
        code = coupon.code
        promotion = coupon.promotionID
        kind = coupon.kind
        maxRedemptions = coupon.maxRedemptions
        perCustomer = coupon.perCustomer
        customer = coupon.customerID
        startsAt = coupon.startsAt?.description
        endsAt = coupon.endsAt?.description
        batch = coupon.batchID
        self.redeemed = redeemed
    }

    /// The definition, or 400 with every problem.
    func definition(batch: String? = nil) throws -> CouponDefinition {
        var issues: [RuleIssue] = []
        let starts = Self.timestamp(startsAt, path: "/startsAt", issues: &issues)
        let ends = Self.timestamp(endsAt, path: "/endsAt", issues: &issues)
        let coupon = CouponDefinition(code: code, promotionID: promotion, kind: kind, maxRedemptions: maxRedemptions,
                                      perCustomer: perCustomer, customerID: customer, startsAt: starts, endsAt: ends, batchID: batch)
        issues += coupon.validate()
        guard issues.isEmpty else { throw APIError.validation(issues) }
        return coupon
    }

    static func timestamp(_ text: String?, path: String, issues: inout [RuleIssue]) -> RuleDateTime? {
        guard let text else { return nil }
        guard let instant = RuleDateTime(rfc3339: text) else {
            issues.append(RuleIssue(code: "invalid_timestamp", message: "expected an RFC 3339 timestamp", path: path))
            return nil
        }
        return instant
    }
}

/// `POST /v1/coupons/batches`: N random codes for one promotion.
struct CouponBatchRequest: Codable {
    var promotion: String
    var count: Int
    var prefix: String?
    var length: Int?
    var alphabet: String?
    var kind: Coupon.Kind
    var maxRedemptions: Int?
    var perCustomer: Int?
    var startsAt: String?
    var endsAt: String?

    static let fields: Set<String> = ["promotion", "count", "prefix", "length", "alphabet", "kind", "maxRedemptions", "perCustomer", "startsAt", "endsAt"]
    static let defaultAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  // no 0/O, 1/I
    static let maxCount = 1_000_000

    var resolvedLength: Int { length ?? 12 }
    var resolvedAlphabet: [Character] { Array(alphabet ?? Self.defaultAlphabet) }

    /// Every problem; codes must be hard to guess: at least 30 bits more entropy than log2(count),
    /// so a guess hits a valid code with probability below one in a billion.
    func validate() -> [RuleIssue] {
        var issues: [RuleIssue] = []
        if !(1...Self.maxCount).contains(count) {
            issues.append(RuleIssue(code: "out_of_range", message: "count must be 1-\(Self.maxCount)", path: "/count"))
        }
        if !(6...32).contains(resolvedLength) {
            issues.append(RuleIssue(code: "out_of_range", message: "length must be 6-32", path: "/length"))
        }
        let alphabet = resolvedAlphabet
        if alphabet.count < 2 || Set(alphabet).count != alphabet.count
            || !alphabet.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) || alphabet.contains(where: \.isLowercase) {
            issues.append(RuleIssue(code: "invalid_alphabet", message: "at least 2 distinct upper-case letters or digits", path: "/alphabet"))
        } else {
            let bits = Double(resolvedLength) * log2(Double(alphabet.count))
            if bits < log2(Double(max(count, 1))) + 30 {
                issues.append(RuleIssue(code: "guessable", message: "codes would be guessable: use a longer length or a larger alphabet", path: "/length"))
            }
        }
        if let prefix, prefix.count > 16 || !prefix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
            issues.append(RuleIssue(code: "invalid_prefix", message: "at most 16 letters, digits or '-'", path: "/prefix"))
        }
        return issues
    }

    /// The coupon every code of the batch gets (the code itself filled in per code).
    func template(batch: String) throws -> CouponDefinition {
        try CouponView(CouponDefinition(code: "TEMPLATE", promotionID: promotion, kind: kind)).with(self).definition(batch: batch)
    }
}

extension CouponView {
    func with(_ request: CouponBatchRequest) -> CouponView {
        var view = self
        view.maxRedemptions = request.maxRedemptions
        view.perCustomer = request.perCustomer
        view.startsAt = request.startsAt
        view.endsAt = request.endsAt
        return view
    }
}
