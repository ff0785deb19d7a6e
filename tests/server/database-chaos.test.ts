/**
 * The built service as a process (as `npm run server` runs it) in PostgreSQL mode, under
 * load from 8 clients authenticating and creating tokens, while PostgreSQL is stopped
 * with fast and immediate shutdowns and the service's connections are killed from the
 * server side (pg_terminate_backend), again and again. Before, one such event
 * could end the process with `Unhandled 'error' event` on a pg client.
 *
 * Paced by what happens, not by the clock: each event waits until the load has seen the
 * previous one and then the service working again. `npm run chaos:postgres` is the long
 * measurement; this is the bounded check. PostgreSQL only (a cluster of its own).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type PgCluster } from '../../scripts/pg-cluster.mjs';
import { startTokenService, type TokenService } from '../support/processes.js';
import { BACKEND } from '../support/server/service-harness.js';

const CLIENTS = 8;
/** What a request may be answered while the database comes and goes. */
const OUTAGE_CODES = new Set(['database_unavailable', 'database_outcome_unknown']);

interface Load {
  created: number;
  refused: number;
  /** Tokens answered 201: each must work afterwards. */
  acknowledged: string[];
  /** Anything but 2xx or a 503 with an outage code: a 500, a reset, a hang. */
  unexpected: string[];
  stop(): Promise<void>;
}

async function json(
  url: string,
  method: string,
  init: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method,
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body ? { 'content-type': 'application/json' } : {}),
    },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function signUp(base: string, n: number): Promise<string> {
  const email = `chaos-${n}-${Date.now()}@example.test`;
  const password = 'correct horse battery staple';
  expect((await json(`${base}/v1/users`, 'POST', { body: { email, password } })).status).toBe(201);
  const session = await json(`${base}/v1/sessions`, 'POST', { body: { email, password } });
  expect(session.status).toBe(201);
  return session.body.token as string;
}

/** 8 clients over two accounts (a password hash costs 0.4 s here), each in a loop. */
async function startLoad(base: string): Promise<Load> {
  const sessions = [await signUp(base, 1), await signUp(base, 2)];
  let running = true;
  const load: Omit<Load, 'stop'> = { created: 0, refused: 0, acknowledged: [], unexpected: [] };
  const count = (what: string, answer: { status: number; body: any } | Error) => {
    if (answer instanceof Error) {
      load.unexpected.push(`${what}: ${answer.message} ${String(answer.cause ?? '')}`);
    } else if (answer.status === 503 && OUTAGE_CODES.has(answer.body?.code)) {
      load.refused += 1;
    } else if (answer.status >= 300) {
      load.unexpected.push(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
  };
  const client = async (n: number) => {
    const session = sessions[n % sessions.length]!;
    for (let i = 0; running; i++) {
      const made = await json(`${base}/v1/users/me/tokens`, 'POST', {
        token: session,
        body: { name: `chaos ${n} ${i}` },
      }).catch((error: Error) => error);
      count('create', made);
      if (made instanceof Error || made.status !== 201) continue;
      load.created += 1;
      load.acknowledged.push(made.body.secret);
      const me = await json(`${base}/v1/users/me`, 'GET', { token: made.body.secret }).catch(
        (error: Error) => error,
      );
      count('authenticate', me);
    }
  };
  const clients = Array.from({ length: CLIENTS }, (_, n) => client(n));
  return Object.assign(load, {
    stop: async () => {
      running = false;
      await Promise.all(clients);
    },
  });
}

describe.runIf(BACKEND === 'postgres')('the service process when PostgreSQL goes away', () => {
  let cluster: PgCluster;
  let service: TokenService;
  let dataDir: string;

  beforeAll(async () => {
    // An acknowledged commit must outlive an immediate shutdown (a crash), which the
    // throwaway cluster's synchronous_commit=off does not promise.
    cluster = await startCluster({ databases: ['chaos'], settings: { synchronous_commit: 'on' } });
    dataDir = mkdtempSync(join(tmpdir(), 'token-service-chaos-'));
    service = await startTokenService(dataDir, 0, { DATABASE_URL: cluster.url });
  });
  afterAll(async () => {
    await service?.stop();
    await cluster?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Resolves once `done()` holds; fails at once if the service process has ended. */
  const until = async (what: string, done: () => boolean) => {
    while (!done()) {
      if (service.child.exitCode !== null) {
        throw new Error(`the service died (${what}):\n${service.output.join('').slice(-3000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it('survives fast and immediate shutdowns and killed connections, answering 503 meanwhile, and loses nothing it acknowledged', async () => {
    const load = await startLoad(service.url);
    const admin = new pg.Client({ connectionString: cluster.url, application_name: 'chaos' });
    admin.on('error', () => undefined);
    const events: string[] = [];
    try {
      await until('first tokens', () => load.created >= CLIENTS);
      for (const mode of ['fast', 'immediate', 'fast', 'immediate', 'fast', 'immediate'] as const) {
        // Down until the load has been refused, then up until it creates tokens again.
        const refused = load.refused;
        await cluster.stopServer(mode);
        await until(`${mode} shutdown`, () => load.refused > refused);
        await cluster.startServer();
        const created = load.created;
        await until(`after a ${mode} shutdown`, () => load.created >= created + CLIENTS);
        events.push(mode);
      }
      await admin.connect();
      for (let i = 0; i < 5; i++) {
        const created = load.created;
        await until('load before killing connections', () => load.created >= created + CLIENTS);
        const killed = await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'token-desk'",
        );
        events.push(`terminated ${killed.rowCount}`);
      }
      const created = load.created;
      await until('load after the last event', () => load.created >= created + CLIENTS);
    } finally {
      await load.stop();
      await admin.end().catch(() => undefined);
    }

    expect(service.child.exitCode).toBeNull();
    expect(events).toHaveLength(11);
    expect(load.unexpected).toEqual([]);
    expect(load.refused).toBeGreaterThan(0);

    // Every token the service said it created works.
    const secrets = [...load.acknowledged];
    let usable = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let secret = secrets.pop(); secret; secret = secrets.pop()) {
          if ((await json(`${service.url}/v1/users/me`, 'GET', { token: secret })).status === 200) {
            usable += 1;
          }
        }
      }),
    );
    expect(usable).toBe(load.acknowledged.length);

    // The log: an outage is one warning and its end another, never an error with a stack.
    const lines = service.output
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string; code?: string });
    expect(service.output.join('')).not.toMatch(/Unhandled 'error' event/);
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
    const reports = lines.filter((line) => line.msg !== 'request' && line.level === 40);
    const down = reports.filter((line) => line.code === 'database_unavailable').length;
    const up = reports.filter((line) => line.code === 'database_available').length;
    // Each shutdown is one outage; killed connections are one, or none when no request
    // was using them. Never one per refused request, nor a shutdown reported twice.
    expect(down).toBeGreaterThanOrEqual(6);
    expect(down).toBeLessThanOrEqual(events.length);
    expect(up).toBe(down);
  });
});
