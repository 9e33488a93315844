import Foundation
import Hummingbird

/// `GET /v1/status`: what this instance holds for the caller's tenant and how fresh it is.
struct StatusController {
    let catalog: PromotionCatalog
    let follower: ChangeFollower?

    func addRoutes(to group: RouterGroup<MarqueeRequestContext>) {
        group.get("status", use: status)
    }

    struct StatusView: Encodable {
        /// The change-log version this instance has applied.
        var version: Int64
        var promotions: Int
        var coupons: Int
        var lastSync: Date?
        var lastChangeAt: Date?
        /// SHA-256 of the tenant's snapshot; equal on instances that hold the same state.
        var digest: String
    }

    @Sendable func status(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.read)
        let feed = follower?.status ?? ChangeFollower.Status()
        return JSONResponse.make(StatusView(
            version: feed.version, promotions: catalog.promotionCount(tenant: caller.tenant.id), coupons: catalog.couponCount(tenant: caller.tenant.id),
            lastSync: feed.lastSync, lastChangeAt: feed.lastChangeAt, digest: await catalog.digest(tenant: caller.tenant.id)))
    }
}
