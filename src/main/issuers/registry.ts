/**
 * Every token issuer main can act through, one line each: a kind, how it is named on
 * screen, and how to open it for one connection. A connection whose kind is listed
 * here issues tokens (connections/connection.ts derives the role from this list); a
 * new issuer is a folder beside token-desk/ and a line here.
 */
import type { ExternalLinksPort, Fetch, PromptPort, Timers } from '../ports.js';
import type { ApiClient } from '../services/api-client.js';
import type { SessionService } from '../services/session-service.js';
import { TokenDeskIssuer } from './token-desk/token-desk-issuer.js';
import type { TokenIssuer } from './token-issuer.js';

/** What an issuer may use to reach its vendor. */
export interface IssuerContext {
  api: ApiClient;
  sessions: SessionService;
  /** Every request to a vendor goes through main's outbound layer (proxy, trusted authorities). */
  fetch: Fetch;
  /** Main's own prompt for a password, a one-time code or a new value; null where there is none. */
  prompt: PromptPort | null;
  /** The person's browser, for a vendor's web sign-in or a token's page; null where there is none. */
  externalLinks: ExternalLinksPort | null;
  timers: Timers;
  now: () => number;
  /** The connection's credential from the keychain (never handed to the page). */
  credential(connection: IssuerConnection): Promise<string>;
}

/** What an issuer needs to know of the connection it is opened for. */
export interface IssuerConnection {
  id: string;
  /** The Token Desk account the connection belongs to. */
  owner: { serviceUrl: string; email: string };
  /** The vendor's URL: service URL, registry, instance or API base. */
  host: string;
  login: string;
}

interface IssuerEntry {
  displayName: string;
  open(connection: IssuerConnection, context: IssuerContext): TokenIssuer;
}

export const ISSUERS = {
  'token-desk': {
    displayName: 'Token Desk',
    open: (connection, { api, sessions }) => new TokenDeskIssuer(api, sessions, connection.owner),
  },
} as const satisfies Record<string, IssuerEntry>;

export type IssuerKind = keyof typeof ISSUERS;

export function isIssuerKind(kind: string): kind is IssuerKind {
  return Object.hasOwn(ISSUERS, kind);
}

export function openIssuer(
  kind: IssuerKind,
  connection: IssuerConnection,
  context: IssuerContext,
): TokenIssuer {
  return ISSUERS[kind].open(connection, context);
}
