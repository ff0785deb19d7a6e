/**
 * What a create form may offer for one connection: asked of the connection's issuer,
 * which reads it from the vendor and cleans it. An issuer with nothing to offer
 * (our service, npm, GitHub) answers with no choices; one that cannot make tokens
 * at all is said so in words rather than shown an empty form.
 */
import { DeskError } from '../desk-error.js';
import type { DeskDependencies, Handlers } from './types.js';

export function createChoiceHandlers({
  connections,
}: DeskDependencies): Handlers<'tokens:create-choices'> {
  return {
    async 'tokens:create-choices'({ connectionId }) {
      const { issuer } = connections.issuer(connectionId);
      if (issuer.capabilities.create === false)
        throw new DeskError(
          'not_supported',
          'Tokens of this kind cannot be made from Token Desk: make the token with its vendor, then track it here.',
        );
      if (!issuer.createChoices) return { kind: 'none', notes: [] };
      return issuer.createChoices();
    },
  };
}
