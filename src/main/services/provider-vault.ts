/**
 * Keeps CI provider credentials (GitHub and GitLab personal access tokens) in the OS
 * keychain, one entry per provider, host and account, apart from Token Desk
 * sessions. They are never written to settings, never sent to the token service,
 * and never returned to the renderer: only main reads them, to call the provider.
 * Without a keychain they live in memory for this run, as sessions do.
 */
import type { Keychain } from '../ports.js';

export const PROVIDER_KEYCHAIN_SERVICE = 'Token Desk CI providers';

export type ProviderKind = 'github' | 'gitlab';

/** Who a credential belongs to; not a secret (settings may list these). */
export interface ProviderAccount {
  provider: ProviderKind;
  /** The API base URL (GitHub) or instance URL (GitLab), normalized. */
  host: string;
  /** The login (GitHub) or username (GitLab) the provider reported. */
  login: string;
  /** The Token Desk account that added it; each keeps its own entry. */
  owner?: { serviceUrl: string; email: string };
}

export function providerKeychainAccount(account: ProviderAccount): string {
  const owner = account.owner ? ` for ${account.owner.email} on ${account.owner.serviceUrl}` : '';
  return `${account.provider}:${account.login} @ ${account.host}${owner}`;
}

export class ProviderVault {
  private readonly memory = new Map<string, string>();
  private keychainWorks: boolean;

  constructor(private readonly keychain: Keychain | null) {
    this.keychainWorks = keychain !== null;
  }

  /** Whether credentials survive a restart (false: memory only). */
  get persistent(): boolean {
    return this.keychainWorks;
  }

  async save(account: ProviderAccount, token: string): Promise<void> {
    const key = providerKeychainAccount(account);
    this.memory.set(key, token);
    await this.withKeychain((keychain) =>
      keychain.setPassword(PROVIDER_KEYCHAIN_SERVICE, key, token),
    );
  }

  async load(account: ProviderAccount): Promise<string | null> {
    const key = providerKeychainAccount(account);
    const remembered = this.memory.get(key);
    if (remembered !== undefined) return remembered;
    const stored = await this.withKeychain((keychain) =>
      keychain.getPassword(PROVIDER_KEYCHAIN_SERVICE, key),
    );
    return stored ?? null;
  }

  async remove(account: ProviderAccount): Promise<void> {
    const key = providerKeychainAccount(account);
    this.memory.delete(key);
    await this.withKeychain((keychain) => keychain.deletePassword(PROVIDER_KEYCHAIN_SERVICE, key));
  }

  private async withKeychain<T>(
    operation: (keychain: Keychain) => Promise<T>,
  ): Promise<T | undefined> {
    if (!this.keychain || !this.keychainWorks) return undefined;
    try {
      return await operation(this.keychain);
    } catch {
      // The session vault reports the keychain's failure to the user; here, memory only.
      this.keychainWorks = false;
      return undefined;
    }
  }
}
