import Accounts
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Pricing
import Rules
import Storage

/// `/v1/coupons`: coupon codes (admin writes), bulk generation with progress, CSV export.
struct CouponsController {
    let store: Store
    let catalog: PromotionCatalog
    let runner: CouponBatchRunner
    let body: RequestBody

    func addRoutes(to group: RouterGroup<MarqueeRequestContext>) {
        group.get("coupons", use: list)
        group.post("coupons", use: create)
        group.get("coupons/{code}", use: show)
        group.delete("coupons/{code}", use: delete)
        group.post("coupons/batches", use: createBatch)
        group.get("coupons/batches/{id}", use: showBatch)
        group.get("coupons/batches/{id}/codes", use: exportBatch)
    }

    @Sendable func list(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.read)
        let limit = try request.limit(maximum: 1000) ?? 100
        let after = request.uri.queryParameters.get("after")
        let page = try await store.coupons.page(tenant: caller.tenant.id, after: after, batch: request.uri.queryParameters.get("batch"), limit: limit)
        struct Page: Encodable { var coupons: [CouponView]; var next: String? }
        return JSONResponse.make(Page(coupons: page.map { CouponView($0) }, next: page.count == limit ? page.last?.code : nil))
    }

    @Sendable func create(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.manage)
        let coupon = try await body.decode(CouponView.self, from: request, fields: CouponView.inputFields).definition()
        try await requirePromotion(coupon.promotionID, tenant: caller.tenant.id)
        do {
            try await store.coupons.create(tenant: caller.tenant.id, coupon: coupon)
        } catch CouponError.alreadyExists(let code) {
            throw APIError(status: .conflict, code: "already_exists", message: "coupon \(code) exists", path: "/code")
        }
        try await catalog.reloadCoupons(tenant: caller.tenant.id, codes: [coupon.code])
        // Not 0 for a code deleted and created again: its live uses still count (said 0 before).
        let redeemed = coupon.kind == .limited ? try await store.ledger.liveUses(tenant: caller.tenant.id, code: coupon.code) : nil
        return JSONResponse.make(CouponView(coupon, redeemed: redeemed), status: .created)
    }

    @Sendable func show(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.read)
        let code = try Self.code(context)
        guard let coupon = try await store.coupons.get(tenant: caller.tenant.id, code: code) else { throw APIError.notFound("coupon") }
        let redeemed = coupon.kind == .limited ? try await store.ledger.liveUses(tenant: caller.tenant.id, code: coupon.code) : nil
        return JSONResponse.make(CouponView(coupon, redeemed: redeemed))
    }

    @Sendable func delete(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.manage)
        let code = try Self.code(context)
        guard try await store.coupons.delete(tenant: caller.tenant.id, code: code) else { throw APIError.notFound("coupon") }
        try await catalog.reloadCoupons(tenant: caller.tenant.id, codes: [code])
        return Response(status: .noContent)
    }

    struct BatchView: Encodable {
        var id: String
        var status: String
        var requested: Int
        var created: Int
        var error: String?
        var createdAt: Date
        var updatedAt: Date
    }

    @Sendable func createBatch(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.manage)
        let input = try await body.decode(CouponBatchRequest.self, from: request, fields: CouponBatchRequest.fields)
        let issues = input.validate()
        guard issues.isEmpty else { throw APIError.validation(issues) }
        try await requirePromotion(input.promotion, tenant: caller.tenant.id)
        let id = "batch-" + KeySecret.newID().prefix(12)
        let template = try input.template(batch: id)
        let encoded = String(decoding: try JSONResponse.encoder.encode(input), as: UTF8.self)
        try await store.couponBatches.create(tenant: caller.tenant.id, id: id, request: encoded, requested: input.count)
        runner.start(tenant: caller.tenant.id, id: id, request: input, template: template)
        var headers = HTTPFields()
        headers[.location] = "/v1/coupons/batches/\(id)"
        let now = Date()
        return JSONResponse.make(BatchView(id: id, status: "running", requested: input.count, created: 0, createdAt: now, updatedAt: now),
                                 status: .accepted, headers: headers)
    }

    @Sendable func showBatch(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.read)
        guard let batch = try await store.couponBatches.get(tenant: caller.tenant.id, id: try context.parameters.require("id")) else {
            throw APIError.notFound("batch")
        }
        return JSONResponse.make(BatchView(id: batch.id, status: batch.status, requested: batch.requested, created: batch.created,
                                           error: batch.error, createdAt: batch.createdAt, updatedAt: batch.updatedAt))
    }

    /// The batch's codes as CSV, streamed page by page (a million codes never sit in memory).
    @Sendable func exportBatch(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.manage)
        let id = try context.parameters.require("id")
        guard try await store.couponBatches.get(tenant: caller.tenant.id, id: id) != nil else { throw APIError.notFound("batch") }
        let coupons = store.coupons
        let tenant = caller.tenant.id
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"\(id).csv\""
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "code,promotion,kind,maxRedemptions,perCustomer,startsAt,endsAt\n"))
            var after: String?
            while true {
                let page = try await coupons.page(tenant: tenant, after: after, batch: id, limit: 5_000)
                var text = ""
                for coupon in page {
                    text += "\(Self.csvField(coupon.code)),\(coupon.promotionID),\(coupon.kind.rawValue),\(coupon.maxRedemptions.map(String.init) ?? ""),"
                    text += "\(coupon.perCustomer.map(String.init) ?? ""),\(coupon.startsAt?.description ?? ""),\(coupon.endsAt?.description ?? "")\n"
                }
                if !text.isEmpty { try await writer.write(ByteBuffer(string: text)) }
                guard page.count == 5_000 else { break }
                after = page.last?.code
            }
            try await writer.finish(nil)
        })
    }

    /// A CSV field (RFC 4180): quoted when it holds a comma, a quote, a line break or edge
    /// whitespace. Codes plain SQL stored as `"X-1\r"` or with a newline split their row.
    static func csvField(_ value: String) -> String {
        let plain = value.utf8.allSatisfy { $0 != UInt8(ascii: ",") && $0 != UInt8(ascii: "\"") && $0 != 10 && $0 != 13 }
            && value.first.map { !$0.isWhitespace } ?? true && value.last.map { !$0.isWhitespace } ?? true
        return plain ? value : "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    func requirePromotion(_ id: String, tenant: String) async throws {
        guard try await store.promotions.get(tenant: tenant, id: id) != nil else {
            throw APIError(status: .badRequest, code: "unknown_promotion", message: "no promotion \"\(id)\"", path: "/promotion")
        }
    }

    /// The `{code}` path parameter, percent-decoded (the router hands it over as sent, so
    /// `stra%C3%9Fe` or `%20pad%20` never met their normalised codes).
    static func code(_ context: MarqueeRequestContext) throws -> String {
        let raw = try context.parameters.require("code")
        return raw.removingPercentEncoding ?? raw
    }
}
