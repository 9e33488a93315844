import Storage
import Testing

@Suite("Database URLs")
struct DatabaseConfigurationTests {
    @Test func poolSizeIsReadAndNonsenseIsRefused() throws {
        guard case .postgres(let settings) = try DatabaseConfiguration(url: "postgres://u:p@db:5433/app?pool=4") else {
            Issue.record("not PostgreSQL")
            return
        }
        #expect(settings.maxConnections == 4)
        #expect(settings.port == 5433)
        guard case .postgres(let defaults) = try DatabaseConfiguration(url: "postgres://u@db/app") else {
            Issue.record("not PostgreSQL")
            return
        }
        #expect(defaults.maxConnections == 16)
        // Before, these were silently replaced by 16.
        for bad in ["abc", "0", "-3", "", "100000"] {
            #expect(throws: StorageError.self, "pool=\(bad)") { try DatabaseConfiguration(url: "postgres://u@db/app?pool=\(bad)") }
        }
    }
}
