/**
 * Resolves an `Authorization: Bearer …` header to the account behind it.
 *
 * A secret with a bad shape or checksum is refused before any database work; a
 * known secret is looked up by its SHA-256 digest on every request, so revocation
 * takes effect on the very next one (nothing is cached).
 */
import type { User } from '../../shared/api-schemas.js';
import { ApiError } from '../errors.js';
import type { Clock } from '../clock.js';
import type { ApiTokenStore } from '../storage/api-tokens.js';
import type { SessionStore } from '../storage/sessions.js';
import type { FailureLimiter } from './failure-limiter.js';
import { parseSecret } from './secrets.js';

export type Principal =
  | { kind: 'session'; user: User; sessionId: string }
  | { kind: 'api_token'; user: User; tokenId: string };

/** `lastUsedAt` is refreshed at most this often per token, to keep reads read-only. */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;

const BEARER = /^Bearer +(\S+) *$/i;
const AUTH_HEADERS = { 'WWW-Authenticate': 'Bearer' };

function unauthorized(code: ConstructorParameters<typeof ApiError>[1], message: string): ApiError {
  return new ApiError(401, code, message, AUTH_HEADERS);
}

export class Authenticator {
  constructor(
    private readonly deps: {
      tokens: ApiTokenStore;
      sessions: SessionStore;
      clock: Clock;
      failures: FailureLimiter;
    },
  ) {}

  /** Throws an ApiError (401 or 429) unless `header` carries a live secret. */
  authenticate(header: string | undefined, client: string): Principal {
    const retryAfter = this.deps.failures.retryAfterSeconds(client);
    if (retryAfter > 0) {
      throw new ApiError(
        429,
        'too_many_requests',
        `Too many failed authentication attempts from this address. Try again in ${retryAfter} seconds.`,
        { 'Retry-After': String(retryAfter) },
      );
    }
    if (header === undefined || header === '') {
      throw unauthorized(
        'unauthorized',
        'This endpoint needs authentication: send "Authorization: Bearer <token>" with an API token or session token.',
      );
    }
    try {
      return this.resolve(header);
    } catch (error) {
      this.deps.failures.recordFailure(client);
      throw error;
    }
  }

  private resolve(header: string): Principal {
    const secret = BEARER.exec(header)?.[1];
    if (!secret) {
      throw unauthorized(
        'unauthorized',
        'The Authorization header must have the form "Bearer <token>".',
      );
    }
    const kind = parseSecret(secret);
    if (kind === null) {
      throw unauthorized(
        'invalid_token',
        'This token is malformed or mistyped (its checksum does not match). Copy it again from where you stored it.',
      );
    }
    const now = this.deps.clock.now();
    if (kind === 'session') {
      const session = this.deps.sessions.findCredential(secret);
      if (!session)
        throw unauthorized('invalid_token', 'This session token is not recognised. Sign in again.');
      if (session.revokedAt !== null || Date.parse(session.expiresAt) <= now) {
        throw unauthorized(
          'session_expired',
          'Your session has expired or was signed out. Sign in again.',
        );
      }
      return { kind: 'session', user: session.user, sessionId: session.id };
    }
    const token = this.deps.tokens.findCredential(secret);
    if (!token) {
      throw unauthorized(
        'invalid_token',
        'This API token is not recognised by this service. Check that CAPAWESOME_TOKEN holds a current token.',
      );
    }
    if (token.revokedAt !== null) {
      throw unauthorized(
        'token_revoked',
        `This API token was revoked on ${token.revokedAt}. Create a new token and update the secret in your CI settings.`,
      );
    }
    if (token.expiresAt !== null && Date.parse(token.expiresAt) <= now) {
      throw unauthorized(
        'token_expired',
        `This API token expired on ${token.expiresAt}. Create a new token and update the secret in your CI settings.`,
      );
    }
    if (
      token.lastUsedAt === null ||
      now - Date.parse(token.lastUsedAt) >= LAST_USED_WRITE_INTERVAL_MS
    ) {
      this.deps.tokens.recordUse(token.id, now);
    }
    return { kind: 'api_token', user: token.user, tokenId: token.id };
  }
}
