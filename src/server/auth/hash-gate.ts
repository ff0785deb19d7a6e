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
}

export class HashGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

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
   * Runs `work` in a slot. Throws 503 without running it when every slot is taken and
   * the queue is full; the decision is made synchronously, before the first await.
   */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limits.maxRunning) {
      if (this.waiting.length >= this.limits.maxQueued) throw busy();
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
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

function busy(): ApiError {
  return new ApiError(
    503,
    'service_busy',
    'The service is checking too many passwords at once. Try again in a second.',
    { 'Retry-After': '1' },
  );
}
