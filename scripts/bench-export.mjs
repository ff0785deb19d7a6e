#!/usr/bin/env node
// `npm run bench:export`: main's peak memory while `events:export` writes 100,000 events, as
// CSV and as JSON. It asserts nothing; memory figures move little between runs, but read them
// as a ratio all the same.
//
//   npm run bench:export
//   BENCH_BASELINE=/tmp/old/out/harness npm run bench:export   # another build, side by side
//
// A real token service (the built out/service) with one account whose 100,000 events are
// written straight into its SQLite file through the service's own EventStore (as
// scripts/bench-events.mjs does, without 100,000 HTTP round trips). Each export then runs
// in a child process of its own, through main's real ActivityService as composeDesk builds
// it (the harness build, out/harness, as bench:renderer uses it), signed in over HTTP and
// saving through a save-dialog stand-in. The child reports its RSS before the export, its
// peak RSS (VmHWM from /proc/self/status, which counts every byte resident at any instant,
// between samples too) and the peak of heapUsed sampled every 5 ms; one process per
// export, so one export's peak is never another's.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { median, residentSet } from './lib/measure.mjs';
import { cleanUpOnExit } from './lib/process.mjs';
import { createTokens, signUp } from './lib/service-api.mjs';
import { seedEvents } from './seed-events.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const FORMATS = ['json', 'csv'];
const MB = 1024 * 1024;

if (process.env.BENCH_EXPORT_CHILD) await child(JSON.parse(process.env.BENCH_EXPORT_CHILD));
else await parent();

/** One export in this process, through the given build of main; prints one JSON line. */
async function child({ harness, serviceUrl, email, password, format, file, settingsDir }) {
  const { composeDesk } = await import(pathToFileURL(join(harness, 'src/main/compose.js')).href);
  const { MemoryClipboard } = await import(
    pathToFileURL(join(harness, 'src/harness/stand-ins.js')).href
  );
  const { default: Conf } = await import('conf');
  const { handlers } = composeDesk({
    keychain: null,
    store: new Conf({ cwd: settingsDir, configName: 'settings', projectName: 'token-desk' }),
    clipboard: new MemoryClipboard(),
    saveDialog: { askSavePath: async () => file },
  });
  await handlers['accounts:add']({ mode: 'sign-in', serviceUrl, email, password });
  // Warm the path (modules, the HTTP connection) on a small page before measuring.
  await handlers['events:list']({ limit: 200 });
  globalThis.gc?.();
  const start = process.memoryUsage();
  const before = residentSet();
  let peakHeap = start.heapUsed;
  const sample = () => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  };
  const sampler = setInterval(sample, 5);
  const t0 = performance.now();
  const result = await handlers['events:export']({ format, filter: {} });
  const ms = performance.now() - t0;
  clearInterval(sampler);
  sample();
  const after = residentSet();
  process.stdout.write(
    `${JSON.stringify({
      count: result.count,
      ms,
      bytes: statSync(file).size,
      rssBefore: before.now,
      peakBefore: before.peak,
      peakRss: after.peak,
      heapBefore: start.heapUsed,
      peakHeap,
    })}\n`,
  );
  process.exit(0);
}

