import Foundation

/// NDJSON or CSV for a member list, chosen from `Accept` (RFC 9110 §12.5.1): media ranges are
/// case-insensitive and each format takes the q of its most specific matching range. A format
/// Accept does not mention ranks below every mentioned one, and on a tie NDJSON (the default)
/// wins, so `text/plain` or `application/xml` still get NDJSON as before; only a client that
/// refuses both (`q=0`) gets 406. JSON clients (`application/json`) get NDJSON.
enum MemberFormat {
    case ndjson, csv

    static func chosen(accept: String?) throws -> MemberFormat {
        guard let accept, !accept.allSatisfy({ $0 == " " || $0 == "," }) else { return .ndjson }
        let ranges = accept.split(separator: ",").map(MediaRange.init)
        let ndjson = quality(ranges) { range in
            guard range.type == "application" else { return nil }
            switch range.subtype {
            case "x-ndjson", "ndjson": return 3
            case "json": return 2
            case "*": return 1
            default: return nil
            }
        }
        let csv = quality(ranges) { range in
            guard range.type == "text" else { return nil }
            return range.subtype == "csv" ? 3 : range.subtype == "*" ? 1 : nil
        }
        if ndjson == 0 && csv == 0 {
            throw APIError(status: .notAcceptable, code: "not_acceptable",
                           message: "member lists are application/x-ndjson or text/csv; Accept refuses both", path: nil)
        }
        let unmentioned = 0.0001  // below any q a client can write (three decimals)
        return (csv ?? unmentioned) > (ndjson ?? unmentioned) ? .csv : .ndjson
    }

    /// The q of the most specific matching range (`specificity` gives a range's rank for this
    /// format, nil when it does not match; `*/*` ranks 0), or nil when no range matches.
    private static func quality(_ ranges: [MediaRange], specificity: (MediaRange) -> Int?) -> Double? {
        var best: (rank: Int, q: Double)?
        for range in ranges {
            guard let rank = range.full == "*/*" ? 0 : specificity(range) else { continue }
            if best.map({ (rank, range.q) > $0 }) ?? true { best = (rank, range.q) }
        }
        return best?.q
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
