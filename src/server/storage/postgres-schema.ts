/**
 * The PostgreSQL schema, versioned like SQLite's (database.ts) but with its own list:
 * the mode started at what SQLite's version 6 holds, so its version 1 is that schema.
 * Append only; never edit one that has shipped.
 *
 * Same rules as SQLite: timestamps are ISO 8601 UTC text (fixed width, so they compare
 * as text, byte-wise under the "C" collation whatever the database's default), and only
 * the SHA-256 digest of a secret is ever stored.
 */
import type pg from 'pg';

export const POSTGRES_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    id            text COLLATE "C" PRIMARY KEY,
    email         text NOT NULL,
    name          text,
    password_hash text NOT NULL,
    created_at    text COLLATE "C" NOT NULL
  );
  -- SQLite's email COLLATE NOCASE.
  CREATE UNIQUE INDEX users_email ON users (lower(email));
  CREATE TABLE sessions (
    id           text COLLATE "C" PRIMARY KEY,
    user_id      text COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_digest bytea NOT NULL,
    created_at   text COLLATE "C" NOT NULL,
    expires_at   text COLLATE "C" NOT NULL,
    revoked_at   text COLLATE "C"
  );
  CREATE UNIQUE INDEX sessions_token_digest ON sessions(token_digest);
  CREATE TABLE api_tokens (
    id                   text COLLATE "C" PRIMARY KEY,
    user_id              text COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name                 text NOT NULL,
    prefix               text NOT NULL,
    token_digest         bytea NOT NULL,
    created_at           text COLLATE "C" NOT NULL,
    expires_at           text COLLATE "C",
    last_used_at         text COLLATE "C",
    revoked_at           text COLLATE "C",
    replaced_by_id       text COLLATE "C" REFERENCES api_tokens(id),
    revoked_reason       text CHECK (revoked_reason IS NULL OR revoked_reason IN ('revoked', 'rotated')),
    grace_ends_at        text COLLATE "C",
    destination_count    integer NOT NULL DEFAULT 0,
    last_used_ip         text,
    last_used_user_agent text,
    refused_event_at     text COLLATE "C",
    expiry_recorded      integer NOT NULL DEFAULT 0
  );
  CREATE UNIQUE INDEX api_tokens_token_digest ON api_tokens(token_digest);
  -- The token list, newest first, from the index alone (an index-only scan).
  CREATE INDEX api_tokens_active_by_user
    ON api_tokens(user_id, created_at DESC, id DESC)
    INCLUDE (name, prefix, expires_at, last_used_at, grace_ends_at, replaced_by_id,
             destination_count, last_used_ip, last_used_user_agent)
    WHERE revoked_at IS NULL;
  CREATE INDEX api_tokens_in_grace ON api_tokens(grace_ends_at)
    WHERE revoked_at IS NULL AND grace_ends_at IS NOT NULL;
  CREATE INDEX api_tokens_replaced_by ON api_tokens(replaced_by_id)
    WHERE replaced_by_id IS NOT NULL;
  CREATE INDEX api_tokens_expiry_pending ON api_tokens(expires_at)
    WHERE revoked_at IS NULL AND expires_at IS NOT NULL AND expiry_recorded = 0;
  CREATE TABLE organizations (
    id         text COLLATE "C" PRIMARY KEY,
    name       text NOT NULL,
    created_at text COLLATE "C" NOT NULL
  );
  CREATE TABLE organization_members (
    organization_id text COLLATE "C" NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id         text COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role            text NOT NULL,
    PRIMARY KEY (organization_id, user_id)
  );
  CREATE INDEX organization_members_by_user ON organization_members(user_id);
  CREATE TABLE apps (
    id              text COLLATE "C" PRIMARY KEY,
    organization_id text COLLATE "C" NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name            text NOT NULL,
    created_at      text COLLATE "C" NOT NULL
  );
  CREATE INDEX apps_by_organization ON apps(organization_id, created_at);
  CREATE TABLE token_destinations (
    -- SQLite's rowid: the order places were recorded (and copied) in.
    seq             bigint GENERATED ALWAYS AS IDENTITY,
    id              text COLLATE "C" PRIMARY KEY,
    token_id        text COLLATE "C" NOT NULL REFERENCES api_tokens(id) ON DELETE CASCADE,
    provider        text NOT NULL CHECK (provider IN ('github', 'gitlab')),
    host            text NOT NULL,
    target          text NOT NULL CHECK (target::jsonb IS NOT NULL),
    name            text NOT NULL,
    first_pushed_at text COLLATE "C" NOT NULL,
    last_pushed_at  text COLLATE "C" NOT NULL
  );
  CREATE UNIQUE INDEX token_destinations_place
    ON token_destinations(token_id, provider, host, target, name);
  CREATE FUNCTION token_destinations_count() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'INSERT' THEN
      UPDATE api_tokens SET destination_count = destination_count + 1 WHERE id = NEW.token_id;
      RETURN NEW;
    END IF;
    UPDATE api_tokens SET destination_count = destination_count - 1 WHERE id = OLD.token_id;
    RETURN OLD;
  END $$;
  CREATE TRIGGER token_destinations_count AFTER INSERT OR DELETE ON token_destinations
    FOR EACH ROW EXECUTE FUNCTION token_destinations_count();
  CREATE TABLE token_addresses (
    token_id      text COLLATE "C" NOT NULL REFERENCES api_tokens(id) ON DELETE CASCADE,
    address       text NOT NULL,
    first_seen_at text COLLATE "C" NOT NULL,
    PRIMARY KEY (token_id, address)
  );
  CREATE TABLE events (
    seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id         text COLLATE "C" NOT NULL,
    user_id    text COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind       text COLLATE "C" NOT NULL,
    at         text COLLATE "C" NOT NULL,
    token_id   text COLLATE "C",
    token_name text,
    session_id text COLLATE "C",
    actor_kind text NOT NULL CHECK (actor_kind IN ('session', 'api_token', 'service')),
    actor_id   text,
    ip         text,
    user_agent text,
    details    text NOT NULL DEFAULT '{}' CHECK (details::jsonb IS NOT NULL)
  );
  CREATE INDEX events_by_user ON events(user_id, at DESC, seq DESC);
  CREATE INDEX events_by_user_token ON events(user_id, token_id, at DESC, seq DESC);
  CREATE INDEX events_by_user_kind ON events(user_id, kind, at DESC, seq DESC);
  CREATE INDEX events_by_at ON events(at);
  -- Sign-in and sign-up attempts counted across instances (auth/shared-attempts.ts);
  -- keys are SHA-256 digests, never an email address.
  CREATE TABLE attempt_windows (
    scope      text COLLATE "C" NOT NULL,
    key_digest text COLLATE "C" NOT NULL,
    ends_at    text COLLATE "C" NOT NULL,
    attempts   integer NOT NULL,
    PRIMARY KEY (scope, key_digest)
  );
  CREATE INDEX attempt_windows_by_end ON attempt_windows(ends_at);
  `,
  // 2: bounded use records and the live-token limit, as SQLite's version 7.
  `
  ALTER TABLE api_tokens ADD COLUMN address_count integer NOT NULL DEFAULT 0;
  ALTER TABLE api_tokens ADD COLUMN addresses_beyond_limit integer NOT NULL DEFAULT 0;
  ALTER TABLE api_tokens ADD COLUMN address_events_since text COLLATE "C";
  ALTER TABLE api_tokens ADD COLUMN address_events integer NOT NULL DEFAULT 0;
  UPDATE api_tokens
     SET addresses_beyond_limit =
         (SELECT count(*) FROM token_addresses a WHERE a.token_id = api_tokens.id) - 100
   WHERE id IN (SELECT token_id FROM token_addresses GROUP BY token_id HAVING count(*) > 100);
  DELETE FROM token_addresses WHERE (token_id, address) IN (
    SELECT token_id, address FROM (
      SELECT token_id, address, row_number() OVER (
        PARTITION BY token_id ORDER BY first_seen_at, address) AS n
      FROM token_addresses) ranked
    WHERE n > 100);
  UPDATE api_tokens
     SET address_count = (SELECT count(*) FROM token_addresses a WHERE a.token_id = api_tokens.id)
   WHERE id IN (SELECT token_id FROM token_addresses);
  ALTER TABLE users ADD COLUMN issued_tokens integer NOT NULL DEFAULT 0;
  UPDATE users SET issued_tokens =
    (SELECT count(*) FROM api_tokens t WHERE t.user_id = users.id AND t.revoked_at IS NULL);
  -- Its row lock, held to the end of the inserting transaction, is what makes creations
  -- of one account (on any instances) check the limit one after another.
  CREATE FUNCTION api_tokens_issued() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    UPDATE users SET issued_tokens = issued_tokens + 1 WHERE id = NEW.user_id;
    RETURN NEW;
  END $$;
  CREATE TRIGGER api_tokens_issued AFTER INSERT ON api_tokens
    FOR EACH ROW EXECUTE FUNCTION api_tokens_issued();
  `,
  // 3: other vendors' tokens the account tracks, and their places, as SQLite's version 8.
  `
  CREATE TABLE tracked_tokens (
    -- SQLite's rowid: the order records were made in, for the list's ties.
    seq               bigint GENERATED ALWAYS AS IDENTITY,
    id                text COLLATE "C" PRIMARY KEY,
    user_id           text COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    vendor            text COLLATE "C" NOT NULL
                        CHECK (vendor IN ('npm', 'gitlab', 'cloudflare', 'github')),
    host              text COLLATE "C" NOT NULL,
    external_id       text COLLATE "C" NOT NULL,
    name              text NOT NULL,
    expires_at        text COLLATE "C",
    expiry_checked_at text COLLATE "C",
    created_at        text COLLATE "C" NOT NULL,
    updated_at        text COLLATE "C" NOT NULL
  );
  CREATE UNIQUE INDEX tracked_tokens_identity
    ON tracked_tokens(user_id, vendor, host, external_id);
  CREATE TABLE tracked_token_destinations (
    seq              bigint GENERATED ALWAYS AS IDENTITY,
    id               text COLLATE "C" PRIMARY KEY,
    tracked_token_id text COLLATE "C" NOT NULL
                       REFERENCES tracked_tokens(id) ON DELETE CASCADE,
    provider         text NOT NULL CHECK (provider IN ('github', 'gitlab')),
    host             text NOT NULL,
    target           text NOT NULL CHECK (target::jsonb IS NOT NULL),
    name             text NOT NULL,
    first_pushed_at  text COLLATE "C" NOT NULL,
    last_pushed_at   text COLLATE "C" NOT NULL
  );
  -- Host and target by their digests (md5: the immutable one that takes text): a B-tree
  -- entry holds at most about 2.7 kB, and a place may hold 2 kB of host and more of
  -- target (SQLite has no such bound).
  CREATE UNIQUE INDEX tracked_token_destinations_place
    ON tracked_token_destinations(tracked_token_id, provider, md5(host), md5(target), name);
  `,
  // 4: a token's places keyed the same way. Host (up to 2,048 characters), a GitLab
  // target (a 1,000-character path and a 255-character scope) and the name passed the
  // B-tree bound together, and PostgreSQL answered an insert SQLite took with an error.
  // The store finds a place by its columns themselves, so the digests only keep one row
  // per place.
  `
  DROP INDEX token_destinations_place;
  CREATE UNIQUE INDEX token_destinations_place
    ON token_destinations(token_id, provider, md5(host), md5(target), name);
  `,
];

/**
 * Brings the schema (in the connection's search_path) up to date, on a connection of its
 * own (the caller's, which it closes). Instances starting at once take turns: the first
 * migrates, the others find it done. DDL is transactional in PostgreSQL, so a failed
 * migration leaves the schema as it was.
 */
export async function migratePostgres(client: pg.ClientBase): Promise<void> {
  // Already up to date (every start but an upgrade's): no lock and no DDL, so an instance
  // also starts on a read-only database (a standby after a failover) and serves reads.
  const { rows: present } = await client.query<{ present: boolean }>(
    "SELECT to_regclass('token_desk_schema') IS NOT NULL AS present",
  );
  if (present[0]?.present) {
    const { rows } = await client.query<{ version: number }>(
      'SELECT version FROM token_desk_schema',
    );
    if (rows[0]?.version === POSTGRES_MIGRATIONS.length) return;
  }
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('token-desk:' || current_schema()))");
    await client.query('CREATE TABLE IF NOT EXISTS token_desk_schema (version integer NOT NULL)');
    const { rows } = await client.query<{ version: number }>(
      'SELECT version FROM token_desk_schema',
    );
    const current = rows[0]?.version ?? 0;
    if (rows.length === 0) await client.query('INSERT INTO token_desk_schema VALUES (0)');
    if (current > POSTGRES_MIGRATIONS.length) {
      throw new Error(
        `The database schema (version ${current}) is newer than this service understands ` +
          `(version ${POSTGRES_MIGRATIONS.length}). Upgrade every instance of the service.`,
      );
    }
    for (let version = current; version < POSTGRES_MIGRATIONS.length; version++) {
      await client.query(POSTGRES_MIGRATIONS[version] as string);
      await client.query('UPDATE token_desk_schema SET version = $1', [version + 1]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
