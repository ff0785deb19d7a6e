/**
 * Owns who is signed in: sign-in, sign-up, sign-out, restoring the last session
 * from the keychain, and forgetting a session the service no longer honours
 * (GitHub Desktop's accounts-store shape). One session at a time: a new sign-in
 * first retires the previous one, on its service and in the keychain, so no live
 * session is ever left behind and forgotten.
 */
import type { SessionState } from '../../shared/ipc-contract.js';
import { normalizeServiceUrl } from '../../shared/service-url.js';
import { normalizeName } from '../../shared/token-name.js';
import { DeskError } from '../desk-error.js';
import { ApiClientError, type ApiClient } from './api-client.js';
import type { SessionVault, StoredSession } from './session-vault.js';
import type { SettingsService } from './settings.js';

export interface ActiveSession extends StoredSession {
  serviceUrl: string;
}

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

export class SessionService {
  private session: ActiveSession | null = null;
  /** Whether the last account has been looked up in the keychain since launch. */
  private restored = false;

  constructor(
    private readonly deps: { api: ApiClient; vault: SessionVault; settings: SettingsService },
  ) {}

  /** The signed-in service, or the one in Settings. */
  get serviceUrl(): string {
    return this.session?.serviceUrl ?? this.deps.settings.get().serviceUrl;
  }

  state(): SessionState {
    const { session } = this;
    return {
      account: session
        ? { serviceUrl: session.serviceUrl, email: session.email, name: session.name }
        : null,
      keychain: this.deps.vault.status,
      keychainMessage: this.deps.vault.message,
    };
  }

  /** Who is signed in (service and email), for records kept per Token Desk account. */
  owner(): { serviceUrl: string; email: string } {
    if (!this.session)
      throw new DeskError('signed_out', 'You are signed out. Sign in to manage your tokens.');
    return { serviceUrl: this.session.serviceUrl, email: this.session.email };
  }

  /** On the first call after launch, picks up the last session from the keychain and checks it. */
  async restore(): Promise<SessionState> {
    if (this.restored) return this.state();
    const stored = await this.loadLastSession();
    if (stored) {
      try {
        const user = await this.deps.api.me(stored.serviceUrl, stored.token);
        if (this.session === stored) this.session = { ...stored, name: user.name };
      } catch (error) {
        // Unreachable: stay signed in and let the token list report it. Expired: sign in again.
        if (error instanceof ApiClientError && error.code === 'session_expired') {
          await this.forgetLocally(stored);
        }
      }
    }
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

  async signOut(): Promise<SessionState> {
    if (!this.restored) await this.loadLastSession();
    if (this.session) await this.retire(this.session);
    return this.state();
  }

  /** Runs an authenticated call; an expired session is forgotten so the app returns to sign-in. */
  async withSession<T>(call: (active: ActiveSession) => Promise<T>): Promise<T> {
    const active = this.session;
    if (!active)
      throw new DeskError('signed_out', 'You are signed out. Sign in to manage your tokens.');
    try {
      return await call(active);
    } catch (error) {
      if (
        error instanceof ApiClientError &&
        error.code === 'session_expired' &&
        this.session === active
      ) {
        await this.forgetLocally(active);
      }
      throw error;
    }
  }

  private async start(serviceUrl: string, email: string, password: string) {
    // Even before the first restore, the keychain may hold a live session to retire.
    if (!this.restored) await this.loadLastSession();
    const previous = this.session;
    const created = await this.deps.api.signIn(serviceUrl, { email, password });
    if (previous) await this.retire(previous);
    const stored: StoredSession = {
      sessionId: created.id,
      token: created.token,
      email: created.user.email,
      name: created.user.name,
    };
    await this.deps.vault.save(serviceUrl, stored);
    // Saved only when it differs: a run's default URL (npm start) stays out of saved settings.
    if (this.deps.settings.get().serviceUrl !== serviceUrl)
      this.deps.settings.update({ serviceUrl });
    this.deps.settings.saveLastAccount({ serviceUrl, email: stored.email });
    this.session = { ...stored, serviceUrl };
    this.restored = true;
    return this.state();
  }

  /** Makes the keychain's last session the current one, without asking the service. */
  private async loadLastSession(): Promise<ActiveSession | null> {
    this.restored = true;
    const last = this.deps.settings.lastAccount();
    const stored = last ? await this.deps.vault.load(last.serviceUrl, last.email) : null;
    if (!last || !stored) return null;
    const active: ActiveSession = { ...stored, serviceUrl: last.serviceUrl };
    const url = normalizeServiceUrl(last.serviceUrl);
    if (!url.ok || url.url !== last.serviceUrl) {
      // Saved before http:// was limited to loopback, or edited by hand: never send the
      // session there again. Forget it here; it expires on the service by itself.
      await this.forgetLocally(active);
      return null;
    }
    this.session = active;
    return active;
  }

  /** Signs a session out on its service (best effort) and always forgets it here. */
  private async retire(previous: ActiveSession): Promise<void> {
    try {
      await this.deps.api.signOut(previous.serviceUrl, previous.token, previous.sessionId);
    } catch (error) {
      // Already expired, or the service is down: still forget it here.
      if (!(error instanceof ApiClientError)) throw error;
    }
    await this.forgetLocally(previous);
  }

  private async forgetLocally(previous: ActiveSession): Promise<void> {
    if (this.session === previous) this.session = null;
    const last = this.deps.settings.lastAccount();
    if (last?.serviceUrl === previous.serviceUrl && last.email === previous.email) {
      this.deps.settings.saveLastAccount(null);
    }
    await this.deps.vault.remove(previous.serviceUrl, previous.email);
  }
}
