/**
 * Our token service as a token issuer, bound to one Token Desk account's session:
 * every call goes through SessionService.withSession, so an expired session is
 * forgotten wherever it is found. The service also keeps where each token was sent
 * and the account's audit trail; those calls go through the same binding.
 */
import type { DestinationInput } from '../../../shared/ci-destinations.js';
import { MAX_BULK_REVOKE } from '../../../shared/api-schemas.js';
import { MAX_GRACE_PERIOD_SECONDS } from '../../../shared/ci-destinations.js';
import type { ApiClient, EventsQueryInput } from '../../services/api-client.js';
import type { AccountRef, SessionService } from '../../services/session-service.js';
import { DeskError } from '../../desk-error.js';
import { ID_PATTERN } from '../../../shared/ipc-channels.js';
import type { CreateTokenInput, IssuerCapabilities, TokenIssuer } from '../token-issuer.js';

const OUR_ID = new RegExp(ID_PATTERN);

export const TOKEN_DESK_CAPABILITIES: IssuerCapabilities = {
  rotation: 'grace',
  rotate: true,
  maxGracePeriodSeconds: MAX_GRACE_PERIOD_SECONDS,
  revokeMany: MAX_BULK_REVOKE,
  expiryRequired: false,
};

export class TokenDeskIssuer implements TokenIssuer {
  readonly kind = 'token-desk';
  readonly capabilities = TOKEN_DESK_CAPABILITIES;

  constructor(
    private readonly api: ApiClient,
    private readonly sessions: Pick<SessionService, 'withSession'>,
    /** The account whose session every call uses. */
    readonly owner: AccountRef,
  ) {}

  /**
   * Our service's ids are its own (UUIDs): the longer id other issuers may use is
   * refused here before it reaches a URL path on the service.
   */
  private checked(id: string): string {
    if (!OUR_ID.test(id))
      throw new DeskError('token_not_found', 'That token is not one of this account’s tokens.');
    return id;
  }

  private call<T>(request: (serviceUrl: string, token: string) => Promise<T>): Promise<T> {
    return this.sessions.withSession(
      (active) => request(active.serviceUrl, active.token),
      this.owner,
    );
  }

  list() {
    return this.call((url, token) => this.api.listTokens(url, token));
  }

  async get(id: string) {
    this.checked(id);
    return this.call((url, token) => this.api.getToken(url, token, id));
  }

  create({ name, expiresAt, options }: CreateTokenInput) {
    if (options !== undefined)
      return Promise.reject(
        new DeskError(
          'invalid_input',
          'Token Desk tokens take a name and an expiry only, so nothing was created.',
        ),
      );
    return this.call((url, token) => this.api.createToken(url, token, { name, expiresAt }));
  }

  async rotate(id: string, { gracePeriodSeconds }: { gracePeriodSeconds?: number } = {}) {
    this.checked(id);
    return this.call((url, token) => this.api.rotateToken(url, token, id, gracePeriodSeconds));
  }

  async revoke(id: string) {
    this.checked(id);
    return this.call((url, token) => this.api.revokeToken(url, token, id));
  }

  async revokeMany(ids: readonly string[]) {
    ids.forEach((id) => this.checked(id));
    return this.call((url, token) => this.api.revokeTokens(url, token, ids));
  }

  async listDestinations(tokenId: string) {
    this.checked(tokenId);
    return this.call((url, token) => this.api.listDestinations(url, token, tokenId));
  }

  async addDestination(tokenId: string, input: DestinationInput) {
    this.checked(tokenId);
    return this.call((url, token) => this.api.addDestination(url, token, tokenId, input));
  }

  async removeDestination(tokenId: string, destinationId: string) {
    this.checked(tokenId);
    return this.call((url, token) =>
      this.api.removeDestination(url, token, tokenId, destinationId),
    );
  }

  listEvents(query: EventsQueryInput) {
    return this.call((url, token) => this.api.listEvents(url, token, query));
  }
}

/** The service bound to an account's session: the active account's without `owner`. */
export type TokenDeskFor = (owner?: AccountRef) => TokenDeskIssuer;

export function tokenDeskFor(
  api: ApiClient,
  sessions: Pick<SessionService, 'withSession' | 'owner'>,
): TokenDeskFor {
  return (owner = sessions.owner()) => new TokenDeskIssuer(api, sessions, owner);
}
