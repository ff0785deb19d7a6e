/**
 * Owns who is signed in: several accounts (another email, or another service URL),
 * each session its own keychain entry, one of them active (GitHub Desktop's
 * accounts-store shape). Signing in adds an account and makes it active; the
 * previous one stays a known account, still signed in, never live and forgotten.
 * Signing out of one revokes its session on its service, deletes its keychain
 * entry and leaves the others. Settings remember who the accounts are (service
 * URL, email, name: no secret) so the next launch restores all of them.
 */
import type { AccountSummary, SessionState } from '../../shared/ipc-contract.js';
import { normalizeServiceUrl } from '../../shared/service-url.js';
import { normalizeName } from '../../shared/token-name.js';
import { DeskError } from '../desk-error.js';
import { ApiClientError, type ApiClient } from './api-client.js';
import {
  keychainAccount,
  tokenDeskConnectionId,
  type ConnectionVault,
  type StoredSession,
} from '../connections/vault.js';
import type { KnownAccountRecord, LocalStore } from '../local-store.js';
import type { SettingsService } from './settings.js';

export interface ActiveSession extends StoredSession {
  serviceUrl: string;
}

/** Which account: its service and email, as the account menu names it. */
export interface AccountRef {
  serviceUrl: string;
  email: string;
}

/** Who hears about a change of account (SessionService; a stand-in in tests). */
export type AccountChanges = Pick<SessionService, 'onChange'>;

export interface SignUpInput {
  serviceUrl: string;
  email: string;
  password: string;
  name?: string;
}

function checkedServiceUrl(raw: string): string {
  const url = normalizeServiceUrl(raw);
  if (!url.ok) throw new DeskError('invalid_input', url.message);
  return url.url;
}

const keyOf = (account: AccountRef) => keychainAccount(account.serviceUrl, account.email);

const signedOut = () =>
  new DeskError('signed_out', 'You are signed out. Sign in to manage your tokens.');

