import Foundation

/// NDJSON or CSV for a member list, chosen from `Accept` (RFC 9110 §12.5.1): media ranges are
/// case-insensitive, each format takes the q of its most specific matching range, `q=0` refuses
/// it, and on a tie NDJSON (the default) wins. JSON clients (`application/json`) get NDJSON.
enum MemberFormat {
    case ndjson, csv

    static let ndjsonTypes: Set<String> = ["application/x-ndjson", "application/ndjson", "application/json"]

    static func chosen(accept: String?) throws -> MemberFormat {
        guard let accept, !accept.allSatisfy({ $0 == " " || $0 == "," }) else { return .ndjson }
        let ranges = accept.split(separator: ",").map(MediaRange.init)
        let ndjson = quality(ranges) { $0.type == "application" && ($0.subtype == "*" || ndjsonTypes.contains($0.full)) }
        let csv = quality(ranges) { $0.type == "text" && ($0.subtype == "*" || $0.subtype == "csv") }
        guard ndjson > 0 || csv > 0 else {
            throw APIError(status: .notAcceptable, code: "not_acceptable",
                           message: "member lists are application/x-ndjson or text/csv; Accept allows neither", path: nil)
        }
        return csv > ndjson ? .csv : .ndjson
    }

    /// The q of the most specific range that matches (`*/*` when no closer one does), 0 if none.
    private static func quality(_ ranges: [MediaRange], matching: (MediaRange) -> Bool) -> Double {
        var best: (specificity: Int, q: Double)?
        for range in ranges where range.full == "*/*" || matching(range) {
            let specificity = range.full == "*/*" ? 0 : range.subtype == "*" ? 1 : 2
            if best == nil || specificity > best!.specificity || (specificity == best!.specificity && range.q > best!.q) {
                best = (specificity, range.q)
            }
        }
        return best?.q ?? 0
    }

    struct MediaRange {
        var full: String, type: Substring, subtype: Substring, q = 1.0

        init(_ text: Substring) {
            let parts = text.split(separator: ";")
            full = (parts.first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
            let halves = full.split(separator: "/", maxSplits: 1)
            type = halves.first ?? ""
            subtype = halves.count == 2 ? halves[1] : ""
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                if pair.count == 2, pair[0] == "q", let value = Double(pair[1]), (0...1).contains(value) { q = value }
            }
        }
    }
}
