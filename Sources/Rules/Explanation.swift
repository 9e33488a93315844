/// Why a condition did or did not match a document.
public struct Explanation: Sendable, Codable, Hashable {
    /// Whether the condition matched.
    public var matched: Bool
    /// For a false condition: the leaves that failed (every failing leaf of an `$and`, every
    /// branch of an `$or`). Empty when the condition matched.
    public var failures: [Failure]

    /// At most this many failures are kept, each with `expected` and `found` abbreviated: an
    /// explanation is read by a person, and echoing whole values let a 0.5 MB request produce a
    /// 160 MB answer.
    public static let maxFailures = 100

    /// Creates an explanation (the first `maxFailures` failures, abbreviated).
    public init(matched: Bool, failures: [Failure]) {
        self.matched = matched
        self.failures = failures.prefix(Self.maxFailures).map { failure in
            var failure = failure
            failure.expected = failure.expected.abbreviated()
            failure.found = failure.found?.abbreviated()
            return failure
        }
    }

    /// One failed leaf.
    public struct Failure: Sendable, Codable, Hashable {
        /// JSON pointer into the condition, e.g. `/trigger/customer.tier`.
        public var path: String
        /// The dotted field path, e.g. `customer.tier`.
        public var field: String
        /// The operator, e.g. `$eq`, `$in`, `$not $gt` for a negated leaf.
        public var `operator`: String
        /// The operator's argument in canonical JSON form.
        public var expected: JSONValue
        /// The value found in the document (an array of the values found when the path went
        /// through arrays), nil when the field is missing.
        public var found: JSONValue?

        /// Creates a failure.
        public init(path: String, field: String, operator: String, expected: JSONValue, found: JSONValue?) {
            self.path = path
            self.field = field
            self.operator = `operator`
            self.expected = expected
            self.found = found
        }
    }
}
