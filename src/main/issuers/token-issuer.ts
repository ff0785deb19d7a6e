/**
 * What every token issuer offers main: a vendor that mints API tokens for one of the
 * person's connections (our token service today). Services that act on tokens
 * (rotation, bulk revoke, reminders) see only this, and ask `capabilities` instead
 * of branching on the vendor. An issuer is bound to one connection: every call is
 * made with that connection's credential, whatever account becomes active meanwhile.
 * Failures are errors with a stable `code` (`token_not_found` for a token the issuer
 * does not hold) and a sentence a person can act on.
 */
import { DeskError } from '../desk-error.js';
import type { ApiToken, IssuedApiToken, TokenUsage } from '../../shared/api-schemas.js';
import type { VendorChoices } from '../../shared/ipc/create-choices.js';
import type { RotationStyle, TokenFacts } from '../../shared/issuers/token-facts.js';

/**
 * A token as an issuer lists it: the fields our service fills (a vendor fills what it
 * knows: `prefix` '' and `lastUsed*` null when it does not say, `destinationCount` 0 —
 * main fills it from the places it recorded), and, from every issuer but our own
 * service, the facts in words. Our service's tokens get theirs in main.
 */
export type IssuerToken = ApiToken & { facts?: TokenFacts };

/**
 * A new token with its secret, which only this answer carries, and what the issuer must
 * say beside it (npm: a token that skips two-factor authentication).
 */
export type IssuedToken = IssuedApiToken & { facts?: TokenFacts; warnings?: string[] };

/** A rotation's answer: the replacement (with its secret) and what became of the old token. */
export type RotatedToken = IssuedToken & {
  previous?: {
    id: string;
    /**
     * When the old token stops working by itself; null when it stopped already
     * (rotate-at-once) or when it works until main revokes it (`revokeAfterPush`).
     */
    graceEndsAt: string | null;
    /** The old token still works and main deletes it once every place has the new one. */
    revokeAfterPush?: boolean;
  };
  /**
   * The token rotated was the one its own connection signs in with (a GitLab connection's
   * access token): `secret` is that connection's credential now. Main keeps it (`saved`:
   * whether it reached the keychain) and pushes it to the places recorded for the token;
   * the page never gets it.
   */
  connectionCredential?: { saved: boolean };
};

/**
 * What a person chose when creating a token, beyond name and expiry: each issuer's own
 * fields (npm's packages and CIDR ranges, a GitLab project's scopes, a Cloudflare
 * permission set), as the page sent them. The issuer checks them against its own
 * schema (src/shared/issuers/<kind>.ts) and refuses anything else, by name.
 */
export interface CreateTokenInput {
  name: string;
  expiresAt: string | null;
  options?: unknown;
}

export interface RotateOptions {
  /** Our service: how long the old token keeps working. */
  gracePeriodSeconds?: number;
  /** Vendors whose rotation takes a new expiry (GitLab, npm): when the new token expires. */
  expiresAt?: string | null;
  /**
   * Where a vendor can do both (Cloudflare): replace the value at once (`at-once`: the
   * old one stops now) or make a new token and delete the old one after the pushes.
   */
  style?: 'create-then-delete' | 'at-once';
  /**
   * The new value would go to a place the page chose (a row's Send to CI…): a token that
   * is its connection's own credential is refused before anything reaches the vendor.
   */
  refuseConnectionCredential?: boolean;
}

export interface IssuerCapabilities {
  /** Replaces a token in one call (else a rotation is a create and a revoke). */
  rotate: boolean;
  /** The old token keeps working for a grace period after a rotation, at most this long (0: none). */
  maxGracePeriodSeconds: number;
  /** How many tokens one revokeMany call takes (0: one at a time). */
  revokeMany: number;
  /** Whether a new token must expire. */
  expiryRequired: boolean;
  /** Whether tokens can be made here at all (GitHub: only on github.com). Default true. */
  create?: boolean;
  /** The longest a new token may last, in days (npm write tokens: 90; GitLab: 365); null or absent: no limit. */
  maxExpiryDays?: number | null;
  /**
   * `maxExpiryDays` bounds only some of the issuer's tokens (npm: those that can write):
   * the issuer checks a rotation's expiry against the token it replaces, before it asks
   * the vendor for anything, instead of main refusing every token past it.
   */
  maxExpiryDaysPerToken?: boolean;
  /** What a rotation usually does to the old value here (each token's facts say its own); default `grace`. */
  rotation?: RotationStyle;
}

export interface TokenIssuer {
  /** The registry's name for this issuer (issuers/registry.ts). */
  readonly kind: string;
  readonly capabilities: IssuerCapabilities;
  list(): Promise<IssuerToken[]>;
  /** The list, and sentences for what it leaves out (cut off, or hidden by the vendor); optional. */
  listWithNotes?(): Promise<{ tokens: IssuerToken[]; notes: string[] }>;
  /** One token, or an error coded `token_not_found` once it is gone. */
  get(id: string): Promise<TokenUsage | IssuerToken>;
  create(input: CreateTokenInput): Promise<IssuedToken>;
  /**
   * What the create form may offer for this connection (GitLab's projects and groups,
   * Cloudflare's permission groups, accounts and zones), read from the vendor, checked
   * and cleaned; absent when there is nothing to choose beyond name and expiry.
   */
  createChoices?(): Promise<VendorChoices>;
  /**
   * A replacement for `id`, per the vendor's rules (see RotationStyle). An issuer whose
   * vendor replaces the value at once must never retry that call: a GitLab token
   * rotated twice with the same old value revokes the whole token family.
   */
  rotate(id: string, options?: RotateOptions): Promise<RotatedToken>;
  revoke(id: string): Promise<void>;
  /** Which of `ids` went now, and which the issuer does not hold (gone, or someone else's). */
  revokeMany(ids: readonly string[]): Promise<{ revoked: string[]; notFound: string[] }>;
}

/** Whether `error` is an issuer's answer with this code. */
export function hasCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}

/** A roll changes the value only: the token keeps its expiry, so none may be asked with one. */
export function rollKeepsExpiry(name: string): DeskError {
  return new DeskError(
    'invalid_rotation',
    `${name} keeps a token’s expiry when it rolls the value at once. To choose a new expiry, make a new token and delete the old one. Nothing was rotated.`,
  );
}
