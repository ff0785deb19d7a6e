/**
 * Every connection's credential, in the OS keychain (through keytar): a Token Desk
 * session under "Token Desk", one entry per service URL and account; a GitHub or
 * GitLab access token under "Token Desk CI providers", one entry per provider, host,
 * login and owner; a proxy's sign-in under "Token Desk proxies", one entry per
 * proxy origin. The names are what earlier versions wrote: changing one loses
 * people's saved sessions and credentials. Nothing here is written to settings, sent
 * to the token service or returned to the renderer. Without a usable keychain each
 * kind lives in memory for this run only, and sessions say why once.
 */
import { createHash } from 'node:crypto';
import type { Vendor } from '../../shared/vendors.js';
import type { Keychain, ProxyCredential, ProxyCredentialSource } from '../ports.js';

export const KEYCHAIN_SERVICE = 'Token Desk';
export const PROVIDER_KEYCHAIN_SERVICE = 'Token Desk CI providers';
export const PROXY_KEYCHAIN_SERVICE = 'Token Desk proxies';

export interface StoredSession {
  sessionId: string;
  token: string;
  email: string;
  name: string | null;
}

/** Who a provider credential belongs to; not a secret (the local store lists these). */
export interface ProviderAccount {
  provider: Vendor;
  /** The API base URL (GitHub) or instance URL (GitLab), normalized. */
  host: string;
  /** The login (GitHub) or username (GitLab) the provider reported. */
  login: string;
  /** The Token Desk account that added it; each keeps its own entry. */
  owner?: { serviceUrl: string; email: string };
}

/** A Token Desk session's entry name. */
export function keychainAccount(serviceUrl: string, email: string): string {
  return `${email} @ ${serviceUrl}`;
}

/**
 * A Token Desk account's connection id: the same on every launch and never saved
 * (the files keep the account as they always did), derived from its entry's name,
 * in the shape of the ids main hands the page.
 */
export function tokenDeskConnectionId(serviceUrl: string, email: string): string {
  const hex = createHash('sha256').update(keychainAccount(serviceUrl, email)).digest('hex');
  const parts = [8, 4, 4, 4, 12].map((length, i, all) => {
    const start = all.slice(0, i).reduce((sum, n) => sum + n, 0);
    return hex.slice(start, start + length);
  });
  return parts.join('-');
}

/** A GitHub or GitLab credential's entry name. */
export function providerKeychainAccount(account: ProviderAccount): string {
  const owner = account.owner ? ` for ${account.owner.email} on ${account.owner.serviceUrl}` : '';
  return `${account.provider}:${account.login} @ ${account.host}${owner}`;
}

function parseStored(raw: string | null | undefined): StoredSession | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<StoredSession>;
    if (
      typeof value.sessionId === 'string' &&
      typeof value.token === 'string' &&
      typeof value.email === 'string'
    ) {
      return {
        sessionId: value.sessionId,
        token: value.token,
        email: value.email,
        name: value.name ?? null,
      };
    }
  } catch {
    // A malformed entry is treated as absent; signing in again overwrites it.
  }
  return null;
}

/** One keychain service's entries, remembered in memory too; memory only once the keychain fails. */
class Shelf {
  private readonly memory = new Map<string, string>();
  /** Why the keychain is not used, or null while it works. */
  failure: string | null;

  constructor(
    private readonly keychain: Keychain | null,
    private readonly service: string,
    loadProblem: string | null,
  ) {
    this.failure = keychain ? null : (loadProblem ?? 'the keychain module could not be loaded');
  }

  async save(entry: string, secret: string): Promise<void> {
    this.memory.set(entry, secret);
    await this.withKeychain((keychain) => keychain.setPassword(this.service, entry, secret));
  }

  async load(entry: string): Promise<string | null> {
    const remembered = this.memory.get(entry);
    if (remembered !== undefined) return remembered;
    return (
      (await this.withKeychain((keychain) => keychain.getPassword(this.service, entry))) ?? null
    );
  }

