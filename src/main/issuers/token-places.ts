/**
 * Where a token was sent (CI secrets and variables), kept on the Token Desk account's
 * own service so a second computer sees it too; never a secret. Our service keeps
 * its own tokens' places beside them; another vendor's token's places are kept there
 * as metadata about that token. Main reaches either through this seam, which
 * Connections opens with the issuer.
 */
import type { Destination, DestinationInput } from '../../shared/ci-destinations.js';
import type { TokenDeskIssuer } from './token-desk/token-desk-issuer.js';

export interface TokenPlaces {
  /** The token's places as the service answered them (DestinationService checks the shape). */
  list(tokenId: string): Promise<unknown>;
  /** Records a push (the same place again only updates when it was pushed). */
  add(tokenId: string, input: DestinationInput, token: { name: string }): Promise<Destination>;
  remove(tokenId: string, destinationId: string): Promise<void>;
  /**
   * A rotation gave the token a new id at its vendor: its places follow it. Our
   * service moves its own tokens' places itself when it rotates one.
   */
  follow(previousId: string, replacement: { id: string; name: string }): Promise<void>;
  /** How many places each token has, by its id, when the issuer's own list does not say. */
  counts?(): Promise<Map<string, number>>;
}

/** Our service's places, beside its tokens. */
export function tokenDeskPlaces(issuer: TokenDeskIssuer): TokenPlaces {
  return {
    list: (tokenId) => issuer.listDestinations(tokenId),
    add: (tokenId, input) => issuer.addDestination(tokenId, input),
    remove: (tokenId, destinationId) => issuer.removeDestination(tokenId, destinationId),
    follow: async () => undefined,
  };
}
