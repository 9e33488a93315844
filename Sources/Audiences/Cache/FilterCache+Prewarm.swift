import Synchronization

extension FilterCache {
    /// Pre-computes the most used keys (by stored use count, then recency), at most `maxFilters`,
    /// giving up after `budget` (the server calls it before `/readyz` turns ready). Reads the
    /// usage store first. Each record is looked up through `resolver`; records whose filter is
    /// gone or changed are skipped. Queries still running at the deadline complete in the
    /// background and land in the cache.
    public func prewarm(budget: Duration, resolver: some FilterResolver, maxFilters: Int = 1000) async -> PrewarmReport {
        let started = clock.now()
        var report = PrewarmReport()
        do {
            try await loadUsage()
        } catch {
            report.loadError = String(describing: error)
            report.elapsed = started.duration(to: clock.now())
            return report
        }
        let candidates = Array(usage().prefix(max(0, maxFilters)))
        report.candidates = candidates.count
        let progress = PrewarmProgress(report)
        let clock = clock
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await clock.sleep(for: budget) }
            group.addTask { await self.warm(candidates, resolver: resolver, progress: progress) }
            _ = await group.next()  // the deadline or the work, whichever is first
            group.cancelAll()
        }
        report = progress.report.withLock { $0 }
        report.unfinished = report.candidates - report.warmed - report.alreadyCached - report.skipped - report.failed
        report.elapsed = started.duration(to: clock.now())
        return report
    }

    private func warm(_ candidates: [FilterUsage], resolver: some FilterResolver, progress: PrewarmProgress) async {
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for candidate in candidates {
                if Task.isCancelled { break }
                if running >= max(1, configuration.prewarmConcurrency) {
                    await group.next()
                    running -= 1
                    if Task.isCancelled { break }
                }
                running += 1
                group.addTask { await self.warm(candidate, resolver: resolver, progress: progress) }
            }
        }
    }

    private func warm(_ candidate: FilterUsage, resolver: some FilterResolver, progress: PrewarmProgress) async {
        let key = candidate.key
        do {
            guard let (filter, source) = try await resolver.resolveFilter(tenant: key.tenant, filterID: key.filterID),
                  filter.fingerprint == key.fingerprint
            else {
                progress.report.withLock { $0.skipped += 1 }
                return
            }
            let request = FilterRequest(filter: filter, parameters: candidate.parameters)
            guard request.key(tenant: key.tenant) == key else {
                progress.report.withLock { $0.skipped += 1 }
                return
            }
            let fetch = try await acquire(request, key: key, source: source, reason: .prewarm)
            progress.report.withLock { if fetch.cached { $0.alreadyCached += 1 } else { $0.warmed += 1 } }
        } catch is CancellationError {
            // Out of budget: counted as unfinished.
        } catch {
            if Task.isCancelled { return }
            progress.report.withLock { $0.failed += 1 }
        }
    }
}

/// The report being filled by concurrent pre-warming tasks (a class: `Mutex` cannot be captured
/// by escaping closures). `Sendable` without `@unchecked`: its only state is a `Mutex`.
private final class PrewarmProgress: Sendable {
    let report: Mutex<PrewarmReport>

    init(_ report: PrewarmReport) {
        self.report = Mutex(report)
    }
}
