#!/usr/bin/env node
// A throwaway PostgreSQL cluster for the tests, the benchmark and developers trying the
// PostgreSQL mode: a fresh temporary directory, a free port on 127.0.0.1, fast-but-unsafe
// settings, and everything removed on stop (or, best effort, when the process exits).
// It never touches the system's default cluster (/var/lib/postgresql, port 5432,
// /var/run/postgresql): the data directory, the socket and the log all live in the temp dir.
//
//   node scripts/pg-cluster.mjs [database…]   prints DATABASE_URL=… and runs until Ctrl-C
import { execFile, spawnSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const POSTGRES_FIX = 'sudo apt-get install -y postgresql';

const HOST = '127.0.0.1';
const SUPERUSER = 'postgres';
const PORT_ATTEMPTS = 5;

/**
 * Throwaway settings: durability buys nothing for a cluster that is deleted afterwards.
 * @type {Record<string, string>}
 */
const FAST_SETTINGS = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  max_connections: '200',
};

/**
 * The directory holding initdb, pg_ctl and postgres. Debian keeps them off PATH, in
 * /usr/lib/postgresql/<version>/bin; the newest version wins.
 * @param {{ libDir?: string, pgConfig?: string }} [options] where to look (for tests)
 * @returns {string}
 */
export function findPostgresBin({
  libDir = '/usr/lib/postgresql',
  pgConfig = '/usr/bin/pg_config',
} = {}) {
  if (existsSync(libDir)) {
    const versions = readdirSync(libDir)
      .filter((name) => /^\d+(\.\d+)?$/.test(name) && existsSync(join(libDir, name, 'bin/initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0] !== undefined) return join(libDir, versions[0], 'bin');
  }
  const probe = spawnSync(pgConfig, ['--bindir'], { encoding: 'utf8' });
  const bindir = probe.status === 0 ? probe.stdout.trim() : '';
  if (bindir && existsSync(join(bindir, 'initdb'))) return bindir;
  throw new Error(
    `PostgreSQL's server programs (initdb, pg_ctl) were not found in ${libDir}/<version>/bin or by \`${pgConfig} --bindir\`. Install them with: ${POSTGRES_FIX}`,
  );
}

/**
 * Runs a command, resolving with its output or rejecting with an Error that carries it.
 * @param {string} command
 * @param {string[]} args
 * @param {string} cwd
 * @returns {Promise<string>}
 */
function run(command, args, cwd) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) {
        const output = `${stdout}${stderr}`.trim();
        reject(
          new Error(`\`${[command, ...args].join(' ')}\` failed${output ? `:\n${output}` : ''}`),
        );
      } else resolve(stdout);
    });
  });
}

/** @returns {Promise<number>} a port nobody listened on a moment ago */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * initdb refuses to run as root, so as root the server programs run as the `postgres`
 * system user (Debian's postgresql package creates it) on a directory it owns.
 * @returns {{ uid: number, gid: number } | null} that user, or null when not root
 */
function unprivilegedUser() {
  if (process.getuid?.() !== 0) return null;
  const id = (/** @type {string} */ flag) =>
    // By absolute path: npm test runs this with node_modules/.bin first on PATH, as root.
    spawnSync('/usr/bin/id', [flag, SUPERUSER], { encoding: 'utf8' }).stdout.trim();
  const uid = Number.parseInt(id('-u'), 10);
  const gid = Number.parseInt(id('-g'), 10);
  if (Number.isNaN(uid) || Number.isNaN(gid)) {
    throw new Error(
      `initdb refuses to run as root, and there is no \`${SUPERUSER}\` system user to run it as. Debian's package creates one: ${POSTGRES_FIX}`,
    );
  }
  return { uid, gid };
}

/**
 * @param {string} path
 * @param {number} [lines]
 */
function tail(path, lines = 20) {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log was written)';
  }
}

/**
 * @typedef {object} Leftover a cluster's synchronous, best-effort stop, in two steps so
 *   that several clusters shut down at once
 * @property {() => void} quit asks the server to stop
 * @property {() => void} remove waits for it (briefly) and removes the directory
 */

