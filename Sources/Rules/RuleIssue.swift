/// One problem found in a condition.
public struct RuleIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A stable machine-readable code, e.g. `unknown_operator`, `invalid_argument`, `type_mismatch`,
    /// `limit_exceeded`, `invalid_json`.
    public var code: String
    /// A plain message, e.g. `unknown operator "$gtt"`.
    public var message: String
    /// JSON pointer (RFC 6901) to the offending node, prefixed by the parse's `basePath`.
    public var path: String

    /// Creates an issue.
    public init(code: String, message: String, path: String) {
        self.code = code
        self.message = message
        self.path = path
    }

    /// `message at path`, e.g. `unknown operator "$gtt" at /trigger/$and/1/total`.
    public var description: String { path.isEmpty ? "\(message) at the root" : "\(message) at \(path)" }
}

extension RuleIssue {
    /// A number whose exponent is beyond what Marquee writes back (`JSONNumber.isWritable`).
    public static func numberOutOfRange(at path: String) -> RuleIssue {
        RuleIssue(code: "out_of_range", message: "number out of range: the exponent may be at most \(JSONNumber.maxWritableExponent) in magnitude "
                      + "(send numbers between 1e-127 and 1e127 at 19 significant digits)", path: path)
    }
}
