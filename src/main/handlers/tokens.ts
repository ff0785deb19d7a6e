/**
 * Tokens, on the connection each channel names (Connections refuses one the page
 * has no business naming); every token handed to the page says its issuer.
 */
import { normalizeName } from '../../shared/token-name.js';
import { inWords } from '../ci-providers/provider-error.js';
import type { ConnectedIssuer } from '../connections/connection.js';
import { DeskError } from '../desk-error.js';
import { revokeMany } from '../services/bulk-revoke.js';
import type { RevealStore } from '../services/reveal-store.js';
import type { AccountRef } from '../services/session-service.js';
import type { DeskDependencies, Handlers } from './types.js';
import { toDeskToken } from '../issuers/desk-token.js';
import { inventoryOf } from '../connections/inventory.js';
import { requestOf } from '../services/rotation-options.js';

/** A create form's own fields are a few names and ranges: more than this is not a person's. */
const MAX_OPTIONS_LENGTH = 16_384;

function jsonLength(value: unknown): number {
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

export function tokenHandlers({
  connections,
  sessions,
  reveals,
  rotations,
}: DeskDependencies): Handlers<
  | 'tokens:list'
  | 'tokens:inventory'
  | 'tokens:create'
  | 'tokens:revoke'
  | 'tokens:rotate'
  | 'tokens:revoke-many'
> {
  /**
   * A secret is shown only under the account it belongs to: when another account
   * became active while the service issued it, main forgot that account's secrets,
   * and this one is not kept either.
   */
  function revealFor(
    owner: AccountRef,
    issued: Parameters<RevealStore['reveal']>[0],
    { ref }: ConnectedIssuer,
  ) {
    if (!sessions.isActive(owner))
      throw new DeskError(
        'account_changed',
        `“${issued.name}” was issued for ${owner.email}, but another account became active before its secret arrived, so it is not shown (a secret stays with its account). Switch back to ${owner.email} and rotate it to get a secret you can see.`,
      );
    return reveals.reveal(issued, ref);
  }

  return {
    async 'tokens:list'({ connectionId }) {
      const { issuer, ref } = connections.issuer(connectionId);
      return (await issuer.list()).map((token) => toDeskToken(token, ref));
    },

    'tokens:inventory': () => inventoryOf(connections),

    async 'tokens:create'({ connectionId, name, expiresAt, options }) {
      const connected = connections.issuer(connectionId);
      const check = normalizeName(name);
      if (!check.ok) throw new DeskError('invalid_input', check.message);
      if (expiresAt !== null && Number.isNaN(Date.parse(expiresAt))) {
        throw new DeskError('invalid_input', 'Choose a valid expiry date.');
      }
      if (options !== undefined && jsonLength(options) > MAX_OPTIONS_LENGTH)
        throw new DeskError('invalid_input', 'The token’s settings are too large to be real.');
      const owner = sessions.owner();
      const issued = await connected.issuer.create({
        name: check.name,
        expiresAt,
        ...(options === undefined ? {} : { options }),
      });
      return revealFor(owner, issued, connected);
    },

    async 'tokens:revoke'({ connectionId, id }) {
      await connections.issuer(connectionId).issuer.revoke(id);
      return null;
    },

    async 'tokens:rotate'(payload) {
      const { connectionId, id } = payload;
      const connected = connections.issuer(connectionId);
      const chosen = rotations.checkRequest(connected.issuer, requestOf(payload));
      const owner = sessions.owner();
      const issued = await connected.issuer.rotate(
        id,
        Object.keys(chosen).length === 0 ? undefined : chosen,
      );
      const revealed = revealFor(owner, issued, connected);
      // A plain rotation is a replacement: where the vendor made a new token beside the
      // old one (npm, GitLab project tokens, Cloudflare), the old one is deleted now. The
      // new secret is shown either way; a failure is said beside it.
      if (issued.previous?.revokeAfterPush) {
        try {
          await connected.issuer.revoke(issued.previous.id);
        } catch (error) {
          const notDeleted = `The old token could not be deleted, so both work now: ${inWords(error, [issued.secret]).message} Revoke the old one from the list.`;
          // Beside what the issuer said (npm's bypass-2FA warning), never instead of it.
          return {
            ...revealed,
            warning: [revealed.warning, notDeleted].filter(Boolean).join(' '),
          };
        }
      }
      return revealed;
    },

    async 'tokens:revoke-many'({ connectionId, ids }) {
      return revokeMany(connections.issuer(connectionId).issuer, ids);
    },
  };
}
