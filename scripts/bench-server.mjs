#!/usr/bin/env node
// `npm run bench:server`: the service's throughput, CPU cost per request and list latency,
// in one run. Prints ratios, µs and percentiles; it asserts nothing (these machines are noisy).
//
// SQLite (the default mode):
// - throughput of an authenticated route (GET /v1/users/me, API token) against /v1/health,
//   measured side by side under the same wrk load, at LOG_LEVEL=info and =warn, wrk pinned to
//   core 0 and the services to core 1. For each route also the service's own CPU time per
//   request (user + system from /proc/<pid>/stat, divided by the requests wrk completed), which
//   does not depend on whether wrk saturates its core; authenticated minus health is the cost
//   of authentication. BENCH_BASELINE=<path to another build's main.js> runs that build
//   alongside in the same rounds, for before/after figures from one run.
// - list latency (GET /v1/users/me/tokens) at 10,000 tokens created through the API.
// PostgreSQL (DATABASE_URL), on a throwaway cluster (scripts/pg-cluster.mjs), at LOG_LEVEL=info;
// skipped with a hint when PostgreSQL is not installed:
// - one instance: the same health / authenticated rounds, wrk and PostgreSQL sharing core 0,
//   the service alone on core 1, and the CPU µs per request of the service and of PostgreSQL;
// - one against two instances on the same database under the same load: two wrk processes
//   started at once, each with half the connections, both at instance A ("one") or one at A
//   and one at B ("two"), summed req/s of /v1/users/me. On this machine the two instances,
//   PostgreSQL and both wrk share the same cores (nothing pinned), so the ratio shows what a
//   second process gains when no CPU is idle, not what a second machine would;
// - list latency at 10,000 tokens, as for SQLite.
// The service logs of the PostgreSQL part are scanned for warnings, errors and failed
// requests, and wrk's non-2xx and socket-error counts are printed; then a summary block with
// every figure.
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, openSync, readFileSync, truncateSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import {
  cpuSeconds,
  median,
  percentile,
  processTree,
  sum,
  timeGets,
  treeCpuSeconds,
} from './lib/measure.mjs';
import { cleanUpOnExit, freePort, sleep, spawnService, waitForHealth } from './lib/process.mjs';
import { call, createTokens, signUp } from './lib/service-api.mjs';
import { POSTGRES_FIX, findPostgresBin, startCluster } from './pg-cluster.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const TOKENS = Number(process.env.BENCH_TOKENS ?? 10_000);
const LIST_SAMPLES = Number(process.env.BENCH_LIST_SAMPLES ?? 200);
const BASELINE = process.env.BENCH_BASELINE;
const ENTRY = 'out/service/server/main.js';

function need(tool, hint) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    console.error(`bench:server needs '${tool}' (${hint}).`);
    process.exit(69);
  }
}
need('wrk', 'apt-get install wrk');

const CORES = cpus().length;
const pinned = CORES >= 2 && spawnSync('sh', ['-c', 'command -v taskset']).status === 0;
const ALL_CORES = `0-${CORES - 1}`;
// core: a core number, or null (or undefined) for not pinned.
const onCore = (core, argv) =>
  pinned && core !== undefined && core !== null ? ['taskset', '-c', String(core), ...argv] : argv;

/** Moves running processes (all their threads) to `cores`; children they fork inherit it. */
function setAffinity(pids, cores) {
  if (!pinned) return;
  for (const pid of pids) {
    const result = spawnSync('taskset', ['-a', '-p', '-c', cores, String(pid)], {
      encoding: 'utf8',
    });
    // A PostgreSQL backend may have ended since it was listed; anything else is worth a line.
    if (result.status !== 0 && existsSync(`/proc/${pid}`)) {
      console.error(`bench:server: could not move pid ${pid} to cores ${cores}: ${result.stderr}`);
    }
  }
}

