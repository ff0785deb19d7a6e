/**
 * Every account the active Token Desk account is connected to: its own, the GitHub and
 * GitLab accounts (they store CI secrets, and issue tokens too) and the accounts of
 * vendors that only issue tokens (npm, Cloudflare), which are added here. A
 * credential never leaves main; an npm password is asked in main's own prompt.
 */
import { Type } from 'typebox';
import type { IssuerKindName } from '../issuers/token-facts.js';
import { PROVIDER_TOKEN_PATTERN, URL_MAX_LENGTH } from '../limits.js';
import { Id, NoPayload, channel } from './fields.js';
import { GITHUB_LOGIN_SOURCE } from '../github-login.js';

/** A GitHub login as typed: the shared pattern, with spaces around it (main trims them). */
const GITHUB_LOGIN_PATTERN = `^\\s*${GITHUB_LOGIN_SOURCE}\\s*$`;

export interface ConnectionInfo {
  id: string;
  kind: IssuerKindName;
  /** How the kind is named on screen ("npm", "Cloudflare", "GitLab"). */
  kindName: string;
  host: string;
  /** The host to show beside the login; null for the vendor's public one. */
  shownHost: string | null;
  login: string;
  roles: { issuesTokens: boolean; storesSecrets: boolean };
}

const Host = Type.String({ maxLength: URL_MAX_LENGTH });
const VendorToken = Type.String({ pattern: PROVIDER_TOKEN_PATTERN });

// One object, not a union of the vendors' shapes: a refusal then names the field that is
// wrong (a 10 KB token is "token"), where a union's first branch would speak for all.
// Without a token, npm signs in in main's own prompt (user name, password, 2FA); a
// Cloudflare account without one is refused in words by its connector.
// GitHub: with a token it is a CI provider account too; without one, `login` names the
// account (GitHub looks it up without a token) and it only tracks tokens.
const AddConnectionPayload = Type.Object(
  {
    kind: Type.Union([Type.Literal('npm'), Type.Literal('cloudflare'), Type.Literal('github')]),
    host: Host,
    token: Type.Optional(VendorToken),
    login: Type.Optional(Type.String({ pattern: GITHUB_LOGIN_PATTERN })),
  },
  { additionalProperties: false },
);

const RemoveConnectionPayload = Type.Object({ connectionId: Id }, { additionalProperties: false });

export const CONNECTION_CHANNELS = {
  'connections:list': channel<typeof NoPayload, ConnectionInfo[]>(NoPayload),
  'connections:add': channel<typeof AddConnectionPayload, ConnectionInfo>(AddConnectionPayload),
  'connections:remove': channel<typeof RemoveConnectionPayload, null>(RemoveConnectionPayload),
  /** Stops an npm sign-in under way (its browser approval, or the password not yet sent). */
  'connections:cancel-sign-in': channel<typeof NoPayload, { cancelled: boolean }>(NoPayload),
} as const;
