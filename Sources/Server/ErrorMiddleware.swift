import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOHTTP1
import Rules

/// Turns every error into a JSON error response, so clients never see an empty or HTML body
/// and nothing escapes as a 500 unless it really is one.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = MarqueeRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = Self.apiError(for: error)
            if apiError.status.code >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            return JSONResponse.make(apiError.body, status: apiError.status, headers: apiError.headers)
        }
    }

    static func apiError(for error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as RuleErrors:
            return .validation(error.issues)
        case let error as HTTPError:
            let code = switch error.status {
            case .notFound: "not_found"
            case .contentTooLarge: "body_too_large"
            case .methodNotAllowed: "method_not_allowed"
            case .badRequest: "bad_request"
            default: error.status.code < 500 ? "http_\(error.status.code)" : "internal_error"
            }
            let message = error.body ?? (error.status == .notFound ? "no such route" : error.status.reasonPhrase)
            var apiError = APIError(status: error.status, code: code, message: message)
            apiError.headers = error.headers
            return apiError
        case let error as HTTPParserError:
            // Mostly a client that went away in the middle of its body: its fault, not a 500
            // (those are logged at error level and alerted on).
            return APIError(status: .badRequest, code: "incomplete_request", message: "the request could not be read: \(error.debugDescription)")
        case let error as any HTTPResponseError where error.status.code < 500:
            return APIError(status: error.status, code: "http_\(error.status.code)", message: error.status.reasonPhrase)
        default:
            return APIError(status: .internalServerError, code: "internal_error", message: "internal error")
        }
    }
}