// Everything this run starts, so that a failure, Ctrl-C or SIGTERM leaves nothing behind
// (a PostgreSQL cluster still running is stopped by pg-cluster.mjs's own 'exit' hook).
const run = cleanUpOnExit({
  onSignal: (signal) =>
    console.error(`\nbench:server: ${signal}; stopping the services, wrk and PostgreSQL.`),
});
const services = [];

async function stopService(service) {
  if (service.child.exitCode === null && service.child.signalCode === null) {
    const exited = new Promise((resolve) => service.child.once('exit', resolve));
    service.child.kill('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    if (service.child.exitCode === null && service.child.signalCode === null) {
      service.child.kill('SIGKILL');
    }
  }
  run.removeDir(service.dataDir);
}

/** A session and an API token for `email`, created through the API. */
async function credentials(base, email) {
  const { token: session } = await signUp(base, email);
  const { secret } = await call(base, 'POST', '/v1/users/me/tokens', {
    token: session,
    body: { name: 'bench' },
  });
  return { session, secret };
}

/**
 * Starts the built service and waits until it answers. `core` null: not pinned.
 * `logFile`: where its stdout (the log) goes; by default nowhere, as in the SQLite figures.
 */
async function launch(label, entry, { logLevel, env = {}, core = 1, logFile } = {}) {
  const dataDir = run.tempDir('token-desk-bench-');
  const port = await freePort();
  // The mode is this script's choice, not the caller's shell's: SQLite unless env says otherwise.
  const { DATABASE_URL: _url, TOKEN_DESK_DATABASE_POOL_SIZE: poolSize, ...inherited } = process.env;
  const postgres = env.DATABASE_URL ? { TOKEN_DESK_DATABASE_POOL_SIZE: poolSize } : {};
  const { child, base } = spawnService({
    entry,
    port,
    inherit: inherited,
    prefix: onCore(core, []),
    env: { ...postgres, TOKEN_DESK_DATA_DIR: dataDir, LOG_LEVEL: logLevel, ...env },
    stdio: ['ignore', logFile ? openSync(logFile, 'a') : 'ignore', 'inherit'],
  });
  run.track(child);
  const service = { label, base, child, dataDir, health: [], me: [], healthUs: [], meUs: [] };
  await waitForHealth(base, { child, label: `the service (${label})` });
  return service;
}

async function startService(label, entry, logLevel) {
  const service = await launch(label, entry, { logLevel });
  services.push(service);
  Object.assign(service, await credentials(service.base, 'bench@example.test'));
  return service;
}

/** One wrk process; resolves with its figures once it has finished. */
function runWrk(url, { token, connections = CONNECTIONS, core } = {}) {
  const argv = onCore(core, [
    'wrk',
    '-t1',
    `-c${connections}`,
    `-d${SECONDS}s`,
    ...(token ? ['-H', `Authorization: Bearer ${token}`] : []),
    url,
  ]);
  return new Promise((resolve, reject) => {
    const child = run.track(
      spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] }),
    );
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('close', (status) => {
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
      const total = /(\d+) requests in/.exec(output);
      if (status !== 0 || !rps || !total) {
        reject(new Error(`wrk ${url} failed (exit status ${status}); its output:\n${output}`));
        return;
      }
      const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
      const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
        output,
      );
      resolve({
        rps: Number(rps[1]),
        total: Number(total[1]),
        non2xx: non2xx ? Number(non2xx[1]) : 0,
        socketErrors: socket ? sum(socket.slice(1).map(Number)) : 0,
      });
    });
  });
}

/** Requests per second and the service's CPU µs per request for one wrk run (SQLite part). */
async function wrk(service, path, token) {
  const before = cpuSeconds(service.child.pid);
  const run = await runWrk(service.base + path, { token, core: 0 });
  const after = cpuSeconds(service.child.pid);
  if (run.non2xx) throw new Error(`${run.non2xx} failed responses on ${path} (${service.label})`);
  return { rps: run.rps, us: ((after - before) * 1e6) / run.total };
}

