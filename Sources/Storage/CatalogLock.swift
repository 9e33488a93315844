import Audiences

/// The per-tenant lock every filter save or delete and every audience save takes in its
/// transaction (PostgreSQL: an advisory lock until the transaction ends; SQLite: transactions
/// are serialised already), then runs the caller's check on the catalog read under it.
enum CatalogLock {
    static func take(tenant: String, in db: any SQLExecutor, check: CatalogCheck?) async throws {
        if db.dialect == .postgres {
            // First statement of the transaction: under a REPEATABLE READ default its snapshot
            // would be taken by the lock statement, before the previous holder committed, and
            // the check would read a catalog without that holder's change (found by review).
            try await db.query("SET TRANSACTION ISOLATION LEVEL READ COMMITTED", [])
            try await db.query("SELECT pg_advisory_xact_lock(827345003, hashtext($1))", [.text(tenant)])
        }
        try await run(check, tenant: tenant, in: db)
    }

    /// Runs `check` on the catalog as `db` sees it (call with the lock held).
    static func run(_ check: CatalogCheck?, tenant: String, in db: any SQLExecutor) async throws {
        guard let check else { return }
        let filters = try await db.query("SELECT document, version FROM filters WHERE tenant_id = $1 ORDER BY id", [.text(tenant)])
            .map(SQLFilterRepository.filter)
        let audiences = try await db.query("SELECT \(SQLAudienceRepository.columns) FROM audiences WHERE tenant_id = $1 ORDER BY id",
                                           [.text(tenant)]).map(SQLAudienceRepository.audience)
        try check(CatalogState(filters: filters, audiences: audiences))
    }
}
