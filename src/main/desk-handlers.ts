/**
 * What the app does, one function per IPC channel. Main registers these behind the
 * sender check and payload validation; the e2e harness calls the very same
 * functions over HTTP. Nothing here imports Electron.
 */
import { randomUUID } from 'node:crypto';
import type { ApiToken, IssuedApiToken } from '../shared/api-schemas.js';
import type {
  Channel,
  PayloadOf,
  RevealedToken,
  ResultOf,
  SessionState,
} from '../shared/ipc-contract.js';
import { normalizeServiceUrl } from '../shared/service-url.js';
import { snippetText } from '../shared/snippets.js';
import { normalizeName } from '../shared/token-name.js';
import { ApiClientError, type ApiClient } from './services/api-client.js';
import type { SecretClipboard, Timers } from './services/secret-clipboard.js';
import type { SessionVault, StoredSession } from './services/session-vault.js';
import type { SettingsService } from './services/settings.js';

export type DeskHandlers = { [C in Channel]: (payload: PayloadOf<C>) => Promise<ResultOf<C>> };

/** An error the user caused or can fix; crosses the bridge with its code and message. */
export class DeskError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DeskError';
  }
}

export interface DeskDependencies {
  api: ApiClient;
  vault: SessionVault;
  settings: SettingsService;
  clipboard: SecretClipboard;
  timers: Timers;
  now?: () => number;
}

/** A revealed secret is dropped from main's memory after this, even if the dialog never says so. */
export const REVEAL_LIFETIME_MS = 15 * 60 * 1000;

interface ActiveSession extends StoredSession {
  serviceUrl: string;
}

