/**
 * The one place that lists the active account's connections (its own Token Desk
 * account, then the GitHub and GitLab accounts it added) and opens the issuer a
 * token channel names. A connection that is not the active account's (another
 * account's, a removed one, a made-up id) is unknown here; one that does not issue
 * tokens is refused by name. Either way nothing is sent anywhere.
 */
import type { TokenIssuerRef } from '../../shared/ipc-contract.js';
import { DeskError } from '../desk-error.js';
import { connectorOf, isIssuerKind, openIssuer, type IssuerContext } from '../issuers/registry.js';
import { inWords } from '../ci-providers/provider-error.js';
import type { ConnectionInfo } from '../../shared/ipc-contract.js';
import type { IssuerKindName } from '../../shared/issuers/token-facts.js';
import type { IssuingVendor } from '../../shared/vendors.js';
import { visibleVendorHost } from './vendor-names.js';
import type { RecordOwner } from '../local-store.js';
import type { SessionService } from '../services/session-service.js';
import { TokenDeskIssuer } from '../issuers/token-desk/token-desk-issuer.js';
import type { TokenIssuer } from '../issuers/token-issuer.js';
import { tokenDeskPlaces, type TokenPlaces } from '../issuers/token-places.js';
import { kindName, rolesOf, type ConnectedIssuer, type Connection } from './connection.js';
import type { ProviderAccounts } from './provider-accounts.js';
import { tokenDeskConnectionId } from './vault.js';
import { lookUpGitHubUser } from '../issuers/github/github-token-api.js';

export class Connections {
  constructor(
    private readonly deps: {
      sessions: SessionService;
      accounts: ProviderAccounts;
      issuers: IssuerContext;
      /** Where another vendor's tokens' places are kept (on the owner's Token Desk service). */
      vendorPlaces?: (connection: Connection) => TokenPlaces;
    },
  ) {}

  /** The active account's connections, its own first. */
  list(): Connection[] {
    return this.listOf(this.deps.sessions.owner());
  }

  /** A Token Desk account's connections, its own first. */
  listOf(owner: RecordOwner): Connection[] {
    const providers = this.deps.accounts.mine(owner).map((record): Connection => ({
      id: record.id,
      kind: record.provider,
      host: record.host,
      login: record.login,
      name: null,
      roles: rolesOf(record.provider, record.tokenless === true),
      owner: record.owner,
    }));
    return [this.tokenDesk(owner), ...providers];
  }

  /** What the page may know of the active account's connections (never a credential). */
  describe(): ConnectionInfo[] {
    return this.list().map(infoOf);
  }

  /**
   * Connects an account of a vendor that only issues tokens: its host asked about like
   * any other, then the vendor's own check (npm may sign in, with main's prompt). What
   * was typed is cut from any error.
   */
  async connect(
    kind: IssuingVendor,
    request: { host: string; token?: string },
  ): Promise<ConnectionInfo> {
    const connector = connectorOf(kind);
    if (!connector)
      throw new DeskError('not_supported', `${kindName(kind)} accounts cannot be added here.`);
    return this.added(request.token, () =>
      this.deps.accounts.addIssuing(kind, request.host, (host) =>
        connector({ ...request, host }, this.deps.issuers),
      ),
    );
  }

  /**
   * Connects a GitHub account: with an access token, as a CI provider account (it stores
   * CI secrets and tracks tokens); without one, by its login only (GitHub looks it up,
   * no token needed), to track tokens: each token's value is checked with GitHub when it
   * is pasted, so none is kept for the connection.
   */
  async connectGitHub(request: {
    host: string;
    login?: string;
    token?: string;
  }): Promise<ConnectionInfo> {
    const { host, login, token } = request;
    if (token !== undefined && login !== undefined)
      throw new DeskError(
        'invalid_input',
        'Connect GitHub either with an access token (GitHub says whose it is) or with a login alone, not both.',
      );
    if (token !== undefined)
      return this.added(token, async () => {
        const account = await this.deps.accounts.add({ provider: 'github', host, token });
        return { id: account.id };
      });
    if (login === undefined || login.trim() === '')
      throw new DeskError(
        'invalid_input',
        'Enter your GitHub login, or paste an access token, to connect GitHub.',
      );
    return this.added(undefined, () =>
      this.deps.accounts.addTokenless('github', host, (apiBase) =>
        lookUpGitHubUser(apiBase, login, this.deps.issuers.fetch),
      ),
    );
  }

