/**
 * Every token issuer main can act through, one line each: a kind, how it is named on
 * screen, and how to open it for one connection. A connection whose kind is listed
 * here issues tokens (connections/connection.ts derives the role from this list); a
 * new issuer is a folder beside token-desk/ and a line here.
 */
import type { ApiClient } from '../services/api-client.js';
import type { SessionService } from '../services/session-service.js';
import { TokenDeskIssuer } from './token-desk/token-desk-issuer.js';
import type { TokenIssuer } from './token-issuer.js';

/** What an issuer may use to reach its vendor. */
export interface IssuerContext {
  api: ApiClient;
  sessions: SessionService;
}

/** What an issuer needs to know of the connection it is opened for. */
export interface IssuerConnection {
  /** The Token Desk account the connection belongs to. */
  owner: { serviceUrl: string; email: string };
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