export function createDeskHandlers(
  deps: DeskDependencies,
): DeskHandlers & { dispose(): Promise<void>; forgetReveals(): void } {
  let session: ActiveSession | null = null;
  let restored = false;
  const reveals = new Map<string, { secret: string; timer: unknown }>();

  const state = (): SessionState => ({
    account: session
      ? { serviceUrl: session.serviceUrl, email: session.email, name: session.name }
      : null,
    keychain: deps.vault.status,
    keychainMessage: deps.vault.message,
  });

  const serviceUrlFrom = (raw: string): string => {
    const url = normalizeServiceUrl(raw);
    if (!url.ok) throw new DeskError('invalid_input', url.message);
    return url.url;
  };

  async function forgetSession(): Promise<void> {
    if (!session) return;
    const { serviceUrl, email } = session;
    session = null;
    deps.settings.saveLastAccount(null);
    await deps.vault.remove(serviceUrl, email);
  }

  /** Runs an authenticated call; an expired session is forgotten so the app returns to sign-in. */
  async function withSession<T>(call: (active: ActiveSession) => Promise<T>): Promise<T> {
    if (!session)
      throw new DeskError('signed_out', 'You are signed out. Sign in to manage your tokens.');
    try {
      return await call(session);
    } catch (error) {
      if (error instanceof ApiClientError && error.code === 'session_expired')
        await forgetSession();
      throw error;
    }
  }

  async function startSession(
    serviceUrl: string,
    email: string,
    password: string,
  ): Promise<SessionState> {
    const created = await deps.api.signIn(serviceUrl, { email, password });
    const stored: StoredSession = {
      sessionId: created.id,
      token: created.token,
      email: created.user.email,
      name: created.user.name,
    };
    await deps.vault.save(serviceUrl, stored);
    deps.settings.update({ serviceUrl });
    deps.settings.saveLastAccount({ serviceUrl, email: stored.email });
    session = { ...stored, serviceUrl };
    restored = true;
    return state();
  }

  function reveal(issued: IssuedApiToken): RevealedToken {
    const { secret, ...token } = issued;
    const revealId = randomUUID();
    const timer = deps.timers.setTimeout(() => reveals.delete(revealId), REVEAL_LIFETIME_MS);
    reveals.set(revealId, { secret, timer });
    return { token: token satisfies ApiToken, secret, revealId };
  }

  function forgetAllReveals(): void {
    for (const entry of reveals.values()) deps.timers.clearTimeout(entry.timer);
    reveals.clear();
  }

  function revealed(revealId: string): string {
    const entry = reveals.get(revealId);
    if (!entry) {
      throw new DeskError(
        'secret_gone',
        'This secret is no longer available. If you did not store it, rotate the token to get a new one.',
      );
    }
    return entry.secret;
  }

  return {
    async 'session:get'() {
      if (!restored) {
        restored = true;
        const last = deps.settings.lastAccount();
        const stored = last ? await deps.vault.load(last.serviceUrl, last.email) : null;
        if (last && stored) {
          session = { ...stored, serviceUrl: last.serviceUrl };
          try {
            const user = await deps.api.me(last.serviceUrl, stored.token);
            session = { ...session, email: user.email, name: user.name };
          } catch (error) {
            // Unreachable: stay signed in and let the token list report it. Expired: sign-in again.
            if (error instanceof ApiClientError && error.code === 'session_expired')
              await forgetSession();
          }
        }
      }
      return state();
    },

    async 'session:sign-in'({ serviceUrl, email, password }) {
      return startSession(serviceUrlFrom(serviceUrl), email.trim(), password);
    },

    async 'session:sign-up'({ serviceUrl, email, password, name }) {
      const url = serviceUrlFrom(serviceUrl);
      let displayName: string | undefined;
      if (name !== undefined && name.trim() !== '') {
        const check = normalizeName(name);
        if (!check.ok) throw new DeskError('invalid_input', check.message);
        displayName = check.name;
      }
      await deps.api.signUp(url, {
        email: email.trim(),
        password,
        ...(displayName ? { name: displayName } : {}),
      });
      return startSession(url, email.trim(), password);
    },

    async 'session:sign-out'() {
      if (session) {
        const { serviceUrl, token, sessionId } = session;
        try {
          await deps.api.signOut(serviceUrl, token, sessionId);
        } catch (error) {
          // Already expired or the service is down: still forget it here.
          if (!(error instanceof ApiClientError)) throw error;
        }
        await forgetSession();
      }
      return state();
    },

    async 'tokens:list'() {
      return withSession((active) => deps.api.listTokens(active.serviceUrl, active.token));
    },

    async 'tokens:create'({ name, expiresAt }) {
      const check = normalizeName(name);
      if (!check.ok) throw new DeskError('invalid_input', check.message);
      if (expiresAt !== null && Number.isNaN(Date.parse(expiresAt))) {
        throw new DeskError('invalid_input', 'Choose a valid expiry date.');
      }
      const issued = await withSession((active) =>
        deps.api.createToken(active.serviceUrl, active.token, { name: check.name, expiresAt }),
      );
      return reveal(issued);
    },

    async 'tokens:revoke'({ id }) {
      await withSession((active) => deps.api.revokeToken(active.serviceUrl, active.token, id));
      return null;
    },

    async 'tokens:rotate'({ id }) {
      return reveal(
        await withSession((active) => deps.api.rotateToken(active.serviceUrl, active.token, id)),
      );
    },

    async 'secret:copy'({ revealId }) {
      const clearsInSeconds = deps.settings.get().clipboardClearSeconds;
      await deps.clipboard.copySecret(revealed(revealId), clearsInSeconds);
      return { clearsInSeconds };
    },

    async 'secret:forget'({ revealId }) {
      const entry = reveals.get(revealId);
      if (entry) deps.timers.clearTimeout(entry.timer);
      reveals.delete(revealId);
      return null;
    },

    async 'snippet:copy'({ kind }) {
      const serviceUrl = session?.serviceUrl ?? deps.settings.get().serviceUrl;
      await deps.clipboard.copyText(snippetText(kind, serviceUrl));
      return null;
    },

    async 'settings:get'() {
      return deps.settings.get();
    },

    async 'settings:update'(patch) {
      return deps.settings.update(patch);
    },

    /** The page reloaded or the renderer went away: no dialog can forget its secret any more. */
    forgetReveals() {
      forgetAllReveals();
    },

    /** On quit: clear a secret we put on the clipboard and drop every revealed secret. */
    async dispose() {
      forgetAllReveals();
      await deps.clipboard.clearIfStillOurs();
    },
  };
}
