/**
 * The service in PostgreSQL mode when its database fails: stopped, stalled,
 * a connection lost with a commit in flight, a read-only database. Each answer is a 503
 * (or 507) with a stable code, words and Retry-After, never a 500 and never a hang; the
 * log says once that the database is unavailable and once that it is back.
 *
 * A cluster of its own (these tests stop it) with a relay in front that the tests can
 * freeze or cut (db-relay.mjs). PostgreSQL only: the `sqlite` project skips the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startCluster, type PgCluster } from '../../scripts/pg-cluster.mjs';
import { startRelay, type DbRelay } from '../support/server/db-relay.mjs';
import {
  BACKEND,
  createToken,
  serviceForEachTest,
  signUpAndIn,
  type HttpResult,
  type RunningService,
} from '../support/server/service-harness.js';

// Short bounds, so a stalled database costs the suite seconds, not minutes.
const TIMEOUTS = { acquireMs: 1_000, connectMs: 1_000, statementMs: 1_000, answerMs: 1_500 };

/** An answer with its JSON body, as the harness's own requests type it. */
type Answer = HttpResult<any>;

interface LogLine {
  level: number;
  code?: string;
  failure?: string;
  msg: string;
}
const logLines = (service: RunningService): LogLine[] =>
  service.logs.map((line) => JSON.parse(line) as LogLine);
/** The service's outage reports (not the request lines, which carry each answer's code), in order. */
const outageReports = (service: RunningService) =>
  logLines(service)
    .filter((line) => line.msg !== 'request' && line.code?.startsWith('database_'))
    .map((line) => `${line.code}${line.failure ? ` (${line.failure})` : ''}`);
const errorLines = (service: RunningService) =>
  logLines(service).filter((line) => line.level >= 50);

function expectUnavailable(answer: Answer, code: string, words: RegExp): void {
  expect({ status: answer.status, code: answer.body?.code }).toEqual({ status: 503, code });
  expect(answer.body.message).toMatch(words);
  expect(answer.headers.get('retry-after')).toBe('5');
}

