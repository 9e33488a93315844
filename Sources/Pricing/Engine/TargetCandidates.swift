/// The candidate lines of each prefiltered target one cart needs, from the cart lines' index hits:
/// flat arrays and a small open-addressing table (target → run), so building it costs no
/// allocation per target and no hashing beyond one probe per posting. A class: reading it costs
/// one retain, not one per array.
final class TargetCandidates {
    /// The targets built, in the order given.
    let targets: [Int32]
    /// Open-addressing table: target (-1 = empty) and its run number.
    private let tableTargets: [Int32]
    private let tableRuns: [Int32]
    /// Per run: its range in ``lines`` / ``exact``.
    private let runStart: [Int32]
    private let runEnd: [Int32]
    /// Candidate canonical lines, grouped by run, ascending within a run.
    let lines: [Int32]
    /// Whether the index alone decides that the line matches (every key exact).
    let exact: [Bool]

    /// - Parameters:
    ///   - targets: the distinct targets to build.
    ///   - hits: (index entry, canonical line) in line order.
    init(targets: [Int32], hits: [(entry: Int32, line: Int32)], index: PromotionIndex) {
        self.targets = targets
        var capacity = 8
        while capacity < targets.count * 2 { capacity <<= 1 }
        var tableTargets = [Int32](repeating: -1, count: capacity)
        var tableRuns = [Int32](repeating: -1, count: capacity)
        for (run, target) in targets.enumerated() {
            var slot = Int(target) & (capacity - 1)
            while tableTargets[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            tableTargets[slot] = target
            tableRuns[slot] = Int32(run)
        }
        self.tableTargets = tableTargets
        self.tableRuns = tableRuns
        // Pass 1: an upper bound of each run's length; pass 2: fill, merging a line that reaches a
        // target through several keys (an `$or` over fields) into one entry, exact if any key is.
        // Hits come in line order, so such repeats are adjacent within a run.
        let table = (targets: tableTargets, runs: tableRuns)
        var counts = [Int32](repeating: 0, count: targets.count)
        Self.forEachPosting(hits, index, table) { run, _, _ in counts[run] += 1 }
        var starts: [Int32] = []
        starts.reserveCapacity(targets.count)
        var total: Int32 = 0
        for count in counts {
            starts.append(total)
            total += count
        }
        var ends = starts
        var lines = [Int32](repeating: 0, count: Int(total))
        var exact = [Bool](repeating: false, count: Int(total))
        Self.forEachPosting(hits, index, table) { run, line, isExact in
            let end = Int(ends[run])
            if end > Int(starts[run]) && lines[end - 1] == line {
                if isExact { exact[end - 1] = true }
            } else {
                lines[end] = line
                exact[end] = isExact
                ends[run] += 1
            }
        }
        runStart = starts
        runEnd = ends
        self.lines = lines
        self.exact = exact
    }

    /// Calls `body(run, line, exact)` for every target posting of a hit whose target is built.
    private static func forEachPosting(_ hits: [(entry: Int32, line: Int32)], _ index: PromotionIndex,
                                       _ table: (targets: [Int32], runs: [Int32]), _ body: (Int, Int32, Bool) -> Void) {
        for (entry, line) in hits {
            let e = index.entries[Int(entry)]
            for position in Int(e.targetStart)..<Int(e.targetEnd) {
                let posting = index.targetPostings[position]
                let run = run(of: posting >> 1, table)
                if run >= 0 { body(run, line, posting & 1 == 1) }
            }
        }
    }

    private static func run(of target: Int32, _ table: (targets: [Int32], runs: [Int32])) -> Int {
        let mask = table.targets.count - 1
        var slot = Int(target) & mask
        while true {
            let found = table.targets[slot]
            if found == target { return Int(table.runs[slot]) }
            if found < 0 { return -1 }
            slot = (slot + 1) & mask
        }
    }

    /// The positions in ``lines`` / ``exact`` of `target`'s candidates, or `nil` when `target`
    /// was not built.
    func range(of target: Int32) -> Range<Int>? {
        let run = Self.run(of: target, (tableTargets, tableRuns))
        return run < 0 ? nil : Int(runStart[run])..<Int(runEnd[run])
    }
}
