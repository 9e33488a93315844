import Audiences
import Foundation
import Synchronization

/// A `FilterUsageStore` holding the records as JSON bytes (proves they round-trip).
final class InMemoryUsageStore: FilterUsageStore {
    private let stored = Mutex<Data?>(nil)

    func loadUsage() async throws -> [FilterUsage] {
        guard let data = stored.withLock({ $0 }) else { return [] }
        return try JSONDecoder().decode([FilterUsage].self, from: data)
    }

    func saveUsage(_ usage: [FilterUsage]) async throws {
        let data = try JSONEncoder().encode(usage)
        stored.withLock { $0 = data }
    }

    var isEmpty: Bool { stored.withLock { $0 == nil } }
}
