#!/usr/bin/env node
// `npm run bench:server`: throughput of an authenticated route against /v1/health, measured
// side by side under the same wrk load, at LOG_LEVEL=info and =warn, and list latency at
// 10,000 tokens. For each route it also prints the service's own CPU time per request (user +
// system from /proc/<pid>/stat, divided by the requests wrk completed), which does not depend
// on whether wrk saturates its core. BENCH_BASELINE=<path to another build's main.js> runs
// that build alongside in the same rounds, for before/after figures from one run.
// Prints ratios, µs and percentiles; it asserts nothing (these machines are noisy).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const TOKENS = Number(process.env.BENCH_TOKENS ?? 10_000);
const LIST_SAMPLES = Number(process.env.BENCH_LIST_SAMPLES ?? 200);
const BASELINE = process.env.BENCH_BASELINE;
const TICKS_PER_SECOND = 100; // USER_HZ, 100 on Linux for every architecture Node supports

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

/** User + system CPU seconds of a process so far (fields 14 and 15 of /proc/<pid>/stat). */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

const services = [];
process.on('exit', () => {
  for (const s of services) {
    s.child.kill('SIGTERM');
    rmSync(s.dataDir, { recursive: true, force: true });
  }
});

async function call(base, method, path, { token, body } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body) headers['content-type'] = 'application/json';
  const request = () => fetch(base + path, { method, headers, body: body && JSON.stringify(body) });
  // A keep-alive socket left idle through the wrk rounds can be closed by the service just
  // as it is reused ("other side closed", nothing processed): one retry on a fresh socket.
  const response = await request().catch(() => request());
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function account(base, email) {
  const password = 'benchmark password';
  await call(base, 'POST', '/v1/users', { body: { email, password } });
  return (await call(base, 'POST', '/v1/sessions', { body: { email, password } })).token;
}

async function startService(label, entry, logLevel) {
  const dataDir = mkdtempSync(join(tmpdir(), 'token-desk-bench-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const [command, ...args] = onCore(1, [process.execPath, entry]);
  // taskset execs node, so the child's pid is the service's.
  const child = spawn(command, args, {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      TOKEN_DESK_DATA_DIR: dataDir,
      LOG_LEVEL: logLevel,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const service = { label, base, child, dataDir, health: [], me: [], healthUs: [], meUs: [] };
  services.push(service);
  for (let i = 0; ; i++) {
    try {
      await call(base, 'GET', '/v1/health');
      break;
    } catch {
      if (i > 200) throw new Error(`the service (${label}) did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  service.session = await account(base, 'bench@example.test');
  service.secret = (
    await call(base, 'POST', '/v1/users/me/tokens', {
      token: service.session,
      body: { name: 'bench' },
    })
  ).secret;
  return service;
}

/** Requests per second and the service's CPU µs per request for one wrk run. */
function wrk(service, path, token) {
  const argv = onCore(0, [
    'wrk',
    '-t1',
    `-c${CONNECTIONS}`,
    `-d${SECONDS}s`,
    ...(token ? ['-H', `Authorization: Bearer ${token}`] : []),
    service.base + path,
  ]);
  const before = cpuSeconds(service.child.pid);
  const output = execFileSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  const after = cpuSeconds(service.child.pid);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
  const total = /(\d+) requests in/.exec(output);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  if (!rps || !total) throw new Error(`could not read wrk's output:\n${output}`);
  if (non2xx) throw new Error(`${non2xx[1]} failed responses on ${path} (${service.label})`);
  return { rps: Number(rps[1]), us: ((after - before) * 1e6) / Number(total[1]) };
}

console.log(
  `token service benchmark: ${ROUNDS} alternating rounds of ${SECONDS}s per route and service, ` +
    `${CONNECTIONS} connections, ${pinned ? 'wrk on core 0, services on core 1' : 'NOT pinned (fewer than 2 cores or no taskset)'}`,
);

const entries = [
  ...(BASELINE ? [['baseline', BASELINE]] : []),
  ['current', 'out/service/server/main.js'],
];
for (const [name, entry] of entries) {
  for (const level of ['info', 'warn']) await startService(`${name} ${level}`, entry, level);
}
for (const service of services) wrk(service, '/v1/health'); // warm-up, not counted
for (let round = 1; round <= ROUNDS; round++) {
  const parts = [];
  for (const service of services) {
    const health = wrk(service, '/v1/health');
    const me = wrk(service, '/v1/users/me', service.secret);
    service.health.push(health.rps);
    service.me.push(me.rps);
    service.healthUs.push(health.us);
    service.meUs.push(me.us);
    parts.push(`${service.label}: health ${health.rps.toFixed(0)}, me ${me.rps.toFixed(0)}`);
  }
  console.log(`  round ${round} (req/s): ${parts.join('; ')}`);
}

const row = (service) => {
  const ratios = service.me.map((me, i) => me / service.health[i]);
  const authUs = service.meUs.map((us, i) => us - service.healthUs[i]);
  return {
    health: median(service.health),
    me: median(service.me),
    ratio: median(ratios),
    healthUs: median(service.healthUs),
    meUs: median(service.meUs),
    authUs: median(authUs),
  };
};
console.log(
  '\nmedians of the rounds: req/s, service CPU µs per request, ratio GET /v1/users/me (API token) / GET /v1/health',
);
const rows = new Map();
for (const service of services) {
  const r = row(service);
  rows.set(service.label, r);
  console.log(
    `  ${service.label.padEnd(13)} health ${r.health.toFixed(0).padStart(6)} req/s ${r.healthUs.toFixed(1).padStart(5)} µs | ` +
      `me ${r.me.toFixed(0).padStart(6)} req/s ${r.meUs.toFixed(1).padStart(5)} µs | ratio ${r.ratio.toFixed(3)} | ` +
      `authentication ${r.authUs.toFixed(1)} µs per request`,
  );
}
for (const [name] of entries) {
  const info = services.find((s) => s.label === `${name} info`);
  const warn = services.find((s) => s.label === `${name} warn`);
  const logRatio = median(info.health.map((h, i) => h / warn.health[i]));
  const authRatio = rows.get(`${name} info`).ratio;
  console.log(
    `${name}: health at info / health at warn, median of ${ROUNDS}: ${logRatio.toFixed(3)} (target ≥ 0.8) ${logRatio >= 0.8 ? 'MET' : 'NOT MET'}; ` +
      `authenticated / health at info: ${authRatio.toFixed(3)} (target ≥ 0.85) ${authRatio >= 0.85 ? 'MET' : 'NOT MET'}; ` +
      `authentication costs ${rows.get(`${name} info`).authUs.toFixed(1)} µs of service CPU per request at info`,
  );
}

const listed = services.find((s) => s.label === 'current info');
const heavy = await account(listed.base, 'many-tokens@example.test');
const started = performance.now();
for (let created = 0; created < TOKENS;) {
  const batch = Math.min(50, TOKENS - created);
  await Promise.all(
    Array.from({ length: batch }, (_, i) =>
      call(listed.base, 'POST', '/v1/users/me/tokens', {
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
  const response = await fetch(`${listed.base}/v1/users/me/tokens`, {
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
process.exit(0);
