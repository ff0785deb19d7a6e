#!/usr/bin/env node
// Issue 8: latency of one page of GET /v1/users/me/events with 100,000 events in one
// account, on the built service (`npm run build:server` first; out/service). Prints
// p50/p99 for the first page, a deep page reached by cursor, and two filtered first
// pages. It asserts nothing (these machines are noisy). Target: p50 < 20 ms.
//
//   npm run build:server && node scripts/bench-events.mjs
//
// The events are written into the service's SQLite file through the service's own
// EventStore (as the routes would record them, but without 100,000 HTTP round trips),
// spread over a year and over 200 real tokens and the kinds a busy account sees.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { seedEvents } from './seed-events.mjs';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);
const LIMIT = Number(process.env.BENCH_PAGE ?? 50);
const DEEP_PAGES = Number(process.env.BENCH_DEEP_PAGES ?? 1000);
const SERVICE = 'out/service/server/main.js';

if (!existsSync(SERVICE)) {
  console.error(`bench-events needs the built service (${SERVICE}): run npm run build:server.`);
  process.exit(69);
}
const { SqliteDatabase } = await import('../out/service/server/storage/sqlite-database.js');
const { EventStore } = await import('../out/service/server/features/events/store.js');

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

const dataDir = mkdtempSync(join(tmpdir(), 'token-desk-bench-events-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const service = spawn(process.execPath, [SERVICE], {
  env: {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    TOKEN_DESK_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const stop = () => {
  service.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
};
process.on('exit', stop);

async function call(method, path, { token, body } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body) headers['content-type'] = 'application/json';
  const response = await fetch(base + path, {
    method,
    headers,
    body: body && JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}
for (let i = 0; ; i++) {
  try {
    await call('GET', '/v1/health');
    break;
  } catch {
    if (i > 200) throw new Error('the service did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const email = 'events@example.test';
const password = 'benchmark password';
await call('POST', '/v1/users', { body: { email, password } });
const signedIn = await call('POST', '/v1/sessions', { body: { email, password } });
const session = signedIn.token;
const userId = signedIn.user.id;
// Another account with its own events, so the index holds more than one user.
await call('POST', '/v1/users', { body: { email: 'other@example.test', password } });
const tokens = [];
for (let i = 0; i < 200; i++) {
  tokens.push(
    await call('POST', '/v1/users/me/tokens', { token: session, body: { name: `pipeline-${i}` } }),
  );
}

const seeded = performance.now();
await seedEvents({
  SqliteDatabase,
  EventStore,
  file: join(dataDir, 'token-service.sqlite'),
  userId,
  tokens,
  count: EVENTS,
});
console.log(
  `seeded ${EVENTS} events (+${tokens.length + 1} from HTTP) in ${((performance.now() - seeded) / 1000).toFixed(1)}s`,
);

async function timed(label, path) {
  const samples = [];
  let count = 0;
  for (let i = 0; i < SAMPLES + 10; i++) {
    const t0 = performance.now();
    const response = await fetch(base + path, { headers: { authorization: `Bearer ${session}` } });
    const body = await response.text();
    const elapsed = performance.now() - t0; // until the whole body has arrived
    if (response.status !== 200) throw new Error(`${path} → ${response.status}: ${body}`);
    if (i === 0) count = JSON.parse(body).events.length;
    if (i >= 10) samples.push(elapsed); // the first 10 warm up
  }
  const p50 = percentile(samples, 50);
  const p99 = percentile(samples, 99);
  console.log(
    `${label} (${count} events, ${SAMPLES} sequential requests): p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms ` +
      `(target p50 < 20 ms) ${p50 < 20 ? 'MET' : 'NOT MET'}`,
  );
}

// Walk DEEP_PAGES pages by cursor to find a deep position.
let cursor = null;
const walked = performance.now();
for (let i = 0; i < DEEP_PAGES; i++) {
  const page = await call(
    'GET',
    `/v1/users/me/events?limit=${LIMIT}${cursor ? `&cursor=${cursor}` : ''}`,
    { token: session },
  );
  if (!page.nextCursor) break;
  cursor = page.nextCursor;
}
console.log(
  `walked ${DEEP_PAGES} pages of ${LIMIT} by cursor in ${((performance.now() - walked) / 1000).toFixed(1)}s`,
);

console.log(`GET /v1/users/me/events with ${EVENTS} events in the account, limit ${LIMIT}:`);
await timed('  first page', `/v1/users/me/events?limit=${LIMIT}`);
await timed(
  `  page ${DEEP_PAGES + 1} by cursor (${DEEP_PAGES * LIMIT} events deep)`,
  `/v1/users/me/events?limit=${LIMIT}&cursor=${cursor}`,
);
await timed(
  '  first page, tokenId filter',
  `/v1/users/me/events?limit=${LIMIT}&tokenId=${tokens[3].id}`,
);
await timed(
  '  first page, kind=token.refused,token.revoked',
  `/v1/users/me/events?limit=${LIMIT}&kind=token.refused,token.revoked`,
);
await timed('  first page, limit 200', '/v1/users/me/events?limit=200');
// The worst case: a kind the account never had, so every one of its events is looked at.
await timed(
  '  first page, a kind the account never had (destination.removed)',
  `/v1/users/me/events?limit=${LIMIT}&kind=destination.removed`,
);
stop();
process.exit(0);
