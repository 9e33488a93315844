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
        let input = try await body.decode(ReserveInput.self, from: request)
        guard (1...256).contains(input.customer.count) else {
            throw APIError.badRequest("customer must be 1-256 characters", path: "/customer", code: "invalid_value")
        }
        let tenant = caller.tenant.id
        guard let coupon = catalog.coupon(tenant: tenant, code: input.coupon) else {
            throw APIError(status: .notFound, code: "unknown_coupon", message: "no coupon \(Coupon.normalize(input.coupon))", path: "/coupon")
        }
        let now = RuleDateTime.now
        if let startsAt = coupon.startsAt, now < startsAt {
            throw APIError(status: .conflict, code: "not_started", message: "the coupon is valid from \(startsAt)", path: "/coupon")
        }
        if let endsAt = coupon.endsAt, now >= endsAt {
            throw APIError(status: .conflict, code: "expired", message: "the coupon expired at \(endsAt)", path: "/coupon")
        }
        if let owner = coupon.customerID, owner != input.customer {
            throw APIError(status: .conflict, code: "not_allowed", message: "the coupon belongs to another customer", path: "/customer")
        }
        guard coupon.kind == .limited else {
            return JSONResponse.make(RedemptionView(unlimited: input))
        }
        let expires = RuleDateTime((now.date).addingTimeInterval(Double(reservationTTL.components.seconds)))
        let result = try await ledger.reserve(ReservationRequest(
            tenant: tenant, id: "rdm-" + KeySecret.newID().prefix(20), idempotencyKey: key, requestHash: input.hash,
            coupon: coupon, customer: input.customer, order: input.order, cartTotal: input.cartTotal, expiresAt: expires, now: now))
        if result.replayed && result.requestHash != input.hash {
            throw APIError(status: .unprocessableContent, code: "idempotency_key_reused",
                           message: "this Idempotency-Key was used with a different request body")
        }
        var headers = HTTPFields()
        if result.replayed { headers[.idempotentReplayed] = "true" }
        switch result.outcome {
        case .reserved:
            return JSONResponse.make(RedemptionView(result.redemption, status: .reserved), status: .created, headers: headers)
        case .exhausted:
            catalog.markExhausted(tenant: tenant, code: coupon.code)
            var error = APIError(status: .conflict, code: "exhausted", message: "no use of \(coupon.code) is left", path: "/coupon")
            error.headers = headers
            throw error
        case .customerLimit:
            var error = APIError(status: .conflict, code: "customer_limit", message: "this customer has used \(coupon.code) as often as allowed", path: "/customer")
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
            return JSONResponse.make(RedemptionView(confirmed))
        }
        throw try await conflict(tenant: caller.tenant.id, id: id, action: "confirm")
    }

    @Sendable func cancel(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.price)
        let id = try context.parameters.require("id")
        if let cancelled = try await ledger.cancel(tenant: caller.tenant.id, id: id, now: .now) {
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
