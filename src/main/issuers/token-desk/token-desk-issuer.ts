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
import type { CreateTokenInput, IssuerCapabilities, TokenIssuer } from '../token-issuer.js';

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

  private call<T>(request: (serviceUrl: string, token: string) => Promise<T>): Promise<T> {
    return this.sessions.withSession(
      (active) => request(active.serviceUrl, active.token),
      this.owner,
    );
  }

  list() {
    return this.call((url, token) => this.api.listTokens(url, token));
  }

  get(id: string) {
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

  rotate(id: string, { gracePeriodSeconds }: { gracePeriodSeconds?: number } = {}) {
    return this.call((url, token) => this.api.rotateToken(url, token, id, gracePeriodSeconds));
  }

  revoke(id: string) {
    return this.call((url, token) => this.api.revokeToken(url, token, id));
  }

  revokeMany(ids: readonly string[]) {
    return this.call((url, token) => this.api.revokeTokens(url, token, ids));
  }

  listDestinations(tokenId: string) {
    return this.call((url, token) => this.api.listDestinations(url, token, tokenId));
  }

  addDestination(tokenId: string, input: DestinationInput) {
    return this.call((url, token) => this.api.addDestination(url, token, tokenId, input));
  }

  removeDestination(tokenId: string, destinationId: string) {
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
