/**
 * What the page is told about a token beyond the fields every issuer fills: where it
 * came from in words, its scopes or permissions in words, what its vendor cannot say,
 * and what a rotation does to the old value there. Our own service's tokens carry
 * the same facts, so the page never branches on a vendor's name.
 */

/** The issuers main knows (src/main/issuers/registry.ts); the page filters the list by these. */
export const ISSUER_KINDS = ['token-desk', 'npm', 'gitlab', 'cloudflare', 'github'] as const;
export type IssuerKindName = (typeof ISSUER_KINDS)[number];

/**
 * What a rotation does to the old value:
 * - `grace`: it keeps working for a chosen grace period, then stops (our service);
 * - `create-then-delete`: a new token is made, pushed everywhere, then the old one is
 *   deleted (npm; GitLab project and group tokens; Cloudflare where the connection may
 *   create tokens) — a natural grace period;
 * - `at-once`: the vendor replaces the value and the old one stops at once (GitLab's
 *   rotate, Cloudflare's roll): pipelines that run before every place has the new
 *   value may fail, and the person is told so beforehand;
 * - `guided`: only the person can make the new value, on the vendor's site (GitHub);
 * - `none`: this token cannot be rotated from here.
 */
export type RotationStyle = 'grace' | 'create-then-delete' | 'at-once' | 'guided' | 'none';

export interface TokenSource {
  kind: IssuerKindName;
  /** GitLab: `personal`, `project` or `group`; Cloudflare: `user` or `account`; else null. */
  variant: string | null;
  /** On screen, e.g. "npm", "GitLab project · acme/app", "Cloudflare". */
  label: string;
}

export interface TokenFacts {
  source: TokenSource;
  /** Scopes or permissions in words ("Read and write · @acme/*"); empty when the token has none. */
  scopes: string[];
  rotation: RotationStyle;
  canRevoke: boolean;
  /**
   * What the vendor does not say about this token, in a sentence each, so the page shows
   * it rather than a blank: `lastUse` ("npm does not list when a token was last used"),
   * `expiry` ("Unknown until the value is checked").
   */
  unknown: { lastUse?: string; expiry?: string };
  /** The vendor's own status when it has one besides expiry (Cloudflare: `disabled`). */
  status: 'active' | 'disabled' | 'expired' | 'revoked';
}
