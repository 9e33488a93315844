import Audiences
import Foundation
import NIOCore
import NIOPosix
import Server
import TestSupport
import Testing

/// Clients that stall or leave (found by a resource review: 5,000 slow-body connections stayed
/// open for good, and each aborted upload was logged and counted as a 500).
@Suite("Slow and vanishing clients")
struct SlowClientTests {
    struct ConnectionStayedOpen: Error {}

    /// Opens a raw connection, writes `bytes`, then either waits for the server to close it
    /// (returns true) or closes it itself after `closeAfter`.
    static func raw(_ server: TestServer, _ bytes: String, closeAfter: Duration? = nil) async throws -> Bool {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: server.baseURL.port ?? 0) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: bytes))
            if let closeAfter {
                try await Task.sleep(for: closeAfter)
                return false
            }
            for try await _ in inbound {}  // ends when the server closes the connection
            return true
        }
    }

    @Test func aStalledRequestIsClosedAfterTheIdleTimeout() async throws {
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.idleTimeout = .seconds(1)
        try await TestServer.with(.sqlite, configuration: configuration) { server in
            let (_, key) = try await server.tenant()
            let partialBody = "POST /v1/carts/price HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(key)\r\nContent-Length: 1000\r\n\r\n{\"a"
            let partialHeaders = "POST /v1/carts/price HTTP/1.1\r\nHost: x\r\nAuthor"
            for bytes in [partialBody, partialHeaders] {
                // Without the timeout the server waits for the rest for good.
                let closed = try await withDeadline(.seconds(30), expired: { ConnectionStayedOpen() }) { try await Self.raw(server, bytes) }
                #expect(closed)
            }
        }
    }

    @Test func aClientLeavingMidBodyIsNotAServerError() async throws {
        try await TestServer.with(.sqlite) { server in
            let (_, key) = try await server.tenant()
            let request = "POST /v1/carts/price HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(key)\r\nContent-Length: 1000\r\n\r\n{\"a"
            for _ in 0..<3 { _ = try await Self.raw(server, request, closeAfter: .milliseconds(100)) }
            var metrics = ""
            for _ in 0..<50 where !metrics.contains(#"route="/v1/carts/price",status="400""#) {
                try await Task.sleep(for: .milliseconds(100))
                metrics = try await server.request("GET", "/metrics").text
            }
            let lines = metrics.split(separator: "\n").filter { $0.hasPrefix("http_server_requests_total") && $0.contains("/v1/carts/price") }
            #expect(lines.contains { $0.contains(#"status="400""#) }, "\(lines)")
            #expect(!lines.contains { $0.contains(#"status="500""#) }, "\(lines)")
        }
    }
}
