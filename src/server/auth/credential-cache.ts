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
  /**
   * Counts invalidations. A read takes it before it goes to the database and caches its
   * row only if it has not moved: a revoke that ran while the read was waiting (storage
   * is asynchronous) must not be undone by a row read before it.
   */
  private invalidations = 0;

  constructor(readonly capacity: number = DEFAULT_CREDENTIAL_CACHE_SIZE) {}

  get size(): number {
    return this.entries.size;
  }

  /** Take before reading a row to cache; pass to `set`. */
  get version(): number {
    return this.invalidations;
  }

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  /**
   * Caches `entry` under `key`, unless anything was invalidated since `version` was taken
   * (then the row may predate a revoke; the next request simply reads it again).
   */
  set(key: string, entry: T, version: number): void {
    if (this.capacity <= 0 || version !== this.invalidations) return;
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
    // Counted even when nothing is cached: a read in flight may be about to cache it.
    this.invalidations++;
    const key = this.keys.get(id);
    if (key === undefined) return;
    this.keys.delete(id);
    this.entries.delete(key);
  }

  clear(): void {
    this.invalidations++;
    this.entries.clear();
    this.keys.clear();
  }
}
