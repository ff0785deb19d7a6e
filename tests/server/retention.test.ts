/**
 * Retention: TOKEN_DESK_EVENT_RETENTION_DAYS (default 400, validated like the
 * other variables); the background sweep prunes what is older, keeps the rest, works in
 * small batches with a turn of the event loop between them, runs on an unref'd timer and
 * stops when the app closes. The injected clock decides what is old.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readServiceConfig } from '../../src/server/config.js';
import { EventStore } from '../../src/server/features/events/store.js';
import {
  BACKEND,
  createToken,
  removeDir,
  signUpAndIn,
  startService,
  type RunningService,
} from '../support/server/service-harness.js';

const DAY = 24 * 60 * 60 * 1000;
const running: RunningService[] = [];

async function start(options: Parameters<typeof startService>[0]) {
  const service = await startService({
    signUpLimit: { maxFailures: 1000, windowMs: 60_000 },
    ...options,
  });
  running.push(service);
  return service;
}
afterEach(async () => {
  for (const service of running.splice(0)) {
    await service.stop();
    removeDir(service.dataDir);
  }
});

async function eventTimes(service: RunningService): Promise<string[]> {
  const rows = await service.query<{ at: string }>('SELECT at FROM events ORDER BY at, seq');
  return rows.map((row) => row.at);
}

describe('TOKEN_DESK_EVENT_RETENTION_DAYS', () => {
  it('defaults to 400 and takes a whole number of days from 1 to 36500', () => {
    expect(readServiceConfig({}).eventRetentionDays).toBe(400);
    expect(readServiceConfig({ TOKEN_DESK_EVENT_RETENTION_DAYS: '30' }).eventRetentionDays).toBe(
      30,
    );
    expect(readServiceConfig({ TOKEN_DESK_EVENT_RETENTION_DAYS: '' }).eventRetentionDays).toBe(400);
  });

  it.each(['0', '-1', '1.5', 'forever', '36501', '1000000'])(
    'refuses %s with a sentence',
    (raw) => {
      expect(() => readServiceConfig({ TOKEN_DESK_EVENT_RETENTION_DAYS: raw })).toThrow(
        `TOKEN_DESK_EVENT_RETENTION_DAYS must be a whole number from 1 to 36500, not "${raw}".`,
      );
    },
  );
});

describe('pruning', () => {
  it('removes events older than the retention, to the millisecond, and keeps everything newer, in every account', async () => {
    const service = await start({ eventRetentionDays: 10, housekeeping: { intervalMs: null } });
    const a = await signUpAndIn(service); // signed_in at t0
    const t0 = service.clock.now();
    service.clock.advance(5 * DAY);
    const b = await signUpAndIn(service); // signed_in at t0 + 5d
    await createToken(service, a.session, 'kept'); // created at t0 + 5d

    service.clock.advance(5 * DAY); // the first event is exactly 10 days old: kept
    expect((await service.app.housekeeping.run()).pruned).toBe(0);
    expect(await eventTimes(service)).toHaveLength(3);

    service.clock.advance(1); // now it is older
    expect((await service.app.housekeeping.run()).pruned).toBe(1);
    const kept = new Date(t0 + 5 * DAY).toISOString();
    expect(await eventTimes(service)).toEqual([kept, kept]);
    const list = async (session: string) =>
      (await service.request('GET', '/v1/users/me/events', { token: session })).body.events.map(
        (event: { kind: string }) => event.kind,
      );
    expect(await list(a.session)).toEqual(['token.created']);
    expect(await list(b.session)).toEqual(['session.signed_in']);
  });

  it('works in small batches and lets the event loop turn between them', async () => {
    const service = await start({
      eventRetentionDays: 1,
      housekeeping: { intervalMs: null, batchSize: 3 },
    });
    const { session } = await signUpAndIn(service);
    for (let i = 0; i < 10; i++) await createToken(service, session, `t${i}`);
    expect(await eventTimes(service)).toHaveLength(11);
    service.clock.advance(2 * DAY);
    await createToken(service, session, 'new');

    if (BACKEND === 'sqlite') {
      // A callback queued now runs between two batches, not after the whole pass. (SQLite
      // answers within the turn, so the count is the one between those batches.)
      let midway: number | null = null;
      setImmediate(() => void eventTimes(service).then((times) => (midway = times.length)));
      const report = await service.app.housekeeping.run();
      expect(report.pruned).toBe(11);
      expect(midway).not.toBeNull();
      expect(midway).toBeGreaterThan(1);
      expect(midway).toBeLessThan(12);
    } else {
      // PostgreSQL answers over the network, so a read from here would race the pass.
      // Count the pass's batches as they finish instead, and look from every turn of the
      // event loop: some turn must come while some, not all, batches are done.
      const original = EventStore.prototype.pruneOlderThan;
      const finished: number[] = [];
      const prune = vi
        .spyOn(EventStore.prototype, 'pruneOlderThan')
        .mockImplementation(async function (this: EventStore, before, batch) {
          const pruned = await original.call(this, before, batch);
          finished.push(pruned);
          return pruned;
        });
      try {
        let done = false;
        const seen: number[] = [];
        const look = () => {
          if (done) return;
          seen.push(finished.length);
          setImmediate(look);
        };
        setImmediate(look);
        const report = await service.app.housekeeping.run().finally(() => (done = true));
        expect(report.pruned).toBe(11);
        expect(finished).toEqual([3, 3, 3, 2]);
        expect(seen.some((n) => n >= 1 && n < finished.length)).toBe(true);
      } finally {
        prune.mockRestore();
      }
    }
    expect(await eventTimes(service)).toHaveLength(1);
  });

  it('records token.expired for a backlog larger than one batch, once each', async () => {
    const service = await start({ housekeeping: { intervalMs: null, batchSize: 3 } });
    const { session } = await signUpAndIn(service);
    const soon = new Date(service.clock.now() + DAY).toISOString();
    for (let i = 0; i < 7; i++) await createToken(service, session, `e${i}`, soon);
    service.clock.advance(DAY);
    expect((await service.app.housekeeping.run()).expired).toBe(7);
    expect((await service.app.housekeeping.run()).expired).toBe(0);
    const events = await service.request('GET', '/v1/users/me/events?kind=token.expired', {
      token: session,
    });
    expect(events.body.events).toHaveLength(7);
  });

  it('runs by itself on its timer, and stops when the app closes (a pass in progress finishes its batch)', async () => {
    const service = await start({
      eventRetentionDays: 1,
      housekeeping: { intervalMs: 5, batchSize: 2 },
    });
    const { session } = await signUpAndIn(service);
    for (let i = 0; i < 5; i++) await createToken(service, session, `t${i}`);
    service.clock.advance(2 * DAY);
    await vi.waitFor(async () => expect(await eventTimes(service)).toHaveLength(0), {
      timeout: 5000,
    });

    // Closing while a pass is under way: no error, no use of the closed database.
    await createToken(service, session, 'x');
    service.clock.advance(2 * DAY);
    const pass = service.app.housekeeping.run();
    await service.stop();
    await expect(pass).resolves.toBeDefined();
    running.splice(running.indexOf(service), 1);
    removeDir(service.dataDir);
  });
});
