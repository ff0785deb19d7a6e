/**
 * An npm registry's token objects as Token Desk shows them. The registry is
 * untrusted: each object is checked for shape (npm-profile `listTokens` and
 * `npm token list` read `key`, `token`, `name`, `created`, `readonly`,
 * `cidr_whitelist`; Verdaccio says `cidr`; granular tokens may carry `expires`,
 * `packages`, `scopes`, `orgs` and their permissions), names are cleaned so one
 * cannot be made to look like another, and what the registry does not say is said
 * in words.
 */
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import type { TokenFacts } from '../../../shared/issuers/token-facts.js';
import type { IssuerToken } from '../token-issuer.js';
import { UNSEEN_RUNS } from '../../../shared/unseen-text.js';

const Strings = Type.Array(Type.String({ maxLength: 300 }), { maxItems: 1000 });
const NullableString = Type.Union([Type.String({ maxLength: 300 }), Type.Null()]);

export const NpmTokenObject = Type.Object({
  key: Type.String({ pattern: '^[A-Za-z0-9._~-]{1,256}$' }),
  token: Type.Optional(NullableString),
  name: Type.Optional(Type.Union([Type.String({ maxLength: 10_000 }), Type.Null()])),
  description: Type.Optional(Type.Union([Type.String({ maxLength: 10_000 }), Type.Null()])),
  created: Type.String({ maxLength: 64 }),
  updated: Type.Optional(NullableString),
  expires: Type.Optional(NullableString),
  readonly: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  cidr_whitelist: Type.Optional(Type.Union([Strings, Type.Null()])),
  cidr: Type.Optional(Type.Union([Strings, Type.Null()])),
  packages: Type.Optional(Type.Union([Strings, Type.Null()])),
  scopes: Type.Optional(Type.Union([Strings, Type.Null()])),
  orgs: Type.Optional(Type.Union([Strings, Type.Null()])),
  packages_and_scopes_permission: Type.Optional(NullableString),
  orgs_permission: Type.Optional(NullableString),
  bypass_2fa: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
});
export type NpmTokenObject = Static<typeof NpmTokenObject>;

export const NpmTokenPage = Type.Object({
  objects: Type.Array(Type.Unknown(), { maxItems: 10_000 }),
  urls: Type.Optional(
    Type.Object({
      next: Type.Optional(Type.Union([Type.String({ maxLength: 2048 }), Type.Null()])),
    }),
  ),
});

export const tokenObjectCheck = Compile(NpmTokenObject);
export const tokenPageCheck = Compile(NpmTokenPage);

/** Longest name shown; npm's own limit is not documented, ours is 100. */
const MAX_NAME = 100;

/**
 * A name from the registry as it is shown: unshowable characters become a space,
 * runs of spaces one, at most 100 characters (by code point); null when nothing is left.
 */
export function cleanTokenName(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  const cleaned = raw.replace(UNSEEN_RUNS, ' ').replace(/\s+/g, ' ').trim();
  if (cleaned === '') return null;
  const points = Array.from(cleaned);
  return points.length <= MAX_NAME
    ? cleaned
    : `${points
        .slice(0, MAX_NAME - 1)
        .join('')
        .trimEnd()}…`;
}

/** The short id npm's CLI shows (the key's first 6 characters). */
export function shortId(key: string): string {
  return key.slice(0, 6);
}

function isoOrNull(value: string | null | undefined): string | null {
  if (typeof value !== 'string') return null;
  const time = Date.parse(value);
  return Number.isFinite(time) ? new Date(time).toISOString() : null;
}

/** The safe start of the value the registry shows (`npm_ab…`, Verdaccio's `OTA0Y...kOA==`), or ''. */
function shownPrefix(token: string | null | undefined): string {
  if (typeof token !== 'string') return '';
  const cut = /^([A-Za-z0-9_]{1,12})(?:…|\.\.\.)/.exec(token);
  return cut ? cut[1]! : '';
}

/**
 * Whether a listed token is `credential` itself, by the start (and end) the registry
 * shows of it: the connection's own token is never deleted or replaced from the list.
 * A shown start shared by another token only refuses that one too, which is safe.
 */
