#!/usr/bin/env node
// `npm run chaos:postgres`: the token service in PostgreSQL mode under load while its
// database goes away, as an operator would see it. Asserts nothing: prints what happened.
//
//   npm run chaos:postgres
//   CHAOS_SERVICE=/tmp/old/out/service/server/main.js node scripts/chaos-postgres.mjs
//
// One throwaway cluster (scripts/pg-cluster.mjs) behind a relay the script can freeze
// (tests/support/server/db-relay.mjs), the built service as a process on it, and 8 clients, each
// with an account of its own, authenticating with an API token and creating tokens in a
// loop. Meanwhile PostgreSQL is stopped with a fast shutdown for 4 s and started again,
// CHAOS_FAST times (5); then with an immediate shutdown (a crash), CHAOS_IMMEDIATE times
// (2); the service's connections are killed from the server side with
// pg_terminate_backend, CHAOS_TERMINATE times (3); and finally the relay is frozen for
// CHAOS_STALL_MS (20,000): a database that is there and does not answer. A service process
// that dies is counted and started again. Afterwards every token that was acknowledged
// (201) is tried (GET /v1/users/me must answer 200), and each account's list tells how
// many tokens exist that were never acknowledged.
//
// Printed: restarts survived, requests by answer (2xx, 503 and its code, 500, other,
// none), per phase, tokens acknowledged vs usable, the longest request during the stall,
// and the service's warn and error log lines (CHAOS_VERBOSE=1: each warning, with its phase).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startRelay } from '../tests/support/server/db-relay.mjs';
import { HOST, freePort, sleep, spawnService, waitForHealth } from './lib/process.mjs';
import { startCluster } from './pg-cluster.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const SERVICE = resolve(process.env.CHAOS_SERVICE ?? join(ROOT, 'out/service/server/main.js'));
const CLIENTS = 8;
/** @param {string} name @param {number} fallback */
const setting = (name, fallback) => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number`);
  return value;
};
const FAST = setting('CHAOS_FAST', 5);
const IMMEDIATE = setting('CHAOS_IMMEDIATE', 2);
const TERMINATE = setting('CHAOS_TERMINATE', 3);
const DOWN_MS = setting('CHAOS_DOWN_MS', 4000);
const UP_MS = setting('CHAOS_UP_MS', 4000);
const STALL_MS = setting('CHAOS_STALL_MS', 20_000);
// Longer than the stall: a request the service never answers still ends, and says so.
const REQUEST_TIMEOUT_MS = STALL_MS + 60_000;

const fmt = (/** @type {number} */ n) => n.toLocaleString('en-US');

// ---- the service as a process, started again if it dies ----

/**
 * @typedef {object} ServiceProcess
 * @property {import('node:child_process').ChildProcess} child
 * @property {Promise<number | null>} exited
 */

const serviceLog = {
  warn: 0,
  error: 0,
  stacks: 0,
  other: /** @type {string[]} */ ([]),
  /** The service's own warnings (not request lines), in order, with the phase they came in. */
  warnings: /** @type {string[]} */ ([]),
};
/** @type {string[]} the last lines the service printed, for a death's cause */
let lastLines = [];
const deaths = /** @type {{ phase: string, code: number | null, cause: string }[]} */ ([]);

/** @param {string} line */
function readLogLine(line) {
  lastLines.push(line);
  if (lastLines.length > 40) lastLines = lastLines.slice(-40);
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    serviceLog.other.push(line);
    return;
  }
  if (entry.level === 40) {
    serviceLog.warn += 1;
    serviceLog.warnings.push(`${phase}: ${entry.msg}`);
  }
  if (entry.level >= 50) serviceLog.error += 1;
  if (entry.err?.stack) serviceLog.stacks += 1;
}

/**
 * @param {Record<string, string>} env
 * @param {number} port
 * @returns {Promise<ServiceProcess>}
 */
async function startService(env, port) {
  const { child, exited, base } = spawnService({
    entry: SERVICE,
    port,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.on('data', (chunk) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) readLogLine(line);
    });
  }
  await waitForHealth(base, { child, timeoutMs: 30_000, intervalMs: 100 }).catch((error) => {
    throw new Error(`${error.message}:\n${lastLines.join('\n')}`);
  });
  return { child, exited };
}

// ---- load ----

/**
 * @typedef {object} Tally
 * @property {number} ok
 * @property {Record<string, number>} unavailable 503 by code
 * @property {number} internal 500
 * @property {Record<string, number>} other any other status, by status and code
 * @property {Record<string, number>} none no answer, by reason
 * @property {number} longest ms, the longest request
 */

/** @returns {Tally} */
const tally = () => ({ ok: 0, unavailable: {}, internal: 0, other: {}, none: {}, longest: 0 });
/** @type {Record<string, Tally>} */
const byPhase = {};
let phase = 'setup';
const stall = { from: Infinity, to: Infinity, longest: 0, during: 0 };
let running = true;

/** @param {Record<string, number>} counts @param {string} key */
const bump = (counts, key) => (counts[key] = (counts[key] ?? 0) + 1);

/**
 * One request, counted under the phase it started in.
 * @param {string} base
 * @param {string} method
 * @param {string} path
 * @param {{ token?: string, body?: unknown }} [init]
 * @returns {Promise<{ status: number, body: any } | null>}
 */
async function request(base, method, path, init = {}) {
  const counts = (byPhase[phase] ??= tally());
  const started = performance.now();
  /** @type {{ status: number, body: any } | null} */
  let result = null;
  try {
    const response = await fetch(base + path, {
      method,
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
      body: init.body ? JSON.stringify(init.body) : undefined,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    result = { status: response.status, body };
    const code = typeof body === 'object' && body ? String(body.code) : '';
    if (response.status < 300) counts.ok += 1;
    else if (response.status === 503) bump(counts.unavailable, code);
    else if (response.status === 500) counts.internal += 1;
    else bump(counts.other, `${response.status} ${code}`);
  } catch (error) {
    const cause = /** @type {{ cause?: { code?: string }, name?: string }} */ (error);
    bump(counts.none, cause.name === 'TimeoutError' ? 'timeout' : (cause.cause?.code ?? 'error'));
  }
  const ended = performance.now();
  counts.longest = Math.max(counts.longest, ended - started);
  if (started <= stall.to && ended >= stall.from) {
    stall.during += 1;
    stall.longest = Math.max(stall.longest, ended - started);
  }
  return result;
}

/**
 * @typedef {object} Account
 * @property {string} session
 * @property {{ id: string, secret: string }[]} acknowledged tokens answered 201
 */

/** @param {string} base @param {number} n @returns {Promise<Account>} */
async function signUp(base, n) {
  const email = `chaos-${n}-${process.pid}-${Date.now()}@example.test`;
  const password = 'correct horse battery staple';
  for (;;) {
    const created = await request(base, 'POST', '/v1/users', { body: { email, password } });
    if (created?.status === 201 || created?.status === 409) break;
    await sleep(200);
  }
  for (;;) {
    const session = await request(base, 'POST', '/v1/sessions', { body: { email, password } });
    if (session?.status === 201) return { session: session.body.token, acknowledged: [] };
    await sleep(200);
  }
}

/** @type {Account[]} */
const accounts = [];

/**
 * @param {() => string} base
 * @param {number} n
 * @param {Account} first
 */
async function client(base, n, first) {
  let account = first;
  let created = 0;
  while (running) {
    const latest = account.acknowledged.at(-1);
    if (latest) {
      const me = await request(base(), 'GET', '/v1/users/me', { token: latest.secret });
      if (me?.status !== 200) await sleep(5);
    }
    const made = await request(base(), 'POST', '/v1/users/me/tokens', {
      token: account.session,
      body: { name: `chaos ${n} ${++created}` },
    });
    if (made?.status === 201) {
      account.acknowledged.push({ id: made.body.id, secret: made.body.secret });
    } else {
      if (made?.status === 409 && made.body?.code === 'too_many_tokens') {
        account = await signUp(base(), n + CLIENTS * accounts.length);
        accounts.push(account);
      }
      await sleep(5);
    }
  }
}

// ---- the run ----

async function main() {
  console.log(`chaos:postgres: ${SERVICE}`);
  // An acknowledged commit must survive an immediate shutdown (a crash): the throwaway
  // cluster's synchronous_commit=off would lose the last ones, in any build.
  const cluster = await startCluster({ settings: { synchronous_commit: 'on' } });
  const relay = await startRelay({ port: cluster.port });
  const dataDir = mkdtempSync(join(tmpdir(), 'token-desk-chaos-'));
  const port = await freePort();
  const base = `http://${HOST}:${port}`;
  const env = {
    DATABASE_URL: relay.urlFor(cluster.url),
    TOKEN_DESK_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  };
  let service = await startService(env, port);
  let restarting = Promise.resolve();
  const watch = () => {
    const current = service;
    void current.exited.then((code) => {
      if (!running && phase === 'done') return;
      deaths.push({
        phase,
        code,
        cause:
          lastLines.find((line) => /Error|error/.test(line) && !line.startsWith('{')) ??
          lastLines.at(-1) ??
          '',
      });
      restarting = (async () => {
        for (;;) {
          try {
            service = await startService(env, port);
            watch();
            return;
          } catch {
            await sleep(500);
          }
        }
      })();
    });
  };
  watch();

  // One at a time: the service hashes one password per address at a time (429 otherwise).
  for (let n = 1; n <= CLIENTS; n++) accounts.push(await signUp(base, n));
  phase = 'warm-up';
  const loads = accounts.map((account, n) => client(() => base, n + 1, account));
  await sleep(2000);

  const rounds = { planned: FAST + IMMEDIATE + TERMINATE, survived: 0 };
  const admin = async (/** @type {string} */ text) => {
    const direct = new pg.Client({ connectionString: cluster.url, application_name: 'chaos' });
    direct.on('error', () => undefined);
    await direct.connect();
    try {
      return (await direct.query(text)).rows;
    } finally {
      await direct.end();
    }
  };
  /** @param {string} name @param {() => Promise<void>} outage */
  const round = async (name, outage) => {
    phase = name;
    const deathsBefore = deaths.length;
    await outage();
    await sleep(UP_MS);
    await restarting;
    if (deaths.length === deathsBefore) rounds.survived += 1;
  };
  for (let i = 0; i < FAST; i++) {
    await round('fast shutdown', async () => {
      await cluster.stopServer('fast');
      await sleep(DOWN_MS);
      await cluster.startServer();
    });
  }
  for (let i = 0; i < IMMEDIATE; i++) {
    await round('immediate shutdown', async () => {
      await cluster.stopServer('immediate');
      await sleep(DOWN_MS);
      await cluster.startServer();
    });
  }
  for (let i = 0; i < TERMINATE; i++) {
    await round('pg_terminate_backend', async () => {
      await admin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'token-desk'",
      );
    });
  }
  phase = 'stall';
  relay.freeze();
  stall.from = performance.now();
  await sleep(STALL_MS);
  relay.thaw();
  stall.to = performance.now();
  phase = 'after the stall';
  await sleep(UP_MS);
  running = false;
  await Promise.all(loads);
  await restarting;
  phase = 'check';

  // Every acknowledged token must work; each account's list says what else exists.
  let acknowledged = 0;
  let usable = 0;
  let existing = 0;
  for (const account of accounts) {
    acknowledged += account.acknowledged.length;
    const queue = [...account.acknowledged];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let token = queue.pop(); token; token = queue.pop()) {
          const me = await request(base, 'GET', '/v1/users/me', { token: token.secret });
          if (me?.status === 200) usable += 1;
        }
      }),
    );
    const list = await request(base, 'GET', '/v1/users/me/tokens', { token: account.session });
    if (Array.isArray(list?.body)) existing += list.body.length;
  }
  phase = 'done';
  service.child.kill('SIGTERM');
  await service.exited;
  await relay.close();
  await cluster.stop();
  rmSync(dataDir, { recursive: true, force: true });

  const total = tally();
  const phases = Object.entries(byPhase).filter(([name]) => name !== 'check' && name !== 'setup');
  for (const [, counts] of phases) {
    total.ok += counts.ok;
    total.internal += counts.internal;
    total.longest = Math.max(total.longest, counts.longest);
    for (const key of ['unavailable', 'other', 'none']) {
      const into = /** @type {Record<string, number>} */ (total[/** @type {'other'} */ (key)]);
      for (const [code, n] of Object.entries(counts[/** @type {'other'} */ (key)])) {
        into[code] = (into[code] ?? 0) + n;
      }
    }
  }
  /** @param {Tally} t */
  const line = (t) => {
    const sum = (/** @type {Record<string, number>} */ r) =>
      Object.values(r).reduce((a, b) => a + b, 0);
    const list = (/** @type {Record<string, number>} */ r) =>
      Object.entries(r)
        .map(([k, n]) => `${k || '(no code)'} ${fmt(n)}`)
        .join(', ');
    return [
      `2xx ${fmt(t.ok)}`,
      `503 ${fmt(sum(t.unavailable))}${sum(t.unavailable) ? ` (${list(t.unavailable)})` : ''}`,
      `500 ${fmt(t.internal)}`,
      `other ${fmt(sum(t.other))}${sum(t.other) ? ` (${list(t.other)})` : ''}`,
      `no answer ${fmt(sum(t.none))}${sum(t.none) ? ` (${list(t.none)})` : ''}`,
      `longest ${(t.longest / 1000).toFixed(2)} s`,
    ].join('; ');
  };
  console.log('');
  console.log(
    `rounds: ${FAST} fast shutdowns and ${IMMEDIATE} immediate ones of ${DOWN_MS / 1000} s, ` +
      `${TERMINATE} pg_terminate_backend, ${UP_MS / 1000} s of load after each; a ${STALL_MS / 1000} s stall`,
  );
  console.log(
    `restarts survived: ${rounds.survived} of ${rounds.planned} (service process deaths: ${deaths.length})`,
  );
  for (const death of deaths) {
    console.log(`  died during ${death.phase} (exit ${death.code}): ${death.cause.slice(0, 300)}`);
  }
  console.log(`requests: ${line(total)}`);
  for (const [name, counts] of phases) console.log(`  ${name}: ${line(counts)}`);
  console.log(
    `tokens: ${fmt(acknowledged)} acknowledged, ${fmt(usable)} usable afterwards; ` +
      `${fmt(existing - acknowledged)} exist that were never acknowledged`,
  );
  console.log(
    `stall: ${fmt(stall.during)} requests overlapped it, the longest took ${(stall.longest / 1000).toFixed(2)} s`,
  );
  console.log(
    `service log: ${fmt(serviceLog.warn)} warn lines, ${fmt(serviceLog.error)} error lines ` +
      `(${fmt(serviceLog.stacks)} with a stack), ${fmt(serviceLog.other.length)} lines that are not JSON`,
  );
  for (const other of serviceLog.other.slice(0, 5)) console.log(`  ${other.slice(0, 200)}`);
  if (process.env.CHAOS_VERBOSE) {
    for (const warning of serviceLog.warnings) console.log(`  ${warning.slice(0, 300)}`);
  }
}

main().catch((error) => {
  console.error(`chaos:postgres: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
