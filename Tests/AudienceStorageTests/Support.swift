import Audiences
import Foundation
import Roaring
import Storage
import TestSupport

enum MemberSources {
    /// A member source over the test store's own database, where these tests create their member
    /// tables (a server's embedded source uses the member database beside it instead).
    static func overTestDatabase(_ store: Store, maxQueries: Int = 3) throws -> any SQLMemberSource {
        switch store.configuration {
        case .sqlite(let path):
            return SQLiteMemberSource(path: path, maxConcurrentQueries: maxQueries, logger: TestDatabases.logger)
        case .postgres:
            let database = try require(store.database as? PostgresDatabase)
            return PostgresMemberSource(client: database.client, maxConcurrentQueries: maxQueries, statementTimeout: .seconds(30),
                                        allowsMarqueeDatabase: true, logger: TestDatabases.logger)
        }
    }

    static func sqlValue(_ value: ParameterValue) -> SQLValue {
        switch value {
        case .string(let text), .date(let text), .decimal(let text): .text(text)
        case .integer(let int): .int(Int(int))
        case .boolean(let bool): .bool(bool)
        case .stringArray, .integerArray: .null
        }
    }
}

struct RequireError: Error {}

func require<T>(_ value: T?) throws -> T {
    guard let value else { throw RequireError() }
    return value
}
