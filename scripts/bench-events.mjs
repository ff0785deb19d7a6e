#!/usr/bin/env node
// `npm run bench:events`: latency of one page of GET /v1/users/me/events with 100,000
// events in one account, on the built service (`npm run build:server` first; out/service).
// Prints p50/p99 for the first page, a deep page reached by cursor, and two filtered first
// pages. It asserts nothing (these machines are noisy). Target: p50 < 20 ms.
//
//   npm run build:server && node scripts/bench-events.mjs
//
// The events are written into the service's SQLite file through the service's own
// EventStore (as the routes would record them, but without 100,000 HTTP round trips),
// spread over a year and over 200 real tokens and the kinds a busy account sees.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { percentile, timeGets } from './lib/measure.mjs';
import { cleanUpOnExit, freePort, spawnService, waitForHealth } from './lib/process.mjs';
import { call, createTokens, signUp } from './lib/service-api.mjs';
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

const run = cleanUpOnExit();
const dataDir = run.tempDir('token-desk-bench-events-');
const { child: service, base } = spawnService({
  entry: SERVICE,
  port: await freePort(),
  env: { TOKEN_DESK_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
});
run.track(service);
await waitForHealth(base, { child: service });

const signedIn = await signUp(base, 'events@example.test');
const session = signedIn.token;
const userId = signedIn.user.id;
// Another account with its own events, so the index holds more than one user.
await call(base, 'POST', '/v1/users', {
  body: { email: 'other@example.test', password: 'benchmark password' },
});
const tokens = await createTokens(base, session, 200);

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
  const { times, first } = await timeGets(base + path, session, SAMPLES);
  const count = first.events.length;
  const p50 = percentile(times, 50);
  const p99 = percentile(times, 99);
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
    base,
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
process.exit(0);
