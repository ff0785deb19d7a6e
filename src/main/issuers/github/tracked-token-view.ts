/**
 * A tracked GitHub token as the page sees it: the record checked field by field (the
 * store is the token service, and its answers are untrusted), the name cleaned so it
 * cannot pass for another, and the facts in words (kind and login, scopes, what GitHub
 * does not say).
 */
import type { IssuerToken } from '../token-issuer.js';
import type { TokenFacts } from '../../../shared/issuers/token-facts.js';
import { GITHUB_TOKEN_KIND_LABELS, GITHUB_UNKNOWN } from '../../../shared/issuers/github.js';
import { TOKEN_NAME_MAX_LENGTH } from '../../../shared/token-name.js';
import type { TrackedGitHubToken } from './tracked-token-store.js';

/** Words for the classic scopes people meet most; any other scope is shown as GitHub names it. */
const SCOPE_WORDS: Record<string, string> = {
  repo: 'Repositories, full control',
  public_repo: 'Public repositories',
  workflow: 'Actions workflows',
  'write:packages': 'Packages, write',
  'read:packages': 'Packages, read',
  'delete:packages': 'Packages, delete',
  'admin:org': 'Organizations, full control',
  'write:org': 'Organizations, write',
  'read:org': 'Organizations, read',
  gist: 'Gists',
  user: 'Profile, full control',
  'read:user': 'Profile, read',
  'user:email': 'Email addresses, read',
  delete_repo: 'Delete repositories',
  'admin:repo_hook': 'Repository webhooks, full control',
  notifications: 'Notifications',
};

function scopeInWords(scope: string): string {
  const words = SCOPE_WORDS[scope];
  return words ? `${words} (${scope})` : scope;
}

// What shared/unseen-text.ts keeps out of the window (control, format, separators,
// private use, every default-ignorable code point), and U+FFFD itself.
const UNSEEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\p{Default_Ignorable_Code_Point}\uFFFD]/gu;

/** A stored name as it may be shown: nothing invisible or direction-changing, at most 100 characters. */
export function shownName(raw: string): string {
  const flat = raw.replace(UNSEEN, ' ').replace(/\s+/g, ' ').trim();
  const characters = [...flat];
  const name =
    characters.length > TOKEN_NAME_MAX_LENGTH
      ? `${characters.slice(0, TOKEN_NAME_MAX_LENGTH - 1).join('')}…`
      : flat;
  return name || '(unnamed)';
}

const ID = /^[\x21-\x7e]{1,200}$/;
const LOGIN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

function isoOrNull(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 40) return null;
  const time = Date.parse(value);
  return Number.isFinite(time) ? new Date(time).toISOString() : null;
}

/** A record as the page sees it at `at.now` on GitHub at `at.host`; null for a record that is not one. */
export function trackedTokenView(
  record: TrackedGitHubToken,
  at: { host: string; now: number },
): IssuerToken | null {
  if (typeof record.id !== 'string' || !ID.test(record.id)) return null;
  if (record.kind !== 'classic' && record.kind !== 'fine-grained') return null;
  const login = typeof record.login === 'string' && LOGIN.test(record.login) ? record.login : null;
  if (!login) return null;
  const expiresAt = isoOrNull(record.expiresAt);
  const checkedAt = isoOrNull(record.expiryCheckedAt);
  const scopes =
    record.kind === 'classic'
      ? (Array.isArray(record.scopes) ? record.scopes : [])
          .filter(
            (scope): scope is string =>
              typeof scope === 'string' && /^[a-z][a-z0-9_:]{0,49}$/.test(scope),
          )
          .slice(0, 50)
          .map(scopeInWords)
      : [GITHUB_UNKNOWN.fineGrainedScopes];
  const expired = expiresAt !== null && Date.parse(expiresAt) <= at.now;
  const facts: TokenFacts = {
    source: {
      kind: 'github',
      variant: record.kind,
      label: `${GITHUB_TOKEN_KIND_LABELS[record.kind]} · ${login}${at.host === 'api.github.com' ? '' : ` · ${at.host}`}`,
    },
    scopes,
    rotation: 'guided',
    canRevoke: true,
    unknown: {
      lastUse: GITHUB_UNKNOWN.lastUse,
      ...(checkedAt === null ? { expiry: GITHUB_UNKNOWN.expiryUnchecked } : {}),
    },
    status: expired ? 'expired' : 'active',
  };
  return {
    id: record.id,
    name: shownName(typeof record.name === 'string' ? record.name : ''),
    prefix: '',
    createdAt: isoOrNull(record.createdAt) ?? new Date(0).toISOString(),
    expiresAt: checkedAt === null ? null : expiresAt,
    lastUsedAt: null,
    lastUsedIp: null,
    lastUsedUserAgent: null,
    destinationCount: 0,
    replacedById: null,
    graceEndsAt: null,
    facts,
  };
}
