import Storage

/// Generates a cinema loyalty dataset inside the database, statement by statement (rows never
/// travel through Marquee): members (birth date, gender, city, tier, join date, e-mail opt-in),
/// films (genre, rating), sessions (film, city, format, time), and about 20 transactions per
/// member (≈14 tickets, ≈6 concessions, skewed across members), then indexes.
///
/// Times span 2023-01-01 … 2025-06-30 so the catalog's dates select realistic slices.
public struct CinemaGenerator: Sendable {
    public let database: any SQLDatabase
    public let members: Int
    /// Members generated per statement (progress granularity).
    public var batch = 50_000

    public init(database: any SQLDatabase, members: Int) {
        self.database = database
        self.members = members
    }

    static let tables = ["concessions", "tickets", "sessions", "films", "members"]
    static let cities = ["Oslo", "Bergen", "Stockholm", "Gothenburg", "Copenhagen", "Aarhus", "Helsinki", "Tampere",
                         "Malmo", "Trondheim", "Uppsala", "Odense"]
    static let genres = ["action", "comedy", "drama", "horror", "family", "sci-fi", "animation", "thriller", "romance", "documentary"]
    static let items = ["popcorn", "soda", "nachos", "candy", "hotdog", "combo"]

    var postgres: Bool { database.dialect == .postgres }

    /// A uniform random integer in 0..<n.
    func uniform(_ n: Int) -> String {
        postgres ? "floor(random() * \(n))::int" : "(abs(random()) % \(n))"
    }

    /// A random integer in 0..<n skewed towards 0 (product of two uniforms).
    func skewed(_ n: Int) -> String {
        postgres ? "floor(random() * random() * \(n))::int" : "((abs(random()) % \(n)) * (abs(random()) % \(n)) / \(n))"
    }

    /// `CASE expr WHEN 0 THEN 'a' …` choosing from `values`.
    func pick(_ expression: String, _ values: [String]) -> String {
        "CASE " + expression + " " + values.enumerated().map { "WHEN \($0.offset) THEN '\($0.element)'" }.joined(separator: " ")
            + " ELSE '\(values[0])' END"
    }

    func date(_ base: String, plusDays days: String) -> String {
        postgres ? "(DATE '\(base)' + \(days))" : "date('\(base)', '+' || (\(days)) || ' days')"
    }

    /// A timestamp between 2023-01-01 and 2025-06-30.
    var timestamp: String {
        postgres ? "(TIMESTAMP '2023-01-01' + random() * INTERVAL '911 days')"
            : "datetime('2023-01-01', '+' || (abs(random()) % 78710400) || ' seconds')"
    }

    /// Rows `lo..<hi` as a table `g(x)`.
    func series(_ lo: Int, _ hi: Int) -> String {
        postgres ? "generate_series(\(lo), \(hi - 1)) AS g(x)"
            : "(WITH RECURSIVE r(x) AS (SELECT \(lo) UNION ALL SELECT x + 1 FROM r WHERE x < \(hi - 1)) SELECT x FROM r) AS g"
    }

    var filmCount: Int { 400 }
    var sessionCount: Int { max(2000, members / 5) }