  async remove(entry: string): Promise<void> {
    this.memory.delete(entry);
    await this.withKeychain((keychain) => keychain.deletePassword(this.service, entry));
  }

  private async withKeychain<T>(
    operation: (keychain: Keychain) => Promise<T>,
  ): Promise<T | undefined> {
    if (!this.keychain || this.failure !== null) return undefined;
    try {
      return await operation(this.keychain);
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error);
      return undefined;
    }
  }
}

/** A proxy's entry name: its origin, so one sign-in serves every host behind it. */
export function proxyKeychainAccount(proxyOrigin: string): string {
  return new URL(proxyOrigin).origin;
}

function parseProxyCredential(raw: string | null): ProxyCredential | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<ProxyCredential>;
    if (typeof value.username === 'string' && typeof value.password === 'string')
      return { username: value.username, password: value.password };
  } catch {
    // A malformed entry is treated as absent; signing in to the proxy again overwrites it.
  }
  return null;
}

export class ConnectionVault implements ProxyCredentialSource {
  private readonly sessions: Shelf;
  private readonly credentials: Shelf;
  private readonly proxies: Shelf;

  /** `loadProblem` says why `keychain` is null (see keychain-loader.ts). */
  constructor(keychain: Keychain | null, loadProblem: string | null = null) {
    this.sessions = new Shelf(keychain, KEYCHAIN_SERVICE, loadProblem);
    this.credentials = new Shelf(keychain, PROVIDER_KEYCHAIN_SERVICE, loadProblem);
    this.proxies = new Shelf(keychain, PROXY_KEYCHAIN_SERVICE, loadProblem);
  }

  /** Whether sessions survive a restart; the app shows `message` once when they do not. */
  get status(): 'available' | 'unavailable' {
    return this.sessions.failure === null ? 'available' : 'unavailable';
  }

  /** A sentence for the user, or null while the keychain works. */
  get message(): string | null {
    const why = this.sessions.failure;
    return why === null
      ? null
      : `No system keychain is available, so Token Desk keeps your session in memory only: you will need to sign in again next time, and nothing is written to disk. Why: ${why.replace(/\.$/, '')}.`;
  }

  /** Whether provider credentials survive a restart (false: memory only). */
  get persistent(): boolean {
    return this.credentials.failure === null;
  }

  saveSession(serviceUrl: string, session: StoredSession): Promise<void> {
    return this.sessions.save(keychainAccount(serviceUrl, session.email), JSON.stringify(session));
  }

  async loadSession(serviceUrl: string, email: string): Promise<StoredSession | null> {
    return parseStored(await this.sessions.load(keychainAccount(serviceUrl, email)));
  }

  removeSession(serviceUrl: string, email: string): Promise<void> {
    return this.sessions.remove(keychainAccount(serviceUrl, email));
  }

  saveCredential(account: ProviderAccount, token: string): Promise<void> {
    return this.credentials.save(providerKeychainAccount(account), token);
  }

  loadCredential(account: ProviderAccount): Promise<string | null> {
    return this.credentials.load(providerKeychainAccount(account));
  }

  removeCredential(account: ProviderAccount): Promise<void> {
    return this.credentials.remove(providerKeychainAccount(account));
  }

  saveProxyCredential(proxyOrigin: string, credential: ProxyCredential): Promise<void> {
    return this.proxies.save(proxyKeychainAccount(proxyOrigin), JSON.stringify(credential));
  }

  async proxyCredential(proxyOrigin: string): Promise<ProxyCredential | null> {
    return parseProxyCredential(await this.proxies.load(proxyKeychainAccount(proxyOrigin)));
  }

  removeProxyCredential(proxyOrigin: string): Promise<void> {
    return this.proxies.remove(proxyKeychainAccount(proxyOrigin));
  }
}
