/**
 * Resolves an `Authorization: Bearer …` header to the account behind it.
 *
 * A secret with a bad shape or checksum is refused before any database work; a
 * known secret is looked up by its SHA-256 digest, in the exact credential cache
 * (credential-cache.ts) or the database, and checked against the clock on every
 * request, so revocation and expiry take effect on the very next one.
 */
import type { User } from '../../shared/api-schemas.js';
import { ApiError, tooManyRequests } from '../errors.js';
import type { Clock } from '../clock.js';
import { formatUtc } from '../human-time.js';
import type { TokenCredentials } from '../features/tokens/credentials.js';
import { LAST_USED_WRITE_INTERVAL_MS, type TokenCredential } from '../features/tokens/model.js';
import { cleanUserAgent } from '../features/events/store.js';
import type { SessionCredential, SessionStore } from '../features/sessions/store.js';
import { clientKey } from './client-key.js';
import type { FailureLimiter } from './failure-limiter.js';
import { parseSecret } from './secrets.js';

export type Principal =
  | { kind: 'session'; user: User; sessionId: string }
  | { kind: 'api_token'; user: User; tokenId: string };

const BEARER = /^Bearer +(\S+) *$/i;
const AUTH_HEADERS = { 'WWW-Authenticate': 'Bearer' };

function unauthorized(code: ConstructorParameters<typeof ApiError>[1], message: string): ApiError {
  return new ApiError(401, code, message, AUTH_HEADERS);
}

/** Whether two addresses are one client: only computed when they differ as strings. */
function sameClient(last: string | null, client: string): boolean {
  return last !== null && clientKey(last) === clientKey(client);
}

export class Authenticator {
  constructor(
    private readonly deps: {
      tokens: TokenCredentials;
      sessions: SessionStore;
      clock: Clock;
      failures: FailureLimiter;
    },
  ) {}

  /**
   * Resolves to the principal, or throws (or rejects with) an ApiError (401 or 429) unless
   * `header` carries a live secret. Synchronous when the credential is cached and nothing
   * is to be written (the common case in SQLite mode): no promise on the hot path.
   *
   * A live credential always passes, however many failures its address has: the app and
   * the local service share 127.0.0.1, and CI runners share NAT addresses. Only
   * credentials that do not exist count as guesses (and get 429 past the limit); a
   * revoked or expired one is known, so it gets its own 401 and counts for nothing.
   */
  authenticate(
    header: string | undefined,
    client: string,
    userAgent?: string,
  ): Principal | Promise<Principal> {
    if (header === undefined || header === '') {
      throw unauthorized(
        'unauthorized',
        'This endpoint needs authentication: send "Authorization: Bearer <token>" with an API token or session token.',
      );
    }
    // The usual form without a regex; anything else goes through the forgiving pattern.
    const secret =
      header.startsWith('Bearer ') && header.indexOf(' ', 7) < 0
        ? header.slice(7)
        : BEARER.exec(header)?.[1];
    if (!secret) {
      throw unauthorized(
        'unauthorized',
        'The Authorization header must have the form "Bearer <token>".',
      );
    }
    const kind = parseSecret(secret);
    if (kind === null) {
      throw this.guess(
        client,
        'This token is malformed or mistyped (its checksum does not match). Copy it again from where you stored it.',
      );
    }
    const now = this.deps.clock.now();
    if (kind === 'session') {
      const session = this.deps.sessions.findCredential(secret, now);
      return session instanceof Promise
        ? session.then((found) => this.checkSession(found, client, now))
        : this.checkSession(session, client, now);
    }
    const token = this.deps.tokens.findCredential(secret, now);
    return token instanceof Promise
      ? token.then((found) => this.checkToken(found, now, client, userAgent))
      : this.checkToken(token, now, client, userAgent);
  }