/**
 * Several wrk processes started at once (`loads`: { service, connections, core }), each at
 * its own service; summed req/s, and CPU µs per request of the services involved and of
 * PostgreSQL (the whole cluster's process tree).
 */
async function load(loads, path, token, postmaster) {
  const pids = [...new Set(loads.map((l) => l.service.child.pid))];
  const serviceBefore = sum(pids.map(cpuSeconds));
  const postgresBefore = treeCpuSeconds(postmaster);
  const runs = await Promise.all(
    loads.map((l) =>
      runWrk(l.service.base + path, { token, connections: l.connections, core: l.core }),
    ),
  );
  const serviceCpu = sum(pids.map(cpuSeconds)) - serviceBefore;
  const postgresCpu = treeCpuSeconds(postmaster) - postgresBefore;
  const total = sum(runs.map((r) => r.total));
  return {
    rps: sum(runs.map((r) => r.rps)),
    serviceUs: (serviceCpu * 1e6) / total,
    postgresUs: (postgresCpu * 1e6) / total,
    non2xx: sum(runs.map((r) => r.non2xx)),
    socketErrors: sum(runs.map((r) => r.socketErrors)),
  };
}

/** Creates TOKENS tokens for a new account, then times LIST_SAMPLES sequential list calls. */
async function listLatency(base) {
  const { token: heavy } = await signUp(base, 'many-tokens@example.test');
  const started = performance.now();
  await createTokens(base, heavy, TOKENS);
  const createSeconds = (performance.now() - started) / 1000;
  const { times, first } = await timeGets(`${base}/v1/users/me/tokens`, heavy, LIST_SAMPLES);
  return {
    count: first.length,
    createSeconds,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
  };
}

/**
 * Counts a service log's lines at warn or above and request lines with a status ≥ 400, keeps
 * a few examples, then empties the file (it is on /dev/shm, in memory) for the next section.
 */
async function scanLog(file) {
  await sleep(400); // the service flushes its log buffer every 250 ms
  const found = { lines: 0, warnOrAbove: 0, failedRequests: 0, statuses: {}, examples: [] };
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    found.lines += 1;
    const level = Number(/"level":(\d+)/.exec(line)?.[1] ?? 0);
    const status = Number(/"status":(\d+)/.exec(line)?.[1] ?? 0);
    if (level >= 40) found.warnOrAbove += 1;
    if (status >= 400) {
      found.failedRequests += 1;
      found.statuses[status] = (found.statuses[status] ?? 0) + 1;
    }
    if ((level >= 40 || status >= 400) && found.examples.length < 3) {
      found.examples.push(line.length > 400 ? `${line.slice(0, 400)}…` : line);
    }
  }
  truncateSync(file, 0); // opened with O_APPEND, so the service keeps writing from the start
  return found;
}

const fmt = (value, digits = 0) => value.toFixed(digits);

// ---------------------------------------------------------------- SQLite

console.log(
  `token service benchmark: ${ROUNDS} alternating rounds of ${SECONDS}s per route and service, ` +
    `${CONNECTIONS} connections, ${pinned ? 'wrk on core 0, services on core 1' : 'NOT pinned (fewer than 2 cores or no taskset)'}`,
);
// Anything else running on the machine lands on the same cores; say how busy it was.
const loadAverage = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
console.log(`load average before the run: ${loadAverage()} (${CORES} cores)`);

const entries = [...(BASELINE ? [['baseline', BASELINE]] : []), ['current', ENTRY]];
const summary = { sqlite: {}, postgres: null, postgresSkipped: null, postgresError: null };
let cluster = null;
let exitCode = 0;

