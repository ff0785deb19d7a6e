/**
 * SQLite mode when the disk gives out: the built service as a process, its
 * writes refused by a file size limit on the running process (`prlimit --fsize`, EFBIG)
 * or by a full file system (a small tmpfs, ENOSPC, where this machine lets us mount one),
 * and a data directory it cannot write at all. Never a crash, never a 500, never half a
 * change: a 503 or 507 with words and Retry-After, the rest of the service working, and
 * writes working again once there is room. SQLite only (the `postgres` project skips it).
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  statfsSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startTokenService, type TokenService } from '../support/processes.js';
import { BACKEND } from '../support/server/service-harness.js';

const PASSWORD = 'correct horse battery staple';

async function json(
  url: string,
  method: string,
  init: { token?: string; body?: unknown } = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(url, {
    method,
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body ? { 'content-type': 'application/json' } : {}),
    },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
}

async function signUpAndIn(base: string): Promise<string> {
  const email = `disk-${Date.now()}@example.test`;
  expect(
    (await json(`${base}/v1/users`, 'POST', { body: { email, password: PASSWORD } })).status,
  ).toBe(201);
  const session = await json(`${base}/v1/sessions`, 'POST', {
    body: { email, password: PASSWORD },
  });
  expect(session.status).toBe(201);
  return session.body.token as string;
}

/**
 * Three creations that must succeed: the log reports an outage over after three writes in
 * a row (availability.ts).
 */
async function createThree(base: string, session: string, name: string): Promise<void> {
  for (let i = 1; i <= 3; i++) {
    const made = await json(`${base}/v1/users/me/tokens`, 'POST', {
      token: session,
      body: { name: `${name} ${i}` },
    });
    expect(made.status).toBe(201);
  }
}

/** Creates tokens until one is refused; returns the ids acknowledged and the refusal. */
async function createUntilRefused(base: string, session: string) {
  const acknowledged: string[] = [];
  for (let i = 0; i < 5_000; i++) {
    const made = await json(`${base}/v1/users/me/tokens`, 'POST', {
      token: session,
      // Long names make each token take room, so the limit comes soon.
      body: { name: `${'filling the disk '.repeat(5)}${i}` },
    });
    if (made.status !== 201) return { acknowledged, refusal: made };
    acknowledged.push(made.body.id as string);
  }
  throw new Error('5,000 tokens were created and none was refused: the disk never filled');
}

/** What is in the database file, read beside the running service (WAL allows it). */
function stored(dataDir: string) {
  const db = new Database(join(dataDir, 'token-service.sqlite'), { readonly: true });
  try {
    return {
      integrity: db.pragma('integrity_check', { simple: true }),
      tokens: (db.prepare('SELECT id FROM api_tokens ORDER BY id').all() as { id: string }[]).map(
        (row) => row.id,
      ),
      created: (
        db.prepare("SELECT count(*) AS n FROM events WHERE kind = 'token.created'").get() as {
          n: number;
        }
      ).n,
    };
  } finally {
    db.close();
  }
}

function logLines(service: TokenService) {
  return service.output
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map(
      (line) => JSON.parse(line) as { level: number; msg: string; code?: string; failure?: string },
    );
}

function outageReports(service: TokenService): string[] {
  return logLines(service)
    .filter((line) => line.msg !== 'request' && line.code?.startsWith('database_'))
    .map((line) => `${line.code}${line.failure ? ` (${line.failure})` : ''}`);
}

