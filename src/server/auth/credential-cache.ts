/**
 * An exact, bounded cache of live credentials: the secret's SHA-256 digest → what
 * authentication needs (the row it would read). Exact because this process is the only
 * writer of its database (the data-directory lock, data-dir-lock.ts) and every write
 * that can end a credential (revoke, bulk revoke, rotation, grace end, sign-out) removes
 * its entry synchronously, in the same turn of the event loop as the write; everything
 * time-based (expiry, grace end, session expiry) is compared with the clock on every hit
 * by the authenticator, exactly as for a row just read.
 *
 * Only live credentials are put in: unknown secrets never take a slot, so guessing
 * cannot push real entries out. Least recently used entries go first (a Map keeps
 * insertion order; a hit re-inserts its key).
 */
export const DEFAULT_CREDENTIAL_CACHE_SIZE = 10_000;

export class CredentialCache<T extends { id: string }> {
  private readonly entries = new Map<string, T>();
  /** Credential id → digest key, so writes (which know ids) can invalidate. */
  private readonly keys = new Map<string, string>();

  constructor(readonly capacity: number = DEFAULT_CREDENTIAL_CACHE_SIZE) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  set(key: string, entry: T): void {
    if (this.capacity <= 0) return;
    this.invalidate(entry.id);
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.keys.set(entry.id, key);
    if (this.entries.size > this.capacity) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, T];
      this.entries.delete(oldestKey);
      if (this.keys.get(oldest.id) === oldestKey) this.keys.delete(oldest.id);
    }
  }

  /** Forgets the credential with this id (a no-op if it is not cached). */
  invalidate(id: string): void {
    const key = this.keys.get(id);
    if (key === undefined) return;
    this.keys.delete(id);
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.keys.clear();
  }
}