try {
  console.log('\nSQLite mode');
  for (const [name, entry] of entries) {
    for (const level of ['info', 'warn']) await startService(`${name} ${level}`, entry, level);
  }
  for (const service of services) await wrk(service, '/v1/health'); // warm-up, not counted
  for (let round = 1; round <= ROUNDS; round++) {
    const parts = [];
    for (const service of services) {
      const health = await wrk(service, '/v1/health');
      const me = await wrk(service, '/v1/users/me', service.secret);
      service.health.push(health.rps);
      service.me.push(me.rps);
      service.healthUs.push(health.us);
      service.meUs.push(me.us);
      parts.push(`${service.label}: health ${fmt(health.rps)}, me ${fmt(me.rps)}`);
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
      `  ${service.label.padEnd(13)} health ${fmt(r.health).padStart(6)} req/s ${fmt(r.healthUs, 1).padStart(5)} µs | ` +
        `me ${fmt(r.me).padStart(6)} req/s ${fmt(r.meUs, 1).padStart(5)} µs | ratio ${fmt(r.ratio, 3)} | ` +
        `authentication ${fmt(r.authUs, 1)} µs per request`,
    );
  }
  for (const [name] of entries) {
    const info = services.find((s) => s.label === `${name} info`);
    const warn = services.find((s) => s.label === `${name} warn`);
    const logRatio = median(info.health.map((h, i) => h / warn.health[i]));
    const infoRow = rows.get(`${name} info`);
    summary.sqlite[name] = { logRatio, ...infoRow };
    console.log(
      `${name}: health at info / health at warn, median of ${ROUNDS}: ${fmt(logRatio, 3)} (target ≥ 0.8) ${logRatio >= 0.8 ? 'MET' : 'NOT MET'}; ` +
        `authenticated / health at info: ${fmt(infoRow.ratio, 3)} (target ≥ 0.85) ${infoRow.ratio >= 0.85 ? 'MET' : 'NOT MET'}; ` +
        `authentication costs ${fmt(infoRow.authUs, 1)} µs of service CPU per request at info`,
    );
  }

  const listed = services.find((s) => s.label === 'current info');
  const sqliteList = await listLatency(listed.base);
  summary.sqlite.list = sqliteList;
  console.log(`created ${TOKENS} tokens in ${fmt(sqliteList.createSeconds, 1)}s`);
  console.log(
    `GET /v1/users/me/tokens with ${sqliteList.count} tokens, ${LIST_SAMPLES} sequential requests (request sent until the whole body arrived): ` +
      `p50 ${fmt(sqliteList.p50, 1)} ms, p95 ${fmt(sqliteList.p95, 1)} ms, p99 ${fmt(sqliteList.p99, 1)} ms ` +
      `(target p50 < 20 ms) ${sqliteList.p50 < 20 ? 'MET' : 'NOT MET'}`,
  );
  // Idle, but they would hold memory and wake for housekeeping during the PostgreSQL part.
  for (const service of services.splice(0)) await stopService(service);

  // ---------------------------------------------------------------- PostgreSQL

  let postgresInstalled = true;
  try {
    findPostgresBin();
  } catch {
    postgresInstalled = false;
  }
  if (!postgresInstalled) {
    summary.postgresSkipped = `PostgreSQL is not installed, so its figures are skipped; to measure them: ${POSTGRES_FIX}`;
    console.log(`\n${summary.postgresSkipped}`);
  } else {
    try {
      summary.postgres = await benchPostgres();
    } catch (error) {
      summary.postgresError = error instanceof Error ? error.message : String(error);
      console.error(`\nbench:server: the PostgreSQL part failed: ${summary.postgresError}`);
      exitCode = 1;
    }
  }
} catch (error) {
  console.error(`\nbench:server: ${error instanceof Error ? error.stack : String(error)}`);
  exitCode = 1;
} finally {
  for (const service of services.splice(0)) await stopService(service);
  await cluster?.stop();
}

if (exitCode === 0 || summary.sqlite.current) printSummary();
process.exit(exitCode);

