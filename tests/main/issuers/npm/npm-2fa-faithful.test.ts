/**
 * The 2FA stand-in is what npm's own client expects: npm's libraries (npm-profile and
 * npm-registry-fetch, from the npm installed with Node) and the npm CLI itself sign in,
 * create with a one-time code and through the browser flow, page through the list and
 * delete against it, and it records nothing off-contract.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sessionFor, startNpm2fa, type Npm2fa } from '../../../support/issuers/npm/npm-2fa.js';

// npm's own client libraries, as the npm that ships with Node has them.
const npmRoot = join(execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim(), 'npm');
const requireFromNpm = createRequire(join(npmRoot, 'package.json'));
type Opts = Record<string, unknown>;
const profile = requireFromNpm('npm-profile') as {
  loginCouch(username: string, password: string, opts: Opts): Promise<{ token: string }>;
  loginWeb(opener: (url: string) => Promise<void>, opts: Opts): Promise<{ token: string }>;
  webAuthOpener(
    opener: (url: string) => Promise<void>,
    authUrl: string,
    doneUrl: string,
    opts: Opts,
  ): Promise<{ token: string }>;
  listTokens(opts: Opts): Promise<{ key: string }[]>;
  removeToken(key: string, opts: Opts): Promise<null>;
};
const registryFetch = requireFromNpm('npm-registry-fetch') as {
  json(uri: string, opts: Opts): Promise<Record<string, unknown>>;
};

const PASSWORD = 'correct-horse-battery-9';
let registry: Npm2fa;

beforeEach(async () => {
  registry = await startNpm2fa({ password: PASSWORD });
  registry.retryAfterSeconds = '0';
});
afterEach(async () => {
  expect(registry.offContract).toEqual([]);
  await registry.close();
});

const base = () => ({ registry: registry.url, retry: { retries: 0 } });

describe('the npm 2FA stand-in, driven by npm’s own client', () => {
  it('couch login: EOTP without a code, a token with npm-otp (npm-profile loginCouch)', async () => {
    await expect(profile.loginCouch('ada', PASSWORD, base())).rejects.toMatchObject({
      code: 'EOTP',
    });
    const { token } = await profile.loginCouch('ada', PASSWORD, { ...base(), otp: registry.otp });
    expect(registry.sessions.get(token)).toBe('ada');
    expect(registry.requests.at(-1)).toMatchObject({ method: 'PUT', otp: registry.otp });
  });

  it('web login: POST /-/v1/login, the browser opened, doneUrl polled to the token (npm-profile loginWeb)', async () => {
    registry.webLogin = true;
    const opened: string[] = [];
    const { token } = await profile.loginWeb(async (url) => {
      opened.push(url);
    }, base());
    expect(opened).toHaveLength(1);
    expect(registry.sessions.get(token)).toBe('ada');
    expect(
      registry.requests.filter((request) => request.path.startsWith('/-/v1/done')),
    ).toHaveLength(3);
  });

  it('create with a typed code: npm-registry-fetch’s otpPrompt retries with npm-otp', async () => {
    const session = sessionFor(registry);
    const created = await registryFetch.json('/-/npm/v1/tokens', {
      ...base(),
      forceAuth: { token: session },
      method: 'POST',
      body: {
        name: 'ci',
        password: PASSWORD,
        packages_and_scopes_permission: 'read-write',
        scopes: ['@ada'],
        expires: 30,
      },
      otpPrompt: async () => registry.otp,
    });
    expect(created.token).toMatch(/^npm_/);
    expect(registry.tokens.get(String(created.key))?.scopes).toEqual(['@ada']);
  });

  it('create through the browser: EOTP with authUrl/doneUrl, webAuthOpener, then the code it gave (otplease)', async () => {
    registry.mode = 'web';
    registry.approveAfterPolls = null;
    const session = sessionFor(registry);
    const opts = { ...base(), forceAuth: { token: session } };
    const body = {
      name: 'ci-web',
      password: PASSWORD,
      packages_and_scopes_permission: 'read-only',
    };
    const failure = (await registryFetch
      .json('/-/npm/v1/tokens', { ...opts, method: 'POST', body })
      .catch((error: unknown) => error)) as {
      code: string;
      body: { authUrl: string; doneUrl: string };
    };
    expect(failure.code).toBe('EOTP');
    const { token: otp } = await profile.webAuthOpener(
      async (url) => registry.approve(url),
      failure.body.authUrl,
      failure.body.doneUrl,
      opts,
    );
    const created = await registryFetch.json('/-/npm/v1/tokens', {
      ...opts,
      method: 'POST',
      body,
      otp,
    });
    expect(created.name).toBe('ci-web');
    expect(created.readonly).toBe(true);
  });

  it('lists page by page (urls.next) and deletes (npm-profile listTokens, removeToken)', async () => {
    registry.mode = 'none';
    registry.pageSize = 2;
    for (const name of ['a', 'b', 'c', 'd', 'e']) registry.addToken({ name });
    const opts = { ...base(), forceAuth: { token: sessionFor(registry) } };
    const listed = await profile.listTokens(opts);
    expect(listed).toHaveLength(5);
    await profile.removeToken(listed[0]!.key, opts);
    expect(registry.tokens.size).toBe(4);
  });

  it('npm token create (the CLI) with --otp makes a granular token', async () => {
    const home = await mkdtemp(join(tmpdir(), 'token-desk-npmrc-'));
    try {
      const userconfig = join(home, '.npmrc');
      await writeFile(
        userconfig,
        `${registry.url.replace(/^http:/, '')}:_authToken=${sessionFor(registry)}\n`,
        { mode: 0o600 },
      );
      const { stdout } = await promisify(execFile)(
        'npm',
        [
          'token',
          'create',
          '--json',
          '--name',
          'from-cli',
          '--scopes',
          '@ada',
          '--packages-and-scopes-permission',
          'read-write',
          '--expires',
          '30',
          '--cidr',
          '192.0.2.0/24',
          '--bypass-2fa',
          '--password',
          PASSWORD,
          '--otp',
          registry.otp,
          '--registry',
          registry.url,
          '--userconfig',
          userconfig,
        ],
        {
          env: {
            ...process.env,
            npm_config_cache: join(home, 'cache'),
            npm_config_update_notifier: 'false',
          },
        },
      );
      const created = JSON.parse(stdout) as { token: string; name: string };
      expect(created).toMatchObject({ name: 'from-cli' });
      const stored = [...registry.tokens.values()][0]!;
      expect(stored).toMatchObject({
        cidr_whitelist: ['192.0.2.0/24'],
        bypass_2fa: true,
        scopes: ['@ada'],
      });
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