describe.runIf(BACKEND === 'postgres')('when PostgreSQL fails', () => {
  let cluster: PgCluster;
  let relay: DbRelay;
  const start = serviceForEachTest();

  beforeAll(async () => {
    cluster = await startCluster({ databases: ['outage', 'read_only'] });
    relay = await startRelay({ port: cluster.port });
  });
  afterAll(async () => {
    await relay?.close();
    await cluster?.stop();
  });

  const startOn = (database = 'outage') =>
    start({
      storage: {
        kind: 'postgres',
        url: relay.urlFor(cluster.databaseUrl(database)),
        poolSize: 4,
        timeouts: TIMEOUTS,
      },
      // No sweep of its own: the cut tests count on the next COMMIT being the request's.
      housekeeping: { intervalMs: null },
    });

  it('answers 503 database_unavailable with Retry-After while it is stopped, logs that once, and carries on when it is back', async () => {
    const service = await startOn();
    const { email, password, session } = await signUpAndIn(service);
    const token = await createToken(service, session);

    await cluster.stopServer('fast');
    let during: Answer[];
    let liveness: Answer;
    try {
      during = [
        await service.request('GET', '/v1/users/me', { token: token.secret }),
        await service.request('POST', '/v1/users/me/tokens', {
          token: session,
          body: { name: 'during the outage' },
        }),
        await service.request('GET', '/v1/users/me/tokens', { token: session }),
        await service.request('POST', '/v1/sessions', { body: { email, password } }),
        await service.request('GET', '/v1/health/ready'),
      ];
      liveness = await service.request('GET', '/v1/health');
    } finally {
      await cluster.startServer();
    }
    for (const answer of during) {
      expectUnavailable(answer, 'database_unavailable', /cannot reach its database/);
    }
    expect(during[1]!.body.message).toMatch(/Nothing was changed/);
    // Liveness never touches the database: the instance itself is fine.
    expect(liveness.status).toBe(200);

    expect((await service.request('GET', '/v1/users/me', { token: token.secret })).status).toBe(
      200,
    );
    expect((await service.request('GET', '/v1/health/ready')).body).toEqual({ status: 'ready' });
    const list = await service.request('GET', '/v1/users/me/tokens', { token: session });
    expect(list.body.map((t: { name: string }) => t.name)).toEqual(['ci-github']);
    expect(outageReports(service)).toEqual([
      'database_unavailable (unreachable)',
      'database_available',
    ]);
    expect(errorLines(service)).toEqual([]);
  });

  it('answers a stalled database with 503 while it is still stalled: no request waits for it', async () => {
    const service = await startOn();
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session);

    relay.freeze();
    let answers: Answer[];
    try {
      // More at once than the pool has connections: some wait for one, some for an answer.
      answers = await Promise.all([
        ...Array.from({ length: 4 }, () =>
          service.request('GET', '/v1/users/me', { token: token.secret }),
        ),
        ...Array.from({ length: 4 }, (_, i) =>
          service.request('POST', '/v1/users/me/tokens', {
            token: session,
            body: { name: `stalled ${i}` },
          }),
        ),
        service.request('GET', '/v1/health/ready'),
      ]);
      // Everything above was answered while nothing came back from the database.
      expect(relay.frozen()).toBe(true);
    } finally {
      relay.thaw();
    }
    for (const answer of answers) {
      expectUnavailable(answer, 'database_unavailable', /did not answer in time/);
    }

    expect((await service.request('GET', '/v1/users/me', { token: token.secret })).status).toBe(
      200,
    );
    expect((await service.request('GET', '/v1/health/ready')).status).toBe(200);
    expect(outageReports(service)).toEqual([
      'database_unavailable (timeout)',
      'database_available',
    ]);
    expect(errorLines(service)).toEqual([]);
  });

  it('says the outcome is unknown when the COMMIT was sent and its answer lost, and the token is there to be found', async () => {
    const service = await startOn();
    const { session } = await signUpAndIn(service);

    const cut = relay.cutWhen('COMMIT', { deliver: true });
    const answer = await service.request('POST', '/v1/users/me/tokens', {
      token: session,
      body: { name: 'committed, answer lost' },
    });
    await cut;
    expectUnavailable(answer, 'database_outcome_unknown', /may or may not have been made/);
    expect(answer.body.message).toMatch(/list your tokens \(GET \/v1\/users\/me\/tokens/);
    expect(answer.body).not.toHaveProperty('secret');

    // What the client is told to do: list before creating again. It was made.
    const list = await service.request('GET', '/v1/users/me/tokens', { token: session });
    expect(list.body.map((t: { name: string }) => t.name)).toEqual(['committed, answer lost']);
    expect(errorLines(service)).toEqual([]);
  });

  it('says nothing was changed when the connection is lost before the COMMIT, and nothing was', async () => {
    const service = await startOn();
    const { session } = await signUpAndIn(service);

    // The token's own INSERT (its name is among its parameters) never arrives.
    const cut = relay.cutWhen('lost before commit', { deliver: false });
    const answer = await service.request('POST', '/v1/users/me/tokens', {
      token: session,
      body: { name: 'lost before commit' },
    });
    await cut;
    expectUnavailable(answer, 'database_unavailable', /Nothing was changed/);

    const list = await service.request('GET', '/v1/users/me/tokens', { token: session });
    expect(list.body).toEqual([]);
    const retried = await service.request('POST', '/v1/users/me/tokens', {
      token: session,
      body: { name: 'lost before commit' },
    });
    expect(retried.status).toBe(201);
    const after = await service.request('GET', '/v1/users/me/tokens', { token: session });
    expect(after.body.map((t: { name: string }) => t.name)).toEqual(['lost before commit']);
  });

  it('answers writes to a read-only database (a standby after a failover) with 503 database_read_only, and reads as usual', async () => {
    const writable = await startOn('read_only');
    const { session } = await signUpAndIn(writable);
    const token = await createToken(writable, session);
    await writable.stop();

    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    try {
      await admin.query('ALTER DATABASE read_only SET default_transaction_read_only = on');
      const service = await startOn('read_only');
      const made = await service.request('POST', '/v1/users/me/tokens', {
        token: session,
        body: { name: 'on a standby' },
      });
      expect({ status: made.status, code: made.body.code }).toEqual({
        status: 503,
        code: 'database_read_only',
      });
      expect(made.body.message).toMatch(/cannot be written.*Nothing was changed/);
      const list = await service.request('GET', '/v1/users/me/tokens', { token: session });
      expect(list.body.map((t: { id: string }) => t.id)).toEqual([token.id]);
      expect(errorLines(service)).toEqual([]);
    } finally {
      await admin.query('ALTER DATABASE read_only RESET default_transaction_read_only');
      await admin.end();
    }
  });
});
