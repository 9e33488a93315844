import Foundation
import HTTPTypes
import Hummingbird
import Pricing
import Rules

/// `POST /v1/carts/price`: prices a cart from the in-memory snapshot; no database access.
struct PricingController {
    let catalog: PromotionCatalog
    let body: RequestBody

    func addRoutes(to group: RouterGroup<MarqueeRequestContext>) {
        group.post("carts/price", use: price)
    }

    @Sendable func price(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.price)
        let cart = try Cart(parsing: try await body.json(request))
        let snapshot = catalog.snapshot(tenant: caller.tenant.id)
        let result = PricingEngine.price(cart: cart, snapshot: snapshot, now: RuleDateTime(Date()))
        return JSONResponse.make(json: result.json)
    }
}
