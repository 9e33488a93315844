@testable import Pricing
import Testing

/// A tenant's million coupon codes are a base shared by every snapshot under a layer of
/// single-code changes: lookups, counts and values must equal a plain dictionary's throughout,
/// through removals, re-additions and compactions.
@Suite("Layered dictionary")
struct LayeredDictionaryTests {
    @Test func matchesAPlainDictionaryThroughChangesAndCompactions() {
        var generator = SplitMix64(seed: 20261206)
        let initial = Dictionary(uniqueKeysWithValues: (0..<2_000).map { ("K\($0)", $0) })
        var model = initial
        var layered = LayeredDictionary(initial)
        var copies: [(LayeredDictionary<Int>, [String: Int])] = []
        var compactions = 0
        for step in 0..<12_000 {
            let key = "K\(Int.random(in: 0..<10_000, using: &generator))"
            let value: Int? = Bool.random(using: &generator) ? step : nil
            model[key] = value
            layered[key] = value
            if layered.shouldCompact {
                layered = layered.compacted()
                compactions += 1
                #expect(layered.layerCount == 0)
            }
            if step % 1_000 == 0 { copies.append((layered, model)) }
            #expect(layered[key] == value)
        }
        #expect(compactions >= 1, "never grew past the compaction threshold")
        #expect(layered.count == model.count)
        #expect(layered.values.sorted() == model.values.sorted())
        for key in (0..<10_000).map({ "K\($0)" }) where layered[key] != model[key] {
            Issue.record("\(key): \(String(describing: layered[key])) != \(String(describing: model[key]))")
        }
        // Earlier copies (what older snapshots hold) are unchanged by later changes to the base's layer.
        for (copy, expected) in copies {
            #expect(copy.count == expected.count)
            #expect(copy.values.sorted() == expected.values.sorted())
        }
    }

    /// A fold is built off the lock while changes go on; installed, it keeps those changes layered,
    /// and it is refused over a dictionary whose base was replaced meanwhile (a full reload).
    @Test func aFoldKeepsTheChangesMadeWhileItRan() {
        var layered = LayeredDictionary(["A": 1, "B": 2])
        layered["A"] = nil
        layered["C"] = 3
        let fold = layered.fold()
        layered["C"] = 30
        layered["D"] = 4
        let rebased = layered.rebased(on: fold)
        #expect(rebased?.layerCount == 2)
        #expect(rebased?.count == 3)
        #expect(rebased?["A"] == nil && rebased?["B"] == 2 && rebased?["C"] == 30 && rebased?["D"] == 4)
        #expect(LayeredDictionary(["B": 2]).rebased(on: fold) == nil)
    }

    @Test func aCouponTableUpdateLeavesTheTableItCameFromAlone() {
        let table = CouponTable([Coupon(code: "A", promotionID: "p"), Coupon(code: "B", promotionID: "p")])
        var definitions = table.definitions  // as the catalog changes a few codes
        definitions["A"] = nil
        definitions["C"] = CouponDefinition(code: "C", promotionID: "q", kind: .unlimited)
        let updated = CouponTable(definitions: definitions)
        #expect(table.count == 2 && table["A"] != nil && table["C"] == nil)
        #expect(updated.count == 2 && updated["A"] == nil && updated["C"]?.promotionID == "q")
        #expect(CouponTable(definitions: updated.definitions.compacted())["B"]?.promotionID == "p")
    }
}
