/**
 * The authentication side of API tokens: the credential behind a secret (cached while
 * live), the throttled record of each use (last use, the addresses a token was used
 * from, with their events), and the record of refused ones.
 */
import { clientKey } from '../../auth/client-key.js';
import type { CredentialCache } from '../../auth/credential-cache.js';
import { digestKey } from '../../auth/secrets.js';
import { REFUSED_EVENT_INTERVAL_MS } from '../../../shared/events.js';
import type { Queryable } from '../../storage/sql.js';
import { toTimestamp } from '../../storage/timestamps.js';
import { userFrom } from '../users/store.js';
import {
  cleanUserAgent,
  type EventOrigin,
  type EventStore,
  type NewEvent,
} from '../events/store.js';
import type { ApiTokenStore } from './domain.js';
import {
  ADDRESSES_PER_TOKEN,
  LAST_USED_WRITE_INTERVAL_MS,
  NEW_ADDRESS_EVENTS_PER_HOUR,
  type Actor,
  type Revocation,
  type TokenCredential,
} from './model.js';
import * as rows from './repository.js';

const HOUR_MS = 60 * 60 * 1000;

/**
 * Token and address pairs this process has counted past ADDRESSES_PER_TOKEN, so a client
 * beyond the limit that keeps coming back is counted once and then costs nothing (no
 * read, no write). Bounded, oldest first out; what it forgets, or another instance has not
 * seen, is counted again, so the count is an upper estimate. 20,000 keys of ~60 bytes.
 */
class CountedAddresses {
  private readonly keys = new Set<string>();
  constructor(private readonly capacity: number) {}

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): void {
    this.keys.add(key);
    if (this.keys.size > this.capacity) {
      this.keys.delete(this.keys.values().next().value as string);
    }
  }
}
const COUNTED_ADDRESSES_KEPT = 20_000;

export class TokenCredentials {
  private readonly countedBeyondLimit = new CountedAddresses(COUNTED_ADDRESSES_KEPT);
  /** Live credentials by digest: the token store's, which invalidates them. */
  private readonly cache: CredentialCache<TokenCredential>;

  constructor(
    private readonly db: Queryable,
    /** Ends graces before a refusal is recorded (their token.revoked comes first). */
    private readonly tokens: ApiTokenStore,
    private readonly events: EventStore,
  ) {
    this.cache = tokens.cache;
  }

  /** Why a revoked token was revoked (null if there is no such token). */
  async revocationOf(id: string): Promise<Revocation | null> {
    const row = await rows.revocation(this.db, id);
    if (!row) return null;
    return {
      name: row.name,
      reason: row.revoked_reason ?? 'revoked',
      replacementPrefix: row.replacement_prefix,
    };
  }

  /**
   * The credential behind `secret`: straight from the cache on a hit (no promise: the
   * hot path), else read by digest and cached if it is live at `now` (unknown, revoked,
   * ended or expired ones are never cached). The caller still checks revocation, grace
   * and expiry against its clock on every call.
   */
  findCredential(
    secret: string,
    now: number,
  ): TokenCredential | null | Promise<TokenCredential | null> {
    const key = digestKey(secret);
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    return this.read(key, now);
  }

  private async read(key: string, now: number): Promise<TokenCredential | null> {
    const version = this.cache.version;
    const row = await rows.credential(this.db, Buffer.from(key, 'base64'));
    if (!row) return null;
    const credential: TokenCredential = {
      id: row.id,
      user: userFrom(row),
      expiresAt: row.expires_at,
      lastUsedAt: row.last_used_at,
      lastUsedIp: row.last_used_ip,
      revokedAt: row.revoked_at,
      graceEndsAt: row.grace_ends_at,
    };
    const live =
      credential.revokedAt === null &&
      (credential.graceEndsAt === null || Date.parse(credential.graceEndsAt) > now) &&
      (credential.expiresAt === null || Date.parse(credential.expiresAt) > now);
    if (live) this.cache.set(key, credential, version);
    return credential;
  }

