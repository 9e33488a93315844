/// Splits an amount across weighted parts so that the parts sum to the amount *exactly*.
public enum Allocation {
    /// Largest-remainder (Hamilton) allocation of `total` minor units proportionally to `weights`.
    ///
    /// Every part first gets `floor(total × weight / Σweights)`; the few minor units left over go,
    /// one each, to the parts with the largest fractional remainders, ties to the lower index. The
    /// caller orders `weights` canonically (by line id) so the result never depends on request order.
    ///
    /// - Returns: non-negative parts with `Σ parts == total`; part *i* never exceeds
    ///   `weights[i]` when `total ≤ Σweights`. If every weight is zero the amount is split evenly
    ///   (remainder to the lowest indices). An empty `weights` returns `[]`.
    /// - Precondition: `total ≥ 0`, every weight ≥ 0, `Σweights` fits in `Int64`.
    public static func largestRemainder(_ total: Int64, weights: [Int64]) -> [Int64] {
        guard !weights.isEmpty else { return [] }
        guard total > 0 else { return Array(repeating: 0, count: weights.count) }
        var sum: Int64 = 0
        for weight in weights { sum = ExactArithmetic.add(sum, max(0, weight)) }
        if sum == 0 {
            return largestRemainder(total, weights: Array(repeating: 1, count: weights.count))
        }
        var parts = [Int64](repeating: 0, count: weights.count)
        var remainders = [UInt64](repeating: 0, count: weights.count)
        var allocated: Int64 = 0
        for index in weights.indices {
            let (quotient, remainder) = ExactArithmetic.mulDivRem(total, max(0, weights[index]), sum)
            parts[index] = quotient
            remainders[index] = remainder
            allocated += quotient
        }
        var left = Int(total - allocated)  // < weights.count
        guard left > 0 else { return parts }
        if UInt64(sum) < 1 << 50 && weights.count < 1 << 14 {
            // Fast path: remainder (< Σweights < 2^50) and inverted index packed in one key, so a
            // plain integer sort orders by remainder descending, then index ascending.
            // Keys are distinct, so the `left` largest are the same whatever the sort; an ascending
            // sort with the default comparator (no closure call per comparison) and the tail.
            var keys = [UInt64]()
            keys.reserveCapacity(weights.count)
            for index in weights.indices where remainders[index] > 0 {
                keys.append(remainders[index] << 14 | UInt64((1 << 14) - 1 - index))
            }
            // Only which keys are the `left` largest matters, not their order: select, don't sort.
            selectLargest(left, in: &keys)
            for key in keys.suffix(left) { parts[(1 << 14) - 1 - Int(key & ((1 << 14) - 1))] += 1 }
            return parts
        }
        let order = weights.indices.sorted { a, b in
            remainders[a] != remainders[b] ? remainders[a] > remainders[b] : a < b
        }
        for index in order where left > 0 {
            parts[index] += 1
            left -= 1
        }
        return parts
    }

    /// Reorders distinct `keys` so that their `count` largest are the last `count` elements
    /// (in some order): quickselect, O(n) on average instead of a full sort.
    static func selectLargest(_ count: Int, in keys: inout [UInt64]) {
        guard count > 0, count < keys.count else { return }
        let target = keys.count - count  // the first index of the largest `count`
        var low = 0, high = keys.count - 1
        while low < high {
            // Median of three as pivot; Lomuto-style partition around it.
            let middle = (low + high) / 2
            if keys[middle] < keys[low] { keys.swapAt(middle, low) }
            if keys[high] < keys[low] { keys.swapAt(high, low) }
            if keys[high] < keys[middle] { keys.swapAt(high, middle) }
            keys.swapAt(middle, high)
            let pivot = keys[high]
            var store = low
            for index in low..<high where keys[index] < pivot {
                keys.swapAt(index, store)
                store += 1
            }
            keys.swapAt(store, high)
            if store == target { return }
            if store < target { low = store + 1 } else { high = store - 1 }
        }
    }
}
