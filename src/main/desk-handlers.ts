/**
 * What the app does, one function per IPC channel, over the services that own the
 * state: SessionService (who is signed in), RevealStore (how long a secret lives
 * in main), SecretClipboard and SettingsService. Main registers these behind the
 * sender check and payload validation; the e2e harness calls the very same
 * functions over HTTP. Nothing here imports Electron.
 */
import type { Channel, PayloadOf, ResultOf, SessionState } from '../shared/ipc-contract.js';
import { snippetText } from '../shared/snippets.js';
import { normalizeName } from '../shared/token-name.js';
import { DeskError } from './desk-error.js';
import { inWords } from './ci-providers/provider-error.js';
import type { ActivityService } from './services/activity-service.js';
import type { Connections } from './connections/connections.js';
import type { ConnectedIssuer } from './connections/connection.js';
import { revokeMany } from './services/bulk-revoke.js';
import type { ExpiryReminders } from './services/expiry-reminders.js';
import type { DestinationService } from './services/destination-service.js';
import type { ProviderAccounts } from './connections/provider-accounts.js';
import type { RevealStore } from './services/reveal-store.js';
import type { RotationService } from './services/rotation-service.js';
import type { SecretClipboard } from './services/secret-clipboard.js';
import type { AccountRef, SessionService } from './services/session-service.js';
import type { SettingsService } from './services/settings.js';

export { DeskError } from './desk-error.js';
export { REVEAL_LIFETIME_MS } from './services/reveal-store.js';

export type DeskHandlers = { [C in Channel]: (payload: PayloadOf<C>) => Promise<ResultOf<C>> };

export interface DeskLifecycle {
  /** The page reloaded or the renderer went away: no dialog is left to forget its secret. */
  forgetReveals(): void;
  /** On quit: drop every revealed or held secret and clear the clipboard if it still holds ours. */
  dispose(): Promise<void>;
}

export interface DeskDependencies {
  connections: Connections;
  sessions: SessionService;
  reveals: RevealStore;
  settings: SettingsService;
  clipboard: SecretClipboard;
  accounts: ProviderAccounts;
  destinations: DestinationService;
  rotations: RotationService;
  activity: ActivityService;
  /** Null without a notifier port. */
  reminders: ExpiryReminders | null;
}

export function createDeskHandlers(deps: DeskDependencies): DeskHandlers & DeskLifecycle {
  const {
    connections,
    sessions,
    reveals,
    settings,
    clipboard,
    accounts,
    destinations,
    rotations,
    activity,
  } = deps;

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

    async 'tokens:list'({ connectionId }) {
      const { issuer, ref } = connections.issuer(connectionId);
      return (await issuer.list()).map((token) => ({ ...token, issuer: ref }));
    },

    async 'tokens:create'({ connectionId, name, expiresAt }) {
      const connected = connections.issuer(connectionId);
      const check = normalizeName(name);
      if (!check.ok) throw new DeskError('invalid_input', check.message);
      if (expiresAt !== null && Number.isNaN(Date.parse(expiresAt))) {
        throw new DeskError('invalid_input', 'Choose a valid expiry date.');
      }
      const owner = sessions.owner();
      const issued = await connected.issuer.create({ name: check.name, expiresAt });
      return revealFor(owner, issued, connected);
    },

    async 'tokens:revoke'({ connectionId, id }) {
      await connections.issuer(connectionId).issuer.revoke(id);
      return null;
    },

    async 'tokens:rotate'({ connectionId, id }) {
      const connected = connections.issuer(connectionId);
      const owner = sessions.owner();
      const issued = await connected.issuer.rotate(id);
      return revealFor(owner, issued, connected);
    },

    async 'secret:copy'({ revealId }) {
      const clearsInSeconds = settings.get().clipboardClearSeconds;
      await clipboard.copySecret(reveals.secret(revealId), clearsInSeconds);
      return { clearsInSeconds };
    },

    async 'secret:forget'({ revealId }) {
      reveals.forget(revealId);
      return null;
    },

    async 'snippet:copy'({ kind }) {
      // Replaces a copied secret on the clipboard; SecretClipboard then stops waiting to clear it.
      await clipboard.copyText(snippetText(kind, sessions.serviceUrl));
      return null;
    },

    async 'settings:get'() {
      return settings.get();
    },

    async 'settings:update'(patch) {
      return settings.update(patch);
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

    'destinations:check': ({ accountId, target, name }) =>
      destinations.check(accountId, target, name),

    'destinations:send': (input) => destinations.send(input),

    'destinations:list': ({ tokenId }) => destinations.list(tokenId),

    async 'destinations:remove'({ tokenId, destinationId }) {
      await destinations.remove(tokenId, destinationId);
      return null;
    },

    async 'destinations:open-settings'({ tokenId, destinationId }) {
      await destinations.openSettings(tokenId, destinationId);
      return null;
    },

    async 'tokens:rotate-and-update'({ connectionId, id, placeIds, gracePeriodSeconds }) {
      connections.issuer(connectionId);
      return rotations.rotateAndUpdate(id, placeIds, gracePeriodSeconds);
    },

    async 'tokens:rotate-and-send'({ connectionId, id, placeIds, send, endOldNow }) {
      connections.issuer(connectionId);
      return rotations.rotateAndSend(id, placeIds, send, endOldNow);
    },

    async 'rotations:list'() {
      return rotations.list();
    },

    'rotations:retry': ({ rotationId, destinationId }) =>
      rotations.retry(rotationId, destinationId),

    'rotations:revoke-old': ({ rotationId }) => rotations.revokeOld(rotationId),

    'rotations:finish': ({ rotationId, gracePeriodSeconds }) =>
      rotations.finish(rotationId, gracePeriodSeconds),

    async 'tokens:revoke-many'({ connectionId, ids }) {
      return revokeMany(connections.issuer(connectionId).issuer, ids);
    },

    'events:list': (request) => activity.list(request),

    'events:export': ({ format, filter }) => activity.export(format, filter),

    forgetReveals() {
      reveals.forgetAll();
    },

    async dispose() {
      deps.reminders?.stop();
      reveals.forgetAll();
      rotations.forgetAll();
      await clipboard.clearIfStillOurs();
    },
  };
}
