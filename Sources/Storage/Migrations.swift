/// Every schema version, in order. Never edit a released migration: append a new one.
public enum Migrations {
    public static let all: [Migration] = [
        Migration(version: 1, name: "tenants and api keys", statements: [
            """
            CREATE TABLE tenants (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                created_at {timestamp} NOT NULL
            )
            """,
            """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                tenant_id TEXT NOT NULL REFERENCES tenants(id),
                role TEXT NOT NULL CHECK (role IN ('admin', 'pricing', 'read')),
                secret_hash TEXT NOT NULL UNIQUE,
                prefix TEXT NOT NULL,
                created_at {timestamp} NOT NULL,
                revoked_at {timestamp}
            )
            """,
            "CREATE INDEX api_keys_tenant ON api_keys (tenant_id)",
        ]),
    ]
}