async function benchPostgres() {
  const pool = process.env.TOKEN_DESK_DATABASE_POOL_SIZE ?? '10 (the default)';
  const logDir = run.tempDir(
    'token-desk-bench-log-',
    existsSync('/dev/shm') ? '/dev/shm' : tmpdir(),
  );
  cluster = await startCluster({ databases: ['bench'] });
  const postmaster = Number.parseInt(
    readFileSync(join(cluster.dataDir, 'postmaster.pid'), 'utf8'),
    10,
  );
  const env = { DATABASE_URL: cluster.url };
  const logs = { A: join(logDir, 'A.log'), B: join(logDir, 'B.log') };
  const problems = { non2xx: 0, socketErrors: 0, logs: [] };
  const checkLog = async (instance, section) => {
    const found = await scanLog(logs[instance]);
    if (found.warnOrAbove || found.failedRequests) {
      problems.logs.push({ instance, section, ...found });
      console.log(
        `  ! instance ${instance}'s log (${section}): ${found.warnOrAbove} lines at warn or above, ` +
          `${found.failedRequests} failed requests ${JSON.stringify(found.statuses)} of ${found.lines} lines; e.g.\n    ` +
          found.examples.join('\n    '),
      );
    }
    return found;
  };
  const tally = (run, what) => {
    problems.non2xx += run.non2xx;
    problems.socketErrors += run.socketErrors;
    return run.non2xx || run.socketErrors
      ? ` [${what}: ${run.non2xx} non-2xx, ${run.socketErrors} socket errors]`
      : '';
  };

  // 1. One instance, laid out as the SQLite figures: the service alone on core 1.
  setAffinity(processTree(postmaster), '0');
  const a = await launch('pg A', ENTRY, { logLevel: 'info', env, core: 1, logFile: logs.A });
  services.push(a);
  Object.assign(a, await credentials(a.base, 'bench@example.test'));
  console.log(
    `\nPostgreSQL mode (throwaway cluster on ${cluster.host}:${cluster.port}), LOG_LEVEL=info, pool ${pool} connections per instance, ` +
      `logs to ${logDir} (in memory), scanned after each part`,
  );
  console.log(
    `one instance: ${pinned ? 'wrk and PostgreSQL (postmaster and every backend) share core 0, the service is alone on core 1' : 'NOT pinned'}; ` +
      `${CONNECTIONS} connections; ${ROUNDS} rounds of ${SECONDS}s per route`,
  );
  await load([{ service: a, connections: CONNECTIONS, core: 0 }], '/v1/health', null, postmaster);
  await load(
    [{ service: a, connections: CONNECTIONS, core: 0 }],
    '/v1/users/me',
    a.secret,
    postmaster,
  );
  await checkLog('A', 'warm-up');
  const one = { health: [], me: [], ratio: [], healthUs: [], meUs: [], authUs: [], pgUs: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    const only = [{ service: a, connections: CONNECTIONS, core: 0 }];
    const health = await load(only, '/v1/health', null, postmaster);
    const me = await load(only, '/v1/users/me', a.secret, postmaster);
    one.health.push(health.rps);
    one.me.push(me.rps);
    one.ratio.push(me.rps / health.rps);
    one.healthUs.push(health.serviceUs);
    one.meUs.push(me.serviceUs);
    one.authUs.push(me.serviceUs - health.serviceUs);
    one.pgUs.push(me.postgresUs);
    console.log(
      `  round ${round}: health ${fmt(health.rps)} req/s ${fmt(health.serviceUs, 1)} µs, ` +
        `me ${fmt(me.rps)} req/s ${fmt(me.serviceUs, 1)} µs (PostgreSQL ${fmt(me.postgresUs, 1)} µs)` +
        tally(health, 'health') +
        tally(me, 'me'),
    );
  }
  const oneLog = await checkLog('A', 'one instance');
  const single = Object.fromEntries(Object.entries(one).map(([k, v]) => [k, median(v)]));
  console.log(
    `  medians: health ${fmt(single.health)} req/s ${fmt(single.healthUs, 1)} µs | me ${fmt(single.me)} req/s ` +
      `${fmt(single.meUs, 1)} µs | ratio ${fmt(single.ratio, 3)} | authentication ${fmt(single.authUs, 1)} µs of service CPU ` +
      `per request, plus ${fmt(single.pgUs, 1)} µs of PostgreSQL CPU per authenticated request`,
  );

  // 2. One against two instances under the same load. Nothing pinned: on 2 cores there is no
  // core to give the second instance, so the kernel shares both among everything.
  setAffinity(processTree(postmaster), ALL_CORES);
  setAffinity([a.child.pid], ALL_CORES);
  const b = await launch('pg B', ENTRY, { logLevel: 'info', env, core: null, logFile: logs.B });
  services.push(b);
  // Also the cross-instance check the figure depends on: A's token authenticates on B.
  await call(b.base, 'GET', '/v1/users/me', { token: a.secret });
  const half = Math.floor(CONNECTIONS / 2);
  const layouts = {
    one: [
      { service: a, connections: half },
      { service: a, connections: CONNECTIONS - half },
    ],
    two: [
      { service: a, connections: half },
      { service: b, connections: CONNECTIONS - half },
    ],
  };
  console.log(
    `\none against two instances on the same database, the same load: two wrk processes started at once, ` +
      `${half} + ${CONNECTIONS - half} connections, both at instance A ("one") or one at A and one at B ("two"); ` +
      `GET /v1/users/me; ${ROUNDS} rounds of ${SECONDS}s each, alternating which goes first. ` +
      `${pinned ? `Nothing pinned: the ${CORES} cores are shared by the instance(s), PostgreSQL and both wrk` : 'NOT pinned'}.`,
  );
  await load(layouts.two, '/v1/users/me', a.secret, postmaster); // warm-up (B is cold), not counted
  await checkLog('A', 'warm-up');
  await checkLog('B', 'warm-up');
  const pair = { one: [], two: [], ratio: [], oneUs: [], twoUs: [], onePgUs: [], twoPgUs: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    const order = round % 2 ? ['one', 'two'] : ['two', 'one'];
    const result = {};
    for (const name of order) {
      result[name] = await load(layouts[name], '/v1/users/me', a.secret, postmaster);
    }
    pair.one.push(result.one.rps);
    pair.two.push(result.two.rps);
    pair.ratio.push(result.two.rps / result.one.rps);
    pair.oneUs.push(result.one.serviceUs);
    pair.twoUs.push(result.two.serviceUs);
    pair.onePgUs.push(result.one.postgresUs);
    pair.twoPgUs.push(result.two.postgresUs);
    console.log(
      `  round ${round}: one instance ${fmt(result.one.rps)} req/s, two instances ${fmt(result.two.rps)} req/s (summed)` +
        tally(result.one, 'one') +
        tally(result.two, 'two'),
    );
  }
  const pairLogs = [await checkLog('A', 'one against two'), await checkLog('B', 'one against two')];
  const scale = Object.fromEntries(Object.entries(pair).map(([k, v]) => [k, median(v)]));
  console.log(
    `  medians: one instance ${fmt(scale.one)} req/s (service ${fmt(scale.oneUs, 1)} µs, PostgreSQL ${fmt(scale.onePgUs, 1)} µs per request), ` +
      `two instances ${fmt(scale.two)} req/s (services ${fmt(scale.twoUs, 1)} µs, PostgreSQL ${fmt(scale.twoPgUs, 1)} µs per request), ` +
      `ratio two / one ${fmt(scale.ratio, 3)}`,
  );
  await stopService(b);
  services.splice(services.indexOf(b), 1);

  // 3. List latency, laid out as part 1 (and as the SQLite list figure: the service on core 1).
  setAffinity(processTree(postmaster), '0');
  setAffinity([a.child.pid], '1');
  const list = await listLatency(a.base);
  console.log(
    `\nPostgreSQL: created ${TOKENS} tokens in ${fmt(list.createSeconds, 1)}s; GET /v1/users/me/tokens with ${list.count} tokens, ` +
      `${LIST_SAMPLES} sequential requests: p50 ${fmt(list.p50, 1)} ms, p95 ${fmt(list.p95, 1)} ms, p99 ${fmt(list.p99, 1)} ms`,
  );
  const listLog = await checkLog('A', 'list');
  const logLines = oneLog.lines + sum(pairLogs.map((l) => l.lines)) + listLog.lines;
  return { pool, single, scale, list, problems, logLines };
}

