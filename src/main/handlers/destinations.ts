/** Sending a revealed secret to a CI secret store, and the places a token was sent to. */
import type { DeskDependencies, Handlers } from './types.js';

export function destinationHandlers({
  destinations,
}: DeskDependencies): Handlers<
  | 'destinations:check'
  | 'destinations:send'
  | 'destinations:list'
  | 'destinations:remove'
  | 'destinations:open-settings'
> {
  return {
    'destinations:check': ({ accountId, target, name }) =>
      destinations.check(accountId, target, name),

    'destinations:send': (input) => destinations.send(input),

    'destinations:list': ({ tokenId, connectionId }) =>
      destinations.list(tokenId, undefined, connectionId),

    async 'destinations:remove'({ tokenId, destinationId, connectionId }) {
      await destinations.remove(tokenId, destinationId, connectionId);
      return null;
    },

    async 'destinations:open-settings'({ tokenId, destinationId, connectionId }) {
      await destinations.openSettings(tokenId, destinationId, connectionId);
      return null;
    },
  };
}
