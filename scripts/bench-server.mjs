#!/usr/bin/env node
// `npm run bench:server`: throughput of an authenticated route against /v1/health,
// measured side by side under the same wrk load, and list latency at 10,000 tokens.
// Prints ratios and percentiles; it asserts nothing (these machines are noisy).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const TOKENS = Number(process.env.BENCH_TOKENS ?? 10_000);
const LIST_SAMPLES = Number(process.env.BENCH_LIST_SAMPLES ?? 200);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'warn';

function need(tool, hint) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    console.error(`bench:server needs '${tool}' (${hint}).`);
    process.exit(69);
  }
}
need('wrk', 'apt-get install wrk');

const pinned = cpus().length >= 2 && spawnSync('sh', ['-c', 'command -v taskset']).status === 0;
const onCore = (core, argv) => (pinned ? ['taskset', '-c', String(core), ...argv] : argv);

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

const dataDir = mkdtempSync(join(tmpdir(), 'token-desk-bench-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const [command, ...args] = onCore(1, [process.execPath, 'out/service/server/main.js']);
const service = spawn(command, args, {
  env: {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    TOKEN_DESK_DATA_DIR: dataDir,
    LOG_LEVEL,
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

async function account(email) {
  const password = 'benchmark password';
  await call('POST', '/v1/users', { body: { email, password } });
  return (await call('POST', '/v1/sessions', { body: { email, password } })).token;
}

function wrk(path, token) {
  const argv = onCore(0, [
    'wrk',
    '-t1',
    `-c${CONNECTIONS}`,
    `-d${SECONDS}s`,
    ...(token ? ['-H', `Authorization: Bearer ${token}`] : []),
    base + path,
  ]);
  const output = execFileSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  if (!rps) throw new Error(`could not read wrk's output:\n${output}`);
  if (non2xx) throw new Error(`${non2xx[1]} failed responses on ${path}`);
  return Number(rps[1]);
}

console.log(
  `token service benchmark: ${ROUNDS} alternating rounds of ${SECONDS}s, ${CONNECTIONS} connections, ` +
    `log level ${LOG_LEVEL}, ${pinned ? 'wrk on core 0, service on core 1' : 'NOT pinned (fewer than 2 cores or no taskset)'}`,
);

const session = await account('bench@example.test');
const { secret } = await call('POST', '/v1/users/me/tokens', {
  token: session,
  body: { name: 'bench' },
});

wrk('/v1/health'); // warm-up, not counted
const ratios = [];
for (let round = 1; round <= ROUNDS; round++) {
  const health = wrk('/v1/health');
  const me = wrk('/v1/users/me', secret);
  ratios.push(me / health);
  console.log(
    `  round ${round}: GET /v1/health ${health.toFixed(0)} req/s, GET /v1/users/me (API token) ${me.toFixed(0)} req/s, ratio ${(me / health).toFixed(3)}`,
  );
}
const ratio = median(ratios);
console.log(
  `authenticated/health throughput ratio, median of ${ROUNDS}: ${ratio.toFixed(3)} (target ≥ 0.75) ${ratio >= 0.75 ? 'MET' : 'NOT MET'}`,
);

const heavy = await account('many-tokens@example.test');
const started = performance.now();
for (let created = 0; created < TOKENS;) {
  const batch = Math.min(50, TOKENS - created);
  await Promise.all(
    Array.from({ length: batch }, (_, i) =>
      call('POST', '/v1/users/me/tokens', {
        token: heavy,
        body: { name: `pipeline-${created + i}` },
      }),
    ),
  );
  created += batch;
}
console.log(`created ${TOKENS} tokens in ${((performance.now() - started) / 1000).toFixed(1)}s`);

const samples = [];
let count = 0;
for (let i = 0; i < LIST_SAMPLES + 10; i++) {
  const t0 = performance.now();
  const response = await fetch(`${base}/v1/users/me/tokens`, {
    headers: { authorization: `Bearer ${heavy}` },
  });
  const body = await response.text();
  const elapsed = performance.now() - t0; // until the whole body has arrived
  if (i === 0) count = JSON.parse(body).length;
  if (i >= 10) samples.push(elapsed); // the first 10 warm up
}
const p50 = percentile(samples, 50);
const p99 = percentile(samples, 99);
console.log(
  `GET /v1/users/me/tokens with ${count} tokens, ${LIST_SAMPLES} sequential requests (request sent until the whole body arrived): ` +
    `p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (target p50 < 20 ms) ${p50 < 20 ? 'MET' : 'NOT MET'}`,
);
stop();
process.exit(0);
