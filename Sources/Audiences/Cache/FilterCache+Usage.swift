extension FilterCache {
    /// Persists the usage records (no-op without a store).
    public func saveUsage() async throws {
        guard let usageStore else { return }
        try await usageStore.saveUsage(usage())
    }

    /// Reads the stored usage records into memory, merging with those held (the larger count and
    /// the later use win).
    public func loadUsage() async throws {
        guard let usageStore else { return }
        let records = try await usageStore.loadUsage()
        state.withLock { state in
            for record in records {
                state.usage[record.key] = state.usage[record.key].map { $0.merged(with: record) } ?? record
                if let duration = record.lastDuration, state.filterDurations[FilterOfTenant(record.key)] == nil {
                    state.filterDurations[FilterOfTenant(record.key)] = duration
                }
            }
            state.trimUsage()
        }
    }

    func saveUsageRecordingFailure() async {
        do {
            try await saveUsage()
        } catch {
            state.withLock { $0.stats.usageSaveFailures += 1 }
        }
    }
}
