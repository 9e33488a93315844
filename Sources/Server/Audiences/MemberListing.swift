import Audiences
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Roaring

/// Member ids of an audience or snapshot as a response: NDJSON (`{"memberId":N}` per line,
/// the default) or CSV (`Accept: text/csv`, header `member_id`; see ``MemberFormat``), in
/// ascending id order.
///
/// Paging: `?after=ID` starts after that id; `?limit=N` returns at most N ids and, when more
/// remain, `X-Next-Cursor: <last id>` and a `Link: <…?after=…&limit=N>; rel="next"` header.
/// Without `limit` every id is streamed in chunks (no whole-list buffering).
enum MemberListing {
    static let chunk = 8192

    /// The paging arguments, read before the audience is evaluated: bad input is refused without
    /// running a filter, and with its own error rather than the member source's.
    struct Page {
        var after: UInt32?
        var limit: Int?
        var csv: Bool

        init(_ request: Request) throws {
            if let text = request.uri.queryParameters["after"] {
                guard let value = MemberID.parse(text) else {
                    throw APIError.badRequest("after must be a member id (unsigned 32-bit, decimal)", code: "invalid_cursor")
                }
                after = value
            }
            limit = try request.limit(maximum: 1_000_000)
            csv = try MemberFormat.chosen(accept: request.headers[.accept]) == .csv
        }
    }

    static func response(_ members: Bitmap, page: Page, path: String) -> Response {
        let (after, limit, csv) = (page.after, page.limit, page.csv)
        var headers = HTTPFields()
        headers[.contentType] = csv ? "text/csv; charset=utf-8" : "application/x-ndjson"
        headers[HTTPField.Name("X-Total-Count")!] = String(members.count)
        let start: UInt32? = after.map { $0 == .max ? nil : $0 + 1 } ?? 0
        guard let start else { return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: csv ? "member_id\n" : ""))) }

        if let limit {
            var ids = [UInt32]()
            ids.reserveCapacity(min(limit, 65536))
            let iterator = members.elements(from: start).makeIterator()
            while ids.count < limit, let id = iterator.next() { ids.append(id) }
            if ids.count == limit, iterator.next() != nil, let last = ids.last {
                headers[HTTPField.Name("X-Next-Cursor")!] = String(last)
                headers[HTTPField.Name("Link")!] = "<\(path)?after=\(last)&limit=\(limit)>; rel=\"next\""
            }
            var buffer = ByteBuffer()
            if csv { buffer.writeString("member_id\n") }
            for id in ids { write(id, csv: csv, into: &buffer) }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: buffer))
        }
        let body = ResponseBody { writer in
            var buffer = ByteBuffer()
            if csv { buffer.writeString("member_id\n") }
            var inBuffer = 0
            for id in members.elements(from: start) {
                write(id, csv: csv, into: &buffer)
                inBuffer += 1
                if inBuffer == chunk {
                    try await writer.write(buffer)
                    buffer.clear()
                    inBuffer = 0
                }
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    static func write(_ id: UInt32, csv: Bool, into buffer: inout ByteBuffer) {
        if csv {
            buffer.writeString("\(id)\n")
        } else {
            buffer.writeString("{\"memberId\":\(id)}\n")
        }
    }

    /// `{"memberId": N, "member": true|false}` for `/members/{memberId}`.
    static func memberID(_ text: String) throws -> UInt32 {
        guard let id = MemberID.parse(text) else {
            throw APIError.badRequest("a member id is an unsigned 32-bit integer in decimal, without sign or leading zeros", path: nil, code: "invalid_member_id")
        }
        return id
    }

    static func membership(_ members: Bitmap, memberID id: UInt32) -> Response {
        JSONResponse.make(Membership(memberId: id, member: members.contains(id)))
    }

    struct Membership: Encodable {
        var memberId: UInt32
        var member: Bool
    }
}
