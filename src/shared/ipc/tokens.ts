/** Tokens, on the connection each channel names; each says which issuer it came from. */
import { Type } from 'typebox';
import { MAX_BULK_REVOKE, type ApiToken } from '../api-schemas.js';
import { RotationStyleSchema } from '../issuers/rotation-choices.js';
import type { IssuerKindName, RotationStyle, TokenFacts } from '../issuers/token-facts.js';
import { Id, NoPayload, TokenId, channel, type BridgeError } from './fields.js';

/** Which connection issued a token, and what kind of issuer that is (issuers/registry.ts in main). */
export interface TokenIssuerRef {
  connectionId: string;
  kind: string;
}

/** A token as the page receives it: the issuer's fields, where it came from, and its facts in words. */
export interface DeskToken extends ApiToken {
  issuer: TokenIssuerRef;
  facts: TokenFacts;
}

/** One connection that issues tokens, as the token list shows it. */
export interface InventorySource {
  connectionId: string;
  kind: IssuerKindName;
  /** e.g. "npm · ada on registry.npmjs.org" */
  label: string;
  /** What the list may offer for this source's tokens. */
  capabilities: {
    create: boolean;
    /** How many tokens one bulk revoke may take (0: one at a time, still offered). */
    revokeMany: number;
    rotation: RotationStyle;
    maxExpiryDays: number | null;
    expiryRequired: boolean;
  };
  /** Why this source's tokens are missing from the list right now; null when it answered. */
  problem: BridgeError | null;
  /** What the source's list leaves out, in sentences (GitLab: projects past the first 50). */
  notes: string[];
}

/** Every connected issuer's tokens, side by side; a source that failed says why instead. */
export interface Inventory {
  sources: InventorySource[];
  tokens: DeskToken[];
}

/**
 * A new token on its way to the reveal-once dialog: its secret, or, when the token is
 * its own connection's credential, words instead (main never shows that value).
 */
export type RevealedToken = ShownSecret | KeptCredential;

/** A secret on its way to the reveal-once dialog. `revealId` lets main copy it without the renderer sending it back. */
export interface ShownSecret {
  token: DeskToken;
  secret: string;
  revealId: string;
  /** Something that went wrong beside it, in words (a replaced token that could not be deleted). */
  warning?: string;
  connectionCredential?: undefined;
}

/**
 * The token rotated was the credential its own connection signs in with (a GitLab
 * connection's access token): main kept the new value (`saved`: in the keychain) and sent
 * it to `places` recorded places. There is no secret to show, copy or send: `secret` is
 * empty and main holds nothing under `revealId`.
 */
export interface KeptCredential {
  token: DeskToken;
  secret: '';
  revealId: string;
  warning?: string;
  connectionCredential: { saved: boolean; places: number };
}

/** A token named in a bulk outcome; `name` is null for an id the list did not hold. */
export interface TokenRef {
  id: string;
  name: string | null;
}

/** What "Revoke N tokens" did, per token: revoked now, or not found (not yours, gone, already revoked). */
export interface BulkRevokeReport {
  revoked: TokenRef[];
  notFound: TokenRef[];
}

/** The connection a token channel acts on: one of the active account's that issues tokens. */
export const ConnectionId = Id;

const ConnectionPayload = Type.Object(
  { connectionId: ConnectionId },
  { additionalProperties: false },
);

const CreateTokenPayload = Type.Object(
  {
    connectionId: ConnectionId,
    name: Type.String({ maxLength: 1000 }),
    expiresAt: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
    /** Each issuer's own fields (src/shared/issuers/<kind>.ts); the issuer checks them. */
    options: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);

const RotateTokenPayload = Type.Object(
  {
    connectionId: ConnectionId,
    id: TokenId,
    /** Vendors whose rotation takes a new expiry (GitLab, npm). */
    expiresAt: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
    /** Where the vendor offers both (Cloudflare): how the old value ends (issuers/rotation-choices). */
    style: Type.Optional(RotationStyleSchema),
  },
  { additionalProperties: false },
);

const TokenIdPayload = Type.Object(
  { connectionId: ConnectionId, id: TokenId },
  { additionalProperties: false },
);

const RevokeManyPayload = Type.Object(
  {
    connectionId: ConnectionId,
    ids: Type.Array(TokenId, { minItems: 1, maxItems: MAX_BULK_REVOKE, uniqueItems: true }),
  },
  { additionalProperties: false },
);

export const TOKEN_CHANNELS = {
  'tokens:list': channel<typeof ConnectionPayload, DeskToken[]>(ConnectionPayload),
  'tokens:inventory': channel<typeof NoPayload, Inventory>(NoPayload),
  'tokens:create': channel<typeof CreateTokenPayload, RevealedToken>(CreateTokenPayload),
  'tokens:revoke': channel<typeof TokenIdPayload, null>(TokenIdPayload),
  'tokens:rotate': channel<typeof RotateTokenPayload, RevealedToken>(RotateTokenPayload),
  'tokens:revoke-many': channel<typeof RevokeManyPayload, BulkRevokeReport>(RevokeManyPayload),
} as const;
