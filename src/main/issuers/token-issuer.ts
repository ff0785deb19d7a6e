/**
 * What every token issuer offers main: a vendor that mints API tokens for one of the
 * person's connections (our token service today). Services that act on tokens
 * (rotation, bulk revoke, reminders) see only this, and ask `capabilities` instead
 * of branching on the vendor. An issuer is bound to one connection: every call is
 * made with that connection's credential, whatever account becomes active meanwhile.
 * Failures are errors with a stable `code` (`token_not_found` for a token the issuer
 * does not hold) and a sentence a person can act on.
 */
import type { ApiToken, IssuedApiToken, TokenUsage } from '../../shared/api-schemas.js';

/** A rotation's answer: the replacement (with its secret) and what became of the old token. */
export type RotatedToken = IssuedApiToken & {
  previous?: { id: string; graceEndsAt: string | null };
};

export interface IssuerCapabilities {
  /** Replaces a token in one call (else a rotation is a create and a revoke). */
  rotate: boolean;
  /** The old token keeps working for a grace period after a rotation, at most this long (0: none). */
  maxGracePeriodSeconds: number;
  /** How many tokens one revokeMany call takes (0: one at a time). */
  revokeMany: number;
  /** Whether a new token must expire. */
  expiryRequired: boolean;
}

export interface TokenIssuer {
  /** The registry's name for this issuer (issuers/registry.ts). */
  readonly kind: string;
  readonly capabilities: IssuerCapabilities;
  list(): Promise<ApiToken[]>;
  /** One token, or an error coded `token_not_found` once it is gone. */
  get(id: string): Promise<TokenUsage>;
  create(input: { name: string; expiresAt: string | null }): Promise<IssuedApiToken>;
  rotate(id: string, options?: { gracePeriodSeconds?: number }): Promise<RotatedToken>;
  revoke(id: string): Promise<void>;
  /** Which of `ids` went now, and which the issuer does not hold (gone, or someone else's). */
  revokeMany(ids: readonly string[]): Promise<{ revoked: string[]; notFound: string[] }>;
}

/** Whether `error` is an issuer's answer with this code. */
export function hasCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}