/**
 * Clusters still running, stopped synchronously if the process ends without stopping
 * them (a crashed or interrupted test run) so no postgres or directory is left behind.
 * @type {Set<Leftover>}
 */
const live = new Set();

/** @param {Leftover[]} clusters */
function stopNow(clusters) {
  for (const cluster of clusters) live.delete(cluster);
  for (const cluster of clusters) cluster.quit();
  for (const cluster of clusters) cluster.remove();
}

let hooksInstalled = false;
function installExitHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => stopNow([...live]));
  // A signal's default action ends the process without 'exit' (Vitest ends its workers
  // with SIGTERM), so act on it, then end the process as the signal would have. When
  // someone else listens too, they own the shutdown, and 'exit' covers it.
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
    const onSignal = () => {
      if (process.listenerCount(signal) > 1) return;
      stopNow([...live]);
      process.off(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/** @param {number} ms */
const sleepSync = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * SIGQUIT to the postmaster is what `pg_ctl -m immediate stop` sends; the wait is
 * pg_ctl's too (the server removes its pid file last), but bounded: Vitest kills a
 * worker 0.5 s after SIGTERM.
 * @param {string} dir
 * @param {string} dataDir
 * @returns {Leftover}
 */
function leftover(dir, dataDir) {
  const pidFile = join(dataDir, 'postmaster.pid');
  let signalled = false;
  return {
    quit() {
      try {
        const pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
        // A stale pid file (a killed server) may name a reused pid: check it is ours.
        const ours =
          !existsSync('/proc/self') ||
          readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(dataDir);
        if (pid > 0 && ours) {
          process.kill(pid, 'SIGQUIT');
          signalled = true;
        }
      } catch {
        // not started, or already gone
      }
    },
    remove() {
      const deadline = Date.now() + 400;
      while (signalled && existsSync(pidFile) && Date.now() < deadline) sleepSync(5);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * @typedef {object} PgCluster
 * @property {string} url postgres://postgres@127.0.0.1:<port>/<first database>
 * @property {string} host always 127.0.0.1
 * @property {number} port
 * @property {string} socketDir the directory holding the unix socket
 * @property {string} dataDir
 * @property {(name: string) => string} databaseUrl the URL of another database on it
 * @property {(mode?: ShutdownMode) => Promise<void>} stopServer stops the server (as a
 *   failover or a maintenance restart would) and keeps its data, directory and port
 * @property {() => Promise<void>} startServer starts it again on the same port
 * @property {() => Promise<void>} stop stops the server and removes its directory (idempotent)
 */

/**
 * How `pg_ctl stop` ends the server: `fast` ends every session at once (what a
 * maintenance restart or a minor-version upgrade does), `immediate` kills everything
 * without a checkpoint (a crash, or a failover that cuts the old primary off).
 * @typedef {'fast' | 'immediate'} ShutdownMode
 */

/**
 * Starts a fresh cluster (superuser `postgres`, trust authentication, 127.0.0.1 only) and
 * creates `databases` on it.
 * @param {{ databases?: string[], settings?: Record<string, string> }} [options]
 *   settings: extra postgresql.conf settings, applied after the fast defaults
 * @returns {Promise<PgCluster>}
 */
export async function startCluster({ databases = ['token_desk'], settings = {} } = {}) {
  const bin = findPostgresBin();
  const runAs = unprivilegedUser();
  const dir = mkdtempSync(join(tmpdir(), 'token-desk-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  /** @param {string} program @param {string[]} args */
  const argv = (program, args) =>
    runAs
      ? /** @type {[string, string[]]} */ ([
          'runuser',
          ['-u', SUPERUSER, '--', join(bin, program), ...args],
        ])
      : /** @type {[string, string[]]} */ ([join(bin, program), args]);
  // cwd is the temp dir: as the postgres user, the caller's directory may be unreadable.
  const pg = (/** @type {string} */ program, /** @type {string[]} */ args) =>
    run(...argv(program, args), dir);

  const cleanup = leftover(dir, dataDir);
  live.add(cleanup);
  installExitHooks();

  try {
    if (runAs) chownSync(dir, runAs.uid, runAs.gid); // mkdtemp already made it mode 700
    await pg('initdb', [
      '-D',
      dataDir,
      '-A',
      'trust',
      '-U',
      SUPERUSER,
      '--no-sync',
      '-E',
      'UTF8',
      '--locale=C',
    ]);
    // Appended to postgresql.conf, so they override initdb's defaults; the port is
    // passed per start attempt instead, since it may need another try.
    const conf = {
      ...FAST_SETTINGS,
      listen_addresses: HOST,
      unix_socket_directories: dir,
      ...settings,
    };
    writeFileSync(
      join(dataDir, 'postgresql.conf'),
      Object.entries(conf)
        .map(([key, value]) => `${key} = '${value.replaceAll("'", "''")}'\n`)
        .join(''),
      { flag: 'a' },
    );

    const pgCtlStart = (/** @type {number} */ port) =>
      pg('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', `-p ${port}`, '-t', '60', '-w', 'start']);
    let port = 0;
    for (let attempt = 1; ; attempt += 1) {
      port = await freePort();
      const logBefore = existsSync(logFile) ? readFileSync(logFile, 'utf8').length : 0;
      try {
        await pgCtlStart(port);
        break;
      } catch (error) {
        // Someone else took the port between freePort() and the bind: try another one.
        const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(logBefore) : '';
        if (attempt < PORT_ATTEMPTS && /could not bind|Address already in use/.test(log)) continue;
        throw new Error(
          `PostgreSQL did not start in ${dir} (port ${port}). The last lines of its log:\n${tail(logFile)}`,
          { cause: error },
        );
      }
    }

    const toCreate = databases.filter((name) => name !== 'postgres');
    if (toCreate.length) {
      // CREATE DATABASE cannot run in a transaction; psql runs each -c on its own.
      const quote = (/** @type {string} */ name) => `"${name.replaceAll('"', '""')}"`;
      await run(
        join(bin, 'psql'),
        [
          '-X',
          '-q',
          '-v',
          'ON_ERROR_STOP=1',
          '-h',
          HOST,
          '-p',
          String(port),
          '-U',
          SUPERUSER,
          '-d',
          'postgres',
          ...toCreate.flatMap((name) => ['-c', `create database ${quote(name)}`]),
        ],
        dir,
      );
    }

    /** @type {Promise<void> | undefined} */
    let stopping;
    const databaseUrl = (/** @type {string} */ name) =>
      `postgres://${SUPERUSER}@${HOST}:${port}/${encodeURIComponent(name)}`;
    return {
      url: databaseUrl(databases[0] ?? 'postgres'),
      host: HOST,
      port,
      socketDir: dir,
      dataDir,
      databaseUrl,
      async stopServer(mode = 'fast') {
        if (mode !== 'fast' && mode !== 'immediate') {
          throw new Error(`stopServer: the mode is 'fast' or 'immediate', not ${String(mode)}`);
        }
        await pg('pg_ctl', ['-D', dataDir, '-m', mode, '-t', '60', '-w', 'stop']);
      },
      async startServer() {
        try {
          await pgCtlStart(port);
        } catch (error) {
          throw new Error(
            `PostgreSQL did not start again in ${dir} (port ${port}). The last lines of its log:\n${tail(logFile)}`,
            { cause: error },
          );
        }
      },
      stop() {
        stopping ??= (async () => {
          live.delete(cleanup);
          try {
            // Not running (stopServer left it stopped): nothing to stop, only to remove.
            if (existsSync(join(dataDir, 'postmaster.pid'))) {
              await pg('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
            }
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        })();
        return stopping;
      },
    };
  } catch (error) {
    stopNow([cleanup]);
    throw error;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const databases = process.argv.slice(2);
  try {
    const cluster = await startCluster(databases.length ? { databases } : {});
    console.log(`DATABASE_URL=${cluster.url}`);
    // Signal handlers alone do not keep Node alive.
    const keepAlive = setInterval(() => {}, 1 << 30);
    const shutDown = () => {
      clearInterval(keepAlive);
      cluster.stop().then(
        () => process.exit(0),
        (error) => {
          console.error(`pg-cluster: ${error instanceof Error ? error.message : String(error)}`);
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', shutDown);
    process.once('SIGTERM', shutDown);
  } catch (error) {
    console.error(`pg-cluster: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
