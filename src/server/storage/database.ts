/**
 * Opens the service's SQLite database and brings its schema up to date.
 * WAL lets readers proceed while a write commits; the busy timeout makes a second
 * process (or a backup) wait briefly instead of failing with SQLITE_BUSY.
 */
import Database from 'better-sqlite3';
import { chmodSync } from 'node:fs';

export type Db = Database.Database;

// Timestamps are ISO 8601 UTC text as Date#toISOString writes it (fixed width, so
// they sort and compare as strings). That is SQLite's own recommended form, and it
// lets the token list be serialized to JSON inside SQLite without conversions.
//
// Each entry moves the schema from version i to i + 1. Append only; never edit one
// that has shipped.
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name          TEXT,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
  );
  CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_digest BLOB NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    revoked_at   TEXT
  );
  CREATE UNIQUE INDEX sessions_token_digest ON sessions(token_digest);
  CREATE TABLE api_tokens (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    prefix         TEXT NOT NULL,
    token_digest   BLOB NOT NULL,
    created_at     TEXT NOT NULL,
    expires_at     TEXT,
    last_used_at   TEXT,
    revoked_at     TEXT,
    replaced_by_id TEXT REFERENCES api_tokens(id)
  );
  CREATE UNIQUE INDEX api_tokens_token_digest ON api_tokens(token_digest);
  -- Covers the token list (newest first) so it never touches the table itself.
  CREATE INDEX api_tokens_active_by_user
    ON api_tokens(user_id, created_at, id, name, prefix, expires_at, last_used_at)
    WHERE revoked_at IS NULL;
  CREATE TABLE organizations (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE organization_members (
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role            TEXT NOT NULL,
    PRIMARY KEY (organization_id, user_id)
  );
  CREATE INDEX organization_members_by_user ON organization_members(user_id);
  CREATE TABLE apps (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    created_at      TEXT NOT NULL
  );
  CREATE INDEX apps_by_organization ON apps(organization_id, created_at);
  `,
  // 2: why a token was revoked, so its 401 can say "replaced by a rotation".
  `
  ALTER TABLE api_tokens ADD COLUMN revoked_reason TEXT
    CHECK (revoked_reason IS NULL OR revoked_reason IN ('revoked', 'rotated'));
  -- Before this version only a rotation set replaced_by_id.
  UPDATE api_tokens
     SET revoked_reason = CASE WHEN replaced_by_id IS NULL THEN 'revoked' ELSE 'rotated' END
   WHERE revoked_at IS NOT NULL;
  `,
  // 3: where each token was sent (never a secret), and rotation with a grace period:
  // the replaced token keeps revoked_at NULL until grace_ends_at, and is treated as
  // revoked from then on (revoked_reason is already 'rotated').
  `
  ALTER TABLE api_tokens ADD COLUMN grace_ends_at TEXT;
  CREATE TABLE token_destinations (
    id              TEXT PRIMARY KEY,
    token_id        TEXT NOT NULL REFERENCES api_tokens(id) ON DELETE CASCADE,
    provider        TEXT NOT NULL CHECK (provider IN ('github', 'gitlab')),
    host            TEXT NOT NULL,
    -- Canonical JSON (fixed key order), so one place is one row.
    target          TEXT NOT NULL CHECK (json_valid(target)),
    name            TEXT NOT NULL,
    first_pushed_at TEXT NOT NULL,
    last_pushed_at  TEXT NOT NULL
  );
  -- The upsert's conflict target; it also serves every lookup by token.
  CREATE UNIQUE INDEX token_destinations_place
    ON token_destinations(token_id, provider, host, target, name);
  -- The token list reads the grace columns too, still from the index alone.
  DROP INDEX api_tokens_active_by_user;
  CREATE INDEX api_tokens_active_by_user
    ON api_tokens(user_id, created_at, id, name, prefix, expires_at, last_used_at,
                  grace_ends_at, replaced_by_id)
    WHERE revoked_at IS NULL;
  -- The few tokens in a grace period, so ending them is a small range scan.
  CREATE INDEX api_tokens_in_grace ON api_tokens(grace_ends_at)
    WHERE revoked_at IS NULL AND grace_ends_at IS NOT NULL;
  `,
  // 4: each token's destination count, kept by triggers and read from the list's index:
  // a count per listed token cost 10,000 probes, doubling the list's time.
  `
  ALTER TABLE api_tokens ADD COLUMN destination_count INTEGER NOT NULL DEFAULT 0;
  UPDATE api_tokens
     SET destination_count = (SELECT count(*) FROM token_destinations d WHERE d.token_id = api_tokens.id)
   WHERE id IN (SELECT token_id FROM token_destinations);
  CREATE TRIGGER token_destinations_count_insert AFTER INSERT ON token_destinations BEGIN
    UPDATE api_tokens SET destination_count = destination_count + 1 WHERE id = NEW.token_id;
  END;
  CREATE TRIGGER token_destinations_count_delete AFTER DELETE ON token_destinations BEGIN
    UPDATE api_tokens SET destination_count = destination_count - 1 WHERE id = OLD.token_id;
  END;
  DROP INDEX api_tokens_active_by_user;
  CREATE INDEX api_tokens_active_by_user
    ON api_tokens(user_id, created_at, id, name, prefix, expires_at, last_used_at,
                  grace_ends_at, replaced_by_id, destination_count)
    WHERE revoked_at IS NULL;
  `,
  // 5: usage details, the per-token set of addresses seen, and the account's
  // append-only audit trail. seq orders events that share a millisecond and is the
  // cursor's tie-breaker; id is the public one.
  `
  ALTER TABLE api_tokens ADD COLUMN last_used_ip TEXT;
  ALTER TABLE api_tokens ADD COLUMN last_used_user_agent TEXT;
  -- When token.refused was last recorded (at most one an hour per token).
  ALTER TABLE api_tokens ADD COLUMN refused_event_at TEXT;
  -- 1 once token.expired is recorded, so the sweep records it once.
  ALTER TABLE api_tokens ADD COLUMN expiry_recorded INTEGER NOT NULL DEFAULT 0;
  DROP INDEX api_tokens_active_by_user;
  CREATE INDEX api_tokens_active_by_user
    ON api_tokens(user_id, created_at, id, name, prefix, expires_at, last_used_at,
                  grace_ends_at, replaced_by_id, destination_count,
                  last_used_ip, last_used_user_agent)
    WHERE revoked_at IS NULL;
  -- Live tokens with an expiry whose token.expired is not recorded yet: the sweep's range.
  CREATE INDEX api_tokens_expiry_pending ON api_tokens(expires_at)
    WHERE revoked_at IS NULL AND expires_at IS NOT NULL AND expiry_recorded = 0;
  CREATE TABLE token_addresses (
    token_id      TEXT NOT NULL REFERENCES api_tokens(id) ON DELETE CASCADE,
    address       TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    PRIMARY KEY (token_id, address)
  ) WITHOUT ROWID;
  CREATE TABLE events (
    seq         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    at          TEXT NOT NULL,
    token_id    TEXT,
    token_name  TEXT,
    session_id  TEXT,
    actor_kind  TEXT NOT NULL CHECK (actor_kind IN ('session', 'api_token', 'service')),
    actor_id    TEXT,
    ip          TEXT,
    user_agent  TEXT,
    details     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
  );
  -- Newest first per account, and per token; seq (the rowid) breaks ties.
  CREATE INDEX events_by_user ON events(user_id, at DESC, seq DESC);
  CREATE INDEX events_by_user_token ON events(user_id, token_id, at DESC, seq DESC);
  -- Retention pruning takes the oldest first, in small batches.
  CREATE INDEX events_by_at ON events(at);
  `,
  // 6: the kind filter reads its own range: a kind the account rarely (or never) had
  // scanned all of its events through events_by_user (44 ms at 100,000 events).
  `
  CREATE INDEX events_by_user_kind ON events(user_id, kind, at DESC, seq DESC);
  `,
  // 7: bounded use records and the live-token limit (features/tokens). address_count is
  // how many rows the token has in token_addresses (at most ADDRESSES_PER_TOKEN from now on), and
  // addresses_beyond_limit counts the further ones; an older flood is cut down to the
  // first 100 here, the rest counted. address_events counts the hour's
  // token.used_from_new_address events, since address_events_since.
  `
  ALTER TABLE api_tokens ADD COLUMN address_count INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE api_tokens ADD COLUMN addresses_beyond_limit INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE api_tokens ADD COLUMN address_events_since TEXT;
  ALTER TABLE api_tokens ADD COLUMN address_events INTEGER NOT NULL DEFAULT 0;
  UPDATE api_tokens
     SET addresses_beyond_limit =
         (SELECT count(*) FROM token_addresses a WHERE a.token_id = api_tokens.id) - 100
   WHERE id IN (SELECT token_id FROM token_addresses GROUP BY token_id HAVING count(*) > 100);
  DELETE FROM token_addresses WHERE (token_id, address) IN (
    SELECT token_id, address FROM (
      SELECT token_id, address, row_number() OVER (
        PARTITION BY token_id ORDER BY first_seen_at, address) AS n
      FROM token_addresses)
    WHERE n > 100);
  UPDATE api_tokens
     SET address_count = (SELECT count(*) FROM token_addresses a WHERE a.token_id = api_tokens.id)
   WHERE id IN (SELECT token_id FROM token_addresses);
  -- Revoking a token walks its rotation chain backwards (replaced_by_id = ?).
  CREATE INDEX api_tokens_replaced_by ON api_tokens(replaced_by_id)
    WHERE replaced_by_id IS NOT NULL;
  -- At least the account's unrevoked tokens: it only grows, so while it is below the
  -- live-token limit a new token needs no count (api-tokens.ts).
  ALTER TABLE users ADD COLUMN issued_tokens INTEGER NOT NULL DEFAULT 0;
  UPDATE users SET issued_tokens =
    (SELECT count(*) FROM api_tokens t WHERE t.user_id = users.id AND t.revoked_at IS NULL);
  CREATE TRIGGER api_tokens_issued AFTER INSERT ON api_tokens BEGIN
    UPDATE users SET issued_tokens = issued_tokens + 1 WHERE id = NEW.user_id;
  END;
  `,
  // 8: other vendors' tokens the account tracks (features/tracked-tokens): what identifies
  // each at its vendor, its name and expiry, never the token; and where each was pushed,
  // as token_destinations keeps it for our own tokens.
  `
  CREATE TABLE tracked_tokens (
    id                TEXT PRIMARY KEY,
    user_id           TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    vendor            TEXT NOT NULL CHECK (vendor IN ('npm', 'gitlab', 'cloudflare', 'github')),
    host              TEXT NOT NULL,
    external_id       TEXT NOT NULL,
    name              TEXT NOT NULL,
    expires_at        TEXT,
    expiry_checked_at TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
  );
  -- The upsert's key; its prefix (user_id) also serves the account's list and count.
  CREATE UNIQUE INDEX tracked_tokens_identity
    ON tracked_tokens(user_id, vendor, host, external_id);
  CREATE TABLE tracked_token_destinations (
    id               TEXT PRIMARY KEY,
    tracked_token_id TEXT NOT NULL REFERENCES tracked_tokens(id) ON DELETE CASCADE,
    provider         TEXT NOT NULL CHECK (provider IN ('github', 'gitlab')),
    host             TEXT NOT NULL,
    target           TEXT NOT NULL CHECK (json_valid(target)),
    name             TEXT NOT NULL,
    first_pushed_at  TEXT NOT NULL,
    last_pushed_at   TEXT NOT NULL
  );
  CREATE UNIQUE INDEX tracked_token_destinations_place
    ON tracked_token_destinations(tracked_token_id, provider, host, target, name);
  `,
];

export function openDatabase(file: string): Db {
  const db = new Database(file);
  // Password hashes live here: owner-only, even in a data directory others can read.
  // SQLite gives the -wal and -shm files the database file's mode.
  if (file !== ':memory:') chmodSync(file, 0o600);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // NORMAL is durable across application crashes in WAL mode; only an OS crash or
  // power loss can lose the last transactions.
  db.pragma('synchronous = NORMAL');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `The database schema (version ${current}) is newer than this service understands ` +
        `(version ${MIGRATIONS.length}). Upgrade the service or use another data directory.`,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version] as string);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
