/**
 * `npm run server`: the token service as a process. Configuration comes from the
 * environment (see docs/operations.md); everything else lives in `buildApp`.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { buildApp } from './app.js';
import { BackupError, backupDatabase } from './backup.js';
import { readServiceConfig, trustProxyWarning } from './config.js';
import { DataDirLockedError, lockDataDir, type DataDirLock } from './data-dir-lock.js';

const DATABASE_FILE = 'token-service.sqlite';

/** `main.js backup <file>`: copies the database of TOKEN_DESK_DATA_DIR, running or not. */
async function backup(target: string | undefined, dataDir: string): Promise<void> {
  if (!target) {
    console.error(
      'Usage: npm run server -- backup <file>   (or: node out/service/server/main.js backup <file>)',
    );
    process.exit(2);
  }
  try {
    // Under `npm run server -- backup`, npm runs this in the repository; a relative name
    // means the directory the command was typed in.
    const cwd =
      process.env.npm_lifecycle_event === 'server' && process.env.INIT_CWD
        ? process.env.INIT_CWD
        : process.cwd();
    const { file, pages } = await backupDatabase(
      join(dataDir, DATABASE_FILE),
      resolve(cwd, target),
    );
    console.log(
      `token service: backed up ${join(dataDir, DATABASE_FILE)} to ${file} (${pages} pages).`,
    );
  } catch (error) {
    console.error(`token service: ${error instanceof BackupError ? error.message : String(error)}`);
    process.exit(1);
  }
}

/**
 * Why the data directory cannot be used, in words: a read-only or foreign directory, a
 * full disk. Everything the service does writes there (sign-ins, tokens, last use).
 */
function unwritable(dataDir: string, error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const detail = `${(error as Error).message}${typeof code === 'string' ? ` (${code})` : ''}`;
  if (code === 'ENOSPC' || code === 'SQLITE_FULL') {
    return `the disk holding the data directory ${dataDir} is full (${detail}). Free some space, or set TOKEN_DESK_DATA_DIR to a directory on another disk.`;
  }
  return (
    `cannot write to the data directory ${dataDir} (${detail}). ` +
    'Make it writable by the user the service runs as (it must not be on a read-only file system), ' +
    'or set TOKEN_DESK_DATA_DIR to a directory that is.'
  );
}

async function main(): Promise<void> {
  let config;
  try {
    config = readServiceConfig(process.env);
  } catch (error) {
    console.error(`token service: ${(error as Error).message}`);
    process.exit(2);
  }
  // Read into the config: out of the environment now, so no later dump or child sees it.
  delete process.env.TOKEN_DESK_IDENTITY_KEY;
  if (process.argv[2] === 'backup') {
    if (config.postgres) {
      console.error(
        'token service: with DATABASE_URL the data is in PostgreSQL; back it up with pg_dump ' +
          '(e.g. pg_dump --format=custom --file=token-desk.dump "$DATABASE_URL"), see "Backups" in docs/operations.md.',
      );
      process.exit(2);
    }
    await backup(process.argv[3], config.dataDir);
    return;
  }
  // SQLite: this process owns the data directory (the credential cache depends on being
  // the only writer). PostgreSQL: any number of instances, and no data directory.
  let lock: DataDirLock | null = null;
  if (!config.postgres) {
    try {
      mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
      lock = lockDataDir(config.dataDir);
    } catch (error) {
      console.error(
        `token service: ${error instanceof DataDirLockedError ? error.message : unwritable(config.dataDir, error)}`,
      );
      process.exit(1);
    }
  }
  // Asynchronous and batched: lines collect in a buffer written in the background once
  // 4 KB are waiting, or every 250 ms, instead of one write(2) per line (the profile's
  // largest item after the socket writes). pino flushes it synchronously on exit, so the
  // last lines (shutdown, a failure to start) are never lost.
  const logDestination = pino.destination({
    dest: 1,
    sync: false,
    minLength: 4096,
    periodicFlush: 250,
  });
  let app;
  try {
    app = await buildApp({
      storage: config.postgres
        ? { kind: 'postgres', url: config.postgres.url, poolSize: config.postgres.poolSize }
        : { kind: 'sqlite', file: join(config.dataDir, DATABASE_FILE) },
      signupEnabled: config.signupEnabled,
      maxTokenLifetimeDays: config.maxTokenLifetimeDays,
      logger: { level: config.logLevel, stream: logDestination },
      listenHost: config.host,
      allowedHosts: config.allowedHosts,
      trustProxy: config.trustProxy,
      eventRetentionDays: config.eventRetentionDays,
      identityKey: config.identityKey,
    });
  } catch (error) {
    // Most often PostgreSQL refusing or not answering; say so without the URL (a password).
    console.error(
      `token service: could not open the ${config.postgres ? 'PostgreSQL database (DATABASE_URL)' : 'SQLite database'}: ${(error as Error).message}`,
    );
    lock?.release();
    process.exit(1);
  }

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    // Finish in-flight requests, close the database, then exit.
    app.close().then(
      () => {
        lock?.release();
        process.exit(0);
      },
      (error: unknown) => {
        app.log.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));

  try {
    await app.listen({
      host: config.host,
      port: config.port,
      // Called with the bound address just before "Server listening" is logged, so the
      // pid file names the address by the time anyone can see the service is up.
      listenTextResolver: (address) => {
        lock?.setAddress(address);
        return `Server listening at ${address}`;
      },
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint =
      code === 'EADDRINUSE' ? ` Port ${config.port} is in use; set PORT to another port.` : '';
    app.log.error({ err: error }, `could not listen on ${config.host}:${config.port}.${hint}`);
    await app.close();
    lock?.release();
    process.exit(1);
  }

  app.log.info(
    {
      storage: config.postgres ? 'postgresql' : 'sqlite',
      dataDir: config.postgres ? undefined : config.dataDir,
      signupEnabled: config.signupEnabled,
      allowedHosts: config.allowedHosts,
      trustProxy: config.trustProxy,
      eventRetentionDays: config.eventRetentionDays,
    },
    'token service ready',
  );
  const trustWarning = trustProxyWarning(config.trustProxy);
  if (trustWarning) app.log.warn({ code: 'trust_proxy_any_peer' }, trustWarning);
  // Whoever started us is waiting for these lines; do not make them wait 250 ms.
  logDestination.flush();
}

void main();
