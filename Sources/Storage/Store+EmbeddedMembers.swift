extension Store {
    /// Creates the embedded member database (`DatabaseConfiguration.embeddedMembers`) when it is
    /// missing: on PostgreSQL a database beside Marquee's (needs the CREATEDB privilege); an
    /// SQLite file is created when first opened.
    public func createEmbeddedMembersDatabase() async throws {
        guard case .postgres(let settings) = configuration.embeddedMembers else { return }
        let exists = try await database.query("SELECT 1 AS found FROM pg_database WHERE datname = $1", [.text(settings.database)])
        guard exists.isEmpty else { return }
        let quoted = "\"" + settings.database.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        try await database.query("CREATE DATABASE \(quoted)")
    }
}