describe.runIf(BACKEND === 'sqlite')('when the disk refuses writes (SQLite)', () => {
  let service: TokenService | undefined;
  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    await service?.stop();
    service = undefined;
    for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  });

  /** The shared checks: refused with words, nothing half-written, reads and the process fine. */
  async function expectRefusedWhole(
    dataDir: string,
    session: string,
    run: { acknowledged: string[]; refusal: { status: number; headers: Headers; body: any } },
  ) {
    // Reads still work, and the list is exactly what was acknowledged.
    const list = await json(`${service!.url}/v1/users/me/tokens`, 'GET', { token: session });
    expect(list.status).toBe(200);
    expect(list.body.map((t: { id: string }) => t.id).sort()).toEqual([...run.acknowledged].sort());
    // Nothing half-written: every token has its creation event and nothing else is there.
    const inFile = stored(dataDir);
    expect(inFile.integrity).toBe('ok');
    expect(inFile.tokens).toEqual([...run.acknowledged].sort());
    expect(inFile.created).toBe(run.acknowledged.length);
    expect((await json(`${service!.url}/v1/health`, 'GET')).status).toBe(200);
    expect(service!.child.exitCode).toBeNull();
  }

  it('answers 503 with words when a file size limit refuses the write (prlimit --fsize on the running process), then works once it is lifted', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'token-service-fsize-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    service = await startTokenService(dataDir);
    const session = await signUpAndIn(service.url);
    const pid = String(service.child.pid);

    // Room for a few more tokens in the largest file, none in a new one.
    const largest = Math.max(...readdirSync(dataDir).map((f) => statSync(join(dataDir, f)).size));
    const limit = largest + 64 * 1024;
    const set = (value: string) =>
      spawnSync('prlimit', ['--pid', pid, `--fsize=${value}:`], { encoding: 'utf8' });
    expect(set(String(limit)).status).toBe(0);
    const run = await createUntilRefused(service.url, session);
    expect(run.acknowledged.length).toBeGreaterThan(0);

    const { refusal } = run;
    expect({ status: refusal.status, code: refusal.body.code }).toEqual({
      status: 503,
      code: 'database_unavailable',
    });
    expect(refusal.body.message).toMatch(
      /could not write to its database: the disk refused the write.*Nothing was changed/,
    );
    expect(refusal.headers.get('retry-after')).toBe('60');
    await expectRefusedWhole(dataDir, session, run);

    expect(set('unlimited').status).toBe(0);
    await createThree(service.url, session, 'after the limit');
    // Its log is written in batches; stopping it writes out the rest.
    await service.stop();
    expect(outageReports(service)).toEqual([
      'database_unavailable (io_error)',
      'database_available',
    ]);
    expect(logLines(service).filter((line) => line.level >= 50)).toEqual([]);
  });

  it('answers 507 database_full when the file system is full (a small tmpfs), then works once there is room', async (ctx) => {
    const mountPoint = mkdtempSync(join(tmpdir(), 'token-service-tmpfs-'));
    cleanups.push(() => rmSync(mountPoint, { recursive: true, force: true }));
    const mounted = spawnSync(
      'mount',
      ['-t', 'tmpfs', '-o', 'size=8m,mode=700', 'tmpfs', mountPoint],
      {
        encoding: 'utf8',
      },
    );
    if (mounted.status !== 0) {
      ctx.skip(
        `no tmpfs can be mounted here (${mounted.stderr.trim()}); the prlimit test covers a refused write`,
      );
    }
    cleanups.push(() => spawnSync('umount', [mountPoint]));
    const dataDir = join(mountPoint, 'data');
    mkdirSync(dataDir);
    service = await startTokenService(dataDir);
    const session = await signUpAndIn(service.url);

    // Fill the file system but for a little room, with a file we can delete afterwards.
    const filler = join(mountPoint, 'filler');
    const { bavail, bsize } = statfsSync(mountPoint);
    writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - 96 * 1024)));
    const run = await createUntilRefused(service.url, session);

    const { refusal } = run;
    expect({ status: refusal.status, code: refusal.body.code }).toEqual({
      status: 507,
      code: 'database_full',
    });
    expect(refusal.body.message).toMatch(/disk is full.*Nothing was changed.*free space/);
    expect(refusal.headers.get('retry-after')).toBe('60');
    await expectRefusedWhole(dataDir, session, run);

    unlinkSync(filler);
    await createThree(service.url, session, 'after freeing space');
    await service.stop();
    expect(outageReports(service)).toEqual(['database_unavailable (full)', 'database_available']);
    expect(logLines(service).filter((line) => line.level >= 50)).toEqual([]);
  });

  it('refuses to start on a data directory it cannot write, saying so in one line (no stack, nothing written)', async (ctx) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'token-service-readonly-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    // Root writes anywhere, so as root the service runs as `nobody`, if it may read the build.
    const main = resolve('out/service/server/main.js');
    let user: { uid?: number; gid?: number } = {};
    if (process.getuid?.() === 0) {
      const id = (flag: string) =>
        Number(spawnSync('id', [flag, 'nobody'], { encoding: 'utf8' }).stdout.trim());
      user = { uid: id('-u'), gid: id('-g') };
      if (
        Number.isNaN(user.uid) ||
        spawnSync(
          process.execPath,
          ['-e', `require('fs').accessSync(${JSON.stringify(main)})`],
          user,
        ).status !== 0
      ) {
        ctx.skip('running as root, and `nobody` cannot read the built service to run it');
      }
      chownSync(dataDir, user.uid!, user.gid!);
    }
    chmodSync(dataDir, 0o500);

    const started = spawnSync(process.execPath, [main], {
      ...user,
      cwd: tmpdir(),
      env: { ...process.env, TOKEN_DESK_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(started.status).toBe(1);
    const output = `${started.stdout}${started.stderr}`;
    expect(output).toMatch(
      new RegExp(
        `^token service: cannot write to the data directory ${dataDir.replaceAll('/', '\\/')} \\(.+\\)\\. Make it writable by the user the service runs as .* or set TOKEN_DESK_DATA_DIR to a directory that is\\.\\n$`,
      ),
    );
    expect(output).not.toMatch(/^\s+at /m);
    expect(readdirSync(dataDir)).toEqual([]);
  });
});
