import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Rules

/// Reads JSON request bodies within the size limit, turning every failure into a 4xx with a path.
public struct RequestBody: Sendable {
    /// Bytes accepted per body; larger bodies get 413.
    public var limit: Int

    public init(limit: Int) {
        self.limit = limit
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// The raw body bytes (413 beyond the limit).
    public func bytes(_ request: Request) async throws -> ByteBuffer {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw tooLarge()
        }
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {  // a chunked body (no Content-Length) over the limit
            throw tooLarge()
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw tooLarge()
        }
    }

    /// Decodes the body as `T`; malformed JSON or wrong shapes give 400 with a JSON pointer, and
    /// so does a member not in `fields` (when given): a misspelt optional field such as
    /// `customerId` would otherwise be dropped in silence (a customer's coupon made public).
    public func decode<T: Decodable>(_ type: T.Type, from request: Request, fields: Set<String>? = nil) async throws -> T {
        let (value, data) = try await checkedJSON(request)
        if let fields { try Self.refuseUnknownMembers(value, fields: fields) }
        do {
            return try Self.decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw Self.apiError(error, body: value)
        }
    }

    /// 400 `unknown_field` at the first member (in sorted order) of an object body not in `fields`.
    /// Read-only members of a resource's responses belong in `fields` (ignored), so a body read
    /// with GET can be sent back.
    public static func refuseUnknownMembers(_ value: JSONValue, fields: Set<String>) throws {
        guard case .object(let members) = value, let unknown = members.keys.sorted().first(where: { !fields.contains($0) }) else { return }
        throw APIError.badRequest("unknown field \"\(unknown)\"", path: pointer([PathKey(unknown)]), code: "unknown_field")
    }

    /// The body bytes for Foundation's `JSONDecoder`, after Marquee's own parser accepted them
    /// (400 otherwise), with the parsed value. Foundation must never see malformed JSON first:
    /// `JSONDecoder` kills the process on some of it (513 unclosed `[`, Swift 6.3.1).
    public func checkedJSON(_ request: Request) async throws -> (value: JSONValue, data: Data) {
        let buffer = try await bytes(request)
        return (try Self.parse(buffer), Data(buffer: buffer))
    }

    /// The body as an exact JSON value (numbers keep their decimal text); 400 when malformed.
    public func json(_ request: Request) async throws -> JSONValue {
        try Self.parse(try await bytes(request))
    }

    /// Parses in place from the body buffer (no copy into `Data`); 400 when empty or malformed
    /// (including nesting deeper than 256).
    static func parse(_ buffer: ByteBuffer) throws -> JSONValue {
        guard buffer.readableBytes > 0 else { throw APIError.badRequest("request body is empty; expected JSON", path: "", code: "invalid_json") }
        let parsed: Result<JSONValue, JSONParseError> = buffer.withUnsafeReadableBytes { raw in
            Result { () throws(JSONParseError) in try JSONValue(parsing: raw) }
        }
        switch parsed {
        case .success(let value):
            // JSON can only carry U+0000 as the escape `\u0000`, so one byte search keeps the
            // tree walk off the usual path.
            if buffer.readableBytesView.firstRange(of: Self.escapedNUL) != nil, let path = nulString(in: value) {
                throw APIError.badRequest("text may not contain U+0000 (it cannot be stored)", path: pointer(path), code: "invalid_value")
            }
            return value
        case .failure(let error):
            throw APIError.badRequest("malformed JSON: \(error.description)", path: "", code: "invalid_json")
        }
    }

    /// The body as a JSON object; 400 when it is another kind of value.
    public func jsonObject(_ request: Request) async throws -> [String: JSONValue] {
        guard case .object(let object) = try await json(request) else {
            throw APIError.badRequest("expected a JSON object", path: "", code: "wrong_type")
        }
        return object
    }

    func tooLarge() -> APIError {
        APIError(status: .contentTooLarge, code: "body_too_large", message: "request body exceeds \(limit) bytes")
    }

    /// `body`: the parsed body, so that a number that does not fit its field (which Foundation
    /// reports as corrupted data at the root, e.g. `1.5` or `1e20` for an integer) gets a pointer.
    static func apiError(_ error: DecodingError, body: JSONValue?) -> APIError {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            guard let body else { return .badRequest("malformed JSON: \(rootCause(context))", path: "", code: "invalid_json") }
            if let path = unfitNumber(in: body) {
                return .badRequest("expected an integer of at most 64 bits", path: pointer(path), code: "wrong_type")
            }
            return .badRequest("invalid request body: \(rootCause(context))", path: "", code: "invalid_value")
        case .dataCorrupted(let context):
            return .badRequest(context.debugDescription, path: pointer(context.codingPath), code: "invalid_value")
        case .keyNotFound(let key, let context):
            return .badRequest("missing field \"\(key.stringValue)\"", path: pointer(context.codingPath + [key]), code: "missing_field")
        case .typeMismatch(let type, let context):
            return .badRequest("expected \(describe(type))", path: pointer(context.codingPath), code: "wrong_type")
        case .valueNotFound(let type, let context):
            return .badRequest("expected \(describe(type)), found null", path: pointer(context.codingPath), code: "wrong_type")
        @unknown default:
            return .badRequest("invalid request body", path: "", code: "invalid_json")
        }
    }

    static func rootCause(_ context: DecodingError.Context) -> String {
        if let underlying = context.underlyingError as NSError?, let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String {
            return detail
        }
        return context.debugDescription
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt32.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "a boolean"
        default: String(describing: type).contains("Array") ? "an array" : (String(describing: type).contains("Dictionary") ? "an object" : "a \(type)")
        }
    }

    /// The path of the first number (keys in sorted order) that is not a 64-bit integer. Request
    /// bodies have no floating-point fields (amounts are decimal strings), so that number is the
    /// one the decoder could not store.
    static func unfitNumber(in value: JSONValue, at path: [PathKey] = []) -> [PathKey]? {
        switch value {
        case .number(let number): return number.int64Value == nil ? path : nil
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                if let found = unfitNumber(in: element, at: path + [PathKey(index)]) { return found }
            }
        case .object(let members):
            for key in members.keys.sorted() {
                if let found = unfitNumber(in: members[key]!, at: path + [PathKey(key)]) { return found }
            }
        default: break
        }
        return nil
    }

    static let escapedNUL = Array("\\u0000".utf8)

    /// The path of the first string or member name holding U+0000 (PostgreSQL text cannot,
    /// so saving one failed with 500).
    static func nulString(in value: JSONValue, at path: [PathKey] = []) -> [PathKey]? {
        switch value {
        case .string(let string): return string.utf8.contains(0) ? path : nil
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                if let found = nulString(in: element, at: path + [PathKey(index)]) { return found }
            }
        case .object(let members):
            for key in members.keys.sorted() {
                if key.utf8.contains(0) { return path + [PathKey(key)] }
                if let found = nulString(in: members[key]!, at: path + [PathKey(key)]) { return found }
            }
        default: break
        }
        return nil
    }

    struct PathKey: CodingKey {
        var stringValue: String
        var intValue: Int?
        init(_ key: String) { stringValue = key }
        init(_ index: Int) { stringValue = String(index); intValue = index }
        init?(stringValue: String) { self.init(stringValue) }
        init?(intValue: Int) { self.init(intValue) }
    }

    /// A JSON pointer (RFC 6901) for a coding path.
    public static func pointer(_ path: [any CodingKey]) -> String {
        path.map { key in
            if let index = key.intValue { return "/\(index)" }
            return "/" + key.stringValue.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
        }.joined()
    }
}
