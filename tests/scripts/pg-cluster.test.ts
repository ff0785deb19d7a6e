import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPostgresBin, startCluster, type PgCluster } from '../../scripts/pg-cluster.mjs';

const script = resolve('scripts/pg-cluster.mjs');

type Sql = (strings: TemplateStringsArray, ...values: unknown[]) => Promise<any[]>;

/** Runs `fn` with a client on `url` (a tagged template, values as $n), and always closes it. */
async function withClient<T>(url: string, fn: (sql: Sql) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  // A test may stop the server under an open connection on purpose; the dropped
  // connection is then expected, and a query on it would still reject.
  client.on('error', () => undefined);
  await client.connect();
  const sql: Sql = async (strings, ...values) => {
    const text = strings
      .slice(1)
      .reduce((query, part, i) => `${query}$${i + 1}${part}`, strings[0]!);
    return (await client.query(text, values)).rows;
  };
  try {
    return await fn(sql);
  } finally {
    await client.end();
  }
}

/** How a TCP connection to the port ends: 'connected' or the error code. */
function probePort(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(String(error.code)));
  });
}

describe('a throwaway PostgreSQL cluster', () => {
  let first: PgCluster;
  let second: PgCluster;
  let running: PgCluster[] = [];

  beforeAll(async () => {
    // Started together: two clusters at once must not collide.
    const started = await Promise.allSettled([
      startCluster({ databases: ['token_desk', 'second_db'] }),
      startCluster(),
    ]);
    // Kept even when the other failed, so that afterAll stops it.
    running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    [first, second] = running as [PgCluster, PgCluster];
  });

  afterAll(async () => {
    await Promise.all(running.map((cluster) => cluster.stop()));
  });

  it('serves the first database at url, and runs queries', async () => {
    expect(first.url).toBe(`postgres://postgres@127.0.0.1:${first.port}/token_desk`);
    await withClient(first.url, async (sql) => {
      expect(await sql`select 1 as one`).toEqual([{ one: 1 }]);
      const [who] = await sql`select current_database() as db, current_user as name`;
      expect(who).toEqual({ db: 'token_desk', name: 'postgres' });
      await sql`create table tokens (id serial primary key, name text not null)`;
      await sql`insert into tokens (name) values ('ci'), ('deploy')`;
      expect(await sql`select name from tokens order by id`).toEqual([
        { name: 'ci' },
        { name: 'deploy' },
      ]);
    });
  });

  it('creates every database asked for, each reachable by databaseUrl', async () => {
    expect(first.databaseUrl('second_db')).toBe(
      `postgres://postgres@127.0.0.1:${first.port}/second_db`,
    );
    await withClient(first.databaseUrl('second_db'), async (sql) => {
      const [row] = await sql`select current_database() as db`;
      expect(row?.db).toBe('second_db');
    });
  });

  it('listens on 127.0.0.1 and its own socket only, with the fast throwaway settings', async () => {
    await withClient(first.url, async (sql) => {
      const show = async (name: string) => {
        const [row] = await sql`select current_setting(${name}) as value`;
        return row?.value as string;
      };
      expect(await show('listen_addresses')).toBe('127.0.0.1');
      expect(await show('unix_socket_directories')).toBe(first.socketDir);
      expect(await show('data_directory')).toBe(first.dataDir);
      expect(await show('fsync')).toBe('off');
      expect(await show('synchronous_commit')).toBe('off');
      expect(await show('full_page_writes')).toBe('off');
      expect(await show('max_connections')).toBe('200');
    });
    expect(existsSync(join(first.socketDir, `.s.PGSQL.${first.port}`))).toBe(true);
  });

  it("keeps away from the system's default cluster", () => {
    for (const cluster of [first, second]) {
      expect(cluster.port).not.toBe(5432);
      expect(cluster.socketDir.startsWith(tmpdir())).toBe(true);
      expect(cluster.dataDir.startsWith(cluster.socketDir)).toBe(true);
      expect(statSync(cluster.socketDir).mode & 0o777).toBe(0o700);
    }
  });

  it('gives two clusters at once their own ports and directories', async () => {
    expect(second.port).not.toBe(first.port);
    expect(second.socketDir).not.toBe(first.socketDir);
    await withClient(second.url, async (sql) => {
      // The table made on the first cluster does not exist here.
      const [row] = await sql`select to_regclass('tokens') as found`;
      expect(row?.found).toBeNull();
    });
  });

  it('stopServer() takes the server down as a restart or a crash would; startServer() brings it back on its port with its data', async () => {
    for (const mode of ['fast', 'immediate'] as const) {
      await first.stopServer(mode);
      expect(await probePort(first.port)).toBe('ECONNREFUSED');
      expect(existsSync(first.dataDir)).toBe(true);
      await first.startServer();
      await withClient(first.url, async (sql) => {
        expect(await sql`select name from tokens order by id`).toEqual([
          { name: 'ci' },
          { name: 'deploy' },
        ]);
      });
    }
    await expect(first.stopServer('smart' as never)).rejects.toThrow(/'fast' or 'immediate'/);
    expect(await probePort(first.port)).toBe('connected');
  });

  it('stop() removes a cluster that stopServer() left stopped', async () => {
    const stopped = await startCluster();
    running.push(stopped);
    await stopped.stopServer('immediate');
    await stopped.stop();
    expect(existsSync(stopped.socketDir)).toBe(false);
  });

  it('stop() stops the server and removes its directory, and may be called again', async () => {
    await second.stop();
    expect(existsSync(second.socketDir)).toBe(false);
    expect(await probePort(second.port)).toBe('ECONNREFUSED');
    await second.stop();
    // The other cluster is untouched.
    expect(await probePort(first.port)).toBe('connected');
  });

  it('says why the server did not start, with its log, and leaves nothing behind', async () => {
    const message = await startCluster({ settings: { shared_buffers: 'plenty' } }).then(
      () => 'it started',
      (error: Error) => error.message,
    );
    // The log's own words, not only ours.
    expect(message).toMatch(/did not start[\s\S]*invalid value for parameter "shared_buffers"/);
    const dir = /did not start in (\S+) /.exec(message)?.[1];
    expect(dir).toBeDefined();
    expect(existsSync(dir as string)).toBe(false);
  });
});

