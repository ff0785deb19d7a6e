/**
 * `npm start` points the app (and so the password typed into it) at whatever answers on
 * 127.0.0.1:4780. It must use only a Token Desk service started by this user, proven by
 * an HMAC of a random challenge under a per-user key, and say plainly when something
 * else holds the port.
 *
 * scripts/start.mjs runs from a sandbox copy: its builds are stand-ins that print a line,
 * the front end is a stand-in that prints the URL it was given, and `out/service` is the
 * real built service (a symlink), so nothing here rebuilds the repository or opens a
 * window, while the service, the key file and every request are real.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTokenService, type TokenService } from '../support/processes.js';

let sandbox: string;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

beforeAll(() => {
  sandbox = mkdtempSync(join(tmpdir(), 'token-desk-start-'));
  mkdirSync(join(sandbox, 'scripts'));
  for (const name of ['start.mjs', 'setup.mjs'])
    writeFileSync(join(sandbox, 'scripts', name), readFileSync(resolve(`scripts/${name}`)));
  const stub = (path: string, text: string) => {
    mkdirSync(join(sandbox, path, '..'), { recursive: true });
    writeFileSync(join(sandbox, path), text);
  };
  stub(
    'node_modules/typescript/bin/tsc',
    "console.log('BUILD tsc', process.argv.slice(2).join(' '));",
  );
  stub('node_modules/electron-vite/bin/electron-vite.js', "console.log('BUILD electron-vite');");
  stub(
    'out/harness/src/harness/main.js',
    "console.log('FRONT END ' + process.env.TOKEN_DESK_SERVICE_URL);",
  );
  symlinkSync(resolve('node_modules/env-paths'), join(sandbox, 'node_modules', 'env-paths'));
  symlinkSync(resolve('out/service'), join(sandbox, 'out', 'service'));
});
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

/** A key file as npm start writes it (64 hex digits, 0600 in a 0700 directory). */
function writeKey(file: string): string {
  const key = randomBytes(32).toString('hex');
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

/**
 * start.mjs's own verdict on `url` ('ours', 'other' or 'none'), from a child process
 * (asynchronously: a relay in this process must keep answering meanwhile).
 */
async function identify(url: string, key: string): Promise<string> {
  const script = join(sandbox, 'scripts', 'start.mjs');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { identify } = await import(${JSON.stringify(script)});
       process.stdout.write(await identify(${JSON.stringify(url)}, ${JSON.stringify(key)}));`,
    ],
    {
      encoding: 'utf8',
      timeout: 20_000,
      // Were importing it ever to run `npm start` itself, it would do so in the sandbox.
      cwd: sandbox,
      env: { ...process.env, XDG_DATA_HOME: freshUser().home, TOKEN_DESK_SERVICE_URL: url },
    },
  );
  return stdout;
}

let runs = 0;
/** A fresh per-user data directory (XDG_DATA_HOME) and the key file's path in it. */
function freshUser() {
  const home = join(sandbox, `user-${++runs}`);
  mkdirSync(home, { mode: 0o700 });
  return { home, keyFile: join(home, 'token-desk', 'service-identity.key') };
}

/** Runs the sandboxed `npm run harness` until it exits; its exit code and output. */
function startMjs(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.TOKEN_DESK_SERVICE_URL;
  if (env.TOKEN_DESK_SERVICE_URL !== undefined)
    childEnv.TOKEN_DESK_SERVICE_URL = env.TOKEN_DESK_SERVICE_URL;
  const child = spawn(process.execPath, ['scripts/start.mjs', '--harness'], {
    cwd: sandbox,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((done) => child.on('exit', (code) => done({ code, output })));
}

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/**
 * Something else on a loopback port that answers 200 `{"status":"ok"}` to everything,
 * and (`echo`) even sends back a proof header made of the challenge. Records each request.
 */
async function impostor(echo = true): Promise<{ port: number; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    const challenge = request.headers['x-token-desk-challenge'];
    if (echo && typeof challenge === 'string') response.setHeader('x-token-desk-proof', challenge);
    response.setHeader('content-type', 'application/json');
    response.end('{"status":"ok"}');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  closers.push(() => new Promise((done) => server.close(() => done())));
  const { port } = server.address() as AddressInfo;
  return { port, url: `http://127.0.0.1:${port}`, seen };
}

/** A port nothing listens on (taken from the kernel, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

async function realService(env: Record<string, string> = {}): Promise<TokenService> {
  const service = await startTokenService(join(sandbox, `data-${++runs}`), 0, env);
  closers.push(() => service.stop());
  return service;
}

const SOMETHING_ELSE = (port: number) =>
  `something else is listening on 127.0.0.1:${port} (not a Token Desk service started by you); stop it or set TOKEN_DESK_SERVICE_URL`;

describe('npm start and the service on its port', () => {
  it('refuses something else answering 200 to /v1/health, before building anything, and sends it nothing but the challenge', async () => {
    const fake = await impostor();
    const { home } = freshUser();
    const result = await startMjs({
      XDG_DATA_HOME: home,
      TOKEN_DESK_PORT: String(fake.port),
      TOKEN_DESK_DATA_DIR: join(home, 'data'),
    });
    expect(result.output).toContain(SOMETHING_ELSE(fake.port));
    expect(result.code).toBe(1);
    expect(result.output).not.toContain('BUILD');
    expect(result.output).not.toContain('FRONT END');
    expect(fake.seen.length).toBeGreaterThan(0);
    for (const request of fake.seen) {
      expect([request.method, request.url]).toEqual(['GET', '/v1/health']);
      expect(request.headers['x-token-desk-challenge']).toMatch(/^[0-9a-f]{64}$/);
      expect(request.headers.authorization).toBeUndefined();
    }
  });

  it('uses the real service started with the key, and points the app at it', async () => {
    const { home, keyFile } = freshUser();
    const key = writeKey(keyFile);
    const service = await realService({ TOKEN_DESK_IDENTITY_KEY: key });
    const result = await startMjs({ XDG_DATA_HOME: home, TOKEN_DESK_PORT: String(service.port) });
    expect(result.output).toContain(
      `using the token service already answering at ${service.url} (one you started)`,
    );
    expect(result.output).toContain(`FRONT END ${service.url}`);
    expect(result.code).toBe(0);
    // The key never reaches the service's log.
    expect(service.output.join('')).not.toContain(key);
  });

  it('starts its own service with the key when nothing answers, creating the key file owner-only', async () => {
    const { home, keyFile } = freshUser();
    const port = await freePort();
    const result = await startMjs({
      XDG_DATA_HOME: home,
      TOKEN_DESK_PORT: String(port),
      TOKEN_DESK_DATA_DIR: join(home, 'data'),
    });
    expect(result.output).toContain(`started the local token service at http://127.0.0.1:${port}`);
    expect(result.output).toContain(`FRONT END http://127.0.0.1:${port}`);
    expect(result.code).toBe(0);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(keyFile, '..')).mode & 0o077).toBe(0);
    const key = readFileSync(keyFile, 'utf8').trim();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(result.output).not.toContain(key);
  });

  it("refuses a real Token Desk service that was not started with this user's key", async () => {
    const { home } = freshUser();
    const other = await realService({ TOKEN_DESK_IDENTITY_KEY: randomBytes(32).toString('hex') });
    const result = await startMjs({ XDG_DATA_HOME: home, TOKEN_DESK_PORT: String(other.port) });
    expect(result.output).toContain(SOMETHING_ELSE(other.port));
    expect(result.code).toBe(1);
  });

  it('uses a URL named in TOKEN_DESK_SERVICE_URL, saying it was not verified', async () => {
    const fake = await impostor(false);
    const { home } = freshUser();
    const result = await startMjs({ XDG_DATA_HOME: home, TOKEN_DESK_SERVICE_URL: fake.url });
    expect(result.output).toContain(
      `using the token service at ${fake.url} (TOKEN_DESK_SERVICE_URL; not one npm start started, so not verified)`,
    );
    expect(result.output).toContain(`FRONT END ${fake.url}`);
  });

  it.each([
    ['readable by others', (file: string) => chmodSync(file, 0o644), 'only you can read'],
    [
      'a link',
      (file: string) => {
        const target = `${file}.elsewhere`;
        writeFileSync(target, `${'a'.repeat(64)}\n`, { mode: 0o600 });
        rmSync(file);
        symlinkSync(target, file);
      },
      'not a link',
    ],
    [
      'not a key',
      (file: string) => writeFileSync(file, 'hello\n', { mode: 0o600 }),
      'does not hold a Token Desk identity key',
    ],
  ])('refuses a key file that is %s, before building anything', async (_, spoil, says) => {
    const { home, keyFile } = freshUser();
    writeKey(keyFile);
    spoil(keyFile);
    const result = await startMjs({
      XDG_DATA_HOME: home,
      TOKEN_DESK_PORT: String(await freePort()),
    });
    expect(result.output).toContain(says);
    expect(result.output).toContain('Delete it and run npm start again');
    expect(result.code).toBe(1);
    expect(result.output).not.toContain('BUILD');
  });

  it('treats an empty TOKEN_DESK_SERVICE_URL as unset, and says what a bad one must be', async () => {
    const empty = await startMjs({
      XDG_DATA_HOME: freshUser().home,
      TOKEN_DESK_SERVICE_URL: '',
      TOKEN_DESK_PORT: '47800000',
    });
    // Unset: on to the port of npm start's own service, which is checked next.
    expect(empty.output).toContain('TOKEN_DESK_PORT must be a port number from 1 to 65535');
    expect(empty.output).not.toContain('Invalid URL');
    for (const bad of ['tokens.example.com', 'ftp://tokens.example.com']) {
      const result = await startMjs({
        XDG_DATA_HOME: freshUser().home,
        TOKEN_DESK_SERVICE_URL: bad,
      });
      expect(result.output).toContain(
        `TOKEN_DESK_SERVICE_URL must be the token service's http or https address, such as http://127.0.0.1:4780, not "${bad}".`,
      );
      expect(result.output).not.toContain('BUILD');
      expect(result.output).not.toMatch(/\n\s+at /);
      expect(result.code).toBe(1);
    }
  });

  it('says what TOKEN_DESK_PORT must be', async () => {
    const { home } = freshUser();
    const result = await startMjs({ XDG_DATA_HOME: home, TOKEN_DESK_PORT: '47800000' });
    expect(result.output).toContain('TOKEN_DESK_PORT must be a port number from 1 to 65535');
    expect(result.code).toBe(1);
  });
});

describe('the identity proof', () => {
  it('only the service holding the key, asked on its own port, proves itself', async () => {
    const { keyFile } = freshUser();
    const key = writeKey(keyFile);
    const ours = await realService({ TOKEN_DESK_IDENTITY_KEY: key });
    expect(await identify(ours.url, key)).toBe('ours');
    // The same service through a relay on another port: its answer is bound to its own port.
    const relay = await relayTo(ours.port);
    expect(await identify(relay, key)).toBe('other');
    // Without a key (npm run server), or with another one: not ours.
    const keyless = await realService();
    expect(await identify(keyless.url, key)).toBe('other');
    expect(await identify(ours.url, randomBytes(32).toString('hex'))).toBe('other');
    // Nothing there.
    const nothing = `http://127.0.0.1:${await freePort()}`;
    expect(await identify(nothing, key)).toBe('none');
  });

  it('answers only a well-formed challenge, and never with the key', async () => {
    const { keyFile } = freshUser();
    const key = writeKey(keyFile);
    const service = await realService({ TOKEN_DESK_IDENTITY_KEY: key });
    const health = (challenge?: string) =>
      fetch(`${service.url}/v1/health`, {
        headers: challenge === undefined ? {} : { 'x-token-desk-challenge': challenge },
      });
    const plain = await health();
    expect(plain.status).toBe(200);
    expect(plain.headers.get('x-token-desk-proof')).toBeNull();
    for (const bad of ['', 'abc', 'A'.repeat(64), 'g'.repeat(64), `${'a'.repeat(64)}0`]) {
      const response = await health(bad);
      expect(response.status, bad).toBe(200);
      expect(response.headers.get('x-token-desk-proof'), bad).toBeNull();
    }
    const proved = await health('0'.repeat(64));
    const proof = proved.headers.get('x-token-desk-proof');
    expect(proof).toMatch(/^[0-9a-f]{64}$/);
    expect(proof).not.toContain(key);
    expect(await proved.json()).toEqual({ status: 'ok' });
  });
});

/** An HTTP relay on a port of its own to a service on `port`. */
async function relayTo(port: number): Promise<string> {
  const server = createServer((incoming, outgoing) => {
    const forwarded = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  closers.push(() => new Promise((done) => server.close(() => done())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('the Node.js check', () => {
  it('refuses a Node too old to build in a sentence, and notes one too old for Electron', async () => {
    // start.mjs's own answers, from a child process as `npm start` would run it.
    const versions: Array<[string, boolean]> = [
      ['18.20.4', false],
      ['20.18.9', false],
      ['20.19.0', false],
      ['22.11.0', false],
      ['20.20.0', true],
      ['22.12.0', false],
      ['24.1.0', false],
    ];
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { nodeVersionAdvice } = await import(${JSON.stringify(join(sandbox, 'scripts', 'start.mjs'))});
         process.stdout.write(JSON.stringify(${JSON.stringify(versions)}.map(([v, harness]) => nodeVersionAdvice(v, { harness }))));`,
      ],
      { encoding: 'utf8', timeout: 20_000, cwd: sandbox },
    );
    const answers = JSON.parse(stdout) as Array<{ error?: string; note?: string }>;
    const advice = new Map(
      versions.map(([v, harness], i) => [`${v}${harness ? ' harness' : ''}`, answers[i]!]),
    );
    const nodeVersionAdvice = (version: string, { harness = false } = {}) =>
      advice.get(`${version}${harness ? ' harness' : ''}`)!;
    const old = nodeVersionAdvice('18.20.4');
    expect(old.error).toBe(
      'token desk: this is Node.js 18.20.4; Token Desk needs 20.19 or later to build, and 22.12 or later to open its window. Install Node.js 22.12 or later, then run npm install and npm start again.',
    );
    expect(nodeVersionAdvice('20.18.9').error).toContain('needs 20.19 or later');
    expect(nodeVersionAdvice('20.19.0')).toEqual({
      note: expect.stringContaining("Electron's installer wants 22.12 or later"),
    });
    expect(nodeVersionAdvice('22.11.0').note).toContain('this is Node.js 22.11.0');
    expect(nodeVersionAdvice('20.20.0', { harness: true })).toEqual({});
    expect(nodeVersionAdvice('22.12.0')).toEqual({});
    expect(nodeVersionAdvice('24.1.0')).toEqual({});
  });

  it('lets this machine’s Node run the harness without a word about it', async () => {
    const { output } = await startMjs({ TOKEN_DESK_PORT: '1' });
    expect(output).not.toContain('this is Node.js');
  });
});
