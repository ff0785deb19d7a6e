/**
 * The npm issuer against a real registry (Verdaccio 6.8.0 on loopback): sign in as npm
 * login does, create, list, use the new token, rotate (the old one works until it is
 * deleted, then the registry refuses it), revoke, and npm's own CLI listing the same
 * tokens the issuer lists.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NpmIssuer } from '../../../../src/main/issuers/npm/npm-issuer.js';
import { signInToNpm, verifyNpmConnection } from '../../../../src/main/issuers/npm/npm-sign-in.js';
import { startVerdaccio, type Verdaccio } from '../../../support/issuers/npm/verdaccio.js';
import {
  RecordingPrompt,
  fastTimers,
  npmConnection,
  npmContext,
} from '../../../support/issuers/npm/ports.js';

const PASSWORD = 'correct-horse-battery-9';
let registry: Verdaccio;

beforeAll(async () => {
  registry = await startVerdaccio();
  await registry.addUser('ada', PASSWORD);
});
afterAll(async () => {
  await registry?.stop();
});

async function whoami(token: string): Promise<number> {
  const response = await fetch(`${registry.url}-/whoami`, {
    headers: { authorization: `Bearer ${token}` },
  });
  await response.arrayBuffer();
  return response.status;
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const writeOptions = {
  permission: 'read-write',
  packages: [],
  allPackages: false,
  scopes: ['@ada'],
  orgs: [],
  orgsPermission: null,
  cidr: [],
  bypass2fa: false,
};

describe('npm on a real registry (Verdaccio)', () => {
  let credential: string;

  it('signs in as npm login does (web login not offered → the couch login), asking in main’s prompt', async () => {
    const prompt = new RecordingPrompt().answer({ username: 'ada', password: PASSWORD });
    const signedIn = await signInToNpm(registry.url, {
      prompt,
      fetch,
      externalLinks: null,
      timers: fastTimers(),
    });
    expect(signedIn.username).toBe('ada');
    expect(signedIn.registry).toBe(registry.url);
    expect(await whoami(signedIn.token)).toBe(200);
    expect(prompt.asked).toHaveLength(1);
    expect(prompt.asked[0]!.message).toContain(new URL(registry.url).host);
    expect(prompt.asked[0]!.message).toMatch(/never the password/);
    credential = signedIn.token;
    expect(await verifyNpmConnection(registry.url, credential, { fetch })).toEqual({
      login: 'ada',
      registry: registry.url,
    });
  });

  it('a token the registry does not know is refused as such, not as a strange answer', async () => {
    // Verdaccio answers whoami with 200 and no user name for a token it does not know.
    const unknown = `npm_${'Zz9'.repeat(12)}`;
    const failure = await verifyNpmConnection(registry.url, unknown, { fetch }).catch(
      (error: unknown) => error as Error & { code: string },
    );
    expect(failure).toMatchObject({ code: 'npm_bad_credential' });
    expect((failure as Error).message).toMatch(/does not accept this token/);
    expect((failure as Error).message).not.toContain(unknown);
  });

  it('a wrong password signs nobody in, and the sentence does not hold it', async () => {
    const prompt = new RecordingPrompt().answer({ username: 'ada', password: 'wrong-password-42' });
    const failure = await signInToNpm(registry.url, {
      prompt,
      fetch,
      externalLinks: null,
      timers: fastTimers(),
    }).catch((error: unknown) => error as Error & { code: string });
    expect(failure).toMatchObject({ code: 'npm_bad_credential' });
    expect((failure as Error).message).not.toContain('wrong-password');
  });

  it('creates, lists, and the new token works; a wrong password creates nothing', async () => {
    const prompt = new RecordingPrompt().answer({ password: PASSWORD });
    const issuer = new NpmIssuer(npmConnection(registry.url), npmContext(credential, { prompt }));
    expect(await issuer.list()).toEqual([]);

    const issued = await issuer.create({
      name: 'ci-publish',
      expiresAt: inDays(30),
      options: writeOptions,
    });
    expect(issued.secret.length).toBeGreaterThan(20);
    expect(issued.facts?.rotation).toBe('create-then-delete');
    expect(issued.warnings).toEqual([]);
    expect(await whoami(issued.secret)).toBe(200);
    expect(prompt.asked[0]!.fields.map((field) => field.kind)).toEqual(['password']);
    expect(prompt.asked[0]!.message).toContain('does not keep it');

    const listed = await issuer.list();
    expect(listed.map((token) => token.id)).toEqual([issued.id]);
    // Verdaccio ignores names (granular fields): what it does not say is said.
    expect(listed[0]).toMatchObject({
      name: `Unnamed npm token ${issued.id.slice(0, 6)}`,
      lastUsedAt: null,
      expiresAt: null,
      destinationCount: 0,
    });
    expect(listed[0]!.facts?.unknown.lastUse).toMatch(/npm does not list/);
    expect(listed[0]!.facts?.unknown.expiry).toBeTruthy();
    expect(listed[0]!.facts?.scopes).toEqual(['Read and write']);
    expect(listed[0]!.prefix.length).toBeLessThanOrEqual(12);
    expect(issued.secret.startsWith(listed[0]!.prefix)).toBe(true);

    prompt.answer({ password: 'not-the-password-7' });
    const refused = await issuer
      .create({ name: 'second', expiresAt: inDays(7), options: writeOptions })
      .then(
        () => new Error('expected a refusal') as Error & { code?: string },
        (error: unknown) => error as Error & { code: string },
      );
    expect(refused).toMatchObject({ code: 'npm_bad_credential' });
    expect(refused.message).not.toContain('not-the-password');
    expect(await issuer.list()).toHaveLength(1);
  });

  it('a connection made with a listed token never deletes or replaces that token from the list', async () => {
    const prompt = new RecordingPrompt().answer({ password: PASSWORD });
    const minted = await new NpmIssuer(
      npmConnection(registry.url),
      npmContext(credential, { prompt }),
    ).create({ name: 'connection', expiresAt: inDays(30), options: writeOptions });
    // The person connected with that token: it is the connection's credential now.
    const issuer = new NpmIssuer(npmConnection(registry.url), npmContext(minted.secret));
    expect((await issuer.list()).map((token) => token.id)).toContain(minted.id);
    await expect(issuer.revoke(minted.id)).rejects.toMatchObject({ code: 'connection_token' });
    await expect(issuer.rotate(minted.id)).rejects.toMatchObject({ code: 'connection_token' });
    expect(await issuer.revokeMany([minted.id])).toEqual({ revoked: [], notFound: [minted.id] });
    expect(await whoami(minted.secret)).toBe(200);
    await new NpmIssuer(npmConnection(registry.url), npmContext(credential)).revoke(minted.id);
  });

  it('rotates: a new token with the old settings, the old one working until main deletes it, then refused', async () => {
    const prompt = new RecordingPrompt().answer({ password: PASSWORD });
    const issuer = new NpmIssuer(npmConnection(registry.url), npmContext(credential, { prompt }));
    const [old] = await issuer.list();
    prompt.answer({ password: PASSWORD });
    const first = await issuer.create({
      name: 'to-rotate',
      expiresAt: null,
      options: writeOptions,
    });
    expect(old).toBeDefined();

    const rotated = await issuer.rotate(first.id);
    expect(rotated.previous).toEqual({ id: first.id, graceEndsAt: null, revokeAfterPush: true });
    expect(rotated.id).not.toBe(first.id);
    expect(await whoami(rotated.secret)).toBe(200);
    // The natural grace: both work while main pushes the new value.
    expect(await whoami(first.secret)).toBe(200);

    await issuer.revoke(first.id);
    expect(await whoami(first.secret)).toBe(403);
    expect(await whoami(rotated.secret)).toBe(200);
    await expect(issuer.get(first.id)).rejects.toMatchObject({ code: 'token_not_found' });
    await expect(issuer.revoke(first.id)).rejects.toMatchObject({ code: 'token_not_found' });
    expect((await issuer.get(rotated.id)).id).toBe(rotated.id);
  });

  it('npm’s own CLI lists exactly the tokens the issuer lists', async () => {
    const issuer = new NpmIssuer(npmConnection(registry.url), npmContext(credential));
    const ours = (await issuer.list()).map((token) => token.id).sort();
    expect(ours.length).toBeGreaterThanOrEqual(2);
    const home = await mkdtemp(join(tmpdir(), 'token-desk-npmrc-'));
    try {
      const userconfig = join(home, '.npmrc');
      const host = registry.url.replace(/^http:/, '');
      await writeFile(userconfig, `${host}:_authToken=${credential}\n`, { mode: 0o600 });
      const { stdout } = await promisify(execFile)(
        'npm',
        ['token', 'list', '--json', '--registry', registry.url, '--userconfig', userconfig],
        {
          env: {
            ...process.env,
            npm_config_cache: join(home, 'cache'),
            npm_config_update_notifier: 'false',
            npm_config_audit: 'false',
          },
        },
      );
      const theirs = (JSON.parse(stdout) as { key: string }[]).map((token) => token.key).sort();
      expect(theirs).toEqual(ours);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('revokes many one at a time, reporting what the registry no longer had', async () => {
    const issuer = new NpmIssuer(npmConnection(registry.url), npmContext(credential));
    const before = (await issuer.list()).map((token) => token.id);
    const result = await issuer.revokeMany([...before, 'ffffffffffffffffffffffffffffffff']);
    expect(result.revoked.sort()).toEqual([...before].sort());
    expect(result.notFound).toEqual(['ffffffffffffffffffffffffffffffff']);
    expect(await issuer.list()).toEqual([]);
  });
});