  private checkSession(session: SessionCredential | null, client: string, now: number): Principal {
    if (!session) throw this.guess(client, 'This session token is not recognised. Sign in again.');
    if (session.revokedAt !== null) {
      throw unauthorized(
        'session_expired',
        `This session was signed out on ${formatUtc(session.revokedAt)}. Sign in again.`,
      );
    }
    if (Date.parse(session.expiresAt) <= now) {
      throw unauthorized(
        'session_expired',
        `Your session expired on ${formatUtc(session.expiresAt)}. Sign in again.`,
      );
    }
    return { kind: 'session', user: session.user, sessionId: session.id };
  }

  private checkToken(
    token: TokenCredential | null,
    now: number,
    client: string,
    userAgent: string | undefined,
  ): Principal | Promise<Principal> {
    if (!token) {
      throw this.guess(
        client,
        'This API token is not recognised by this service. Check that CAPAWESOME_TOKEN holds a current token.',
      );
    }
    if (token.revokedAt !== null) {
      return this.refuseRevoked(token, token.revokedAt, now, client, userAgent);
    }
    // A token replaced by a rotation with a grace period works until the grace ends and
    // is revoked from that instant: one comparison on the row already read, no write.
    if (token.graceEndsAt !== null && Date.parse(token.graceEndsAt) <= now) {
      return this.refuseRevoked(token, token.graceEndsAt, now, client, userAgent);
    }
    if (token.expiresAt !== null && Date.parse(token.expiresAt) <= now) {
      const expiresAt = token.expiresAt;
      return this.refused(token, 'expired', now, client, userAgent).then(() => {
        throw unauthorized(
          'token_expired',
          `This API token expired on ${formatUtc(expiresAt)}. Create a new token and update the secret in your CI settings.`,
        );
      });
    }
    const principal: Principal = { kind: 'api_token', user: token.user, tokenId: token.id };
    // Between writes, a request from the last recorded address compares one string and
    // writes nothing, and so does another address of the same client (an IPv6 /64, keyed
    // as the limiter keys it); another client costs one read of the token's address set.
    const due =
      token.lastUsedAt === null ||
      now - Date.parse(token.lastUsedAt) >= LAST_USED_WRITE_INTERVAL_MS;
    if (due || (token.lastUsedIp !== client && !sameClient(token.lastUsedIp, client))) {
      return this.deps.tokens.recordUse(token, now, client, userAgent, due).then(() => principal);
    }
    return principal;
  }

  private refused(
    token: TokenCredential,
    reason: 'revoked' | 'expired',
    now: number,
    client: string,
    userAgent: string | undefined,
  ): Promise<void> {
    return this.deps.tokens.recordRefusal(token, reason, now, {
      ip: client,
      userAgent: cleanUserAgent(userAgent),
    });
  }

  /** Records the refusal, then rejects with the 401 saying whether a rotation replaced it. */
  private async refuseRevoked(
    token: TokenCredential,
    revokedAt: string,
    now: number,
    client: string,
    userAgent: string | undefined,
  ): Promise<never> {
    await this.refused(token, 'revoked', now, client, userAgent);
    const when = formatUtc(revokedAt);
    const why = await this.deps.tokens.revocationOf(token.id);
    if (why?.reason === 'rotated') {
      const successor = why.replacementPrefix
        ? `Put the new token (it starts with ${why.replacementPrefix}) in your CI settings in place of this one.`
        : 'Put the new token in your CI settings in place of this one.';
      throw unauthorized(
        'token_revoked',
        `This API token (${JSON.stringify(why.name)}) was replaced by a rotation on ${when}. ${successor}`,
      );
    }
    throw unauthorized(
      'token_revoked',
      `This API token was revoked on ${when}. Create a new token and update the secret in your CI settings.`,
    );
  }

  /** A credential that does not exist: 429 past the limit, else counted and 401. */
  private guess(client: string, message: string): ApiError {
    const key = clientKey(client);
    const wait = this.deps.failures.retryAfterSeconds(key);
    if (wait > 0) {
      return tooManyRequests(wait, 'Too many failed authentication attempts from this address.');
    }
    this.deps.failures.recordFailure(key);
    return unauthorized('invalid_token', message);
  }
}
