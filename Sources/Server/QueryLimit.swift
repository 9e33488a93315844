import Hummingbird

extension Request {
    /// The `limit` query parameter: nil when absent, 400 `invalid_limit` unless 1…`maximum`.
    func limit(maximum: Int) throws -> Int? {
        guard let text = uri.queryParameters["limit"] else { return nil }
        guard let value = Int(text), (1...maximum).contains(value) else {
            throw APIError.badRequest("limit must be between 1 and \(maximum)", code: "invalid_limit")
        }
        return value
    }
}
