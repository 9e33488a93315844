import Crypto
import Foundation
import Pricing
import Rules
import Synchronization

/// Every tenant's active promotions as an immutable in-memory snapshot.
///
/// A reload builds the new snapshot outside the lock and only swaps a reference inside it, so
/// pricing never waits for a rebuild or the database: it takes the current snapshot (a pointer
/// copy under a briefly held lock) and prices from memory.
public final class PromotionCatalog: Sendable {
    struct Entry {
        var ticket: UInt64
        var snapshot: PromotionSnapshot
        var digest: String
        var count: Int
    }

    let repository: any PromotionRepository
    let entries = Mutex<[String: Entry]>([:])
    let tickets = Atomic<UInt64>(0)
    static let empty = PromotionSnapshot(promotions: [])

    public init(repository: any PromotionRepository) {
        self.repository = repository
    }

    /// The tenant's current snapshot (empty when it has no promotions).
    public func snapshot(tenant: String) -> PromotionSnapshot {
        entries.withLock { $0[tenant]?.snapshot } ?? Self.empty
    }

    /// Reloads one tenant from the repository and swaps its snapshot in.
    ///
    /// Reloads may overlap; each takes a ticket before reading, and a snapshot only replaces one
    /// read earlier, so a slow reload can never overwrite a newer one.
    public func reload(tenant: String) async throws {
        let ticket = tickets.add(1, ordering: .sequentiallyConsistent).newValue
        let promotions = try await repository.list(tenant: tenant)
        let snapshot = PromotionSnapshot(promotions: promotions, version: Int64(ticket))
        let digest = Self.digest(promotions)
        entries.withLock { entries in
            if let current = entries[tenant], current.ticket > ticket { return }
            entries[tenant] = Entry(ticket: ticket, snapshot: snapshot, digest: digest, count: promotions.count)
        }
    }

    /// SHA-256 over the tenant's promotions (id, version, canonical document), in id order:
    /// two instances holding the same state report the same digest.
    public func digest(tenant: String) -> String {
        entries.withLock { $0[tenant]?.digest } ?? Self.digest([])
    }

    /// Promotions held for one tenant (enabled or not).
    public func promotionCount(tenant: String) -> Int {
        entries.withLock { $0[tenant]?.count } ?? 0
    }

    static func digest(_ promotions: [Promotion]) -> String {
        var hash = SHA256()
        for promotion in promotions.sorted(by: { $0.id < $1.id }) {
            hash.update(data: Data("\(promotion.id)\u{1}\(promotion.version)\u{1}\(promotion.document.jsonText)\u{0}".utf8))
        }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Number of promotions held, over all tenants.
    public var promotionCount: Int {
        entries.withLock { $0.values.reduce(0) { $0 + $1.count } }
    }
}
