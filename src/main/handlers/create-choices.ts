/**
 * What a create form may offer for one connection: the source's limits on a new token,
 * and what its issuer reads from the vendor (GitLab's projects and groups, Cloudflare's
 * permission groups, accounts and zones), checked and cleaned there. An issuer with
 * nothing to offer beyond name and expiry (our service, npm, GitHub) answers with no
 * choices. A connection the page has no business naming is refused in words by
 * `connections.issuer`, before anything is sent.
 */
import type { DeskDependencies, Handlers } from './types.js';

export function createChoiceHandlers({
  connections,
}: DeskDependencies): Handlers<'tokens:create-choices'> {
  return {
    async 'tokens:create-choices'({ connectionId }) {
      const { issuer } = connections.issuer(connectionId);
      const { capabilities } = issuer;
      const limits = {
        create: capabilities.create !== false,
        maxExpiryDays: capabilities.maxExpiryDays ?? null,
        expiryRequired: capabilities.expiryRequired,
      };
      const choices = issuer.createChoices
        ? await issuer.createChoices()
        : { kind: 'none' as const, notes: [] };
      return { ...choices, limits };
    },
  };
}
