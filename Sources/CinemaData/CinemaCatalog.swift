import Audiences

/// The demo tenant's filters and saved audiences over the cinema loyalty tables (`members`,
/// `films`, `sessions`, `tickets`, `concessions`). The SQL is portable between PostgreSQL and
/// SQLite as the generator lays the tables out.
public enum CinemaCatalog {
    static func p(_ name: String, _ type: ParameterType) -> FilterParameter { FilterParameter(name: name, type: type) }

    public static let filters: [FilterDefinition] = [
        FilterDefinition(id: "all_members", name: "All members", description: "Every loyalty member (the universe)",
                         sql: "SELECT id FROM members", cacheTTLSeconds: 3600, universe: true),
        FilterDefinition(id: "lives_in", name: "Lives in a city", sql: "SELECT id FROM members WHERE city = :city",
                         parameters: [p("city", .string)], cacheTTLSeconds: 3600),
        FilterDefinition(id: "tier", name: "Loyalty tier", sql: "SELECT id FROM members WHERE tier = :tier",
                         parameters: [p("tier", .string)], cacheTTLSeconds: 3600),
        FilterDefinition(id: "born_between", name: "Born between two dates",
                         sql: "SELECT id FROM members WHERE birth_date BETWEEN :from AND :to",
                         parameters: [p("from", .date), p("to", .date)], cacheTTLSeconds: 3600),
        FilterDefinition(id: "gender", name: "Gender", sql: "SELECT id FROM members WHERE gender = :gender",
                         parameters: [p("gender", .string)], cacheTTLSeconds: 3600),
        FilterDefinition(id: "email_opt_in", name: "Accepts e-mail", sql: "SELECT id FROM members WHERE email_opt_in",
                         cacheTTLSeconds: 600),
        FilterDefinition(id: "joined_since", name: "Joined since", sql: "SELECT id FROM members WHERE joined_at >= :since",
                         parameters: [p("since", .date)], cacheTTLSeconds: 3600),
        FilterDefinition(
            id: "watched_genre", name: "Watched a genre", description: "Bought a ticket for a film of the genre since a date",
            sql: """
                SELECT DISTINCT t.member_id FROM tickets t
                JOIN sessions s ON s.id = t.session_id JOIN films f ON f.id = s.film_id
                WHERE f.genre = :genre AND t.bought_at >= :since
                """,
            parameters: [p("genre", .string), p("since", .date)], cacheTTLSeconds: 900),
        FilterDefinition(
            id: "watched_format", name: "Watched a format", description: "Bought a ticket for an IMAX/3D/2D session since a date",
            sql: """
                SELECT DISTINCT t.member_id FROM tickets t JOIN sessions s ON s.id = t.session_id
                WHERE s.format = :format AND t.bought_at >= :since
                """,
            parameters: [p("format", .string), p("since", .date)], cacheTTLSeconds: 900),
        FilterDefinition(
            id: "frequent_goer", name: "Frequent goer", description: "At least N tickets since a date",
            sql: "SELECT member_id FROM tickets WHERE bought_at >= :since GROUP BY member_id HAVING COUNT(*) >= :visits",
            parameters: [p("since", .date), p("visits", .integer)], cacheTTLSeconds: 900),
        FilterDefinition(
            id: "spent_at_least", name: "Spent at least", description: "Tickets and concessions since a date, in EUR",
            sql: """
                SELECT member_id FROM (
                  SELECT member_id, price_cents AS cents FROM tickets WHERE bought_at >= :since
                  UNION ALL
                  SELECT member_id, amount_cents FROM concessions WHERE bought_at >= :since
                ) x GROUP BY member_id HAVING SUM(cents) >= :amount * 100
                """,
            parameters: [p("since", .date), p("amount", .decimal)], cacheTTLSeconds: 900),
        FilterDefinition(
            id: "bought_concession", name: "Bought a concession item", sql:
                "SELECT DISTINCT member_id FROM concessions WHERE item = :item AND bought_at >= :since",
            parameters: [p("item", .string), p("since", .date)], cacheTTLSeconds: 900),
        FilterDefinition(
            id: "lapsed", name: "Lapsed", description: "No ticket since a date",
            sql: "SELECT m.id FROM members m WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.member_id = m.id AND t.bought_at >= :since)",
            parameters: [p("since", .date)], cacheTTLSeconds: 900),
    ]