function printSummary() {
  const s = summary.sqlite.current;
  const pg = summary.postgres;
  const lines = [];
  if (s) {
    lines.push(
      `SQLite, health at info / health at warn:       ${fmt(s.logRatio, 3)} (target ≥ 0.8) ${s.logRatio >= 0.8 ? 'MET' : 'NOT MET'}`,
      `SQLite, authenticated / health at info:        ${fmt(s.ratio, 3)} (target ≥ 0.85) ${s.ratio >= 0.85 ? 'MET' : 'NOT MET'} ` +
        `(health ${fmt(s.health)} req/s, /v1/users/me ${fmt(s.me)} req/s)`,
      `SQLite, authentication at info:                ${fmt(s.authUs, 1)} µs of service CPU per request`,
    );
  }
  if (pg) {
    lines.push(
      `PostgreSQL, one instance (pinned as SQLite, PostgreSQL with wrk on core 0): /v1/users/me ${fmt(pg.single.me)} req/s, ` +
        `health ${fmt(pg.single.health)} req/s, authenticated / health ${fmt(pg.single.ratio, 3)}, ` +
        `authentication ${fmt(pg.single.authUs, 1)} µs of service CPU + ${fmt(pg.single.pgUs, 1)} µs of PostgreSQL CPU per request`,
      `PostgreSQL, same load on ${CORES} shared cores, nothing pinned: one instance ${fmt(pg.scale.one)} req/s, ` +
        `two instances ${fmt(pg.scale.two)} req/s summed, two / one ${fmt(pg.scale.ratio, 3)} ` +
        `(two instances / the pinned one-instance figure: ${fmt(pg.scale.two / pg.single.me, 3)})`,
    );
  } else if (summary.postgresSkipped) {
    lines.push(summary.postgresSkipped);
  } else if (summary.postgresError) {
    lines.push(`PostgreSQL: no figures, the run failed: ${summary.postgresError}`);
  }
  if (s?.list) {
    lines.push(
      `GET /v1/users/me/tokens with ${s.list.count} tokens: SQLite p50 ${fmt(s.list.p50, 1)} ms (p95 ${fmt(s.list.p95, 1)})` +
        (pg ? `, PostgreSQL p50 ${fmt(pg.list.p50, 1)} ms (p95 ${fmt(pg.list.p95, 1)})` : '') +
        `; target p50 < 20 ms`,
    );
  }
  if (pg) {
    const badLogs = pg.problems.logs.filter((l) => l.section !== 'warm-up' || l.warnOrAbove);
    lines.push(
      `PostgreSQL runs: ${pg.problems.non2xx} non-2xx responses and ${pg.problems.socketErrors} socket errors reported by wrk; ` +
        `${sum(pg.problems.logs.map((l) => l.warnOrAbove))} log lines at warn or above and ` +
        `${sum(pg.problems.logs.map((l) => l.failedRequests))} failed requests in ${pg.logLines} measured log lines` +
        (badLogs.length ? ' (see the ! lines above)' : ''),
    );
  }
  console.log(`\nload average after the run: ${loadAverage()} (${CORES} cores)`);
  console.log(
    `\nsummary (medians of ${ROUNDS} rounds; only the MET / NOT MET targets are the issue's):`,
  );
  for (const line of lines) console.log(`  ${line}`);
}
