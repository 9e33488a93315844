import Audiences
import Foundation
import HTTPTypes
import Rules
import Storage

/// Audience-side failures as API errors: validation problems (400 with every issue and its
/// pointer), filter queries the database rejected (400 with the leaf's pointer), timeouts (504),
/// unreachable member sources (503), tenants without a member source (409).
enum AudienceErrors {
    static func validation(_ issues: [AudienceIssue]) -> APIError {
        APIError.validation(issues.map { RuleIssue(code: $0.code, message: $0.message, path: $0.path) })
    }

    /// Decoding failures of a body: malformed JSON keeps the generic 400, shape errors become
    /// issues with pointers.
    static func decoding(_ error: DecodingError, body: JSONValue?, basePath: String = "") -> APIError {
        if case .dataCorrupted(let context) = error, context.codingPath.isEmpty { return RequestBody.apiError(error, body: body) }
        return validation([AudienceIssue(error, basePath: basePath)])
    }

    /// Runs `body`, translating audience and member source errors.
    static func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as AudienceValidationError {
            throw validation(error.issues)
        } catch let error as FilterQueryError {
            // Leaf paths are relative to the definition; validation issues point at `/definition/…`.
            throw source(error.underlying, path: "/definition" + (error.paths.first ?? ""), filter: error.filterID)
        } catch let error as MemberSourceError {
            throw source(error, path: nil, filter: nil)
        } catch let error as AudienceRepositoryError {
            switch error {
            case .notFound: throw APIError.notFound("audience")
            case .alreadyExists(let id):
                throw APIError(status: .conflict, code: "already_exists", message: "an audience with id \"\(id)\" exists", path: "/id")
            case .versionConflict(let expected, let actual):
                throw APIError.versionConflict("the audience changed: you edited version \(expected), the current version is \(actual)",
                                               current: actual)
            }
        } catch FilterRepositoryError.versionConflict(let expected, let actual) {
            if expected == 0 {
                throw APIError(status: .conflict, code: "already_exists", message: "the filter exists (version \(actual))", path: "/id")
            }
            throw APIError.versionConflict(actual == 0
                ? "the filter does not exist (you edited version \(expected))"
                : "the filter changed: you edited version \(expected), the current version is \(actual)", current: actual)
        }
    }

    static func source(_ error: any Error, path: String?, filter: String?) -> APIError {
        let prefix = filter.map { "filter '\($0)': " } ?? ""
        switch error as? MemberSourceError {
        case .notConfigured?:
            return APIError(status: .conflict, code: "member_source_not_configured",
                            message: "this tenant has no member source: an operator sets one with `marquee member-source set`")
        case .invalidQuery(let message)?:
            return APIError(status: .badRequest, code: "filter_query_failed", message: prefix + message, path: path)
        case .timeout?:
            return APIError(status: .gatewayTimeout, code: "filter_timeout", message: prefix + String(describing: error), path: path)
        case .unavailable?, .replaced?, nil:
            return APIError(status: .serviceUnavailable, code: "member_source_unavailable", message: prefix + String(describing: error))
        }
    }
}