    static func leaf(_ id: String, _ params: [String: ParameterInput] = [:], exclude: Bool = false) -> AudienceDefinition {
        .filter(id, params: params, exclude: exclude)
    }

    /// A few saved audiences for the demo.
    public static let audiences: [SavedAudience] = [
        SavedAudience(id: "horror-fans", name: "Horror fans who accept e-mail", definition: .all([
            leaf("watched_genre", ["genre": "horror", "since": "2024-07-01"]), leaf("email_opt_in"),
        ])),
        SavedAudience(id: "lapsed-gold", name: "Gold and platinum members who stopped coming", definition: .all([
            .any([leaf("tier", ["tier": "gold"]), leaf("tier", ["tier": "platinum"])]),
            leaf("lapsed", ["since": "2025-03-01"]),
        ])),
        SavedAudience(id: "family-snackers", name: "Families who buy popcorn, still active", definition: .all([
            .any([leaf("watched_genre", ["genre": "family", "since": "2024-01-01"]),
                  leaf("watched_genre", ["genre": "animation", "since": "2024-01-01"])]),
            leaf("bought_concession", ["item": "popcorn", "since": "2024-01-01"]),
            leaf("lapsed", ["since": "2025-04-01"], exclude: true),
        ])),
    ]

    /// The benchmark's audiences: 3–10 filters, nested groups, exclusions.
    public static let benchmarkAudiences: [(name: String, definition: AudienceDefinition)] = [
        ("3 filters", .all([
            leaf("watched_genre", ["genre": "horror", "since": "2024-01-01"]), leaf("email_opt_in"),
            leaf("lives_in", ["city": "Oslo"], exclude: true),
        ])),
        ("5 filters", .all([
            .any([leaf("tier", ["tier": "gold"]), leaf("tier", ["tier": "platinum"])]),
            leaf("frequent_goer", ["since": "2024-06-01", "visits": 5]),
            leaf("born_between", ["from": "1980-01-01", "to": "1999-12-31"]),
            leaf("lapsed", ["since": "2025-04-01"], exclude: true),
        ])),
        ("6 filters", .all([
            .any([leaf("watched_genre", ["genre": "family", "since": "2024-01-01"]),
                  leaf("watched_genre", ["genre": "animation", "since": "2024-01-01"])]),
            leaf("bought_concession", ["item": "popcorn", "since": "2024-01-01"]),
            leaf("email_opt_in"),
            leaf("joined_since", ["since": "2018-01-01"]),
            leaf("spent_at_least", ["since": "2025-01-01", "amount": "500"], exclude: true),
        ])),
        ("8 filters", .any([
            .all([leaf("watched_format", ["format": "IMAX", "since": "2024-09-01"]),
                  leaf("spent_at_least", ["since": "2024-09-01", "amount": "150.00"])]),
            .all([leaf("watched_genre", ["genre": "sci-fi", "since": "2024-01-01"]), leaf("gender", ["gender": "female"]),
                  leaf("lives_in", ["city": "Bergen"], exclude: true)]),
            .all([leaf("tier", ["tier": "platinum"]), leaf("frequent_goer", ["since": "2025-01-01", "visits": 3]),
                  leaf("email_opt_in")]),
        ])),
        ("10 filters", .all([
            leaf("email_opt_in"),
            .any([leaf("lives_in", ["city": "Oslo"]), leaf("lives_in", ["city": "Stockholm"]), leaf("lives_in", ["city": "Copenhagen"])]),
            .any([
                .all([leaf("watched_genre", ["genre": "action", "since": "2024-06-01"]),
                      leaf("bought_concession", ["item": "nachos", "since": "2024-06-01"])]),
                .all([leaf("watched_genre", ["genre": "drama", "since": "2024-06-01"]), leaf("born_between", ["from": "1950-01-01", "to": "1975-12-31"])]),
            ]),
            leaf("lapsed", ["since": "2025-05-01"], exclude: true),
            leaf("tier", ["tier": "basic"], exclude: true),
        ])),
    ]
}
