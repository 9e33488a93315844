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
                sqliteChangeTrigger(table: "promotions", entity: "promotion", operation: operation) { row in "\(row).id" }
            }
        ),
        Migration(
            version: 4, name: "coupons and redemptions",
            statements: [
                // Definitions only: changed by admins, followed through the change log.
                """
                CREATE TABLE coupons (
                    tenant_id TEXT NOT NULL REFERENCES tenants(id),
                    code TEXT NOT NULL,
                    promotion_id TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('unlimited', 'limited')),
                    max_redemptions INTEGER,
                    per_customer INTEGER,
                    customer_id TEXT,
                    starts_at {timestamp},
                    ends_at {timestamp},
                    batch_id TEXT,
                    created_at {timestamp} NOT NULL,
                    PRIMARY KEY (tenant_id, code)
                )
                """,
                "CREATE INDEX coupons_batch ON coupons (tenant_id, batch_id)",
                // The hot counters live apart from the definitions, so a reservation never
                // touches a followed table: one row per limited coupon (live uses), one per
                // (coupon, customer) when perCustomer is set.
                """
                CREATE TABLE coupon_usage (
                    tenant_id TEXT NOT NULL,
                    code TEXT NOT NULL,
                    redeemed INTEGER NOT NULL DEFAULT 0,
                    max_redemptions INTEGER NOT NULL,
                    PRIMARY KEY (tenant_id, code)
                )
                """,
                """
                CREATE TABLE coupon_customer_usage (
                    tenant_id TEXT NOT NULL,
                    code TEXT NOT NULL,
                    customer_id TEXT NOT NULL,
                    redeemed INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (tenant_id, code, customer_id)
                )
                """,
                // outcome: what the first request was answered (replayed for its Idempotency-Key);
                // status: where the redemption is now.
                """
                CREATE TABLE redemptions (
                    tenant_id TEXT NOT NULL,
                    id TEXT NOT NULL,
                    idempotency_key TEXT NOT NULL,
                    request_hash TEXT NOT NULL,
                    code TEXT NOT NULL,
                    customer_id TEXT NOT NULL,
                    order_id TEXT,
                    cart_total TEXT,
                    per_customer INTEGER,
                    outcome TEXT NOT NULL,
                    status TEXT NOT NULL,
                    expires_at {timestamp} NOT NULL,
                    created_at {timestamp} NOT NULL,
                    updated_at {timestamp} NOT NULL,
                    PRIMARY KEY (tenant_id, id),
                    UNIQUE (tenant_id, idempotency_key)
                )
                """,
                "CREATE INDEX redemptions_coupon ON redemptions (tenant_id, code, status)",
                "CREATE INDEX redemptions_expiry ON redemptions (status, expires_at)",
                """
                CREATE TABLE coupon_batches (
                    tenant_id TEXT NOT NULL REFERENCES tenants(id),
                    id TEXT NOT NULL,
                    request {json} NOT NULL,
                    requested INTEGER NOT NULL,
                    created INTEGER NOT NULL DEFAULT 0,
                    status TEXT NOT NULL,
                    error TEXT,
                    created_at {timestamp} NOT NULL,
                    updated_at {timestamp} NOT NULL,
                    PRIMARY KEY (tenant_id, id)
                )
                """,
            ],
            postgresOnly: [
                // One change per statement and tenant: a batch of 10,000 codes is one change.
                """
                CREATE FUNCTION marquee_record_coupon_changes() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_advisory_xact_lock(827345002);
                    INSERT INTO changes (version, tenant_id, entity, entity_id, operation, changed_at)
                        SELECT (SELECT COALESCE(MAX(version), 0) FROM changes) + row_number() OVER (ORDER BY t.tenant_id),
                               t.tenant_id, 'coupon', '*', lower(TG_OP), clock_timestamp()
                        FROM (SELECT DISTINCT tenant_id FROM changed_rows) t;
                    PERFORM pg_notify('marquee_changes', t.tenant_id) FROM (SELECT DISTINCT tenant_id FROM changed_rows) t;
                    RETURN NULL;
                END
                $$
                """,
                "CREATE TRIGGER coupons_insert_changes AFTER INSERT ON coupons REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION marquee_record_coupon_changes()",
                "CREATE TRIGGER coupons_update_changes AFTER UPDATE ON coupons REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION marquee_record_coupon_changes()",
                "CREATE TRIGGER coupons_delete_changes AFTER DELETE ON coupons REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION marquee_record_coupon_changes()",
                // A reservation in one round trip: claim the idempotency key, take a per-customer
                // use, take a use of the hot counter (held locked only from here to commit),
                // compensating on failure. Conditional updates only, never read-then-write.
                """
                CREATE FUNCTION marquee_reserve(p_tenant TEXT, p_id TEXT, p_key TEXT, p_hash TEXT, p_code TEXT,
                                                p_customer TEXT, p_order TEXT, p_cart_total TEXT, p_per INTEGER,
                                                p_expires timestamptz, p_now timestamptz)
                RETURNS TABLE (redemption_id TEXT, outcome TEXT, request_hash TEXT) LANGUAGE plpgsql AS $$
                #variable_conflict use_column
                BEGIN
                    INSERT INTO redemptions (tenant_id, id, idempotency_key, request_hash, code, customer_id, order_id,
                                             cart_total, per_customer, outcome, status, expires_at, created_at, updated_at)
                    VALUES (p_tenant, p_id, p_key, p_hash, p_code, p_customer, p_order, p_cart_total, p_per,
                            'pending', 'pending', p_expires, p_now, p_now)
                    ON CONFLICT (tenant_id, idempotency_key) DO NOTHING;
                    IF NOT FOUND THEN
                        RETURN QUERY SELECT r.id, r.outcome, r.request_hash FROM redemptions r
                            WHERE r.tenant_id = p_tenant AND r.idempotency_key = p_key;
                        RETURN;
                    END IF;
                    IF p_per IS NOT NULL THEN
                        INSERT INTO coupon_customer_usage AS u (tenant_id, code, customer_id, redeemed)
                        VALUES (p_tenant, p_code, p_customer, 1)
                        ON CONFLICT (tenant_id, code, customer_id) DO UPDATE SET redeemed = u.redeemed + 1
                            WHERE u.redeemed < p_per;
                        IF NOT FOUND THEN
                            UPDATE redemptions SET outcome = 'customer_limit', status = 'rejected'
                                WHERE tenant_id = p_tenant AND id = p_id;
                            RETURN QUERY SELECT p_id, 'customer_limit'::TEXT, p_hash;
                            RETURN;
                        END IF;
                    END IF;
                    UPDATE coupon_usage SET redeemed = redeemed + 1
                        WHERE tenant_id = p_tenant AND code = p_code AND redeemed < max_redemptions;
                    IF NOT FOUND THEN
                        IF p_per IS NOT NULL THEN
                            UPDATE coupon_customer_usage SET redeemed = redeemed - 1
                                WHERE tenant_id = p_tenant AND code = p_code AND customer_id = p_customer;
                        END IF;
                        UPDATE redemptions SET outcome = 'exhausted', status = 'rejected'
                            WHERE tenant_id = p_tenant AND id = p_id;
                        RETURN QUERY SELECT p_id, 'exhausted'::TEXT, p_hash;
                        RETURN;
                    END IF;
                    UPDATE redemptions SET outcome = 'reserved', status = 'reserved'
                        WHERE tenant_id = p_tenant AND id = p_id;
                    RETURN QUERY SELECT p_id, 'reserved'::TEXT, p_hash;
                END
                $$
                """,
                // Gives a live use back (cancel, expiry) in one round trip; returns the new status,
                // or nothing when the redemption was in neither `p_from1` nor `p_from2`.
                """
                CREATE FUNCTION marquee_release(p_tenant TEXT, p_id TEXT, p_from1 TEXT, p_from2 TEXT, p_to TEXT, p_now timestamptz)
                RETURNS TABLE (status TEXT) LANGUAGE plpgsql AS $$
                #variable_conflict use_column
                DECLARE
                    released redemptions%ROWTYPE;
                BEGIN
                    UPDATE redemptions r SET status = p_to, updated_at = p_now
                        WHERE r.tenant_id = p_tenant AND r.id = p_id AND r.status IN (p_from1, p_from2)
                        RETURNING r.* INTO released;
                    IF NOT FOUND THEN
                        RETURN;
                    END IF;
                    IF released.per_customer IS NOT NULL THEN
                        UPDATE coupon_customer_usage SET redeemed = redeemed - 1
                            WHERE tenant_id = p_tenant AND code = released.code AND customer_id = released.customer_id;
                    END IF;
                    UPDATE coupon_usage SET redeemed = redeemed - 1 WHERE tenant_id = p_tenant AND code = released.code;
                    RETURN QUERY SELECT p_to;
                END
                $$
                """,
            ],
            sqliteOnly: ["INSERT", "UPDATE", "DELETE"].map { operation in
                // SQLite has no statement triggers: one change per row, marked '*' like PostgreSQL's.
                sqliteChangeTrigger(table: "coupons", entity: "coupon", operation: operation) { _ in "'*'" }
            }
        ),
        Migration(version: 5, name: "audiences", statements: [
            // Where a tenant's member data lives. At most one tenant owns the embedded database
            // (its `members`, `films`, … tables): tenant isolation (see docs/audiences.md).
            """
            CREATE TABLE member_sources (
                tenant_id TEXT PRIMARY KEY REFERENCES tenants(id),
                kind TEXT NOT NULL CHECK (kind IN ('embedded', 'postgres')),
                url TEXT,
                statement_timeout_ms BIGINT,
                max_queries INTEGER,
                updated_at {timestamp} NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX member_sources_one_embedded ON member_sources (kind) WHERE kind = 'embedded'",
            """
            CREATE TABLE filters (
                tenant_id TEXT NOT NULL REFERENCES tenants(id),
                id TEXT NOT NULL,
                universe BOOLEAN NOT NULL,
                document {json} NOT NULL,
                created_at {timestamp} NOT NULL,
                updated_at {timestamp} NOT NULL,
                PRIMARY KEY (tenant_id, id)
            )
            """,
            """
            CREATE TABLE audiences (
                tenant_id TEXT NOT NULL REFERENCES tenants(id),
                id TEXT NOT NULL,
                version INTEGER NOT NULL,
                name TEXT NOT NULL,
                description TEXT NOT NULL,
                definition {json} NOT NULL,
                created_at {timestamp} NOT NULL,
                updated_at {timestamp} NOT NULL,
                PRIMARY KEY (tenant_id, id)
            )
            """,
            // `members` is the portable Roaring serialisation of the frozen result.
            """
            CREATE TABLE audience_snapshots (
                tenant_id TEXT NOT NULL,
                audience_id TEXT NOT NULL,
                id TEXT NOT NULL,
                definition {json} NOT NULL,
                member_count BIGINT NOT NULL,
                members {blob} NOT NULL,
                created_at {timestamp} NOT NULL,
                PRIMARY KEY (tenant_id, audience_id, id)
            )
            """,
            // Filter cache usage statistics (process-wide, all tenants), for pre-warming.
            """
            CREATE TABLE filter_usage (
                tenant_id TEXT NOT NULL,
                filter_id TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                parameters TEXT NOT NULL,
                typed_parameters {json} NOT NULL,
                use_count BIGINT NOT NULL,
                last_used_ns BIGINT NOT NULL,
                last_duration_ns BIGINT,
                PRIMARY KEY (tenant_id, filter_id, fingerprint, parameters)
            )
            """,
        ]),
        // Filters get versions so two marketers editing one filter cannot overwrite each other.
        Migration(version: 6, name: "filter versions", statements: [
            "ALTER TABLE filters ADD COLUMN version INTEGER NOT NULL DEFAULT 1",
        ]),
        // Per-tenant rounding of fractional minor units in pricing (issue 4's "half-up per tenant").
        Migration(version: 7, name: "tenant rounding", statements: [
            "ALTER TABLE tenants ADD COLUMN rounding TEXT NOT NULL DEFAULT 'halfEven'",
        ]),
        // Change versions from a sequence, still taken under the change lock (so version order
        // stays commit order). `MAX(version) + 1` read the transaction's snapshot: a plain-SQL
        // write in a REPEATABLE READ or SERIALIZABLE transaction failed on changes_pkey whenever
        // another change had committed since its snapshot.
        // And TRUNCATE, which fires no row trigger, is recorded as a change of every tenant:
        // before, an operator's `TRUNCATE promotions` left every other instance pricing with the
        // old promotions (SQLite has no TRUNCATE; its `DELETE FROM` fires the row triggers).
        // The table locks come first, in the order writers take them (a promotion, then its
        // coupons): a writer holds its table lock while its trigger waits for the change lock, so
        // taking the change lock first deadlocked with any write arriving during an upgrade.
        // They are taken before any pending migration (`postgresLocksFirst`): an upgrade from
        // version 6 or earlier ran migration 7's ALTER TABLE tenants first, and a writer that had
        // locked promotions then waited for tenants (its foreign key) while migration 8 waited for
        // promotions. On a fresh install the tables are created in the same transaction, so no
        // writer can see them yet.
        Migration(version: 8, name: "change versions from a sequence; truncate changes", statements: [], postgresOnly: [
            "SELECT pg_advisory_xact_lock(827345002)",
            "CREATE SEQUENCE changes_version_seq",
            "SELECT setval('changes_version_seq', COALESCE((SELECT MAX(version) FROM changes), 0) + 1, false)",
            """
            CREATE OR REPLACE FUNCTION marquee_record_change() RETURNS trigger LANGUAGE plpgsql AS $$
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
                    VALUES (nextval('changes_version_seq'), row_tenant, TG_ARGV[0], row_id, lower(TG_OP), clock_timestamp());
                PERFORM pg_notify('marquee_changes', row_tenant);
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE OR REPLACE FUNCTION marquee_record_coupon_changes() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_advisory_xact_lock(827345002);
                INSERT INTO changes (version, tenant_id, entity, entity_id, operation, changed_at)
                    SELECT nextval('changes_version_seq'), t.tenant_id, 'coupon', '*', lower(TG_OP), clock_timestamp()
                    FROM (SELECT DISTINCT tenant_id FROM changed_rows ORDER BY tenant_id) t;
                PERFORM pg_notify('marquee_changes', t.tenant_id) FROM (SELECT DISTINCT tenant_id FROM changed_rows) t;
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE FUNCTION marquee_record_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_advisory_xact_lock(827345002);
                INSERT INTO changes (version, tenant_id, entity, entity_id, operation, changed_at)
                    SELECT nextval('changes_version_seq'), t.id, TG_ARGV[0], '*', 'truncate', clock_timestamp()
                    FROM (SELECT id FROM tenants ORDER BY id) t;
                PERFORM pg_notify('marquee_changes', t.id) FROM tenants t;
                RETURN NULL;
            END
            $$
            """,
            "CREATE TRIGGER promotions_truncate_changes AFTER TRUNCATE ON promotions FOR EACH STATEMENT EXECUTE FUNCTION marquee_record_truncate('promotion')",
            "CREATE TRIGGER coupons_truncate_changes AFTER TRUNCATE ON coupons FOR EACH STATEMENT EXECUTE FUNCTION marquee_record_truncate('coupon')",
        ], postgresLocksFirst: [(["promotions", "coupons"], "SHARE ROW EXCLUSIVE")]),
        // An insert or delete of one code of a tenant logs that code (more: '*'), so followers
        // re-read that code, not all of the tenant's (seconds at a million codes). Updates (plain
        // SQL only) stay '*': one that renames a code must also forget the old one.
        Migration(version: 9, name: "coupon changes name the code", statements: [], postgresOnly: [
            """
            CREATE OR REPLACE FUNCTION marquee_record_coupon_changes() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_advisory_xact_lock(827345002);
                INSERT INTO changes (version, tenant_id, entity, entity_id, operation, changed_at)
                    SELECT nextval('changes_version_seq'), t.tenant_id, 'coupon', CASE WHEN t.row_count = 1 AND TG_OP <> 'UPDATE' THEN t.code ELSE '*' END,
                           lower(TG_OP), clock_timestamp()
                    FROM (SELECT tenant_id, COUNT(*) AS row_count, MIN(code) AS code FROM changed_rows GROUP BY tenant_id ORDER BY tenant_id) t;
                PERFORM pg_notify('marquee_changes', t.tenant_id) FROM (SELECT DISTINCT tenant_id FROM changed_rows) t;
                RETURN NULL;
            END
            $$
            """,
        ], sqliteOnly: ["INSERT", "DELETE"].flatMap { operation in
            ["DROP TRIGGER coupons_changes_\(operation.lowercased())",
             sqliteChangeTrigger(table: "coupons", entity: "coupon", operation: operation) { row in "\(row).code" }]
        }),
        // Each coupon_usage row carries a mark of the last change that made it run out or have a
        // use again, so the 2-second availability refresh reads only codes changed since its last
        // read instead of every exhausted code (≈ 100 ms and 6.5 MB of codes a poll per instance
        // at a million single-use codes half redeemed). Triggers set it, so plain-SQL updates count
        // (not deletes, renames or TRUNCATE: the refresh's periodic full read covers those).
        // PostgreSQL: the writing transaction's id (txid_current: 64 bits, any supported version).
        // Ids are taken in start order but commits land in any order, so a reader asks for what
        // its last read's snapshot could not see (`availabilityWatermark`), never from the
        // largest mark it saw. Only a change of state sets it: an unchanged indexed column keeps
        // other updates HOT.
        // SQLite: one writer at a time, so a counter bumped by the trigger is in commit order.
        // A new row is marked only if it starts used up: a batch of a million fresh codes would
        // otherwise make the next refresh read them all (rows are never deleted but by plain SQL;
        // the periodic full read covers that).
        Migration(version: 10, name: "coupon availability changes", statements: [
            "ALTER TABLE coupon_usage ADD COLUMN changed BIGINT NOT NULL DEFAULT 0",
            "CREATE INDEX coupon_usage_changed ON coupon_usage (tenant_id, changed)",
        ], postgresOnly: [
            """
            CREATE FUNCTION marquee_mark_usage_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.changed := txid_current();
                RETURN NEW;
            END
            $$
            """,
            """
            CREATE TRIGGER coupon_usage_inserted BEFORE INSERT ON coupon_usage FOR EACH ROW
            WHEN (NEW.redeemed >= NEW.max_redemptions) EXECUTE FUNCTION marquee_mark_usage_change()
            """,
            """
            CREATE TRIGGER coupon_usage_flipped BEFORE UPDATE ON coupon_usage FOR EACH ROW
            WHEN ((OLD.redeemed >= OLD.max_redemptions) IS DISTINCT FROM (NEW.redeemed >= NEW.max_redemptions))
            EXECUTE FUNCTION marquee_mark_usage_change()
            """,
        ], sqliteOnly: [
            "CREATE TABLE coupon_usage_clock (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)",
            "INSERT INTO coupon_usage_clock (id, value) VALUES (1, 0)",
            sqliteUsageMark(event: "INSERT", name: "inserted", when: "NEW.redeemed >= NEW.max_redemptions"),
            sqliteUsageMark(event: "UPDATE OF redeemed, max_redemptions", name: "flipped",
                            when: "(OLD.redeemed >= OLD.max_redemptions) IS NOT (NEW.redeemed >= NEW.max_redemptions)"),
        ]),
    ]

    /// A SQLite trigger giving a coupon_usage row the next mark of `coupon_usage_clock`.
    static func sqliteUsageMark(event: String, name: String, when: String? = nil) -> String {
        """
        CREATE TRIGGER coupon_usage_\(name) AFTER \(event) ON coupon_usage\(when.map { " WHEN " + $0 } ?? "")
        BEGIN
            UPDATE coupon_usage_clock SET value = value + 1;
            UPDATE coupon_usage SET changed = (SELECT value FROM coupon_usage_clock)
            WHERE tenant_id = NEW.tenant_id AND code = NEW.code;
        END
        """
    }

    /// A SQLite row trigger appending each `operation` on `table` to the change log; `entityID`
    /// gives the logged id as an expression over the row (`NEW`, or `OLD` for a delete).
    static func sqliteChangeTrigger(table: String, entity: String, operation: String, entityID: (String) -> String) -> String {
        let row = operation == "DELETE" ? "OLD" : "NEW"
        return """
            CREATE TRIGGER \(table)_changes_\(operation.lowercased()) AFTER \(operation) ON \(table)
            BEGIN
                INSERT INTO changes (version, tenant_id, entity, entity_id, operation, changed_at)
                VALUES ((SELECT COALESCE(MAX(version), 0) + 1 FROM changes), \(row).tenant_id, '\(entity)', \(entityID(row)),
                        '\(operation.lowercased())', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
            END
            """
    }
}
