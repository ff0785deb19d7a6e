/**
 * Keeps session tokens in the OS keychain (through keytar), one entry per service
 * URL and account. If no keychain is usable it says so once and keeps sessions in
 * memory only, for as long as the app runs: never in a file.
 */
import type { Keychain } from '../ports.js';

export const KEYCHAIN_SERVICE = 'Token Desk';

export interface StoredSession {
  sessionId: string;
  token: string;
  email: string;
  name: string | null;
}

export function keychainAccount(serviceUrl: string, email: string): string {
  return `${email} @ ${serviceUrl}`;
}

function parseStored(raw: string | null): StoredSession | null {
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

export class SessionVault {
  private readonly memory = new Map<string, StoredSession>();
  private unavailableReason: string | null = null;

  /** `loadProblem` says why `keychain` is null (see keychain-loader.ts). */
  constructor(
    private readonly keychain: Keychain | null,
    loadProblem: string | null = null,
  ) {
    if (!keychain)
      this.unavailableReason = loadProblem ?? 'the keychain module could not be loaded';
  }

  get status(): 'available' | 'unavailable' {
    return this.unavailableReason === null ? 'available' : 'unavailable';
  }

  /** A sentence for the user, or null while the keychain works. */
  get message(): string | null {
    return this.unavailableReason === null
      ? null
      : `No system keychain is available, so Token Desk keeps your session in memory only: you will need to sign in again next time, and nothing is written to disk. Why: ${this.unavailableReason.replace(/\.$/, '')}.`;
  }

  async save(serviceUrl: string, session: StoredSession): Promise<void> {
    const account = keychainAccount(serviceUrl, session.email);
    this.memory.set(account, session);
    await this.withKeychain((keychain) =>
      keychain.setPassword(KEYCHAIN_SERVICE, account, JSON.stringify(session)),
    );
  }

  async load(serviceUrl: string, email: string): Promise<StoredSession | null> {
    const account = keychainAccount(serviceUrl, email);
    const remembered = this.memory.get(account);
    if (remembered) return remembered;
    const raw = await this.withKeychain((keychain) =>
      keychain.getPassword(KEYCHAIN_SERVICE, account),
    );
    return parseStored(raw ?? null);
  }

  async remove(serviceUrl: string, email: string): Promise<void> {
    const account = keychainAccount(serviceUrl, email);
    this.memory.delete(account);
    await this.withKeychain((keychain) => keychain.deletePassword(KEYCHAIN_SERVICE, account));
  }

  private async withKeychain<T>(
    operation: (keychain: Keychain) => Promise<T>,
  ): Promise<T | undefined> {
    if (!this.keychain || this.unavailableReason !== null) return undefined;
    try {
      return await operation(this.keychain);
    } catch (error) {
      // From now on memory only; the app shows `message` once.
      this.unavailableReason = error instanceof Error ? error.message : String(error);
      return undefined;
    }
  }
}
