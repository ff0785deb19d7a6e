// `npm run test:all` (what `npm test` runs inside the private keyring): every check, in
// rounds of parallel lanes, so a 2-core CI machine is never idle while a browser or a
// socket waits. A lane runs its steps one after another.
//   1. lint, typecheck, and one build of everything the tests run (out/);
//   2. on that build (TOKEN_DESK_TESTS_BUILT tells the global setups not to build it
//      again): Vitest, its sqlite project (every test file) and its postgres project
//      (the service's tests on PostgreSQL) in one run that shares its workers between
//      them, beside Playwright.
// Each step's lines are prefixed with its name; the run fails if any step fails, and
// a summary says which, with how long each took.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const ROUNDS = [
  [
    [{ name: 'lint', command: [npm, 'run', 'lint'] }],
    [{ name: 'typecheck', command: [npm, 'run', 'typecheck'] }],
    [{ name: 'build', command: [process.execPath, 'scripts/build-for-tests.mjs'] }],
  ],
  [
    [{ name: 'unit', command: [npm, 'run', 'test:unit'] }],
    [{ name: 'e2e', command: [npm, 'run', 'test:e2e'] }],
  ],
];

const STEPS = ROUNDS.flat(2);
const width = Math.max(...STEPS.map((step) => step.name.length));

/** Writes a child's output a whole line at a time, each line prefixed with the step's name. */
function prefixed(name, sink) {
  const prefix = `[${name.padEnd(width)}] `;
  let partial = '';
  return {
    write(chunk) {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) sink.write(prefix + line + '\n');
    },
    end() {
      if (partial) sink.write(prefix + partial + '\n');
      partial = '';
    },
  };
}

const running = new Set();

function run(step) {
  const started = performance.now();
  return new Promise((resolve) => {
    const [file, ...args] = step.command;
    const child = spawn(file, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TOKEN_DESK_TESTS_BUILT: '1', FORCE_COLOR: '0' },
    });
    running.add(child);
    const out = prefixed(step.name, process.stdout);
    const err = prefixed(step.name, process.stderr);
    child.stdout.on('data', (chunk) => out.write(chunk));
    child.stderr.on('data', (chunk) => err.write(chunk));
    const finish = (code, why) => {
      running.delete(child);
      out.end();
      err.end();
      resolve({ name: step.name, code, why, seconds: (performance.now() - started) / 1000 });
    };
    child.on('error', (error) => finish(1, error.message));
    child.on('close', (code, signal) => finish(code ?? 1, signal ? `stopped by ${signal}` : null));
  });
}

// Stopped (Ctrl+C, CI's timeout): stop the steps still running, then go.
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    for (const child of running) child.kill(signal);
    process.exit(130);
  });

const results = [];
/** A lane's steps in order; a failed step ends its lane (the other lanes finish). */
async function runLane(lane) {
  for (const step of lane) {
    const result = await run(step);
    results.push(result);
    if (result.code !== 0) return false;
  }
  return true;
}
for (const round of ROUNDS) {
  const passed = await Promise.all(round.map(runLane));
  if (passed.includes(false)) break;
}

console.log('\ntest:all summary');
for (const result of results) {
  const verdict =
    result.code === 0
      ? 'passed'
      : `FAILED (exit ${result.code}${result.why ? `, ${result.why}` : ''})`;
  console.log(`  ${result.name.padEnd(width)}  ${verdict}  ${result.seconds.toFixed(0)} s`);
}
const skipped = STEPS.filter((step) => !results.some((result) => result.name === step.name));
for (const step of skipped)
  console.log(`  ${step.name.padEnd(width)}  not run (an earlier step failed)`);
process.exit(results.every((result) => result.code === 0) && skipped.length === 0 ? 0 : 1);