export class SessionService {
  /** Live sessions by keychain account name; a known account without one must sign in again. */
  private readonly sessions = new Map<string, ActiveSession>();
  private activeKey: string | null = null;
  private loading: Promise<void> | null = null;
  private restoring: Promise<void> | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly deps: {
      api: ApiClient;
      vault: ConnectionVault;
      settings: SettingsService;
      store: Pick<LocalStore, 'knownAccounts' | 'lastAccount'>;
    },
  ) {}

  private get session(): ActiveSession | null {
    return this.activeKey ? (this.sessions.get(this.activeKey) ?? null) : null;
  }

  /** The signed-in service, or the one in Settings. */
  get serviceUrl(): string {
    return this.session?.serviceUrl ?? this.deps.settings.get().serviceUrl;
  }

  state(): SessionState {
    const { session } = this;
    return {
      account: session
        ? {
            serviceUrl: session.serviceUrl,
            email: session.email,
            name: session.name,
            connectionId: tokenDeskConnectionId(session.serviceUrl, session.email),
          }
        : null,
      accounts: this.accounts(),
      keychain: this.deps.vault.status,
      keychainMessage: this.deps.vault.message,
    };
  }

  /** Every known account, in the order they were added, and whether it is active and signed in. */
  accounts(): AccountSummary[] {
    return this.deps.store.knownAccounts.read().map((known) => ({
      serviceUrl: known.serviceUrl,
      email: known.email,
      name: known.name,
      connectionId: tokenDeskConnectionId(known.serviceUrl, known.email),
      active: keyOf(known) === this.activeKey && this.session !== null,
      signedIn: this.sessions.has(keyOf(known)),
    }));
  }

  /**
   * Called after every sign-in (a new session, even for the active account), switch,
   * sign-out and expiry: what a service holds for the account that was active (a
   * revealed secret, a rotation's new one) is forgotten on it.
   */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Who is signed in (service and email), for records kept per Token Desk account. */
  owner(): AccountRef {
    if (!this.session) throw signedOut();
    return { serviceUrl: this.session.serviceUrl, email: this.session.email };
  }

  /** Whether `ref` is the active account right now. */
  isActive(ref: AccountRef): boolean {
    return this.session !== null && keyOf(this.session) === keyOf(ref);
  }

  /** Whether `ref` still has a live session here (active or not). */
  isSignedIn(ref: AccountRef): boolean {
    return this.sessions.has(keyOf(ref));
  }

  /** The accounts with a live session (as far as this app knows), for work done for each. */
  async signedInAccounts(): Promise<ActiveSession[]> {
    await this.ensureLoaded();
    return [...this.sessions.values()];
  }

  /** On the first call after launch, picks up every known session from the keychain and checks it. */
  async restore(): Promise<SessionState> {
    this.restoring ??= this.ensureLoaded().then(() =>
      Promise.all([...this.sessions.values()].map((stored) => this.check(stored))).then(() => {}),
    );
    await this.restoring;
    return this.state();
  }

  async signIn(rawServiceUrl: string, email: string, password: string): Promise<SessionState> {
    return this.start(checkedServiceUrl(rawServiceUrl), email.trim(), password);
  }

  async signUp(input: SignUpInput): Promise<SessionState> {
    const serviceUrl = checkedServiceUrl(input.serviceUrl);
    let name: string | undefined;
    if (input.name !== undefined && input.name.trim() !== '') {
      const check = normalizeName(input.name);
      if (!check.ok) throw new DeskError('invalid_input', check.message);
      name = check.name;
    }
    const email = input.email.trim();
    await this.deps.api.signUp(serviceUrl, {
      email,
      password: input.password,
      ...(name ? { name } : {}),
    });
    return this.start(serviceUrl, email, input.password);
  }

  /** Makes a known, signed-in account the active one. */
  async switchTo(ref: AccountRef): Promise<SessionState> {
    await this.ensureLoaded();
    const known = this.known(ref);
    const session = this.sessions.get(keyOf(known));
    if (!session) {
      throw new DeskError(
        'sign_in_needed',
        `The session for ${known.email} on ${known.serviceUrl} has ended. Sign in to that account again.`,
      );
    }
    this.activate(session);
    this.changed();
    return this.state();
  }

  /**
   * Signs one account out (the active one without `ref`): its session is revoked on
   * its service (best effort), its keychain entry deleted and it leaves the account
   * list. Other accounts keep their sessions; if it was active, the next signed-in
   * account becomes active.
   */
  async signOut(ref?: AccountRef): Promise<SessionState> {
    await this.ensureLoaded();
    const target = ref ? this.known(ref) : this.session;
    if (!target) return this.state();
    const key = keyOf(target);
    const session = this.sessions.get(key);
    if (session) await this.revokeOnService(session);
    this.sessions.delete(key);
    await this.deps.vault.removeSession(target.serviceUrl, target.email);
    this.deps.store.knownAccounts.write(
      this.deps.store.knownAccounts.read().filter((known) => keyOf(known) !== key),
    );
    if (this.activeKey === key) {
      const next = this.deps.store.knownAccounts
        .read()
        .map((known) => this.sessions.get(keyOf(known)))
        .find((candidate) => candidate !== undefined);
      if (next) this.activate(next);
      else this.deactivate();
    }
    this.changed();
    return this.state();
  }

  /** Runs an authenticated call for the active account (or `ref`); an expired session is forgotten. */
  async withSession<T>(call: (active: ActiveSession) => Promise<T>, ref?: AccountRef): Promise<T> {
    const session = ref ? (this.sessions.get(keyOf(ref)) ?? null) : this.session;
    if (!session) throw signedOut();
    try {
      return await call(session);
    } catch (error) {
      if (
        error instanceof ApiClientError &&
        error.code === 'session_expired' &&
        this.sessions.get(keyOf(session)) === session
      ) {
        await this.forgetSession(session);
      }
      throw error;
    }
  }

  /** Reads the known accounts' sessions from the keychain once, without asking any service. */
  private ensureLoaded(): Promise<void> {
    this.loading ??= this.loadSessions();
    return this.loading;
  }

  private async loadSessions(): Promise<void> {
    const { store, vault } = this.deps;
    const active = store.lastAccount.read();
    let known = store.knownAccounts.read();
    // Before several accounts, only the active one was remembered.
    if (active && !known.some((entry) => keyOf(entry) === keyOf(active))) {
      known = [...known, { ...active, name: null }];
    }
    const kept: KnownAccountRecord[] = [];
    for (const entry of known) {
      const url = normalizeServiceUrl(entry.serviceUrl);
      if (!url.ok || url.url !== entry.serviceUrl) {
        // Saved before http:// was limited to loopback, or edited by hand: never send the
        // session there again. Forget it here; it expires on the service by itself.
        await vault.removeSession(entry.serviceUrl, entry.email);
        continue;
      }
      kept.push(entry);
      const stored = await vault.loadSession(entry.serviceUrl, entry.email);
      if (stored) this.sessions.set(keyOf(entry), { ...stored, serviceUrl: entry.serviceUrl });
    }
    store.knownAccounts.write(kept);
    const activeSession = active ? this.sessions.get(keyOf(active)) : undefined;
    if (activeSession) this.activeKey = keyOf(activeSession);
    else if (active) store.lastAccount.write(null);
  }

  /** Asks the service whether a restored session still works (and the account's name). */
  private async check(stored: ActiveSession): Promise<void> {
    try {
      const user = await this.deps.api.me(stored.serviceUrl, stored.token);
      if (this.sessions.get(keyOf(stored)) === stored) {
        const updated = { ...stored, name: user.name };
        this.sessions.set(keyOf(stored), updated);
        this.remember(updated);
      }
    } catch (error) {
      // Unreachable: stay signed in and let the token list report it. Expired: sign in again.
      if (error instanceof ApiClientError && error.code === 'session_expired') {
        await this.forgetSession(stored);
      }
    }
  }

  private async start(serviceUrl: string, email: string, password: string) {
    await this.ensureLoaded();
    const created = await this.deps.api.signIn(serviceUrl, { email, password });
    const session: ActiveSession = {
      sessionId: created.id,
      token: created.token,
      email: created.user.email,
      name: created.user.name,
      serviceUrl,
    };
    // The same account signing in again: its old session is replaced, so revoke it.
    const previous = this.sessions.get(keyOf(session));
    if (previous) await this.revokeOnService(previous);
    await this.deps.vault.saveSession(serviceUrl, {
      sessionId: session.sessionId,
      token: session.token,
      email: session.email,
      name: session.name,
    });
    this.sessions.set(keyOf(session), session);
    this.remember(session);
    // Saved only when it differs: a run's default URL (npm start) stays out of saved settings.
    if (this.deps.settings.get().serviceUrl !== serviceUrl)
      this.deps.settings.update({ serviceUrl });
    this.activate(session);
    this.changed();
    return this.state();
  }

  private known(ref: AccountRef): KnownAccountRecord {
    const key = keyOf(ref);
    const known = this.deps.store.knownAccounts.read().find((entry) => keyOf(entry) === key);
    if (!known) {
      throw new DeskError(
        'account_not_found',
        `${ref.email} on ${ref.serviceUrl} is not one of your accounts here. Add it from the account menu.`,
      );
    }
    return known;
  }

  /** Adds the account to the known list, or updates its name there. */
  private remember(session: ActiveSession): void {
    const record: KnownAccountRecord = {
      serviceUrl: session.serviceUrl,
      email: session.email,
      name: session.name,
    };
    const known = this.deps.store.knownAccounts.read();
    const index = known.findIndex((entry) => keyOf(entry) === keyOf(record));
    if (index === -1) known.push(record);
    else known[index] = record;
    this.deps.store.knownAccounts.write(known);
  }

  private activate(session: ActiveSession): void {
    this.activeKey = keyOf(session);
    this.deps.store.lastAccount.write({ serviceUrl: session.serviceUrl, email: session.email });
  }

  private deactivate(): void {
    this.activeKey = null;
    this.deps.store.lastAccount.write(null);
  }

  /** Signs a session out on its service, best effort: expired or unreachable, it still goes here. */
  private async revokeOnService(session: ActiveSession): Promise<void> {
    try {
      await this.deps.api.signOut(session.serviceUrl, session.token, session.sessionId);
    } catch (error) {
      if (!(error instanceof ApiClientError)) throw error;
    }
  }

  /** The service no longer honours this session: drop it and its keychain entry, keep the account known. */
  private async forgetSession(session: ActiveSession): Promise<void> {
    const key = keyOf(session);
    if (this.sessions.get(key) === session) this.sessions.delete(key);
    if (this.activeKey === key) this.deactivate();
    await this.deps.vault.removeSession(session.serviceUrl, session.email);
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