  /** The connection `save` added, as the page may know it; what was typed is cut from any error. */
  private async added(
    token: string | undefined,
    save: () => Promise<{ id: string }>,
  ): Promise<ConnectionInfo> {
    try {
      const record = await save();
      const added = this.list().find((entry) => entry.id === record.id);
      if (!added) throw new Error('the account was saved but is not listed');
      return infoOf(added);
    } catch (error) {
      throw inWords(error, token === undefined ? [] : [token]);
    }
  }

  /** Removes one of the active account's GitHub, GitLab, npm or Cloudflare accounts and its credential. */
  async disconnect(connectionId: string): Promise<void> {
    const connection = this.list().find((entry) => entry.id === connectionId);
    if (!connection)
      throw new DeskError(
        'connection_not_found',
        'That account is not one of the active account’s connections here, so nothing was removed.',
      );
    if (connection.kind === 'token-desk')
      throw new DeskError(
        'not_removable',
        'A Token Desk account is signed out from the account menu, not removed here.',
      );
    await this.deps.accounts.remove(connectionId);
  }

  /** The issuer a token channel names: one of the active account's connections that issues tokens. */
  issuer(connectionId: string): ConnectedIssuer {
    return this.issuerFor(this.deps.sessions.owner(), connectionId);
  }

  /**
   * The issuer of one of `owner`'s connections (its own Token Desk account without an
   * id): a rotation or a reminder keeps acting as the account it belongs to.
   */
  issuerFor(owner: RecordOwner, connectionId?: string): ConnectedIssuer {
    if (connectionId === undefined) return this.issuerOf(owner);
    const connection = this.listOf(owner).find((entry) => entry.id === connectionId);
    if (!connection)
      throw new DeskError(
        'connection_not_found',
        'That account is not one of the active account’s connections here (it may have been removed, or belong to another account), so nothing was done. Refresh the window and try again.',
      );
    if (!connection.roles.issuesTokens)
      throw new DeskError(
        'not_an_issuer',
        `${connection.login} on ${kindName(connection.kind)} stores CI secrets but does not issue tokens, so nothing was done.`,
      );
    return this.open(connection);
  }

  /** Every issuer of a Token Desk account's tokens (its own service first), for reminders. */
  issuersOf(owner: RecordOwner): ConnectedIssuer[] {
    return this.listOf(owner)
      .filter((connection) => connection.roles.issuesTokens)
      .map((connection) => this.open(connection));
  }

  /** The issuer of a Token Desk account's own tokens: rotations and reminders keep their owner's. */
  issuerOf(owner: RecordOwner): ConnectedIssuer {
    return this.open(this.tokenDesk(owner));
  }

  private tokenDesk(owner: RecordOwner): Connection {
    const { serviceUrl, email } = owner;
    const active = this.deps.sessions.state().account;
    return {
      id: tokenDeskConnectionId(serviceUrl, email),
      kind: 'token-desk',
      host: serviceUrl,
      login: email,
      name: active && this.deps.sessions.isActive(owner) ? active.name : null,
      roles: rolesOf('token-desk'),
      owner: { serviceUrl, email },
    };
  }

  private open(connection: Connection): ConnectedIssuer {
    if (!isIssuerKind(connection.kind)) throw new Error(`${connection.kind} issues no tokens`);
    const ref: TokenIssuerRef = { connectionId: connection.id, kind: connection.kind };
    const issuer = openIssuer(connection.kind, connection, this.deps.issuers);
    return { issuer, ref, connection, places: this.placesOf(connection, issuer) };
  }

  private placesOf(connection: Connection, issuer: TokenIssuer): TokenPlaces {
    if (issuer instanceof TokenDeskIssuer) return tokenDeskPlaces(issuer);
    if (this.deps.vendorPlaces) return this.deps.vendorPlaces(connection);
    const unavailable = () =>
      Promise.reject(
        new DeskError(
          'places_unavailable',
          `Token Desk cannot keep where ${kindName(connection.kind)} tokens are used here.`,
        ),
      );
    return { list: unavailable, add: unavailable, remove: unavailable, follow: unavailable };
  }
}

function infoOf(connection: Connection): ConnectionInfo {
  return {
    id: connection.id,
    kind: connection.kind as IssuerKindName,
    kindName: kindName(connection.kind),
    host: connection.host,
    shownHost:
      connection.kind === 'token-desk' ? null : visibleVendorHost(connection.kind, connection.host),
    login: connection.login,
    roles: connection.roles,
  };
}
