import Synchronization

/// What the promotion index of a ``PromotionSnapshot`` holds (fixed when the snapshot is built).
public struct PromotionIndexStatistics: Sendable, Hashable, Codable {
    /// Enabled promotions in the snapshot.
    public var promotions: Int
    /// Promotions reached through an index key (line sku/category/brand/id, channel, store,
    /// currency, customer tier/id/loyalty card, coupon code in the trigger).
    public var indexed: Int
    /// Coupon-only promotions: candidates only when one of their codes is presented and valid.
    public var couponOnly: Int
    /// Promotions whose trigger or target can never match (never candidates).
    public var neverApplicable: Int
    /// Promotions with no indexable necessary condition, evaluated for every cart.
    public var alwaysEvaluated: Int
    /// Distinct index keys.
    public var keys: Int
    /// Postings (key → promotion or target references).
    public var postings: Int
    /// Rough size of the index structures in bytes.
    public var estimatedBytes: Int
    /// Distinct normalised trigger sub-conditions (each evaluated at most once per cart).
    public var sharedConditions: Int
}

/// A thread-safe rolling window over the last ``capacity`` priced carts: how many promotions
/// were evaluated (candidates) per call. ``PricingEngine/price(cart:snapshot:now:options:)``
/// records into ``PromotionSnapshot/candidateWindow`` (one uncontended lock, ~20 ns); pass the
/// previous snapshot's window to the next snapshot to keep the history across changes.
public final class CandidateWindow: Sendable {
    /// Number of most recent calls kept.
    public let capacity: Int
    private let state: Mutex<State>

    struct State {
        var counts: [Int32]
        var next = 0
        var filled = 0
        var sum = 0
        var total = 0
    }

    /// A summary of the window.
    public struct Summary: Sendable, Hashable, Codable {
        /// Calls in the window (≤ capacity).
        public var carts: Int
        /// Average candidate promotions per priced cart over the window (0 when empty).
        public var averageCandidates: Double
        /// Largest count in the window.
        public var maxCandidates: Int
        /// Calls recorded since the window was created.
        public var totalCarts: Int
    }

    /// Creates an empty window of `capacity` calls.
    public init(capacity: Int = 1_024) {
        precondition(capacity > 0)
        self.capacity = capacity
        state = Mutex(State(counts: Array(repeating: 0, count: capacity)))
    }

    /// Records one priced cart.
    public func record(_ candidates: Int) {
        let value = Int32(clamping: candidates)
        state.withLock { state in
            if state.filled == state.counts.count { state.sum -= Int(state.counts[state.next]) } else { state.filled += 1 }
            state.counts[state.next] = value
            state.sum += Int(value)
            state.next = state.next + 1 == state.counts.count ? 0 : state.next + 1
            state.total += 1
        }
    }

    /// The current summary.
    public var summary: Summary {
        state.withLock { state in
            Summary(carts: state.filled, averageCandidates: state.filled == 0 ? 0 : Double(state.sum) / Double(state.filled),
                    maxCandidates: Int(state.counts.prefix(state.filled).max() ?? 0), totalCarts: state.total)
        }
    }
}
