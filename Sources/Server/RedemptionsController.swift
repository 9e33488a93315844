import Accounts
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Pricing
import Rules
import Storage

/// `/v1/redemptions`: reserve a use of a coupon at checkout (idempotent), confirm it when the
/// order is placed, cancel it to give the use back. Unlimited coupons never touch the database.
struct RedemptionsController {
    let ledger: any CouponLedger
    let catalog: PromotionCatalog
    let body: RequestBody
    let reservationTTL: Duration

    func addRoutes(to group: RouterGroup<MarqueeRequestContext>) {
        group.post("redemptions", use: reserve)
        group.get("redemptions/{id}", use: show)
        group.post("redemptions/{id}/confirm", use: confirm)
        group.post("redemptions/{id}/cancel", use: cancel)
    }

    struct ReserveInput: Codable {
        var coupon: String
        var customer: String
        var order: String?
        var cartTotal: String?

        /// What an Idempotency-Key is bound to.
        var hash: String {
            let canonical = [Coupon.normalize(coupon), customer, order ?? "\u{0}", cartTotal ?? "\u{0}"].joined(separator: "\u{1}")
            return SHA256.hash(data: Data(canonical.utf8)).map { String(format: "%02x", $0) }.joined()
        }
    }

    struct RedemptionView: Encodable {
        var id: String?
        var coupon: String
        var customer: String
        var order: String?
        var cartTotal: String?
        var status: String
        var kind: Coupon.Kind
        var expiresAt: String?
        var createdAt: String?
        var updatedAt: String?

        init(_ redemption: Redemption, status: Redemption.Status? = nil) {
            id = redemption.id
            coupon = redemption.coupon
            customer = redemption.customer
            order = redemption.order
            cartTotal = redemption.cartTotal
            self.status = (status ?? redemption.status).rawValue
            kind = .limited
            expiresAt = redemption.expiresAt.description
            createdAt = redemption.createdAt.description
            updatedAt = redemption.updatedAt.description
        }

        /// An unlimited coupon's use: nothing is stored or counted.
        init(unlimited input: ReserveInput) {
            coupon = Coupon.normalize(input.coupon)
            customer = input.customer
            order = input.order
            cartTotal = input.cartTotal
            status = "not_counted"
            kind = .unlimited
        }
    }

