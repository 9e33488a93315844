import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Gives every request an id (the caller's `X-Request-Id` when it is sane, else a new one),
/// puts it in the logger metadata and the response, and logs one line per request.
struct RequestLoggingMiddleware: RouterMiddleware {
    typealias Context = MarqueeRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let requestID = request.headers[.requestID].flatMap(Self.sanitized) ?? Self.newID()
        context.requestID = requestID
        context.logger[metadataKey: "request_id"] = .string(requestID)
        let start = ContinuousClock.now
        var response = try await next(request, context)
        response.headers[.requestID] = requestID
        let elapsed = ContinuousClock.now - start
        context.logger.info("request", metadata: [
            "method": .string(request.method.rawValue),
            "path": .string(request.uri.path),
            "status": .stringConvertible(response.status.code),
            "duration_ms": .string(String(format: "%.3f", Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)),
        ])
        return response
    }

    static func sanitized(_ value: String) -> String? {
        guard (1...128).contains(value.utf8.count),
              value.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7a) || $0 == 0x2d || $0 == 0x5f || $0 == 0x2e })
        else { return nil }
        return value
    }

    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next() as UInt64, radix: 16, uppercase: false)
    }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-Id")!
}
