/// Where usage statistics are persisted (storage implements it; one row per key is natural).
public protocol FilterUsageStore: Sendable {
    /// Every stored record.
    func loadUsage() async throws -> [FilterUsage]
    /// Replaces the stored records with `usage` (upsert per key; records absent from `usage`
    /// may be deleted).
    func saveUsage(_ usage: [FilterUsage]) async throws
}
