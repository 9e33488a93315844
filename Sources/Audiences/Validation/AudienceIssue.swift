/// One problem found while validating a filter or an audience, located by a JSON pointer
/// (RFC 6901) into the document that was validated, e.g. `/definition/all/1/params/genre`.
///
/// The server maps these to its JSON error shape (`{"code", "message", "path"}`).
public struct AudienceIssue: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// A stable, machine-readable code such as `unknown_filter` or `invalid_parameter`.
    public var code: String
    /// A human-readable explanation.
    public var message: String
    /// JSON pointer of the offending value; `""` is the whole document.
    public var path: String

    /// An issue with the given code, message and pointer.
    public init(code: String, message: String, path: String) {
        self.code = code
        self.message = message
        self.path = path
    }

    public var description: String { "\(path.isEmpty ? "/" : path): \(code): \(message)" }
}
