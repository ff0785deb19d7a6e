/**
 * Counts attempts (unknown bearer tokens, password checks, sign-ups) per key (a client
 * address or an account) in a fixed window and says when a key must wait.
 * @fastify/rate-limit counts every request; here the caller decides what counts, so a
 * CI fleet using valid tokens is never throttled.
 *
 * For password checks the attempt is counted with `take` BEFORE the hash runs and given
 * back on success: counting after the hash let every request already in flight through.
 * `take` decides synchronously, so concurrent requests cannot all slip under the limit.
 */
import type { Clock } from '../clock.js';

export interface FailureLimit {
  maxFailures: number;
  windowMs: number;
}

interface Window {
  failures: number;
  resetAt: number;
}

/** One counted attempt; `giveBack` undoes it if its window is still the current one. */
export interface Attempt {
  giveBack(): void;
}

/** Bounds memory under a spray of distinct client addresses. */
const MAX_TRACKED_CLIENTS = 10_000;

export class FailureLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    readonly limit: FailureLimit,
    private readonly clock: Clock,
  ) {}

  /** Seconds the client must wait, or 0 if it may try now. */
  retryAfterSeconds(client: string): number {
    const window = this.current(client);
    if (!window || window.failures < this.limit.maxFailures) return 0;
    return Math.max(1, Math.ceil((window.resetAt - this.clock.now()) / 1000));
  }

  recordFailure(client: string): void {
    this.count(client);
  }

  /**
   * Counts an attempt now, before the work it guards. Call only after
   * `retryAfterSeconds(client)` returned 0 in the same synchronous step.
   */
  take(client: string): Attempt {
    const window = this.count(client);
    return {
      giveBack: () => {
        // A window that ended meanwhile was replaced; its successor owes nothing.
        if (this.windows.get(client) === window && window.failures > 0) window.failures--;
      },
    };
  }

  /**
   * Refuses `client` here for `seconds` from now, as if its window were full: another
   * instance's count (the shared windows in PostgreSQL mode) said so, and asking the
   * database again for every request until then would be a write per guess.
   */
  saturate(client: string, seconds: number): void {
    const resetAt = this.clock.now() + seconds * 1000;
    const window = this.current(client);
    if (window) {
      window.failures = Math.max(window.failures, this.limit.maxFailures);
      window.resetAt = Math.max(window.resetAt, resetAt);
      return;
    }
    if (this.windows.size >= MAX_TRACKED_CLIENTS) this.evictExpired();
    this.windows.set(client, { failures: this.limit.maxFailures, resetAt });
  }

  private count(client: string): Window {
    const window = this.current(client);
    if (window) {
      window.failures++;
      return window;
    }
    if (this.windows.size >= MAX_TRACKED_CLIENTS) this.evictExpired();
    const fresh = { failures: 1, resetAt: this.clock.now() + this.limit.windowMs };
    this.windows.set(client, fresh);
    return fresh;
  }

  private current(client: string): Window | undefined {
    const window = this.windows.get(client);
    if (window && window.resetAt <= this.clock.now()) {
      this.windows.delete(client);
      return undefined;
    }
    return window;
  }

  private evictExpired(): void {
    const now = this.clock.now();
    for (const [client, window] of this.windows)
      if (window.resetAt <= now) this.windows.delete(client);
    // Still full of live windows: drop the oldest rather than grow without bound.
    if (this.windows.size >= MAX_TRACKED_CLIENTS) {
      const oldest = this.windows.keys().next().value;
      if (oldest !== undefined) this.windows.delete(oldest);
    }
  }
}