async function parent() {
  const harness = join(ROOT, 'out/harness');
  const service = join(ROOT, 'out/service/server');
  for (const [built, how] of [
    [join(harness, 'src/main/compose.js'), 'tsc -p tsconfig.harness.json'],
    [join(service, 'main.js'), 'npm run build:server'],
  ]) {
    if (!existsSync(built)) {
      console.error(`bench-export needs ${built}: run ${how} (npm run bench:export does both).`);
      process.exit(69);
    }
  }
  const baseline = process.env.BENCH_BASELINE ? resolve(process.env.BENCH_BASELINE) : null;
  if (baseline && !existsSync(join(baseline, 'src/main/compose.js'))) {
    console.error(`BENCH_BASELINE must be a harness build (out/harness); ${baseline} is not one.`);
    process.exit(64);
  }
  const builds = [...(baseline ? [['baseline', baseline]] : []), ['current', harness]];

  const { startTokenService } = await import(
    pathToFileURL(join(harness, 'tests/support/processes.js')).href
  );
  const { SqliteDatabase } = await import(
    pathToFileURL(join(service, 'storage/sqlite-database.js')).href
  );
  const { EventStore } = await import(
    pathToFileURL(join(service, 'features/events/store.js')).href
  );

  const cleanup = cleanUpOnExit();
  const work = cleanup.tempDir('token-desk-bench-export-');
  const dataDir = join(work, 'service');
  const running = await startTokenService(dataDir);
  cleanup.track(running.child);
  const serviceUrl = running.url;

  const email = 'export@example.test';
  const password = 'benchmark password';
  const signedIn = await signUp(serviceUrl, email, password);
  const tokens = await createTokens(serviceUrl, signedIn.token, 200, (i) => ({
    name: `pipeline-${i}`,
    expiresAt: null,
  }));

  const seeding = performance.now();
  await seedEvents({
    SqliteDatabase,
    EventStore,
    file: join(dataDir, 'token-service.sqlite'),
    userId: signedIn.user.id,
    tokens,
    count: EVENTS,
  });
  console.log(
    `seeded ${EVENTS.toLocaleString('en-US')} events in ${((performance.now() - seeding) / 1000).toFixed(1)} s; ` +
      `${RUNS} run(s) per build and format, each export in a process of its own`,
  );

  const exportOnce = (harnessDir, format, run) =>
    new Promise((resolvePromise, reject) => {
      const runDir = mkdtempSync(join(work, `${format}-${run}-`));
      const spawned = spawn(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url)], {
        cwd: ROOT,
        env: {
          ...process.env,
          BENCH_EXPORT_CHILD: JSON.stringify({
            harness: harnessDir,
            serviceUrl,
            email,
            password,
            format,
            file: join(runDir, `events.${format}`),
            settingsDir: runDir,
          }),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      cleanup.track(spawned);
      let out = '';
      spawned.stdout.on('data', (chunk) => (out += chunk));
      spawned.once('exit', (code) => {
        rmSync(runDir, { recursive: true, force: true });
        if (code === 0) resolvePromise(JSON.parse(out.trim().split('\n').at(-1)));
        else reject(new Error(`the ${format} export exited with ${code}:\n${out}`));
      });
    });

  const figures = {};
  for (let run = 0; run < RUNS; run++) {
    // Builds alternate within a round, so a slower moment of the machine hits both.
    for (const format of FORMATS) {
      for (const [name, dir] of builds) {
        const result = await exportOnce(dir, format, run);
        ((figures[name] ??= {})[format] ??= []).push(result);
      }
    }
  }

  const mb = (bytes) => `${(bytes / MB).toFixed(1)} MB`;
  const summary = {};
  for (const [name] of builds) {
    for (const format of FORMATS) {
      const runs = figures[name][format];
      const row = {
        count: runs[0].count,
        fileBytes: runs[0].bytes,
        peakRss: median(runs.map((r) => r.peakRss)),
        rssGrowth: median(runs.map((r) => r.peakRss - r.rssBefore)),
        heapGrowth: median(runs.map((r) => r.peakHeap - r.heapBefore)),
        ms: median(runs.map((r) => r.ms)),
      };
      (summary[name] ??= {})[format] = row;
      console.log(
        `${name.padEnd(8)} ${format.toUpperCase().padEnd(4)} ${row.count.toLocaleString('en-US')} events, ` +
          `file ${mb(row.fileBytes)}: peak RSS ${mb(row.peakRss)} ` +
          `(+${mb(row.rssGrowth)} over the RSS before the export), ` +
          `heapUsed peak +${mb(row.heapGrowth)}, ${(row.ms / 1000).toFixed(1)} s (medians of ${runs.length})`,
      );
    }
  }
  for (const format of FORMATS) {
    const current = summary.current[format];
    console.log(
      `current  ${format.toUpperCase().padEnd(4)} RSS growth / file size: ` +
        `${(current.rssGrowth / current.fileBytes).toFixed(2)}`,
    );
    if (summary.baseline) {
      const before = summary.baseline[format];
      console.log(
        `baseline / current ${format.toUpperCase().padEnd(4)} RSS growth: ` +
          `${(before.rssGrowth / Math.max(current.rssGrowth, 1)).toFixed(1)}×, ` +
          `peak RSS: ${(before.peakRss / current.peakRss).toFixed(2)}×, ` +
          `heapUsed growth: ${(before.heapGrowth / Math.max(current.heapGrowth, 1)).toFixed(1)}×`,
      );
    }
  }
  await running.stop();
  process.exit(0);
}
