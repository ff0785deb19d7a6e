/**
 * Background upkeep: prunes events past retention, writes down ended grace
 * periods and records token.expired, in small batches with a turn of the event loop
 * between them, so a backlog never holds up a request for long. On a timer that does
 * not keep the process alive, stopped when the app closes. Tests call `run()` directly.
 */
import { DAY_MS } from '../shared/time.js';
import type { SharedAttempts } from './auth/shared-attempts.js';
import type { Clock } from './clock.js';
import type { ApiTokenStore } from './features/tokens/domain.js';
import type { EventStore } from './features/events/store.js';

export interface HousekeepingOptions {
  retentionDays: number;
  /** Rows per transaction. */
  batchSize?: number;
  /** How often the timer runs; null for no timer (tests drive `run()`). */
  intervalMs?: number | null;
}

export interface HousekeepingReport {
  pruned: number;
  expired: number;
  gracesEnded: number;
}

export const HOUSEKEEPING_DEFAULTS = { batchSize: 500, intervalMs: 60_000 } as const;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class Housekeeping {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<HousekeepingReport> | null = null;
  private stopped = false;
  readonly retentionMs: number;
  private readonly batchSize: number;

  constructor(
    private readonly deps: {
      clock: Clock;
      tokens: ApiTokenStore;
      events: EventStore;
      /** Shared attempt windows (PostgreSQL mode): ended ones are deleted. */
      attempts?: SharedAttempts | null;
      onError: (error: unknown) => void;
    },
    private readonly options: HousekeepingOptions,
  ) {
    this.retentionMs = options.retentionDays * DAY_MS;
    this.batchSize = options.batchSize ?? HOUSEKEEPING_DEFAULTS.batchSize;
  }

  start(): void {
    const interval =
      this.options.intervalMs === undefined
        ? HOUSEKEEPING_DEFAULTS.intervalMs
        : this.options.intervalMs;
    if (interval === null || this.timer) return;
    this.timer = setInterval(() => {
      this.run().catch(this.deps.onError);
    }, interval);
    this.timer.unref();
  }

  /** Stops the timer and waits for a run in progress to finish its batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One full pass (batch after batch until nothing is left); overlapping calls share it. */
  run(): Promise<HousekeepingReport> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<HousekeepingReport> {
    const report: HousekeepingReport = { pruned: 0, expired: 0, gracesEnded: 0 };
    await this.deps.attempts?.prune(this.deps.clock.now());
    for (;;) {
      if (this.stopped) return report;
      const now = this.deps.clock.now();
      const swept = await this.deps.tokens.sweep(now, this.batchSize);
      const pruned = await this.deps.events.pruneOlderThan(now - this.retentionMs, this.batchSize);
      report.gracesEnded += swept.gracesEnded;
      report.expired += swept.expired;
      report.pruned += pruned;
      if (swept.expired < this.batchSize && pruned < this.batchSize) return report;
      await nextTurn();
    }
  }
}
