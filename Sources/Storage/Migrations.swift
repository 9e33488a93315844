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
        Migration(
            version: 3, name: "change log",
            statements: [
                // One row per change to promotions (and, later, coupons), written by triggers so
                // that changes made with plain SQL are followed too. `version` order is commit
                // order: PostgreSQL assigns it under a transaction-scoped advisory lock, so a
                // second writer waits until the first commits; SQLite has a single writer.
                """
                CREATE TABLE changes (
                    version BIGINT PRIMARY KEY,
                    tenant_id TEXT NOT NULL,
                    entity TEXT NOT NULL,
                    entity_id TEXT NOT NULL,
                    operation TEXT NOT NULL,
                    changed_at {timestamp} NOT NULL
                )
                """,
            ],
            postgresOnly: [
                """
                CREATE FUNCTION marquee_record_change() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    row_tenant TEXT;
                    row_id TEXT;
                BEGIN
                    PERFORM pg_advisory_xact_lock(827345002);
                    IF TG_OP = 'DELETE' THEN
                        row_tenant := OLD.tenant_id; row_id := OLD.id;
                    ELSE
                        row_tenant := NEW.tenant_id; row_id := NEW.id;
                    END IF;
                    INSERT INTO changes (version, tenant_id, entity, entity_id, operation, changed_at)
                        SELECT COALESCE(MAX(version), 0) + 1, row_tenant, TG_ARGV[0], row_id, lower(TG_OP), clock_timestamp()
                        FROM changes;
                    PERFORM pg_notify('marquee_changes', row_tenant);
                    RETURN NULL;
                END
                $$
                """,
                """
                CREATE TRIGGER promotions_changes AFTER INSERT OR UPDATE OR DELETE ON promotions
                FOR EACH ROW EXECUTE FUNCTION marquee_record_change('promotion')
                """,
            ],
            sqliteOnly: ["INSERT", "UPDATE", "DELETE"].map { operation in
                let row = operation == "DELETE" ? "OLD" : "NEW"
                return """
                    CREATE TRIGGER promotions_changes_\(operation.lowercased()) AFTER \(operation) ON promotions
                    BEGIN
                        INSERT INTO changes (version, tenant_id, entity, entity_id, operation, changed_at)
                        VALUES ((SELECT COALESCE(MAX(version), 0) + 1 FROM changes), \(row).tenant_id, 'promotion', \(row).id,
                                '\(operation.lowercased())', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
                    END
                    """
            }
        ),
    ]
}
