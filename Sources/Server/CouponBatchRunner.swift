import Foundation
import Logging
import Pricing
import Storage

/// Generates a batch of random coupon codes in the background, recording progress.
struct CouponBatchRunner: Sendable {
    let coupons: any CouponRepository
    let batches: SQLCouponBatchStore
    let catalog: PromotionCatalog
    let logger: Logger
    static let chunk = 10_000

    func start(tenant: String, id: String, request: CouponBatchRequest, template: CouponDefinition) {
        Task.detached {
            do {
                try await run(tenant: tenant, id: id, request: request, template: template)
            } catch {
                logger.error("coupon batch failed", metadata: ["batch": "\(id)", "error": "\(error)"])
                try? await batches.progress(tenant: tenant, id: id, created: nil, status: "failed", error: "\(error)")
            }
        }
    }

    func run(tenant: String, id: String, request: CouponBatchRequest, template: CouponDefinition) async throws {
        var created = 0
        var generator = SystemRandomNumberGenerator()
        let alphabet = request.resolvedAlphabet
        let prefix = (request.prefix ?? "").uppercased()
        var attempts = 0
        while created < request.count {
            // Collisions (with existing codes) are simply not inserted and generated again.
            let want = min(Self.chunk, request.count - created)
            var codes = Set<String>()
            while codes.count < want {
                codes.insert(prefix + String((0..<request.resolvedLength).map { _ in alphabet.randomElement(using: &generator)! }))
            }
            var chunk: [CouponDefinition] = []
            chunk.reserveCapacity(want)
            for code in codes {
                var coupon = template
                coupon.code = code
                chunk.append(coupon)
            }
            created += try await coupons.createMany(tenant: tenant, coupons: chunk)
            try await batches.progress(tenant: tenant, id: id, created: created, status: "running")
            attempts += 1
            if attempts > request.count / Self.chunk + 100 { throw StorageError.duplicate("too many code collisions") }
        }
        // Completed only once pricing and redemptions know the codes: a client polling for
        // `completed` may use them at once.
        try await catalog.reloadCoupons(tenant: tenant)
        try await batches.progress(tenant: tenant, id: id, created: created, status: "completed")
    }
}
