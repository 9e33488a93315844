import Foundation
import HTTPTypes
import Hummingbird
import Rules

/// JSON response bodies with sorted keys, so equal values give byte-identical bodies.
enum JSONResponse {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    /// The headers of a JSON response, built once.
    static let jsonHeaders: HTTPFields = {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return headers
    }()

    /// A response from an exact JSON value (sorted keys; no Foundation encoder on the hot path).
    static func make(json value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: value.jsonText)))
    }

    /// A response from JSON text already encoded as UTF-8 (e.g. `PriceResult.jsonUTF8`).
    static func make(utf8 bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: jsonHeaders, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        guard let data = try? encoder.encode(value) else {  // never a success status with an error body
            let error = Data(#"{"error":{"code":"internal_error","message":"response encoding failed"}}"#.utf8)
            return Response(status: .internalServerError, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: error)))
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
