import Audiences
import Metrics

/// Exports the filter cache at `/metrics`: counters follow `FilterCacheStats` (deltas applied
/// every `record`), gauges for entries and bytes held, a histogram of filter query durations.
final class AudienceMetrics: Sendable {
    let hits = Counter(label: "marquee_audience_cache_hits_total")
    let misses = Counter(label: "marquee_audience_cache_misses_total")
    let coalesced = Counter(label: "marquee_audience_cache_coalesced_total")
    let evictions = Counter(label: "marquee_audience_cache_evictions_total")
    let expirations = Counter(label: "marquee_audience_cache_expirations_total")
    let refreshes = Counter(label: "marquee_audience_cache_refreshes_total")
    let refreshFailures = Counter(label: "marquee_audience_cache_refresh_failures_total")
    let prewarmed = Counter(label: "marquee_audience_cache_prewarmed_total")
    let queryFailures = Counter(label: "marquee_filter_query_failures_total")
    let entries = Gauge(label: "marquee_audience_cache_entries")
    let bytesHeld = Gauge(label: "marquee_audience_cache_bytes")
    let budget = Gauge(label: "marquee_audience_cache_budget_bytes")
    let queriesQueued = Gauge(label: "marquee_filter_queries_queued")

    init() {
        for counter in [hits, misses, coalesced, evictions, expirations, refreshes, refreshFailures, prewarmed, queryFailures] {
            counter.increment(by: 0)
        }
    }

    /// Applies the difference between two snapshots of the cache's counters, and the gauges.
    func record(_ stats: FilterCacheStats, since previous: FilterCacheStats) {
        func add(_ counter: Counter, _ now: Int, _ before: Int) {
            if now > before { counter.increment(by: now - before) }
        }
        add(hits, stats.hits, previous.hits)
        add(misses, stats.misses, previous.misses)
        add(coalesced, stats.coalesced, previous.coalesced)
        add(evictions, stats.evictions, previous.evictions)
        add(expirations, stats.expirations, previous.expirations)
        add(refreshes, stats.refreshes, previous.refreshes)
        add(refreshFailures, stats.refreshFailures, previous.refreshFailures)
        add(prewarmed, stats.prewarmed, previous.prewarmed)
        add(queryFailures, stats.queryFailures, previous.queryFailures)
        entries.record(stats.entries)
        bytesHeld.record(stats.bytesHeld)
        budget.record(stats.budgetBytes)
        queriesQueued.record(stats.queriesQueued)
    }

    /// A filter query finished: its duration, by reason and outcome.
    static func observe(_ event: FilterQueryEvent) {
        Timer(label: "marquee_filter_query_duration_seconds",
              dimensions: [("reason", event.reason.rawValue), ("outcome", event.failure == nil ? "ok" : "error")])
            .recordNanoseconds(Int64(event.duration.components.seconds) * 1_000_000_000 + event.duration.components.attoseconds / 1_000_000_000)
    }
}
