import HTTPTypes
import Hummingbird
import Rules

/// An error answered as `{"error": {"code", "message", "path", "issues"?}}` with a 4xx/5xx status.
public struct APIError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// JSON pointer into the request body ("" for the whole body, nil when not about the body).
    public var path: String?
    /// Every problem found, for validation errors.
    public var issues: [RuleIssue]?
    /// Extra response headers (e.g. `ETag` on 412).
    public var headers: HTTPFields = [:]

    public init(status: HTTPResponse.Status, code: String, message: String, path: String? = nil, issues: [RuleIssue]? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.path = path
        self.issues = issues
    }

    public static func unauthorized(_ message: String = "missing or invalid API key (use Authorization: Bearer <key>)") -> APIError {
        var error = APIError(status: .unauthorized, code: "unauthorized", message: message)
        error.headers[.wwwAuthenticate] = "Bearer"
        return error
    }

    public static func notFound(_ what: String = "resource") -> APIError {
        APIError(status: .notFound, code: "not_found", message: "\(what) not found")
    }

    /// 412 for a save based on a stale version; the `ETag` header carries the current one.
    static func versionConflict(_ message: String, current: Int) -> APIError {
        var error = APIError(status: .preconditionFailed, code: "version_conflict", message: message)
        error.headers = ETag.header(current)
        return error
    }

    public static func badRequest(_ message: String, path: String? = nil, code: String = "bad_request") -> APIError {
        APIError(status: .badRequest, code: code, message: message, path: path)
    }

    /// 400 with every validation problem; the first one is the headline.
    public static func validation(_ issues: [RuleIssue]) -> APIError {
        let first = issues.first
        let message = issues.count == 1
            ? (first?.message ?? "invalid request")
            : "\(issues.count) problems, first: \(first?.message ?? "")"
        return APIError(status: .badRequest, code: "validation_failed", message: message, path: first?.path ?? "", issues: issues)
    }

    struct Body: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
            var path: String?
            var issues: [RuleIssue]?
        }
        var error: Detail
    }

    var body: Body {
        Body(error: .init(code: code, message: message, path: path, issues: issues))
    }
}
