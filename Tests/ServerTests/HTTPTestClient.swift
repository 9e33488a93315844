import NIOCore
import NIOHTTP1
import NIOPosix

/// A minimal HTTP/1.1 client over SwiftNIO for the API tests: one connection per request
/// (`Connection: close`) and a hard deadline that closes the connection, so a request always
/// ends with a response or an error.
///
/// The tests used FoundationNetworking's `URLSession` before. On Linux it sometimes never
/// completed a request when several ran at once, and its own timeout did not fire either: the
/// whole run then sat idle (four HTTP tests holding Swift Testing's four parallel slots on two
/// cores, everything else queued behind them).
enum HTTPTestClient {
    struct Response: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func send(host: String, port: Int, method: String, path: String, headers: [(String, String)],
                     body: [UInt8]?, deadline: TimeAmount = .seconds(120)) async throws -> Response
    {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Tests send odd header values on purpose (the server must cope with them).
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(enableOutboundHeaderValidation: false)
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        let expiry = channel.channel.eventLoop.scheduleTask(in: deadline) {
            channel.channel.close(promise: nil)  // ends the response stream below
        }
        defer { expiry.cancel() }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: path)
            head.headers.add(name: "Host", value: "\(host):\(port)")
            head.headers.add(name: "Connection", value: "close")
            for (name, value) in headers { head.headers.add(name: name, value: value) }
            if head.headers.contains(name: "Transfer-Encoding") {
                // chunked: NIO frames the body
            } else if let body {
                head.headers.replaceOrAdd(name: "Content-Length", value: String(body.count))
            } else if !["GET", "HEAD"].contains(method) {
                head.headers.replaceOrAdd(name: "Content-Length", value: "0")
            }
            // A server may answer and close before the body is written (413 for a body over the
            // limit): a failed write is kept, and the response, if one came, still wins.
            var writeError: (any Error)?
            do {
                try await outbound.write(.head(head))
                if let body, !body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
                try await outbound.write(.end(nil))
            } catch {
                writeError = error
            }

            var responseHead: HTTPResponseHead?
            var received: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let head): responseHead = head
                case .body(let buffer): received += buffer.readableBytesView
                case .end:
                    guard let responseHead else { throw Failure(description: "\(method) \(path): a response without a head") }
                    return Response(status: Int(responseHead.status.code), headers: responseHead.headers, body: received)
                }
            }
            if let writeError { throw writeError }
            throw Failure(description: "\(method) \(path): the connection closed before the response ended (deadline \(deadline.nanoseconds / 1_000_000_000) s)")
        }
    }
}
