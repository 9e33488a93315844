import Accounts
import Foundation
import HTTPTypes
import Hummingbird
import Pricing
import Rules

/// `/v1/promotions`: CRUD with validation (every problem, with JSON pointers) and optimistic
/// concurrency (`ETag`/`If-Match`; a stale version gets 412).
struct PromotionsController {
    let repository: any PromotionRepository
    let catalog: PromotionCatalog
    let body: RequestBody

    func addRoutes(to group: RouterGroup<MarqueeRequestContext>) {
        group.get("promotions", use: list)
        group.post("promotions", use: create)
        group.get("promotions/index/stats", use: indexStatistics)
        group.get("promotions/{id}", use: show)
        group.put("promotions/{id}", use: replace)
        group.delete("promotions/{id}", use: delete)
    }

    @Sendable func list(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.read)
        let promotions = try await repository.list(tenant: caller.tenant.id)
        return JSONResponse.make(["promotions": JSONValue.array(promotions.map(\.document))])
    }

    struct IndexStatisticsView: Encodable {
        var index: PromotionIndexStatistics
        /// Candidates per priced cart over the last carts (a rolling window).
        var candidates: CandidateWindow.Summary
    }

    /// `GET /v1/promotions/index/stats` (admin): how well the promotion index prunes.
    @Sendable func indexStatistics(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.manage)
        let snapshot = catalog.snapshot(tenant: caller.tenant.id)
        return JSONResponse.make(IndexStatisticsView(index: snapshot.indexStatistics, candidates: snapshot.candidateWindow.summary))
    }

    @Sendable func show(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.read)
        let id = try context.parameters.require("id")
        guard let promotion = try await repository.get(tenant: caller.tenant.id, id: id) else { throw APIError.notFound("promotion") }
        return JSONResponse.make(promotion.document, headers: ETag.header(promotion.version))
    }

    @Sendable func create(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.manage)
        let document = try await body.json(request)
        let promotion = try Promotion(parsing: document, generatedID: "promo-" + KeySecret.newID().prefix(12))
        let stored = try await Self.mapped { try await repository.create(tenant: caller.tenant.id, promotion: promotion) }
        try await catalog.reloadPromotions(tenant: caller.tenant.id)  // as other instances do: the codes are untouched
        return JSONResponse.make(stored.document, status: .created, headers: ETag.header(stored.version))
    }

    @Sendable func replace(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.manage)
        let id = try context.parameters.require("id")
        guard case .object(var fields) = try await body.json(request) else {
            throw APIError.badRequest("expected a JSON object", path: "", code: "wrong_type")
        }
        if let given = fields["id"], given != .string(id) {
            throw APIError.badRequest("the id in the body must match the URL", path: "/id", code: "id_mismatch")
        }
        fields["id"] = .string(id)
        // Expected version: If-Match, else the body's "version"; one of them is required so
        // two editors can never silently overwrite each other.
        // Parsed first: a body "version" that is no valid version is a 400 at /version, not 428.
        let promotion = try Promotion(parsing: .object(fields))
        var expected = try ETag.expectedVersion(request)
        if expected == nil, let version = fields["version"], version != .null { expected = promotion.version }
        guard let expected else {
            throw APIError(status: .preconditionRequired, code: "precondition_required",
                           message: "send If-Match: \"<version>\" (or \"version\" in the body) with the version you edited")
        }
        let stored = try await Self.mapped {
            try await repository.update(tenant: caller.tenant.id, promotion: promotion, expectedVersion: expected)
        }
        try await catalog.reloadPromotions(tenant: caller.tenant.id)  // as other instances do: the codes are untouched
        return JSONResponse.make(stored.document, headers: ETag.header(stored.version))
    }

    @Sendable func delete(_ request: Request, context: MarqueeRequestContext) async throws -> Response {
        let caller = try context.require(.manage)
        let id = try context.parameters.require("id")
        let expected = try ETag.expectedVersion(request)
        try await Self.mapped { try await repository.delete(tenant: caller.tenant.id, id: id, expectedVersion: expected) }
        try await catalog.reloadPromotions(tenant: caller.tenant.id)  // as other instances do: the codes are untouched
        return Response(status: .noContent)
    }

    /// Repository failures as HTTP errors: 404, 409, 412 (with the current version's ETag).
    static func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PromotionRepositoryError {
            switch error {
            case .notFound: throw APIError.notFound("promotion")
            case .alreadyExists(let id):
                throw APIError(status: .conflict, code: "already_exists", message: "a promotion with id \"\(id)\" exists", path: "/id")
            case .versionConflict(_, let expected, let actual):
                throw APIError.versionConflict("the promotion changed: you edited version \(expected), the current version is \(actual)",
                                               current: actual)
            }
        }
    }
}
