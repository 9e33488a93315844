import Audiences

/// The per-tenant lock every filter save or delete and every audience save takes first in its
/// transaction (PostgreSQL: an advisory lock until the transaction ends; SQLite: transactions
/// are serialised already), and the caller's check on the catalog read under it.
enum CatalogLock {
    static func take(tenant: String, in db: any SQLExecutor) async throws {
        guard db.dialect == .postgres else { return }
        // First statement of the transaction: under a REPEATABLE READ default its snapshot would
        // be taken by the lock statement, before the previous holder committed, and the check
        // would read a catalog without that holder's change (found by review).
        try await db.query("SET TRANSACTION ISOLATION LEVEL READ COMMITTED", [])
        try await db.query("SELECT pg_advisory_xact_lock(827345003, hashtext($1))", [.text(tenant)])
    }

    /// Runs `check` on the catalog as `db` sees it (call with the lock held).
    static func check(_ check: CatalogCheck?, tenant: String, in db: any SQLExecutor) async throws {
        guard let check else { return }
        try check(CatalogState(filters: try await SQLFilterRepository.list(tenant: tenant, in: db),
                               audiences: try await SQLAudienceRepository.list(tenant: tenant, in: db)))
    }
}
