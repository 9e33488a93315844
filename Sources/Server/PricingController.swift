import Foundation
import HTTPTypes
import Hummingbird
import Pricing
import Rules

/// `POST /v1/carts/price`: prices a cart from the in-memory snapshot; no database access.
struct PricingController {
    let catalog: PromotionCatalog
    let memberships: AudienceMemberships
    let body: RequestBody

    func addRoutes(to group: RouterGroup<MarqueeRequestContext>) {
        group.post("carts/price", use: price)
    }

    @Sendable func price(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.price)
        var cart = try Cart(parsing: try await body.json(request))
        let snapshot = catalog.snapshot(tenant: caller.tenant.id)
        // Audience memberships come from the server's bitmaps, never from the request.
        let references = snapshot.audienceReferences
        if !references.isEmpty, let customerID = cart.customer?.id {
            cart = cart.withCustomerAudiences(memberships.audiences(tenant: caller.tenant.id, customerID: customerID, references: references))
        }
        let options = PricingOptions(rounding: caller.tenant.rounding == .halfUp ? .halfUp : .halfEven)
        let result = PricingEngine.price(cart: cart, snapshot: snapshot, now: RuleDateTime(Date()), options: options)
        return JSONResponse.make(utf8: result.jsonUTF8)
    }
}