/**
 * As root, the postgres user when it may read the script, so that the path a developer's
 * own account takes (no runuser) is covered too; otherwise the current user.
 */
function unprivileged(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) =>
    Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const user = { uid: id('-u'), gid: id('-g') };
  return spawnSync('test', ['-r', script], user).status === 0 ? user : {};
}

// Concurrent: each starts its own cluster in its own process.
describe.concurrent('processes that use it', () => {
  it('prints DATABASE_URL, serves it until SIGTERM, then removes the cluster', async () => {
    const child = spawn(process.execPath, [script], { cwd: tmpdir(), ...unprivileged() });
    const exited = once(child, 'exit');
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const url = /^DATABASE_URL=(postgres:\/\/\S+)$/.exec(line)?.[1];
    expect(url).toBeDefined();
    const port = Number(new URL(url as string).port);
    await withClient(url as string, async (sql) => {
      const [row] = await sql`select current_database() as db, current_setting('fsync') as fsync`;
      expect(row).toEqual({ db: 'token_desk', fsync: 'off' });
      const [dir] = await sql`select current_setting('unix_socket_directories') as path`;
      expect(existsSync(dir?.path as string)).toBe(true);
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
      expect(existsSync(dir?.path as string)).toBe(false);
    });
    expect(await probePort(port)).toBe('ECONNREFUSED');
  });

  it.each([
    ['throws', `throw new Error('a test run crashing');`],
    ['is sent SIGTERM (how Vitest ends its workers)', 'setInterval(() => {}, 60_000);'],
  ])('leaves no server or directory behind when the process %s', async (_how, ending) => {
    const program = `
      import { startCluster } from ${JSON.stringify(pathToFileURL(script).href)};
      const cluster = await startCluster();
      console.log(JSON.stringify({ dir: cluster.socketDir, port: cluster.port }));
      ${ending}`;
    // Not spawnSync: the other tests in this block run meanwhile.
    const child = spawn(process.execPath, ['--input-type=module', '-e', program]);
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const closed = once(child, 'close');
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const { dir, port } = JSON.parse(line) as { dir: string; port: number };
    expect(existsSync(dir)).toBe(true);
    if (ending.startsWith('setInterval')) child.kill('SIGTERM');
    const [code, signal] = await closed;
    if (ending.startsWith('throw')) {
      expect(code).toBe(1);
      expect(stderr).toContain('a test run crashing');
    } else {
      expect(signal).toBe('SIGTERM');
    }
    expect(existsSync(dir)).toBe(false);
    expect(await probePort(port)).toBe('ECONNREFUSED');
  });
});

describe('findPostgresBin', () => {
  it('finds the directory with initdb, pg_ctl and postgres', () => {
    const bin = findPostgresBin();
    for (const program of ['initdb', 'pg_ctl', 'postgres']) {
      expect(existsSync(join(bin, program))).toBe(true);
    }
  });

  it('prefers the highest installed version, by number', () => {
    const lib = mkdtempSync(join(tmpdir(), 'token-desk-pglib-'));
    try {
      for (const version of ['9.6', '15', '13', 'common']) {
        mkdirSync(join(lib, version, 'bin'), { recursive: true });
        writeFileSync(join(lib, version, 'bin', 'initdb'), '');
      }
      mkdirSync(join(lib, '16', 'bin'), { recursive: true }); // no initdb: not a server install
      expect(findPostgresBin({ libDir: lib })).toBe(join(lib, '15', 'bin'));
    } finally {
      rmSync(lib, { recursive: true, force: true });
    }
  });

  it('says what to install when there is no PostgreSQL', () => {
    expect(() =>
      findPostgresBin({ libDir: join(tmpdir(), 'no-such-dir'), pgConfig: 'no-such-pg_config' }),
    ).toThrow(/not found[\s\S]*Install them with: sudo apt-get install -y postgresql$/);
  });
});
