/** Rotations that update every place a token was sent to, and their unfinished ones. */
import { requestOf } from '../services/rotation-options.js';
import type { DeskDependencies, Handlers } from './types.js';

export function rotationHandlers({
  connections,
  rotations,
}: DeskDependencies): Handlers<
  | 'tokens:rotate-and-update'
  | 'tokens:rotate-and-send'
  | 'rotations:list'
  | 'rotations:retry'
  | 'rotations:revoke-old'
  | 'rotations:finish'
> {
  return {
    async 'tokens:rotate-and-update'(payload) {
      const { connectionId, id, placeIds, gracePeriodSeconds } = payload;
      // Refuses, before anything starts, a connection the page may not name, and a
      // choice its issuer does not offer.
      rotations.checkRequest(connections.issuer(connectionId).issuer, requestOf(payload));
      return rotations.rotateAndUpdate(
        id,
        placeIds,
        gracePeriodSeconds,
        connectionId,
        requestOf(payload),
      );
    },

    async 'tokens:rotate-and-send'(payload) {
      const { connectionId, id, placeIds, send, endOldNow } = payload;
      rotations.checkRequest(connections.issuer(connectionId).issuer, requestOf(payload));
      return rotations.rotateAndSend(
        id,
        placeIds,
        send,
        endOldNow,
        connectionId,
        requestOf(payload),
      );
    },

    async 'rotations:list'() {
      return rotations.list();
    },

    'rotations:retry': ({ rotationId, destinationId }) =>
      rotations.retry(rotationId, destinationId),

    'rotations:revoke-old': ({ rotationId }) => rotations.revokeOld(rotationId),

    'rotations:finish': ({ rotationId, gracePeriodSeconds }) =>
      rotations.finish(rotationId, gracePeriodSeconds),
  };
}
