import Foundation
import Storage
import TestSupport
import Testing

/// Closing the embedded database while a statement still runs (a last save during shutdown)
/// waits for it, and statements after the close fail cleanly instead of using a freed handle.
@Suite("SQLite close")
struct SQLiteCloseTests {
    @Test func closeWaitsForTheRunningTransactionAndLaterStatementsFail() async throws {
        guard case .sqlite(let path) = try TestDatabases.configuration(.sqlite) else { Issue.record("not SQLite"); return }
        let database = try await SQLiteDatabase.open(path: path, logger: TestDatabases.logger)
        try await database.query("CREATE TABLE t (n INTEGER)")
        let started = AsyncStream<Void>.makeStream()
        let transaction = Task {
            try await database.transaction { db in
                started.continuation.yield()
                try await Task.sleep(for: .milliseconds(300))
                try await db.query("INSERT INTO t (n) VALUES (1)", [])
                return try await db.query("SELECT count(*) AS c FROM t", []).first?.int("c")
            }
        }
        var iterator = started.stream.makeAsyncIterator()
        await iterator.next()
        await database.close()
        #expect(try await transaction.value == 1, "the transaction finished before the connection closed")
        await #expect(throws: StorageError.closed) { try await database.query("SELECT 1") }
    }
}
