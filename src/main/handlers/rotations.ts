/** Rotations that update every place a token was sent to, and their unfinished ones. */
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
    async 'tokens:rotate-and-update'({ connectionId, id, placeIds, gracePeriodSeconds }) {
      // Refuses, before anything starts, a connection the page may not name.
      connections.issuer(connectionId);
      return rotations.rotateAndUpdate(id, placeIds, gracePeriodSeconds, connectionId);
    },

    async 'tokens:rotate-and-send'({ connectionId, id, placeIds, send, endOldNow }) {
      connections.issuer(connectionId);
      return rotations.rotateAndSend(id, placeIds, send, endOldNow, connectionId);
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
