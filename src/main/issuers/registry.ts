/**
 * Every token issuer main can act through, one line each: a kind, how it is named on
 * screen, and how to open it for one connection. A connection whose kind is listed
 * here issues tokens (connections/connection.ts derives the role from this list); a
 * new issuer is a folder beside token-desk/ and a line here.
 */
import type { ExternalLinksPort, Fetch, PromptPort, Timers } from '../ports.js';
import type { ApiClient } from '../services/api-client.js';
import type { SessionService } from '../services/session-service.js';
import { DeskError } from '../desk-error.js';
import { openCloudflareIssuer } from './cloudflare/cloudflare-issuer.js';
import { verifyCloudflareConnection } from './cloudflare/cloudflare-connection.js';
import { openGitHubIssuer } from './github/github-issuer.js';
import { serviceTrackedStore } from './github/service-tracked-store.js';
import { openGitLabIssuer } from './gitlab/gitlab-issuer.js';
import { trackedRecordsOf } from './tracked/tracked-records.js';
import { openNpmIssuer } from './npm/npm-issuer.js';
import { signInToNpm, verifyNpmConnection } from './npm/npm-sign-in.js';
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
  /**
   * Makes sure the person trusts the connection's host (asked in main's own dialog if it
   * must), for an issuer that sends values there without the connection's credential.
   */
  trustHost(connection: IssuerConnection): Promise<void>;
  /** Keeps a new value of the connection's own credential (a GitLab token that rotated itself). */
  saveCredential(connection: IssuerConnection, value: string): Promise<void>;
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

/** What a person typed to connect an account: the address, and a credential unless (npm) they sign in. */
export interface ConnectRequest {
  host: string;
  token?: string;
}

/** Who the account is, the credential main keeps for it, and the host the issuer will use. */
export interface ConnectedAccount {
  login: string;
  credential: string;
}

type ConnectContext = Pick<IssuerContext, 'fetch' | 'prompt' | 'externalLinks' | 'timers' | 'now'>;

interface IssuerEntry {
  displayName: string;
  open(connection: IssuerConnection, context: IssuerContext): TokenIssuer;
  /** Checks a credential (or signs in) when a person connects an account of this vendor only. */
  connect?(request: ConnectRequest, context: ConnectContext): Promise<ConnectedAccount>;
}

/** The npm sign-in under way (one at a time), so the window can stop it. */
let npmSignIn: AbortController | null = null;

/**
 * Stops the npm sign-in under way, if any: a browser approval stops being waited for
 * at once; a password typed after this is not sent. True when there was one.
 */
export function cancelNpmSignIn(): boolean {
  if (!npmSignIn) return false;
  npmSignIn.abort();
  return true;
}

export const ISSUERS = {
  'token-desk': {
    displayName: 'Token Desk',
    open: (connection, { api, sessions }) => new TokenDeskIssuer(api, sessions, connection.owner),
  },
  npm: {
    displayName: 'npm',
    open: openNpmIssuer,
    async connect({ host, token }, context) {
      if (token !== undefined) {
        const { login } = await verifyNpmConnection(host, token, context);
        return { login, credential: token };
      }
      // The user name, password and any second factor are asked in main's own prompt; one
      // sign-in at a time, so a page cannot open browser sign-ins one after another.
      if (npmSignIn)
        throw new DeskError(
          'sign_in_busy',
          'Token Desk is already signing in to npm. Finish or cancel that sign-in first.',
        );
      const running = new AbortController();
      npmSignIn = running;
      const signedIn = await signInToNpm(host, { ...context, signal: running.signal }).finally(
        () => {
          if (npmSignIn === running) npmSignIn = null;
        },
      );
      return { login: signedIn.username, credential: signedIn.token };
    },
  },
  gitlab: {
    displayName: 'GitLab',
    open: (connection, context) =>
      openGitLabIssuer(connection, context, {
        saveCredential: (value) => context.saveCredential(connection, value),
      }),
  },
  github: {
    displayName: 'GitHub',
    open: (connection, context) => {
      // A value goes to the connection's host only once the person trusts it, as a
      // credential does; a GitHub connection may have no credential (it tracks tokens
      // only), so the host is asked about itself: once per opened issuer, that is per
      // call, not once per request.
      let trusted: Promise<void> | null = null;
      return openGitHubIssuer(
        connection,
        {
          ...context,
          fetch: async (input, init) => {
            await (trusted ??= context.trustHost(connection));
            return context.fetch(input, init);
          },
        },
        serviceTrackedStore(trackedRecordsOf({ ...connection, kind: 'github' }, context)),
      );
    },
  },
  cloudflare: {
    displayName: 'Cloudflare',
    open: openCloudflareIssuer,
    async connect({ host, token }, context) {
      if (token === undefined)
        throw new DeskError(
          'invalid_input',
          'Paste a Cloudflare API token that may manage API tokens.',
        );
      const verified = await verifyCloudflareConnection(
        { address: host, token },
        context.fetch,
        context.now,
      );
      return { login: verified.login, credential: token.trim() };
    },
  },
} as const satisfies Record<string, IssuerEntry>;

export type IssuerKind = keyof typeof ISSUERS;

export function isIssuerKind(kind: string): kind is IssuerKind {
  return Object.hasOwn(ISSUERS, kind);
}

export function connectorOf(
  kind: IssuerKind,
): ((request: ConnectRequest, context: ConnectContext) => Promise<ConnectedAccount>) | null {
  const entry: IssuerEntry = ISSUERS[kind];
  return entry.connect ? entry.connect.bind(entry) : null;
}

export function openIssuer(
  kind: IssuerKind,
  connection: IssuerConnection,
  context: IssuerContext,
): TokenIssuer {
  return ISSUERS[kind].open(connection, context);
}
