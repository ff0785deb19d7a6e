/**
 * Cloudflare's answers as Token Desk reads them: the documented shapes (the `cloudflare`
 * SDK's types, developers.cloudflare.com/api/resources/user/subresources/tokens),
 * checked before use, and a token turned into what the page shows: its name made
 * safe to display, its permissions and address conditions in words.
 */
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import type { TokenFacts, RotationStyle } from '../../../shared/issuers/token-facts.js';
import type { IssuerToken } from '../token-issuer.js';
import { UNSEEN_RUNS } from '../../../shared/unseen-text.js';

/** Token ids are at most 32 characters (hexadecimal in every example); they go into URL paths. */
export const TOKEN_ID = /^[A-Za-z0-9]{1,32}$/;
const TokenId = Type.String({ pattern: TOKEN_ID.source });
const Time = Type.Union([Type.String({ maxLength: 64 }), Type.Null()]);
const Ranges = Type.Array(Type.String({ maxLength: 100 }), { maxItems: 1000 });

const Policy = Type.Object({
  id: Type.Optional(Type.String({ maxLength: 100 })),
  effect: Type.Union([Type.Literal('allow'), Type.Literal('deny')]),
  resources: Type.Record(
    Type.String({ maxLength: 300 }),
    Type.Union([
      Type.String({ maxLength: 300 }),
      Type.Record(Type.String({ maxLength: 300 }), Type.String({ maxLength: 300 })),
    ]),
  ),
  permission_groups: Type.Array(
    Type.Object({ id: Type.String({ maxLength: 100 }), name: Type.Optional(Type.String()) }),
    { maxItems: 1000 },
  ),
});
export type CloudflarePolicy = Static<typeof Policy>;

const Condition = Type.Object({
  request_ip: Type.Optional(
    Type.Object({ in: Type.Optional(Ranges), not_in: Type.Optional(Ranges) }),
  ),
});

export const CloudflareTokenShape = Type.Object({
  id: TokenId,
  name: Type.Optional(Type.String()),
  status: Type.Optional(Type.String({ maxLength: 40 })),
  issued_on: Type.Optional(Time),
  modified_on: Type.Optional(Time),
  last_used_on: Type.Optional(Time),
  not_before: Type.Optional(Time),
  expires_on: Type.Optional(Time),
  policies: Type.Optional(Type.Array(Policy, { maxItems: 1000 })),
  condition: Type.Optional(Condition),
});
export type CloudflareToken = Static<typeof CloudflareTokenShape>;

export const tokenCheck = Compile(CloudflareTokenShape);

export const tokenPageCheck = Compile(
  Type.Object({
    success: Type.Literal(true),
    result: Type.Array(Type.Unknown(), { maxItems: 1000 }),
    result_info: Type.Object({
      page: Type.Number(),
      per_page: Type.Number(),
      total_count: Type.Number(),
    }),
  }),
);

export const verifyCheck = Compile(
  Type.Object({
    id: TokenId,
    status: Type.String({ maxLength: 40 }),
    expires_on: Type.Optional(Time),
  }),
);

export const permissionGroupsCheck = Compile(
  Type.Object({
    success: Type.Literal(true),
    result: Type.Array(
      Type.Object({
        id: Type.String({ maxLength: 100 }),
        name: Type.String(),
        scopes: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 20 })),
      }),
      { maxItems: 10_000 },
    ),
  }),
);

/**
 * One page of GET /accounts or GET /zones (api/resources/accounts/methods/list,
 * api/resources/zones/methods/list): only what the create form uses is required.
 */
export const namedPageCheck = Compile(
  Type.Object({
    success: Type.Literal(true),
    result: Type.Array(
      Type.Object({
        id: Type.String({ maxLength: 100 }),
        name: Type.String({ maxLength: 2000 }),
        account: Type.Optional(Type.Object({ id: Type.Optional(Type.String({ maxLength: 100 })) })),
      }),
      { maxItems: 1000 },
    ),
    result_info: Type.Object({
      page: Type.Number(),
      per_page: Type.Number(),
      total_count: Type.Number(),
    }),
  }),
);

/** A new value: Cloudflare documents 40 to 80 characters, and it goes into Authorization headers. */
export const TOKEN_VALUE = /^[A-Za-z0-9_\-.~+/=]{20,200}$/;

const NAME_LIMIT = 100;
// What may not reach the window as it is (shared/unseen-text.ts): shown as U+FFFD rather
// than dropped, so "ci-\u200bgithub" never reads as "ci-github".

/** Text from Cloudflare (a name, a permission group) as the page may show it. */
export function displayable(raw: string | undefined, limit = NAME_LIMIT): string {
  const text = (raw ?? '').replace(UNSEEN_RUNS, '\uFFFD').replace(/\s+/g, ' ').trim();
  const points = Array.from(text);
  return points.length <= limit ? text : `${points.slice(0, limit - 1).join('')}…`;
}

