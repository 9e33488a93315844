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
        Migration(version: 2, name: "promotions", statements: [
            // `document` is the canonical promotion JSON (see docs/pricing.md); `version` is
            // authoritative (the document's own "version" field is overwritten on read).
            """
            CREATE TABLE promotions (
                tenant_id TEXT NOT NULL REFERENCES tenants(id),
                id TEXT NOT NULL,
                version INTEGER NOT NULL,
                enabled BOOLEAN NOT NULL,
                document {json} NOT NULL,
                created_at {timestamp} NOT NULL,
                updated_at {timestamp} NOT NULL,
                PRIMARY KEY (tenant_id, id)
            )
            """,
        ]),
    ]
}
