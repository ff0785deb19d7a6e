/**
 * GitLab tokens' whole life on the desk, through main's handlers, against real parts:
 * the real token service (where a vendor token's places are kept), one local GitLab
 * that both issues the tokens and stores the CI variables, the local GitHub and the
 * keychain. The GitLab connection added for CI variables lists a project's access
 * tokens; a project token made here is sent to a GitHub secret and a GitLab variable,
 * then rotated (create-then-delete): both places hold the new value, GitLab refuses
 * the old one. A personal token rotates at once, and a rotation whose answer GitLab
 * drops is sent once and reported in words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeChannel } from '../../../src/main/ipc/invoke-channel.js';
import { MAINTAINER, signUp, startCiWorld, type CiWorld } from '../../support/main/ci-desk.js';

const GH_TOKEN = 'ghp_gitlabLifecycleAda00000000000000001';
const GL_TOKEN = 'glpat-gitlabLifeAda00000001';
const SEEDED = 'glpat-gitlabLifeSeeded00001';
const PERSONAL = 'glpat-gitlabLifePersonal001';
const DROPPED = 'glpat-gitlabLifeDropped0001';
const silent = { error: () => {} };
type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

let world: CiWorld;
let main: ReturnType<CiWorld['launch']>;
const call = async <T = any>(channel: string, payload: unknown) =>
  (await invokeChannel(main.handlers, channel, payload, silent)) as Result<T>;
async function must<T = any>(channel: string, payload: unknown): Promise<T> {
  const r = await call<T>(channel, payload);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** What the local GitLab answers a request made with `value` (401 once it is revoked). */
