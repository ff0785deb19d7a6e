/**
 * Addresses that recently signed in to an account with its password (OWASP's
 * "device cookie" idea, keyed by address since the API has no cookies). The
 * per-account failure window stops guessing spread over many addresses, but on its
 * own it lets a stranger lock the owner out for 15 minutes with ~20 requests; an
 * address the owner signed in from recently is not held to it.
 */
import type { Clock } from '../clock.js';

/** Bounds memory under a flood of distinct successful sign-ins. */
const MAX_ENTRIES = 50_000;

export class KnownSignIns {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly rememberMs: number,
    private readonly clock: Clock,
  ) {}

  remember(account: string, address: string): void {
    const key = `${account}\n${address}`;
    this.until.delete(key); // re-inserted last: the Map stays in expiry order
    if (this.until.size >= MAX_ENTRIES) {
      const oldest = this.until.keys().next().value;
      if (oldest !== undefined) this.until.delete(oldest);
    }
    this.until.set(key, this.clock.now() + this.rememberMs);
  }

  knows(account: string, address: string): boolean {
    const key = `${account}\n${address}`;
    const until = this.until.get(key);
    if (until === undefined) return false;
    if (until > this.clock.now()) return true;
    this.until.delete(key);
    return false;
  }
}