/** An ISO timestamp, or null when Cloudflare sent none or something that is not a date. */
export function isoOrNull(value: string | null | undefined): string | null {
  if (typeof value !== 'string' || value === '') return null;
  const time = Date.parse(value);
  return Number.isFinite(time) ? new Date(time).toISOString() : null;
}

const ZONE = 'com.cloudflare.api.account.zone.';
const ACCOUNT = 'com.cloudflare.api.account.';
const USER = 'com.cloudflare.api.user.';
const R2 = 'com.cloudflare.edge.r2.bucket.';

const short = (id: string) => (id.length > 12 ? `${id.slice(0, 8)}…` : id);

/** One resource key (and its nested value) in a few words. */
function resourceWords(key: string, value: unknown): string {
  if (key === `${ZONE}*`) return 'all zones';
  if (key.startsWith(ZONE)) return `zone ${short(key.slice(ZONE.length))}`;
  if (key === `${ACCOUNT}*`) return 'all accounts';
  if (key.startsWith(ACCOUNT)) {
    const account = short(key.slice(ACCOUNT.length));
    return typeof value === 'object' && value !== null && `${ZONE}*` in value
      ? `all zones in account ${account}`
      : `account ${account}`;
  }
  if (key.startsWith(USER)) return 'your user';
  if (key.startsWith(R2)) return `R2 bucket ${short(key.slice(R2.length))}`;
  return key;
}

/** "DNS Write, Zone Read · zone 0123abcd…, zone 4567ef01…" — one line per policy. */
export function policyWords(policy: CloudflarePolicy): string {
  const groups = policy.permission_groups.map((group) => group.name || group.id);
  const shownGroups =
    groups.length > 4 ? [...groups.slice(0, 3), `${groups.length - 3} more`] : groups;
  const resources = Object.entries(policy.resources).map(([key, value]) =>
    resourceWords(key, value),
  );
  const shownResources =
    resources.length > 3 ? [...resources.slice(0, 2), `${resources.length - 2} more`] : resources;
  const line = `${policy.effect === 'deny' ? 'Denied: ' : ''}${shownGroups.join(', ')} · ${shownResources.join(', ')}`;
  return displayable(line, 200);
}

export function conditionWords(token: CloudflareToken): string[] {
  const ip = token.condition?.request_ip;
  const words: string[] = [];
  const list = (ranges: string[]) =>
    ranges.length > 3
      ? `${ranges.slice(0, 3).join(', ')} and ${ranges.length - 3} more`
      : ranges.join(', ');
  if (ip?.in?.length) words.push(displayable(`Only from ${list(ip.in)}`, 200));
  if (ip?.not_in?.length) words.push(displayable(`Never from ${list(ip.not_in)}`, 200));
  const notBefore = isoOrNull(token.not_before);
  if (notBefore) words.push(`Not valid before ${notBefore.slice(0, 16).replace('T', ' ')} UTC`);
  return words;
}

/** A token in Cloudflare's answer lacked a field every token has. */
export class MissingField extends Error {
  constructor(readonly field: string) {
    super(`Cloudflare's answer has no "${field}"`);
    this.name = 'MissingField';
  }
}

export interface Presentation {
  variant: 'user' | 'account';
  label: string;
  rotation: RotationStyle;
  now: number;
  /** The connection's own token: neither rotated nor revoked from here. */
  own: boolean;
}

/** A Cloudflare token as every issuer lists it, with its facts in words. */
export function toIssuerToken(token: CloudflareToken, shown: Presentation): IssuerToken {
  const expiresAt = isoOrNull(token.expires_on);
  const createdAt = isoOrNull(token.issued_on) ?? isoOrNull(token.modified_on);
  // Cloudflare dates every token; one without a date is not an answer to show as one.
  if (createdAt === null) throw new MissingField('issued_on');
  const status: TokenFacts['status'] =
    token.status === 'active' || token.status === undefined
      ? expiresAt !== null && Date.parse(expiresAt) <= shown.now
        ? 'expired'
        : 'active'
      : token.status === 'expired'
        ? 'expired'
        : 'disabled';
  const scopes = [
    ...(token.policies ?? []).slice(0, 20).map(policyWords),
    ...conditionWords(token),
  ];
  return {
    id: token.id,
    name: displayable(token.name) || '(no name)',
    prefix: '',
    createdAt,
    expiresAt,
    lastUsedAt: isoOrNull(token.last_used_on),
    lastUsedIp: null,
    lastUsedUserAgent: null,
    destinationCount: 0,
    replacedById: null,
    graceEndsAt: null,
    facts: {
      source: { kind: 'cloudflare', variant: shown.variant, label: shown.label },
      scopes,
      rotation: shown.own ? 'none' : shown.rotation,
      canRevoke: !shown.own,
      // Cloudflare lists when a token was last used (null: never) and its expiry (null: never).
      unknown: {},
      status,
    },
  };
}