async function gitlabStatus(value: string): Promise<number> {
  const response = await fetch(`${world.gitlab.url}/api/v4/personal_access_tokens/self`, {
    headers: { 'private-token': value },
  });
  await response.arrayBuffer();
  return response.status;
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

let projectId: number;
let githubId: string;
let gitlabId: string;
const secrets: string[] = [GH_TOKEN, GL_TOKEN, SEEDED, PERSONAL, DROPPED];

beforeAll(async () => {
  world = await startCiWorld();
  world.github.addAccount(GH_TOKEN, 'ada');
  world.github.addRepository('ada', 'app', { admins: ['ada'] });
  world.gitlab.addUser(GL_TOKEN, 'ada');
  projectId = world.gitlab.addProject('acme/app', { ada: MAINTAINER });
  // A project token made on GitLab's pages before Token Desk was connected.
  world.gitlab.tokens.addResourceToken(world.gitlab.namespace('project', 'acme/app')!, SEEDED, {
    name: 'deploy-bot',
    scopes: ['read_repository'],
    accessLevel: 30,
  });
  main = world.launch();
  await signUp(main.handlers, world, `gitlab-life-${Date.now()}@example.test`);
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
  await world?.close();
});

describe('a GitLab project access token on the desk', () => {
  it('the GitLab connection for CI variables issues tokens and lists the project’s own', async () => {
    const listed = await must('connections:list', null);
    expect(listed.find((c: { id: string }) => c.id === gitlabId)).toMatchObject({
      kind: 'gitlab',
      roles: { issuesTokens: true, storesSecrets: true },
    });
    const inventory = await must('tokens:inventory', null);
    expect(inventory.sources.find((s: { kind: string }) => s.kind === 'gitlab')).toMatchObject({
      connectionId: gitlabId,
      problem: null,
    });
    const seeded = inventory.tokens.find((t: { name: string }) => t.name === 'deploy-bot');
    expect(seeded).toMatchObject({
      id: expect.stringMatching(new RegExp(`^project-${projectId}-\\d+$`)),
      issuer: { connectionId: gitlabId, kind: 'gitlab' },
      facts: {
        source: { kind: 'gitlab', variant: 'project', label: 'GitLab project · acme/app' },
        rotation: 'create-then-delete',
      },
      destinationCount: 0,
    });
    // The connection's own token is there too, as a personal one.
    expect(
      inventory.tokens.some(
        (t: { facts: { source: { variant: string } } }) => t.facts.source.variant === 'personal',
      ),
    ).toBe(true);
    expect(JSON.stringify(inventory)).not.toContain(SEEDED);
    expect(JSON.stringify(inventory)).not.toContain(GL_TOKEN);
  });

  it('refuses hostile create options before anything reaches GitLab', async () => {
    const before = world.gitlab.requests.length;
    for (const options of [
      { kind: 'personal', namespaceId: projectId, scopes: ['api'], accessLevel: 30 },
      { kind: 'project', namespaceId: projectId, scopes: ['sudo'], accessLevel: 30 },
      { kind: 'project', namespaceId: projectId, scopes: ['api'], accessLevel: 60 },
      { kind: 'project', namespaceId: projectId, scopes: ['api'], accessLevel: 30, owner: 'x' },
    ]) {
      const refused = await call('tokens:create', {
        connectionId: gitlabId,
        name: 'hostile',
        expiresAt: inDays(30),
        options,
      });
      expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_token_options' } });
    }
    const noExpiry = await call('tokens:create', {
      connectionId: gitlabId,
      name: 'forever',
      expiresAt: null,
      options: { kind: 'project', namespaceId: projectId, scopes: ['api'], accessLevel: 30 },
    });
    expect(noExpiry).toMatchObject({ ok: false, error: { code: 'expiry_required' } });
    const created = world.gitlab.requests
      .slice(before)
      .filter((r) => r.method === 'POST' && r.path.includes('access_tokens'));
    expect(created).toEqual([]);
  });

  it('creates a project token, sends it to a GitHub secret and a GitLab variable', async () => {
    const created = await must('tokens:create', {
      connectionId: gitlabId,
      name: 'release',
      expiresAt: inDays(30),
      options: {
        kind: 'project',
        namespaceId: projectId,
        scopes: ['read_api', 'read_repository'],
        accessLevel: 30,
      },
    });
    secrets.push(created.secret);
    expect(created.token).toMatchObject({
      name: 'release',
      issuer: { connectionId: gitlabId, kind: 'gitlab' },
      facts: expect.objectContaining({
        rotation: 'create-then-delete',
        source: expect.objectContaining({ variant: 'project' }),
      }),
    });
    const atGitLab = world.gitlab.tokens.byValue(created.secret);
    expect(atGitLab).toMatchObject({
      name: 'release',
      scopes: ['read_api', 'read_repository'],
      revoked: false,
      owner: { kind: 'project', namespaceId: projectId },
    });
    expect(world.gitlab.namespace('project', 'acme/app')!.members.get(atGitLab!.username)).toBe(30);
    expect(atGitLab!.expiresAt).toBe(inDays(30).slice(0, 10));
    expect(await gitlabStatus(created.secret)).toBe(200);

    const sentGitHub = await must('destinations:send', {
      revealId: created.revealId,
      accountId: githubId,
      target: { kind: 'repository', owner: 'ada', repo: 'app' },
      name: 'GITLAB_TOKEN',
      overwrite: false,
    });
    expect(sentGitHub).toMatchObject({ outcome: 'created', recordProblem: null });
    const sentGitLab = await must('destinations:send', {
      revealId: created.revealId,
      accountId: gitlabId,
      target: { kind: 'project', path: 'acme/app', environmentScope: '*' },
      name: 'GITLAB_TOKEN',
      overwrite: false,
    });
    expect(sentGitLab).toMatchObject({ outcome: 'created', recordProblem: null });
    expect(world.github.secret('ada/app', 'GITLAB_TOKEN')).toBe(created.secret);
    expect(world.gitlab.variable('project', 'acme/app', 'GITLAB_TOKEN')).toMatchObject({
      value: created.secret,
    });

    const inventory = await must('tokens:inventory', null);
    expect(inventory.tokens.find((t: { id: string }) => t.id === created.token.id)).toMatchObject({
      destinationCount: 2,
    });
  });

  it('rotates create-then-delete: both places get the new value, GitLab refuses the old', async () => {
    const inventory = await must('tokens:inventory', null);
    const old = inventory.tokens.find((t: { name: string }) => t.name === 'release');
    const oldValue = secrets.at(-1)!;
    const places = await must('destinations:list', { tokenId: old.id, connectionId: gitlabId });
    expect(places).toHaveLength(2);
    const report = await must('tokens:rotate-and-update', {
      connectionId: gitlabId,
      id: old.id,
      placeIds: places.map((p: { id: string }) => p.id),
    });
    expect(report.rotation).toMatchObject({ finished: true, oldRevoked: true, problem: null });
    expect(report.rotation.oldTokenIds).toEqual([old.id]);
    expect(report.rotation.destinations.map((d: { status: string }) => d.status)).toEqual([
      'updated',
      'updated',
    ]);
    const fresh = report.revealed.secret as string;
    secrets.push(fresh);
    expect(fresh).not.toBe(oldValue);
    expect(report.rotation.newTokenId).not.toBe(old.id);
    expect(world.github.secret('ada/app', 'GITLAB_TOKEN')).toBe(fresh);
    expect(world.gitlab.variable('project', 'acme/app', 'GITLAB_TOKEN')).toMatchObject({
      value: fresh,
    });
    // The same name, scopes and role as the old one; the old one revoked at GitLab.
    const renewedAtGitLab = world.gitlab.tokens.byValue(fresh)!;
    expect(renewedAtGitLab).toMatchObject({
      name: 'release',
      scopes: ['read_api', 'read_repository'],
      revoked: false,
    });
    expect(world.gitlab.tokens.byValue(oldValue)).toMatchObject({ revoked: true });
    expect(await gitlabStatus(oldValue)).toBe(401);
    expect(await gitlabStatus(fresh)).toBe(200);

    // The places followed the new id (kept on the account's service).
    const after = await must('tokens:inventory', null);
    expect(
      after.tokens.find((t: { id: string }) => t.id === report.rotation.newTokenId),
    ).toMatchObject({
      destinationCount: 2,
      name: 'release',
    });
    expect(after.tokens.some((t: { id: string }) => t.id === old.id)).toBe(false);
    const placesAfter = await must('destinations:list', {
      tokenId: report.rotation.newTokenId,
      connectionId: gitlabId,
    });
    expect(placesAfter).toHaveLength(2);
    expect(await must('rotations:list', null)).toEqual([]);
  });
});

describe('a GitLab personal access token on the desk', () => {
  it('rotates at once: the report says the old value stopped, and GitLab refuses it', async () => {
    const made = world.gitlab.tokens.addPersonal('ada', PERSONAL, ['read_api'], {
      name: 'reader',
      expiresInDays: 60,
    });
    const inventory = await must('tokens:inventory', null);
    const listed = inventory.tokens.find((t: { id: string }) => t.id === `personal-${made.id}`);
    expect(listed).toMatchObject({
      name: 'reader',
      facts: { source: { variant: 'personal' }, rotation: 'at-once' },
    });
    const rotateCalls = () =>
      world.gitlab.requests.filter(
        (r) => r.method === 'POST' && r.path.endsWith(`/personal_access_tokens/${made.id}/rotate`),
      ).length;
    const report = await must('tokens:rotate-and-update', {
      connectionId: gitlabId,
      id: listed.id,
      placeIds: [],
    });
    expect(rotateCalls()).toBe(1);
    const fresh = report.revealed.secret as string;
    secrets.push(fresh);
    // At once: no old token left for main to revoke later, no grace period, and the
    // window is told the old value has stopped (not that it keeps working meanwhile).
    expect(report.rotation).toMatchObject({
      finished: true,
      oldRevoked: true,
      problem: null,
      oldTokenIds: [],
      graceEndsAt: null,
    });
    expect(report.revealed.token.facts.rotation).toBe('at-once');
    expect(report.rotation.newTokenId).not.toBe(listed.id);
    expect(await gitlabStatus(PERSONAL)).toBe(401);
    expect(await gitlabStatus(fresh)).toBe(200);
    expect(world.gitlab.tokens.byValue(fresh)).toMatchObject({ name: 'reader' });
  });

  it('sends a rotation once when GitLab’s answer is lost, and says so in words', async () => {
    const made = world.gitlab.tokens.addPersonal('ada', DROPPED, ['read_api'], {
      name: 'dropped',
      expiresInDays: 60,
    });
    const path = `/personal_access_tokens/${made.id}/rotate`;
    world.gitlab.alter(path, () => 'destroy');
    const before = world.gitlab.requests.length;
    const result = await call('tokens:rotate-and-update', {
      connectionId: gitlabId,
      id: `personal-${made.id}`,
      placeIds: [],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('rotation_outcome_unknown');
    expect(result.error.message).toMatch(/may have rotated/);
    expect(result.error.message).toMatch(/did not try again/);
    for (const secret of secrets) expect(result.error.message).not.toContain(secret);
    const rotations = world.gitlab.requests
      .slice(before)
      .filter((r) => r.method === 'POST' && r.path.includes(path));
    expect(rotations).toHaveLength(1);
    // GitLab did rotate it: the old value is gone, and nothing was tried again.
    expect(await gitlabStatus(DROPPED)).toBe(401);
    const family = world.gitlab.tokens.tokens.filter((t) => t.previousId === made.id);
    expect(family).toHaveLength(1);
    expect(family[0]!.revoked).toBe(false);
    expect(await must('rotations:list', null)).toEqual([]);
  });

  it('keeps nothing secret at rest, and GitLab saw only documented requests', () => {
    const text = world.settingsText();
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(world.gitlab.tokens.offContract).toEqual([]);
  });
});
