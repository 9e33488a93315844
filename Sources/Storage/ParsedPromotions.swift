import Crypto
import Pricing
import Synchronization

/// The large promotions a tenant's last list parsed, by id, with the SHA-256 of the stored text
/// each came from: the next list parses such a document again only when its text (or version)
/// changed. Every promotion write re-reads the tenant's whole list, and parsing an unchanged
/// 10,000-sku condition again was a fifth of each write. Only documents of `minimumBytes` or
/// more are kept (a small one parses in microseconds, and an entry costs ≈ 350 bytes); the
/// digest, not the text, is kept. It compares bytes, so a document whose strings changed only
/// in Unicode normalisation form is parsed again (conditions compare strings byte-wise).
final class ParsedPromotions: Sendable {
    static let minimumBytes = 4_096

    struct Parsed {
        let digest: SHA256.Digest
        let promotion: Promotion
    }

    private let byTenant = Mutex<[String: [String: Parsed]]>([:])
    /// Documents taken from the memo instead of parsed (for tests and curiosity).
    let reused = Atomic<Int>(0)

    func last(tenant: String) -> [String: Parsed] {
        byTenant.withLock { $0[tenant] ?? [:] }
    }

    /// Replaces the tenant's memo with what one list read: deleted promotions leave it.
    func remember(tenant: String, _ parsed: [String: Parsed]) {
        // A tenant left with no large document (deleted ones included) leaves the memo.
        let replaced = byTenant.withLock { memo in parsed.isEmpty ? memo.removeValue(forKey: tenant) : memo.updateValue(parsed, forKey: tenant) }
        withExtendedLifetime(replaced) {}  // freed outside the lock
    }

    static func digest(_ text: String) -> SHA256.Digest {
        // Hashed in place (a native string is contiguous UTF-8), not copied first.
        text.utf8.withContiguousStorageIfAvailable { SHA256.hash(data: UnsafeRawBufferPointer($0)) } ?? SHA256.hash(data: Array(text.utf8))
    }
}
