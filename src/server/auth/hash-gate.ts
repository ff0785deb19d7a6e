/**
 * Bounds how many password hashes run at once. Each scrypt at N=2^17 takes 128 MiB and
 * about 0.4 s of a libuv worker thread; without a bound, 40 concurrent sign-ups took 8 s
 * and 600 MB and starved a real sign-in. Past the bound a caller waits in a short queue;
 * past the queue it gets 503 `service_busy` with `Retry-After` at once, so memory and
 * waiting time both stay bounded whatever arrives.
 */
import { ApiError } from '../errors.js';

export interface HashLimits {
  /** Hashes that may run at the same time. */
  maxRunning: number;
  /** Hashes that may wait for a free slot; one more is refused with 503. */
  maxQueued: number;
  /**
   * Hashes one client may have in the gate (running or waiting) at once; one more is
   * refused with 429. Without it, one account holder signing in to their own account
   * in a loop filled every slot and locked everyone else out with 503. Unset: no bound.
   */
  maxPerClient?: number;
}

export class HashGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly perClient = new Map<string, number>();

  constructor(readonly limits: HashLimits) {
    if (!(limits.maxRunning >= 1) || !(limits.maxQueued >= 0)) {
      throw new Error('HashGate needs maxRunning >= 1 and maxQueued >= 0.');
    }
  }

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Runs `work` in a slot. Throws 429 without running it when `client` already has its
   * share of the gate, and 503 when every slot is taken and the queue is full; both
   * decisions are made synchronously, before the first await.
   */
  async run<T>(work: () => Promise<T>, client?: string): Promise<T> {
    const held = client === undefined ? 0 : (this.perClient.get(client) ?? 0);
    const maxPerClient = this.limits.maxPerClient;
    if (client !== undefined && maxPerClient !== undefined && held >= maxPerClient)
      throw oneAtATime();
    if (this.active >= this.limits.maxRunning && this.waiting.length >= this.limits.maxQueued)
      throw busy();
    if (client !== undefined) this.perClient.set(client, held + 1);
    try {
      if (this.active >= this.limits.maxRunning) {
        await new Promise<void>((resolve) => this.waiting.push(resolve));
        // The slot was handed over by `release`, already counted.
      } else {
        this.active++;
      }
      try {
        return await work();
      } finally {
        this.release();
      }
    } finally {
      if (client !== undefined) {
        const left = (this.perClient.get(client) ?? 1) - 1;
        if (left > 0) this.perClient.set(client, left);
        else this.perClient.delete(client);
      }
    }
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

function oneAtATime(): ApiError {
  return new ApiError(
    429,
    'too_many_requests',
    'A password from this address is already being checked. Wait for its answer, then try again.',
    { 'Retry-After': '1' },
  );
}

function busy(): ApiError {
  return new ApiError(
    503,
    'service_busy',
    'The service is checking too many passwords at once. Try again in a second.',
    { 'Retry-After': '1' },
  );
}