    /// Drops and recreates the tables, fills them; `progress(done, total)` after each step.
    public func run(progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws {
        let memberBatches = (members + batch - 1) / batch
        let total = 3 + memberBatches * 2 + 1
        var done = 0
        func step() { done += 1; progress(done, total) }

        for table in Self.tables { try await database.query("DROP TABLE IF EXISTS \(table)") }
        let timestampType = postgres ? "timestamp" : "TEXT"
        let dateType = postgres ? "date" : "TEXT"
        let serial = postgres ? "bigserial" : "INTEGER"
        try await database.query("""
            CREATE TABLE members (id INTEGER PRIMARY KEY, birth_date \(dateType) NOT NULL, gender TEXT NOT NULL,
              city TEXT NOT NULL, tier TEXT NOT NULL, joined_at \(dateType) NOT NULL, email_opt_in BOOLEAN NOT NULL)
            """)
        try await database.query("CREATE TABLE films (id INTEGER PRIMARY KEY, title TEXT NOT NULL, genre TEXT NOT NULL, rating TEXT NOT NULL, release_date \(dateType) NOT NULL)")
        try await database.query("CREATE TABLE sessions (id INTEGER PRIMARY KEY, film_id INTEGER NOT NULL, city TEXT NOT NULL, format TEXT NOT NULL, starts_at \(timestampType) NOT NULL)")
        try await database.query("CREATE TABLE tickets (id \(serial) PRIMARY KEY, member_id INTEGER NOT NULL, session_id INTEGER NOT NULL, bought_at \(timestampType) NOT NULL, price_cents INTEGER NOT NULL, channel TEXT NOT NULL)")
        try await database.query("CREATE TABLE concessions (id \(serial) PRIMARY KEY, member_id INTEGER NOT NULL, session_id INTEGER NOT NULL, bought_at \(timestampType) NOT NULL, item TEXT NOT NULL, amount_cents INTEGER NOT NULL)")
        step()

        try await database.query("""
            INSERT INTO films (id, title, genre, rating, release_date)
            SELECT x, 'Film ' || x, \(pick(skewed(Self.genres.count), Self.genres)), \(pick(uniform(4), ["G", "PG", "PG-13", "R"])),
                   \(date("2022-06-01", plusDays: uniform(1100)))
            FROM \(series(1, filmCount + 1))
            """)
        step()
        try await database.query("""
            INSERT INTO sessions (id, film_id, city, format, starts_at)
            SELECT x, 1 + \(skewed(filmCount)), \(pick(skewed(Self.cities.count), Self.cities)),
                   \(pick(skewed(3), ["2D", "3D", "IMAX"])), \(timestamp)
            FROM \(series(1, sessionCount + 1))
            """)
        step()

        for start in stride(from: 1, through: members, by: batch) {
            let end = min(members + 1, start + batch)
            try await database.transaction { db in
                try await db.query("""
                    INSERT INTO members (id, birth_date, gender, city, tier, joined_at, email_opt_in)
                    SELECT x, \(date("1950-01-01", plusDays: uniform(20000))), \(pick(uniform(50), ["female"] + Array(repeating: "female", count: 23) + Array(repeating: "male", count: 24) + ["other", "other"])),
                           \(pick(skewed(Self.cities.count), Self.cities)),
                           CASE WHEN r < 60 THEN 'basic' WHEN r < 85 THEN 'silver' WHEN r < 97 THEN 'gold' ELSE 'platinum' END,
                           \(date("2015-01-01", plusDays: uniform(3800))), \(uniform(10)) < 7
                    FROM (SELECT x, \(uniform(100)) AS r FROM \(series(start, end))) AS s
                    """)
            }
            step()
            // ≈14 tickets and ≈6 concessions per member on average, skewed: n = u1 * u2 * 56 (mean 14).
            try await database.transaction { db in
                let active = postgres
                    ? "(SELECT id, floor(random() * random() * 57)::int AS n, floor(random() * random() * 25)::int AS c FROM members WHERE id >= \(start) AND id < \(end))"
                    : "(SELECT id, (abs(random()) % 57) * (abs(random()) % 57) / 57 AS n, (abs(random()) % 25) * (abs(random()) % 25) / 25 AS c FROM members WHERE id >= \(start) AND id < \(end))"
                let numbers = postgres ? "generate_series(1, m.n) AS k(i)" : "(WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 56) SELECT i FROM r) AS k"
                let numbersC = postgres ? "generate_series(1, m.c) AS k(i)" : numbers
                let materialised = postgres ? "" : "MATERIALIZED"
                try await db.query("""
                    WITH m AS \(materialised) \(active)
                    INSERT INTO tickets (member_id, session_id, bought_at, price_cents, channel)
                    SELECT m.id, 1 + \(uniform(sessionCount)), \(timestamp), 900 + 100 * \(uniform(10)), \(pick(uniform(3), ["app", "web", "box-office"]))
                    FROM m \(postgres ? "CROSS JOIN LATERAL" : "JOIN") \(numbers) \(postgres ? "" : "ON k.i <= m.n")
                    """.replacingOccurrences(of: "WITH m AS  (", with: "WITH m AS ("))
                try await db.query("""
                    WITH m AS \(materialised) \(active)
                    INSERT INTO concessions (member_id, session_id, bought_at, item, amount_cents)
                    SELECT m.id, 1 + \(uniform(sessionCount)), \(timestamp), \(pick(skewed(Self.items.count), Self.items)), 300 + 50 * \(uniform(20))
                    FROM m \(postgres ? "CROSS JOIN LATERAL" : "JOIN") \(numbersC) \(postgres ? "" : "ON k.i <= m.c")
                    """.replacingOccurrences(of: "WITH m AS  (", with: "WITH m AS ("))
            }
            step()
        }

        // On PostgreSQL the ticket and concession indexes cover the filters' columns
        // (`INCLUDE`), so the date-range and per-session filters are index-only scans instead of
        // heap visits: `watched_genre`/`watched_format` probe (session_id, bought_at) per session
        // of the genre/format, `frequent_goer`/`spent_at_least`/`lapsed` read the bought_at range.
        // SQLite has no INCLUDE: the same key columns without it.
        func include(_ columns: String) -> String { postgres ? " INCLUDE (\(columns))" : "" }
        for index in [
            "CREATE INDEX tickets_member ON tickets (member_id)",
            "CREATE INDEX tickets_session ON tickets (session_id, bought_at)" + include("member_id"),
            "CREATE INDEX tickets_bought ON tickets (bought_at)" + include("member_id, session_id, price_cents"),
            "CREATE INDEX concessions_member ON concessions (member_id)",
            "CREATE INDEX concessions_bought ON concessions (bought_at)" + include("member_id, item, amount_cents"),
            "CREATE INDEX sessions_film ON sessions (film_id)",
            "CREATE INDEX members_city ON members (city)", "CREATE INDEX members_tier ON members (tier)",
        ] {
            try await database.query(index)
        }
        // VACUUM sets the visibility map, without which index-only scans still visit the heap.
        try await database.query(postgres ? "VACUUM ANALYZE" : "ANALYZE")
        step()
    }
}
