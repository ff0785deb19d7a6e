/**
 * The service as `npm run server` runs it: a real process configured from the
 * environment, restarted on the same data directory, stopped by signals.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTokenService } from '../support/processes.js';
import { removeDir, requestWithHost, send } from '../support/server/service-harness.js';

const ENTRY = 'out/service/server/main.js';
const root = mkdtempSync(join(tmpdir(), 'token-service-process-'));
afterAll(() => removeDir(root));

describe('the service process', () => {
  const dataDir = join(root, 'nested', 'data');
  const secrets: string[] = [];
  let revokedSecret = '';
  let liveSecret = '';
  let session = '';

  it('creates its data directory, serves, logs one JSON line per request without headers, and stops cleanly on SIGTERM', async () => {
    expect(existsSync(dataDir)).toBe(false);
    const service = await startTokenService(dataDir);
    const password = 'process password 1';
    secrets.push(password);
    await send(service.url, 'POST', '/v1/users', {
      body: { email: 'proc@example.test', password },
    });
    const signIn = await send<{ token: string }>(service.url, 'POST', '/v1/sessions', {
      body: { email: 'proc@example.test', password },
    });
    session = signIn.body.token;
    secrets.push(session);
    for (const name of ['revoke-me', 'keep-me']) {
      const created = await send<{ id: string; secret: string }>(
        service.url,
        'POST',
        '/v1/users/me/tokens',
        {
          token: session,
          body: { name },
        },
      );
      secrets.push(created.body.secret);
      if (name === 'revoke-me') {
        revokedSecret = created.body.secret;
        await send(service.url, 'DELETE', `/v1/users/me/tokens/${created.body.id}`, {
          token: session,
        });
      } else {
        liveSecret = created.body.secret;
      }
      await send(service.url, 'GET', '/v1/users/me', { token: created.body.secret });
    }
    expect(readdirSync(dataDir)).toContain('token-service.sqlite');

    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
    const lines = service.output.join('').trim().split('\n');
    const records = lines.map((line) => JSON.parse(line) as Record<string, any>);
    // One line per request (written asynchronously, flushed on exit), no headers.
    const requests = records.filter((r) => r.msg === 'request');
    const me = requests.filter((r) => r.route === '/v1/users/me');
    expect(me.map((r) => [r.status, r.code])).toEqual([
      [401, 'token_revoked'],
      [200, undefined],
    ]);
    expect(requests.every((r) => typeof r.reqId === 'string' && r.ip === '127.0.0.1')).toBe(true);
    expect(lines.join('\n').toLowerCase()).not.toContain('authorization');
    secrets.forEach((secret) => expect(lines.join('\n')).not.toContain(secret));
    expect(records.some((r) => r.msg === 'shutting down' && r.signal === 'SIGTERM')).toBe(true);
  });

  it('keeps every token across a restart, revoked ones still revoked, and stops on SIGINT', async () => {
    const service = await startTokenService(dataDir);
    const list = await send<Array<{ name: string }>>(service.url, 'GET', '/v1/users/me/tokens', {
      token: session,
    });
    expect(list.body.map((t) => t.name)).toEqual(['keep-me']);
    expect((await send(service.url, 'GET', '/v1/users/me', { token: liveSecret })).status).toBe(
      200,
    );
    const revoked = await send<{ code: string }>(service.url, 'GET', '/v1/users/me', {
      token: revokedSecret,
    });
    expect(revoked.status).toBe(401);
    expect(revoked.body.code).toBe('token_revoked');
    service.child.kill('SIGINT');
    expect(await service.exited).toBe(0);
    secrets.forEach((secret) => expect(service.output.join('')).not.toContain(secret));
  });

  it('never writes a secret or password to the database files', () => {
    const files = readdirSync(dataDir).filter((f) => f.startsWith('token-service.sqlite'));
    expect(files.length).toBeGreaterThan(0);
    const bytes = Buffer.concat(files.map((f) => readFileSync(join(dataDir, f))));
    expect(secrets.length).toBe(4);
    for (const secret of secrets) expect(bytes.includes(Buffer.from(secret))).toBe(false);
    // Sanity check that the search can find what is there.
    expect(bytes.includes(Buffer.from('keep-me'))).toBe(true);
  });

  it('refuses sign-up when TOKEN_DESK_SIGNUP=off', async () => {
    const service = await startTokenService(join(root, 'closed'), 0, { TOKEN_DESK_SIGNUP: 'off' });
    const response = await send<{ code: string }>(service.url, 'POST', '/v1/users', {
      body: { email: 'x@example.test', password: 'long enough' },
    });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('signup_disabled');
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });

  it('answers only to loopback names and TOKEN_DESK_ALLOWED_HOSTS, and trusts proxies only per TOKEN_DESK_TRUST_PROXY', async () => {
    const service = await startTokenService(join(root, 'hosts'), 0, {
      TOKEN_DESK_ALLOWED_HOSTS: 'tokens.example.test',
      TOKEN_DESK_TRUST_PROXY: '127.0.0.1',
    });
    try {
      const at = (host: string) => requestWithHost(service.url, '/v1/health', host);
      expect((await at(`127.0.0.1:${service.port}`)).status).toBe(200);
      expect((await at('tokens.example.test')).status).toBe(200);
      const refused = await at('evil.example');
      expect(refused.status).toBe(421);
      expect(refused.body.code).toBe('host_not_allowed');
      // Trusted proxy: the address in X-Forwarded-For is the client the log names.
      // (Health checks are not logged at info, so an unauthenticated /users/me is used.)
      await send(service.url, 'GET', '/v1/users/me', {
        headers: { 'x-forwarded-for': '198.51.100.23' },
      });
    } finally {
      await service.stop();
    }
    const records = service.output
      .join('')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, any>);
    expect(records.some((r) => r.msg === 'request' && r.ip === '198.51.100.23')).toBe(true);
  });

  it.each([
    ['true', 'the nearest X-Forwarded-For entry'],
    ['2', 'the nearest 2 X-Forwarded-For entries'],
  ])(
    'warns at start that TOKEN_DESK_TRUST_PROXY=%s believes any peer, and names the safe setting',
    async (value, believes) => {
      const service = await startTokenService(join(root, `trust-${value}`), 0, {
        TOKEN_DESK_TRUST_PROXY: value,
      });
      // The warning follows "token service ready"; SIGTERM flushes the log before exit.
      await service.stop();
      const [record] = service.output
        .join('')
        .split('\n')
        .filter((line) => line.includes('trust_proxy_any_peer'))
        .map((line) => JSON.parse(line) as { level: number; msg: string });
      expect(record?.level).toBe(40);
      expect(record?.msg).toContain(believes);
      expect(record?.msg).toContain("Set it to the proxies' addresses or CIDR ranges");
    },
  );

  it('gives no such warning for a list of proxy addresses', async () => {
    const service = await startTokenService(join(root, 'trust-list'), 0, {
      TOKEN_DESK_TRUST_PROXY: '10.0.0.0/8,127.0.0.1',
    });
    await service.stop();
    expect(service.output.join('')).toContain('token service ready');
    expect(service.output.join('')).not.toContain('trust_proxy_any_peer');
  });

  it.each([
    [
      'TOKEN_DESK_TRUST_PROXY',
      'proxy.example',
      "TOKEN_DESK_TRUST_PROXY must be a comma-separated list of your proxies' addresses or CIDR ranges",
    ],
    ['TOKEN_DESK_TRUST_PROXY', 'proxy.example', "Prefer the proxies' addresses or CIDR ranges"],
    ['TOKEN_DESK_ALLOWED_HOSTS', 'https://x.example', 'TOKEN_DESK_ALLOWED_HOSTS must be'],
    [
      'TOKEN_DESK_IDENTITY_KEY',
      'A'.repeat(64),
      'TOKEN_DESK_IDENTITY_KEY must be 64 lowercase hex digits (npm start sets it from its key file)',
    ],
    [
      'TOKEN_DESK_EVENT_RETENTION_DAYS',
      '0',
      'TOKEN_DESK_EVENT_RETENTION_DAYS must be a whole number from 1 to 36500, not "0".',
    ],
  ])('exits with a readable message on a bad %s', async (name, value, message) => {
    const child = spawn(process.execPath, [ENTRY], {
      env: { ...process.env, [name]: value, TOKEN_DESK_DATA_DIR: join(root, 'bad') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    // A value that may be a secret is never echoed.
    if (name === 'TOKEN_DESK_IDENTITY_KEY') expect(stderr).not.toContain(value);
  });

  it('exits with a readable message on bad configuration', async () => {
    const child = spawn(process.execPath, [ENTRY], {
      env: { ...process.env, PORT: 'eighty', TOKEN_DESK_DATA_DIR: join(root, 'bad') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('PORT must be a whole number from 0 to 65535, not "eighty".');
  });

  /** Runs the service with `env` until it exits; its exit code and stderr. */
  const exitOf = async (env: Record<string, string>) => {
    const child = spawn(process.execPath, [ENTRY], {
      env: { ...process.env, TOKEN_DESK_DATA_DIR: join(root, 'bad-db'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    return { code, stderr };
  };

  it('refuses a DATABASE_URL that is not PostgreSQL, without printing it (it may hold a password)', async () => {
    const password = 'hunter2-not-for-logs';
    const { code, stderr } = await exitOf({
      DATABASE_URL: `mysql://app:${password}@db.internal/token_desk`,
    });
    expect(code).toBe(2);
    expect(stderr).toContain('DATABASE_URL must start with postgres:// or postgresql://');
    expect(stderr).not.toContain(password);
    const garbage = await exitOf({ DATABASE_URL: `not a url ${password}` });
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toContain('DATABASE_URL must be a PostgreSQL URL');
    expect(garbage.stderr).not.toContain(password);
    const pool = await exitOf({ TOKEN_DESK_DATABASE_POOL_SIZE: '4' });
    expect(pool.code).toBe(2);
    expect(pool.stderr).toContain('TOKEN_DESK_DATABASE_POOL_SIZE applies only with DATABASE_URL');
  });

  it('exits with a readable message when PostgreSQL does not answer, without the password', async () => {
    const password = 'hunter2-not-for-logs';
    // A port nothing listens on: bound, then closed.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    const { code, stderr } = await exitOf({
      DATABASE_URL: `postgres://app:${password}@127.0.0.1:${port}/token_desk`,
    });
    expect(code).toBe(1);
    expect(stderr).toContain(
      'token service: could not open the PostgreSQL database (DATABASE_URL)',
    );
    expect(stderr).toContain('ECONNREFUSED');
    expect(stderr).not.toContain(password);
  });
});

describe('DATABASE_URL as the configuration reads it', () => {
  it('takes libpq URL forms a WHATWG URL refuses (a Unix socket), and the pool size with it', async () => {
    const { readServiceConfig } = await import('../../src/server/config.js');
    expect(
      readServiceConfig({
        DATABASE_URL: 'postgres://app@/token_desk?host=/var/run/postgresql',
        TOKEN_DESK_DATABASE_POOL_SIZE: '25',
      }).postgres,
    ).toEqual({ url: 'postgres://app@/token_desk?host=/var/run/postgresql', poolSize: 25 });
    expect(readServiceConfig({ DATABASE_URL: 'PostgreSQL://h/db' }).postgres?.poolSize).toBe(10);
    expect(readServiceConfig({}).postgres).toBeNull();
    expect(() =>
      readServiceConfig({ DATABASE_URL: 'postgres://h/db', TOKEN_DESK_DATABASE_POOL_SIZE: '0' }),
    ).toThrow('TOKEN_DESK_DATABASE_POOL_SIZE must be a whole number from 1 to 1000, not "0".');
  });
});
