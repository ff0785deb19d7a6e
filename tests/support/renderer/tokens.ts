import type { DeskToken, InventorySource } from '../../../src/shared/ipc-contract';
import type { IssuerKindName, TokenFacts } from '../../../src/shared/issuers/token-facts';

export const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;
export const daysFromNow = (days: number): string => new Date(NOW + days * DAY).toISOString();

/** The connection our own service's tokens come from in these fixtures. */
export const DESK_CONNECTION = 'conn-desk';

/** What main says of our own service's tokens (src/main/issuers/desk-token.ts). */
export const DESK_FACTS: TokenFacts = {
  source: { kind: 'token-desk', variant: null, label: 'Token Desk' },
  scopes: [],
  rotation: 'grace',
  canRevoke: true,
  unknown: {},
  status: 'active',
};

let next = 1;
/** A token as the page receives it from our service; fields not given are a healthy, recently used token. */
export function token(fields: Partial<DeskToken> = {}): DeskToken {
  const id = `tok-${next++}`;
  return {
    id,
    name: id,
    prefix: `ca_${id}`,
    createdAt: daysFromNow(-10),
    lastUsedAt: daysFromNow(-1),
    lastUsedIp: null,
    lastUsedUserAgent: null,
    expiresAt: daysFromNow(60),
    destinationCount: 0,
    replacedById: null,
    graceEndsAt: null,
    issuer: { connectionId: DESK_CONNECTION, kind: 'token-desk' },
    facts: DESK_FACTS,
    ...fields,
  };
}

/**
 * Another vendor's token, with the facts its issuer would send: `facts` given are
 * merged over a healthy token of that kind (a Cloudflare token that is disabled, an npm
 * token whose last use npm does not list…).
 */
export function vendorToken(
  kind: Exclude<IssuerKindName, 'token-desk'>,
  fields: Partial<Omit<DeskToken, 'facts'>> & { facts?: Partial<TokenFacts> } = {},
): DeskToken {
  const { facts, ...rest } = fields;
  const label = {
    npm: 'npm',
    gitlab: 'GitLab personal',
    cloudflare: 'Cloudflare',
    github: 'GitHub',
  }[kind];
  return token({
    prefix: '',
    issuer: { connectionId: `conn-${kind}`, kind },
    ...rest,
    facts: {
      source: { kind, variant: kind === 'gitlab' ? 'personal' : null, label },
      scopes: [],
      rotation: kind === 'github' ? 'guided' : kind === 'npm' ? 'create-then-delete' : 'at-once',
      canRevoke: true,
      unknown: {},
      status: 'active',
      ...facts,
    },
  });
}

/** A connection that issues tokens, as tokens:inventory lists it. */
export function source(
  kind: IssuerKindName,
  fields: Partial<InventorySource> & { revokeMany?: number } = {},
): InventorySource {
  const { revokeMany, ...rest } = fields;
  return {
    connectionId: kind === 'token-desk' ? DESK_CONNECTION : `conn-${kind}`,
    kind,
    notes: [],
    label: kind === 'token-desk' ? 'Token Desk · ada@example.com' : `${kind} · ada on example.com`,
    capabilities: {
      create: true,
      revokeMany: revokeMany ?? (kind === 'token-desk' ? 100 : 0),
      rotation: kind === 'token-desk' ? 'grace' : 'at-once',
      maxExpiryDays: null,
      expiryRequired: false,
    },
    problem: null,
    ...rest,
  };
}
