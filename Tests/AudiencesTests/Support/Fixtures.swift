import Audiences

/// Filters of a small cinema tenant.
enum Fixtures {
    static let members = FilterDefinition(id: "members", name: "All members", sql: "SELECT id FROM members", universe: true)
    static let genre = FilterDefinition(
        id: "watched_genre", name: "Watched a genre",
        sql: "SELECT DISTINCT member_id FROM tickets t JOIN films f ON f.id = t.film_id WHERE f.genre = :genre AND t.bought_at >= :since",
        parameters: [FilterParameter(name: "genre", type: .string), FilterParameter(name: "since", type: .date)])
    static let city = FilterDefinition(
        id: "lives_in", name: "Lives in", sql: "SELECT id FROM members WHERE city = :city",
        parameters: [FilterParameter(name: "city", type: .string)], cacheTTLSeconds: 60)
    static let optedOut = FilterDefinition(id: "opted_out", name: "Opted out of e-mail",
                                           sql: "SELECT member_id FROM optouts", cacheTTLSeconds: 60)
    static let spent = FilterDefinition(
        id: "spent_at_least", name: "Spent at least",
        sql: "SELECT member_id FROM purchases GROUP BY member_id HAVING SUM(amount) >= :amount",
        parameters: [FilterParameter(name: "amount", type: .decimal)])

    static let catalog = FilterCatalog([members, genre, city, optedOut, spent])
    static let catalogWithoutUniverse = FilterCatalog([genre, city, optedOut, spent])
}
