/**
 * An npm token's whole life on the desk, through main's handlers, against real parts:
 * a real registry (Verdaccio 6.8.0), the real token service (where the token's places
 * are kept), the local GitHub and GitLab and the keychain. Connect npm by signing in
 * in main's own prompt, create a write token, send it to a GitHub repository secret
 * and a GitLab project variable, rotate it: both places hold the new value, the
 * registry refuses the old one, and nothing secret is at rest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeChannel } from '../../../src/main/ipc/invoke-channel.js';
import { MAINTAINER, signUp, startCiWorld, type CiWorld } from '../../support/main/ci-desk.js';
import { startVerdaccio, type Verdaccio } from '../../support/issuers/npm/verdaccio.js';
import { RecordingPrompt } from '../../support/issuers/npm/ports.js';

const PASSWORD = 'correct-horse-battery-9';
const GH_TOKEN = 'ghp_npmLifecycleTokenAda000000000000001';
const GL_TOKEN = 'glpat-npmLifecycleAda0000001';
const silent = { error: () => {} };
type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

let world: CiWorld;
let registry: Verdaccio;
let main: ReturnType<CiWorld['launch']>;
const prompt = new RecordingPrompt();
const call = async <T = any>(channel: string, payload: unknown) =>
  (await invokeChannel(main.handlers, channel, payload, silent)) as Result<T>;
async function must<T = any>(channel: string, payload: unknown): Promise<T> {
  const r = await call<T>(channel, payload);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value;
}

async function whoami(token: string): Promise<number> {
  const response = await fetch(`${registry.url}-/whoami`, {
    headers: { authorization: `Bearer ${token}` },
  });
  await response.arrayBuffer();
  return response.status;
}

const WRITE = {
  permission: 'read-write',
  packages: [],
  allPackages: true,
  scopes: [],
  orgs: [],
  orgsPermission: null,
  cidr: [],
  bypass2fa: false,
};

let npmConnection: string;
let githubId: string;
let gitlabId: string;
const secrets: string[] = [];

beforeAll(async () => {
  [world, registry] = await Promise.all([startCiWorld(), startVerdaccio()]);
  await registry.addUser('ada', PASSWORD);
  world.github.addAccount(GH_TOKEN, 'ada');
  world.github.addRepository('ada', 'app', { admins: ['ada'] });
  world.gitlab.addUser(GL_TOKEN, 'ada');
  world.gitlab.addProject('acme/app', { ada: MAINTAINER });
  main = world.launch({ prompt });
  await signUp(main.handlers, world, `npm-life-${Date.now()}@example.test`);
  githubId = (
    await must('providers:add', {
      provider: 'github',
      host: world.github.apiBaseUrl,
      token: GH_TOKEN,
    })
  ).id;
  gitlabId = (
    await must('providers:add', { provider: 'gitlab', host: world.gitlab.url, token: GL_TOKEN })
  ).id;
}, 120_000);
afterAll(async () => {
  await main?.handlers.dispose();
  await Promise.all([world?.close(), registry?.stop()]);
});

describe('an npm token on the desk', () => {
  it('connects by signing in in main’s prompt; the password goes to the registry only', async () => {
    prompt.answer({ username: 'ada', password: PASSWORD });
    const connected = await must('connections:add', { kind: 'npm', host: registry.url });
    expect(connected).toMatchObject({
      kind: 'npm',
      kindName: 'npm',
      login: 'ada',
      roles: { issuesTokens: true, storesSecrets: false },
    });
    npmConnection = connected.id;
    // A registry never used before is confirmed in main's own dialog first.
    expect(world.confirm.asked.at(-1)?.message).toContain('npm');
    expect(prompt.asked.at(-1)?.message).toMatch(/npm/);
    expect(world.settingsText()).not.toContain(PASSWORD);
    const listed = await must('connections:list', null);
    expect(listed.map((entry: { kind: string }) => entry.kind).sort()).toEqual(
      ['github', 'gitlab', 'npm', 'token-desk'].sort(),
    );
  });

  it('creates a write token with the password asked again, and lists it beside ours', async () => {
    prompt.answer({ password: PASSWORD });
    const created = await must('tokens:create', {
      connectionId: npmConnection,
      name: 'publish',
      expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      options: WRITE,
    });
    secrets.push(created.secret);
    expect(created.token).toMatchObject({
      issuer: { connectionId: npmConnection, kind: 'npm' },
      facts: expect.objectContaining({ rotation: 'create-then-delete' }),
    });
    expect(await whoami(created.secret)).toBe(200);

    const sentGitHub = await must('destinations:send', {
      revealId: created.revealId,
      accountId: githubId,
      target: { kind: 'repository', owner: 'ada', repo: 'app' },
      name: 'NPM_TOKEN',
      overwrite: false,
    });
    expect(sentGitHub).toMatchObject({ outcome: 'created', recordProblem: null });
    const sentGitLab = await must('destinations:send', {
      revealId: created.revealId,
      accountId: gitlabId,
      target: { kind: 'project', path: 'acme/app', environmentScope: '*' },
      name: 'NPM_TOKEN',
      overwrite: false,
    });
    expect(sentGitLab).toMatchObject({ outcome: 'created', recordProblem: null });
    expect(world.github.secret('ada/app', 'NPM_TOKEN')).toBe(created.secret);
    expect(world.gitlab.variable('project', 'acme/app', 'NPM_TOKEN')).toMatchObject({
      value: created.secret,
    });

    const inventory = await must('tokens:inventory', null);
    const npmSource = inventory.sources.find((s: { kind: string }) => s.kind === 'npm');
    expect(npmSource).toMatchObject({ connectionId: npmConnection, problem: null });
    const listed = inventory.tokens.find((t: { id: string }) => t.id === created.token.id);
    expect(listed).toMatchObject({ destinationCount: 2, issuer: { kind: 'npm' } });
    const places = await must('destinations:list', {
      tokenId: created.token.id,
      connectionId: npmConnection,
    });
    const labels = places.map((p: { label: string }) => p.label).join(' | ');
    expect(places).toHaveLength(2);
    expect(labels).toContain('NPM_TOKEN in ada/app');
    expect(labels).toContain('acme/app');
  });

  it('rotates: both places get the new value, then the registry refuses the old one', async () => {
    const inventory = await must('tokens:inventory', null);
    const old = inventory.tokens.find(
      (t: { issuer: { kind: string }; destinationCount: number }) =>
        t.issuer.kind === 'npm' && t.destinationCount === 2,
    );
    const places = await must('destinations:list', {
      tokenId: old.id,
      connectionId: npmConnection,
    });
    prompt.answer({ password: PASSWORD });
    const report = await must('tokens:rotate-and-update', {
      connectionId: npmConnection,
      id: old.id,
      placeIds: places.map((p: { id: string }) => p.id),
    });
    expect(report.rotation).toMatchObject({ finished: true, oldRevoked: true, problem: null });
    expect(report.rotation.destinations.map((d: { status: string }) => d.status)).toEqual([
      'updated',
      'updated',
    ]);
    const fresh = report.revealed.secret as string;
    secrets.push(fresh);
    expect(fresh).not.toBe(secrets[0]);
    expect(world.github.secret('ada/app', 'NPM_TOKEN')).toBe(fresh);
    expect(world.gitlab.variable('project', 'acme/app', 'NPM_TOKEN')).toMatchObject({
      value: fresh,
    });
    expect(await whoami(fresh)).toBe(200);
    expect([401, 403]).toContain(await whoami(secrets[0]!));
    // The places followed the new token (kept on the account's service, by the new id).
    const after = await must('tokens:inventory', null);
    const renewed = after.tokens.find((t: { id: string }) => t.id === report.rotation.newTokenId);
    expect(renewed).toMatchObject({ destinationCount: 2 });
    expect(after.tokens.some((t: { id: string }) => t.id === old.id)).toBe(false);
  });

  it('a rotation with nowhere to update still replaces: the registry refuses the old token at once', async () => {
    prompt.answer({ password: PASSWORD });
    const made = await must('tokens:create', {
      connectionId: npmConnection,
      name: 'local-only',
      expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      options: WRITE,
    });
    secrets.push(made.secret);
    // A row's Rotate (no places): the new secret is shown and the old token deleted.
    prompt.answer({ password: PASSWORD });
    const rotated = await must('tokens:rotate', { connectionId: npmConnection, id: made.token.id });
    secrets.push(rotated.secret);
    expect(rotated.warning).toBeUndefined();
    expect(await whoami(rotated.secret)).toBe(200);
    expect([401, 403]).toContain(await whoami(made.secret));
    // Rotate and update with no recorded place: the same.
    prompt.answer({ password: PASSWORD });
    const report = await must('tokens:rotate-and-update', {
      connectionId: npmConnection,
      id: rotated.token.id,
      placeIds: [],
    });
    secrets.push(report.revealed.secret);
    expect(report.rotation).toMatchObject({ finished: true, oldRevoked: true, problem: null });
    expect([401, 403]).toContain(await whoami(rotated.secret));
    expect(await whoami(report.revealed.secret)).toBe(200);
  });

  it('keeps nothing secret at rest: no token value or password in the settings', () => {
    const text = world.settingsText();
    for (const secret of [...secrets, PASSWORD]) expect(text).not.toContain(secret);
    expect(prompt.pending).toBe(0);
  });
});
