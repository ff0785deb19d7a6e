// Processes for the benchmarks and the chaos run: a free port, the built token service
// started and awaited, and whatever a run starts stopped and removed when it ends, however
// it ends (done, an error, Ctrl-C or SIGTERM).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const HOST = '127.0.0.1';

export const sleep = (/** @type {number} */ ms) => new Promise((done) => setTimeout(done, ms));

/** @returns {Promise<number>} a port free on 127.0.0.1 right now */
export function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Starts the built token service `entry` on 127.0.0.1:`port`, with `env` over `inherit`
 * (this process's environment by default). `prefix` runs it through another command that
 * execs node (taskset), so the child's pid is the service's.
 * @param {{ entry: string, port: number, env?: Record<string, string | undefined>,
 *   inherit?: NodeJS.ProcessEnv, prefix?: string[], stdio?: import('node:child_process').StdioOptions }} options
 */
export function spawnService({ entry, port, env = {}, inherit = process.env, prefix = [], stdio }) {
  const [command, ...args] = [...prefix, process.execPath, entry];
  const child = spawn(command, args, {
    env: { ...inherit, HOST, PORT: String(port), ...env },
    stdio: stdio ?? ['ignore', 'ignore', 'inherit'],
  });
  /** @type {Promise<number | null>} */
  const exited = new Promise((done) => child.once('exit', (code) => done(code)));
  return { child, exited, base: `http://${HOST}:${port}` };
}

/**
 * Waits until `base`/v1/health answers 2xx; throws if `child` exits first or `timeoutMs` pass.
 * @param {string} base
 * @param {{ child?: import('node:child_process').ChildProcess, label?: string,
 *   timeoutMs?: number, intervalMs?: number }} [options]
 */
export async function waitForHealth(
  base,
  { child, label = 'the service', timeoutMs = 10_000, intervalMs = 50 } = {},
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(`${label} exited at start`);
    }
    try {
      const response = await fetch(`${base}/v1/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(`${label} did not answer within ${timeoutMs / 1000} s`);
    }
    await sleep(intervalMs);
  }
}

/**
 * Stops what a run tracks and removes its temporary directories when the process exits.
 * SIGINT and SIGTERM exit with 130 and 143 (after `onSignal`), which runs the same hooks.
 * @param {{ onSignal?: (signal: string) => void }} [options]
 */
export function cleanUpOnExit({ onSignal } = {}) {
  /** @type {Set<import('node:child_process').ChildProcess>} */
  const children = new Set();
  /** @type {Set<string>} */
  const dirs = new Set();
  process.on('exit', () => {
    for (const child of children) child.kill('SIGTERM');
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  for (const [signal, code] of /** @type {const} */ ([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ])) {
    process.on(signal, () => {
      onSignal?.(signal);
      process.exit(code);
    });
  }
  return {
    /**
     * @template {import('node:child_process').ChildProcess} T
     * @param {T} child
     */
    track(child) {
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    },
    /** A new directory under `parent` (the system's temporary directory by default). */
    tempDir(/** @type {string} */ prefix, parent = tmpdir()) {
      const dir = mkdtempSync(join(parent, prefix));
      dirs.add(dir);
      return dir;
    },
    removeDir(/** @type {string} */ dir) {
      rmSync(dir, { recursive: true, force: true });
      dirs.delete(dir);
    },
  };
}