export function isCredential(token: string | null | undefined, credential: string): boolean {
  if (typeof token !== 'string') return false;
  const [head, tail] = token.split(/…|\.\.\./);
  // A start alone must be long enough not to be every token's (npm_ + 4 at least).
  const enough = tail ? 4 : 8;
  if (!head || head.length < enough || !credential.startsWith(head)) return false;
  return !tail || credential.endsWith(tail);
}

export interface TokenSettings {
  permission: 'read-only' | 'read-write';
  packages: string[];
  scopes: string[];
  orgs: string[];
  orgsPermission: 'read-only' | 'read-write' | null;
  cidr: string[];
  bypass2fa: boolean;
  /** Every package the account reaches (npm's packages_all), when the registry says so. */
  allPackages?: boolean;
}

/** What the registry says this token may do, for a rotation to ask for the same. */
export function settingsOf(token: NpmTokenObject): TokenSettings {
  const permission =
    token.packages_and_scopes_permission === 'read-only' || token.readonly === true
      ? 'read-only'
      : 'read-write';
  const orgsPermission =
    token.orgs_permission === 'read-only' || token.orgs_permission === 'read-write'
      ? token.orgs_permission
      : null;
  return {
    permission,
    packages: token.packages ?? [],
    scopes: token.scopes ?? [],
    orgs: token.orgs ?? [],
    orgsPermission: (token.orgs ?? []).length > 0 ? (orgsPermission ?? 'read-only') : null,
    cidr: token.cidr_whitelist ?? token.cidr ?? [],
    bypass2fa: token.bypass_2fa === true,
  };
}

export const NPM_LAST_USE_UNKNOWN = 'npm does not list when a token was last used.';
const EXPIRY_UNKNOWN = 'This registry does not list when this token expires.';

function list(items: string[]): string {
  const shown = items.slice(0, 5).map((item) => cleanTokenName(item) ?? '?');
  return items.length > 5 ? `${shown.join(', ')} and ${items.length - 5} more` : shown.join(', ');
}

/** Scopes and permissions in words, for the token list. */
export function scopesInWords(settings: TokenSettings): string[] {
  const words: string[] = [];
  const access = settings.permission === 'read-only' ? 'Read only' : 'Read and write';
  const reach = [...settings.packages, ...settings.scopes];
  if (settings.allPackages) words.push(`${access} · every package`);
  else words.push(reach.length > 0 ? `${access} · ${list(reach)}` : access);
  if (settings.orgs.length > 0)
    words.push(
      `Organizations (${settings.orgsPermission === 'read-write' ? 'read and write' : 'read only'}) · ${list(settings.orgs)}`,
    );
  if (settings.cidr.length > 0) words.push(`Only from ${list(settings.cidr)}`);
  if (settings.bypass2fa) words.push('Publishes without two-factor authentication');
  return words;
}

export function sourceLabel(registryLabel: string): string {
  return registryLabel === 'registry.npmjs.org' ? 'npm' : `npm · ${registryLabel}`;
}

export function factsOf(
  settings: TokenSettings,
  expiresAt: string | null,
  expiryListed: boolean,
  registryLabel: string,
  now: number,
): TokenFacts {
  return {
    source: { kind: 'npm', variant: null, label: sourceLabel(registryLabel) },
    scopes: scopesInWords(settings),
    rotation: 'create-then-delete',
    canRevoke: true,
    unknown: {
      lastUse: NPM_LAST_USE_UNKNOWN,
      ...(expiryListed ? {} : { expiry: EXPIRY_UNKNOWN }),
    },
    status: expiresAt !== null && Date.parse(expiresAt) <= now ? 'expired' : 'active',
  };
}

/** One listed token, as every issuer lists it. */
export function toIssuerToken(
  token: NpmTokenObject,
  registryLabel: string,
  now: number,
): IssuerToken {
  const expiresAt = isoOrNull(token.expires);
  const name =
    cleanTokenName(token.name) ??
    cleanTokenName(token.description) ??
    `Unnamed npm token ${shortId(token.key)}`;
  return {
    id: token.key,
    name,
    prefix: shownPrefix(token.token),
    createdAt: isoOrNull(token.created) ?? new Date(0).toISOString(),
    expiresAt,
    lastUsedAt: null,
    lastUsedIp: null,
    lastUsedUserAgent: null,
    destinationCount: 0,
    replacedById: null,
    graceEndsAt: null,
    facts: factsOf(settingsOf(token), expiresAt, token.expires !== undefined, registryLabel, now),
  };
}
