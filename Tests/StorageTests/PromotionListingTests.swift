import Foundation
import Pricing
import Rules
@testable import Storage
import TestSupport
import Testing

/// A promotions list parses only the documents whose stored text or version changed since the
/// tenant's last list (each write re-reads the whole list); everything else must read as parsed.
@Suite("Promotion listing")
struct PromotionListingTests {
    /// Large enough to be memoised (`ParsedPromotions.minimumBytes`) unless `small`.
    static func promotion(_ id: String, name: String, small: Bool = false) throws -> Promotion {
        let skus = JSONValue.array((0..<(small ? 2 : 600)).map { .string("SKU\($0)") })
        return try Promotion(parsing: ["id": .string(id), "name": .string(name), "trigger": ["lines.sku": ["$in": skus]],
                                       "action": ["type": "percentOff", "percent": "10"]])
    }

    @Test(arguments: Backend.allCases)
    func aListParsesOnlyWhatChanged(backend: Backend) async throws {
        try await TestDatabases.withStore(backend) { store in
            let repository = try #require(store.promotions as? SQLPromotionRepository)
            let tenant = try await store.accounts.createTenant(name: TestDatabases.uniqueName()).id
            _ = try await store.promotions.create(tenant: tenant, promotion: try Self.promotion("a", name: "caf\u{E9}"))
            _ = try await store.promotions.create(tenant: tenant, promotion: try Self.promotion("b", name: "b"))
            _ = try await store.promotions.create(tenant: tenant, promotion: try Self.promotion("c", name: "c", small: true))
            func reused() -> Int { repository.parsed.reused.load(ordering: .relaxed) }

            let first = try await store.promotions.list(tenant: tenant)
            let start = reused()
            #expect(try await store.promotions.list(tenant: tenant) == first)
            #expect(reused() - start == 2, "unchanged large documents were parsed again (the small one always is)")

            // Plain SQL, version untouched: the same name in another Unicode form is another document.
            let decomposed = try Self.promotion("a", name: "cafe\u{301}")
            try await store.database.query("UPDATE promotions SET document = $1::jsonb WHERE tenant_id = $2 AND id = 'a'",
                                           [.json(decomposed.document.jsonText), .text(tenant)])
            let afterSQL = try await store.promotions.list(tenant: tenant)
            #expect(afterSQL.first { $0.id == "a" }?.name.utf8.elementsEqual("cafe\u{301}".utf8) == true)
            #expect(reused() - start == 3)

            _ = try await store.promotions.update(tenant: tenant, promotion: try Self.promotion("b", name: "b2"), expectedVersion: 1)
            try await store.promotions.delete(tenant: tenant, id: "a", expectedVersion: nil)
            let afterWrites = try await store.promotions.list(tenant: tenant)
            #expect(afterWrites.map(\.id) == ["b", "c"])
            #expect(afterWrites.first?.name == "b2" && afterWrites.first?.version == 2)
            #expect(repository.parsed.last(tenant: tenant).keys.sorted() == ["b"], "a deleted promotion stays in the memo")
        }
    }
}
