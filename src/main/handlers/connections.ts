/** The accounts the active Token Desk account is connected to, and the CI targets of those that store secrets. */
import { inWords } from '../ci-providers/provider-error.js';
import { DeskError } from '../desk-error.js';
import { cancelNpmSignIn } from '../issuers/registry.js';
import type { DeskDependencies, Handlers } from './types.js';

export function connectionHandlers({
  accounts,
  connections,
}: DeskDependencies): Handlers<
  | 'providers:list'
  | 'providers:add'
  | 'providers:remove'
  | 'providers:targets'
  | 'connections:list'
  | 'connections:add'
  | 'connections:remove'
  | 'connections:cancel-sign-in'
> {
  return {
    async 'connections:list'() {
      return connections.describe();
    },

    'connections:add': ({ kind, login, ...request }) => {
      if (kind === 'github') return connections.connectGitHub({ ...request, login });
      if (login !== undefined)
        throw new DeskError(
          'invalid_input',
          `A login is asked for a GitHub account only; ${kind === 'npm' ? 'npm' : 'Cloudflare'} says whose account it is.`,
        );
      return connections.connect(kind, request);
    },

    async 'connections:cancel-sign-in'() {
      return { cancelled: cancelNpmSignIn() };
    },

    async 'connections:remove'({ connectionId }) {
      await connections.disconnect(connectionId);
      return null;
    },

    async 'providers:list'() {
      return accounts.list();
    },

    'providers:add': (input) => accounts.add(input),

    async 'providers:remove'({ accountId }) {
      await accounts.remove(accountId);
      return null;
    },

    async 'providers:targets'(request) {
      const { account, client } = await accounts.open(request.accountId);
      try {
        return await client.targets(request);
      } catch (error) {
        // A provider may echo the access token back in its error text: none reaches the page.
        throw inWords(error, await accounts.credentialOf(account));
      }
    },
  };
}
