/** Who is signed in: the Token Desk accounts on this computer and the active one. */
import type { SessionState } from '../../shared/ipc-contract.js';
import type { AccountRef } from '../services/session-service.js';
import type { DeskDependencies, Handlers } from './types.js';

export function sessionHandlers({
  sessions,
  accounts,
}: DeskDependencies): Handlers<
  | 'session:get'
  | 'session:sign-in'
  | 'session:sign-up'
  | 'session:sign-out'
  | 'accounts:list'
  | 'accounts:add'
  | 'accounts:switch'
  | 'accounts:sign-out'
> {
  /**
   * Signs one account out (the active one without `ref`), then offers, in a native
   * dialog, to remove the GitHub and GitLab accounts it added, credentials included.
   */
  async function signOut(ref?: AccountRef): Promise<SessionState> {
    const owner = ref ?? (sessions.state().account ? sessions.owner() : null);
    const state = await sessions.signOut(ref);
    if (owner) await accounts.offerToRemoveAllOf(owner);
    return state;
  }

  return {
    'session:get': () => sessions.restore(),

    'session:sign-in': ({ serviceUrl, email, password }) =>
      sessions.signIn(serviceUrl, email, password),

    'session:sign-up': (input) => sessions.signUp(input),

    'session:sign-out': () => signOut(),

    async 'accounts:list'() {
      await sessions.restore();
      return sessions.accounts();
    },

    'accounts:add': (input) =>
      input.mode === 'sign-in'
        ? sessions.signIn(input.serviceUrl, input.email, input.password)
        : sessions.signUp(input),

    'accounts:switch': (ref) => sessions.switchTo(ref),

    'accounts:sign-out': (ref) => signOut(ref),
  };
}
