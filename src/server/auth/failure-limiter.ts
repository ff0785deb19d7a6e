/**
 * Counts failed attempts (bad bearer tokens, wrong passwords) per client in a fixed
 * window and says when a client must wait. @fastify/rate-limit counts every request;
 * here only failures count, so a CI fleet using valid tokens is never throttled.
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

/** Bounds memory under a spray of distinct client addresses. */
const MAX_TRACKED_CLIENTS = 10_000;

export class FailureLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limit: FailureLimit,
    private readonly clock: Clock,
  ) {}

  /** Seconds the client must wait, or 0 if it may try now. */
  retryAfterSeconds(client: string): number {
    const window = this.current(client);
    if (!window || window.failures < this.limit.maxFailures) return 0;
    return Math.max(1, Math.ceil((window.resetAt - this.clock.now()) / 1000));
  }

  recordFailure(client: string): void {
    const window = this.current(client);
    if (window) {
      window.failures++;
      return;
    }
    if (this.windows.size >= MAX_TRACKED_CLIENTS) this.evictExpired();
    this.windows.set(client, { failures: 1, resetAt: this.clock.now() + this.limit.windowMs });
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