    @Sendable func reserve(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.price)
        guard let key = request.headers[.idempotencyKey], (1...255).contains(key.utf8.count) else {
            throw APIError(status: .badRequest, code: "idempotency_key_required",
                           message: "send an Idempotency-Key header (1-255 characters) so retries never count twice")
        }
        let input = try await body.decode(ReserveInput.self, from: request, fields: ["coupon", "customer", "order", "cartTotal"])
        guard (1...256).contains(input.customer.count) else {
            throw APIError.badRequest("customer must be 1-256 characters", path: "/customer", code: "invalid_value")
        }
        if let order = input.order, !(1...256).contains(order.count) {
            throw APIError.badRequest("order must be 1-256 characters", path: "/order", code: "invalid_value")
        }
        if let total = input.cartTotal, !Self.isAmount(total) {
            throw APIError.badRequest("cartTotal must be a non-negative decimal string such as \"89.98\"", path: "/cartTotal", code: "invalid_amount")
        }
        let tenant = caller.tenant.id
        let now = RuleDateTime.now
        let coupon: CouponDefinition
        do {
            coupon = try usable(input, tenant: tenant, at: now)
        } catch let error as APIError {
            // A retry gets the first attempt's outcome even if the coupon expired, was deleted or
            // changed since (else a client that lost the answer never learns its redemption id).
            // Looked up only here: the ledger replays keys itself on the usual path.
            guard let stored = try await ledger.replay(tenant: tenant, idempotencyKey: key) else { throw error }
            return try Self.response(to: stored, hash: input.hash, tenant: tenant, catalog: catalog)
        }
        guard coupon.kind == .limited else {
            return JSONResponse.make(RedemptionView(unlimited: input))
        }
        let expires = RuleDateTime((now.date).addingTimeInterval(Double(reservationTTL.components.seconds)))
        let result = try await ledger.reserve(ReservationRequest(
            tenant: tenant, id: "rdm-" + KeySecret.newID().prefix(20), idempotencyKey: key, requestHash: input.hash,
            coupon: coupon, customer: input.customer, order: input.order, cartTotal: input.cartTotal, expiresAt: expires, now: now))
        return try Self.response(to: result, hash: input.hash, tenant: tenant, catalog: catalog)
    }

    /// `"89.98"`: up to 15 integer and 4 fraction digits (stored for reports, not computed with).
    static func isAmount(_ text: String) -> Bool {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let digits = { (part: Substring, most: Int) in (1...most).contains(part.count) && part.allSatisfy { ("0"..."9").contains($0) } }
        return digits(parts[0], 15) && (parts.count == 1 || digits(parts[1], 4))
    }

    /// The coupon `input` names, if it can be used by its customer at `now`.
    func usable(_ input: ReserveInput, tenant: String, at now: RuleDateTime) throws -> CouponDefinition {
        guard let coupon = catalog.coupon(tenant: tenant, code: input.coupon) else {
            throw APIError(status: .notFound, code: "unknown_coupon", message: "no coupon \(Coupon.normalize(input.coupon))", path: "/coupon")
        }
        if let startsAt = coupon.startsAt, now < startsAt {
            throw APIError(status: .conflict, code: "not_started", message: "the coupon is valid from \(startsAt)", path: "/coupon")
        }
        if let endsAt = coupon.endsAt, now >= endsAt {
            throw APIError(status: .conflict, code: "expired", message: "the coupon expired at \(endsAt)", path: "/coupon")
        }
        if let owner = coupon.customerID, owner != input.customer {
            throw APIError(status: .conflict, code: "not_allowed", message: "the coupon belongs to another customer", path: "/customer")
        }
        // Pricing would not apply it: a use reserved now is one a later customer cannot have.
        guard let promotion = catalog.snapshot(tenant: tenant).activePromotion(id: coupon.promotionID) else {
            throw APIError(status: .conflict, code: "promotion_inactive",
                           message: "the coupon's promotion \(coupon.promotionID) is disabled or deleted", path: "/coupon")
        }
        if let startsAt = promotion.startsAt, now < startsAt {
            throw APIError(status: .conflict, code: "not_started", message: "the coupon's promotion starts at \(startsAt)", path: "/coupon")
        }
        if let endsAt = promotion.endsAt, now >= endsAt {
            throw APIError(status: .conflict, code: "expired", message: "the coupon's promotion ended at \(endsAt)", path: "/coupon")
        }
        return coupon
    }

    /// The answer to a reservation attempt, first or replayed.
    static func response(to result: ReservationResult, hash: String, tenant: String, catalog: PromotionCatalog) throws -> Response {
        if result.replayed && result.requestHash != hash {
            throw APIError(status: .unprocessableContent, code: "idempotency_key_reused",
                           message: "this Idempotency-Key was used with a different request body")
        }
        let code = result.redemption.coupon
        var headers = HTTPFields()
        if result.replayed { headers[.idempotentReplayed] = "true" }
        switch result.outcome {
        case .reserved:
            if !result.replayed { catalog.record(tenant: tenant, .init(code: code, customer: result.redemption.customer, reservation: result.redemption.id, held: true)) }
            // A replay answers what the first attempt did (reserved, as created), not the
            // redemption's state now: GET /v1/redemptions/{id} tells that.
            var view = RedemptionView(result.redemption, status: .reserved)
            if result.replayed { view.updatedAt = view.createdAt }
            return JSONResponse.make(view, status: .created, headers: headers)
        case .exhausted:
            if !result.replayed { catalog.markExhausted(tenant: tenant, code: code) }
            var error = APIError(status: .conflict, code: "exhausted", message: "no use of \(code) is left", path: "/coupon")
            error.headers = headers
            throw error
        case .customerLimit:
            var error = APIError(status: .conflict, code: "customer_limit", message: "this customer has used \(code) as often as allowed", path: "/customer")
            error.headers = headers
            throw error
        }
    }

    @Sendable func show(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.read)
        guard let redemption = try await ledger.redemption(tenant: caller.tenant.id, id: try context.parameters.require("id")),
              redemption.status != .rejected else { throw APIError.notFound("redemption") }
        return JSONResponse.make(RedemptionView(redemption))
    }

    @Sendable func confirm(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.price)
        let id = try context.parameters.require("id")
        if let confirmed = try await ledger.confirm(tenant: caller.tenant.id, id: id, now: .now) {
            catalog.record(tenant: caller.tenant.id, .init(code: confirmed.coupon, customer: confirmed.customer, reservation: confirmed.id, held: false))
            return JSONResponse.make(RedemptionView(confirmed))
        }
        throw try await conflict(tenant: caller.tenant.id, id: id, action: "confirm")
    }

    @Sendable func cancel(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.price)
        let id = try context.parameters.require("id")
        if let cancelled = try await ledger.cancel(tenant: caller.tenant.id, id: id, now: .now) {
            catalog.record(tenant: caller.tenant.id, .init(code: cancelled.coupon, customer: cancelled.customer, reservation: cancelled.id, held: false))
            return JSONResponse.make(RedemptionView(cancelled))
        }
        throw try await conflict(tenant: caller.tenant.id, id: id, action: "cancel")
    }

    /// Why a transition did not happen: 404 when there is no such redemption; the current state
    /// again (200-like idempotence) is reported as 409 with the status, so clients can tell.
    func conflict(tenant: String, id: String, action: String) async throws -> APIError {
        guard let current = try await ledger.redemption(tenant: tenant, id: id), current.status != .rejected else {
            return .notFound("redemption")
        }
        let code = current.status == .reserved ? "expired" : "already_\(current.status.rawValue)"
        return APIError(status: .conflict, code: code, message: "cannot \(action) a redemption that is \(current.status == .reserved ? "past its expiry" : current.status.rawValue)")
    }
}

extension HTTPField.Name {
    static let idempotencyKey = Self("Idempotency-Key")!
    static let idempotentReplayed = Self("Idempotent-Replayed")!
}