  /**
   * Called only when the once-a-minute write is due or the address is another client's
   * than the last one recorded (an IPv6 /64 is one client, as for the limiter). Writes
   * last use (time, address, client) and remembers the client in the token's set of
   * addresses, with token.first_used or token.used_from_new_address; both are bounded
   * (ADDRESSES_PER_TOKEN, NEW_ADDRESS_EVENTS_PER_HOUR), so a flood from ever new
   * addresses writes a counter, not rows. An address already seen, between writes, costs
   * one indexed read, or nothing at all once counted past the limit.
   */
  async recordUse(
    token: TokenCredential,
    now: number,
    address: string,
    rawUserAgent: string | undefined,
    due: boolean,
  ): Promise<void> {
    const at = toTimestamp(now);
    const neverUsed = token.lastUsedAt === null;
    // Claimed before anything is awaited: the cached credential is this object, so other
    // requests in flight on this process now see the write as done and do not repeat it.
    if (due) token.lastUsedAt = at;
    token.lastUsedIp = address;
    const key = clientKey(address);
    const counted = `${token.id} ${key}`;
    try {
      const fresh =
        !this.countedBeyondLimit.has(counted) &&
        (await rows.seenAddress(this.db, token.id, key)) === undefined;
      if (!due && !fresh) return;
      const userAgent = cleanUserAgent(rawUserAgent);
      const by: Actor = {
        actor: { kind: 'api_token', id: token.id },
        origin: { ip: address, userAgent },
      };
      const use: rows.LastUse = [at, address, userAgent, token.id];
      await this.db.transaction(async (tx) => {
        const first = neverUsed && (await rows.touchFirst(tx, use)) === 1;
        if (first) {
          await this.events.record(
            { userId: token.user.id, kind: 'token.first_used', at: now, tokenId: token.id, ...by },
            tx,
          );
        }
        // Or another request of this process counted it while this one waited.
        if (!fresh || this.countedBeyondLimit.has(counted)) {
          // The minute's write only if no other request (on this instance or another)
          // wrote it within the minute.
          if (!first) {
            await rows.touchIfDue(tx, use, toTimestamp(now - LAST_USED_WRITE_INTERVAL_MS));
          }
          return;
        }
        // A new address is always written as the last one.
        if (!first) await rows.touch(tx, use);
        if ((await rows.takeAddressRoom(tx, token.id, ADDRESSES_PER_TOKEN)) !== 1) {
          if ((await rows.countBeyondLimit(tx, token.id, key)) === 1) {
            this.countedBeyondLimit.add(counted);
          }
          return;
        }
        if ((await rows.addAddress(tx, token.id, key, at)) !== 1) {
          // Another request remembered it meanwhile: not new after all.
          await rows.giveBackAddressRoom(tx, token.id);
          return;
        }
        if (first) return;
        const hourAgo = toTimestamp(now - HOUR_MS);
        const taken = await rows.takeAddressEvent(
          tx,
          token.id,
          hourAgo,
          at,
          NEW_ADDRESS_EVENTS_PER_HOUR,
        );
        if (!taken) return;
        const event: NewEvent = {
          userId: token.user.id,
          kind: 'token.used_from_new_address',
          at: now,
          tokenId: token.id,
          ...by,
        };
        // The hour's last one says so, and when they resume.
        if (Number(taken.address_events) >= NEW_ADDRESS_EVENTS_PER_HOUR) {
          event.details = {
            newAddressEventsPerHour: NEW_ADDRESS_EVENTS_PER_HOUR,
            resumesAt: toTimestamp(Date.parse(taken.address_events_since) + HOUR_MS),
          };
        }
        await this.events.record(event, tx);
      });
    } catch (error) {
      // The claim above may now be untrue: read the row again next time.
      this.cache.invalidate(token.id);
      throw error;
    }
  }

  /**
   * token.refused for a revoked or expired token, at most once per token per
   * REFUSED_EVENT_INTERVAL_MS, so a dead token in a busy pipeline cannot flood the trail.
   * On the way to a 401 only; a read decides, so most refusals write nothing.
   */
  async recordRefusal(
    token: TokenCredential,
    reason: 'revoked' | 'expired',
    now: number,
    origin: EventOrigin,
  ): Promise<void> {
    const last = await rows.refusedAt(this.db, token.id);
    const lastAt = last?.refused_event_at;
    if (lastAt && now - Date.parse(lastAt) < REFUSED_EVENT_INTERVAL_MS) return;
    const at = toTimestamp(now);
    await this.db.transaction(async (tx) => {
      // A grace that has just ended gets its token.revoked before the refusal.
      if (token.revokedAt === null) await this.tokens.endGraces(now, tx, token.user.id);
      const window = toTimestamp(now - REFUSED_EVENT_INTERVAL_MS);
      if ((await rows.markRefused(tx, at, token.id, window)) !== 1) return;
      await this.events.record(
        {
          userId: token.user.id,
          kind: 'token.refused',
          at: now,
          tokenId: token.id,
          actor: { kind: 'api_token', id: token.id },
          origin,
          details: { reason },
        },
        tx,
      );
    });
  }
}
