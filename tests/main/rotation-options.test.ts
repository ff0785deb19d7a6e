/**
 * A rotation's choices from the page (a new expiry, how the old value ends), checked
 * against what the token's issuer offers. The rules first, on their own; then through
 * main's handlers against real parts (the token service, the local GitLab and
 * Cloudflare): a hostile choice is refused in words before the vendor sees a request,
 * a good one reaches it exactly once, and an unfinished rotation of a vendor token
 * survives a restart and can still be finished.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeChannel } from '../../src/main/ipc/invoke-channel.js';
import { CLOUDFLARE_CAPABILITIES } from '../../src/main/issuers/cloudflare/cloudflare-issuer.js';
import { GITHUB_CAPABILITIES } from '../../src/main/issuers/github/github-issuer.js';
import { GITLAB_CAPABILITIES } from '../../src/main/issuers/gitlab/gitlab-issuer.js';
import { NPM_CAPABILITIES } from '../../src/main/issuers/npm/npm-issuer.js';
import { TOKEN_DESK_CAPABILITIES } from '../../src/main/issuers/token-desk/token-desk-issuer.js';
import { checkRotationRequest } from '../../src/main/services/rotation-options.js';
import { MAINTAINER, signUp, startCiWorld, type CiWorld } from '../support/main/ci-desk.js';
import {
  PERMISSION_GROUPS as PG,
  startFakeCloudflare,
  type FakeCloudflare,
} from '../support/issuers/cloudflare/fake-cloudflare.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const at = (days: number, from = NOW) => new Date(from + days * DAY).toISOString();

const npm = { kind: 'npm', capabilities: NPM_CAPABILITIES };
const gitlab = { kind: 'gitlab', capabilities: GITLAB_CAPABILITIES };
const cloudflareIssuer = { kind: 'cloudflare', capabilities: CLOUDFLARE_CAPABILITIES };
const github = { kind: 'github', capabilities: GITHUB_CAPABILITIES };
const ours = { kind: 'token-desk', capabilities: TOKEN_DESK_CAPABILITIES };

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('not refused');
}

describe('what a rotation may be asked, per issuer', () => {
  it('refuses an expiry past the source’s longest, in the past, or not a date', () => {
    // npm's 90 days bound only tokens that can write: its issuer checks each token
    // (tests/main/issuers/npm/npm-read-only-rotation.test.ts), main lets a read-only one by.
    expect(checkRotationRequest(npm, { expiresAt: at(200) }, NOW)).toEqual({
      expiresAt: at(200),
    });
    expect(refusal(() => checkRotationRequest(gitlab, { expiresAt: at(366) }, NOW))).toMatchObject({
      code: 'invalid_expiry',
      message: expect.stringContaining('at most 365 days'),
    });
    for (const past of [at(-1), at(0), '1999-01-01T00:00:00Z'])
      expect(refusal(() => checkRotationRequest(gitlab, { expiresAt: past }, NOW))).toMatchObject({
        code: 'invalid_expiry',
        message: expect.stringContaining('already passed'),
      });
    for (const malformed of [
      '',
      'tomorrow',
      '1',
      '2026-06-31',
      '2026-13-40T00:00:00Z',
      '2026-07-01T00:00:00',
      '2026-07-01T00:00:00Z\nX',
      '+275760-09-13T00:00:00Z',
      ' 2026-07-01T00:00:00Z',
    ])
      expect(refusal(() => checkRotationRequest(npm, { expiresAt: malformed }, NOW))).toMatchObject(
        { code: 'invalid_expiry', message: expect.stringContaining('not a date') },
      );
    // GitLab tokens must expire. An npm write token may not be made to last forever, but
    // a read-only one may: npm's issuer, which knows the token, refuses the first.
    expect(refusal(() => checkRotationRequest(gitlab, { expiresAt: null }, NOW)).code).toBe(
      'invalid_expiry',
    );
    expect(checkRotationRequest(npm, { expiresAt: null }, NOW)).toEqual({ expiresAt: null });
    expect(checkRotationRequest(npm, {}, NOW)).toEqual({});
  });

  it('passes an expiry within the limits, as an ISO instant, and nothing not asked', () => {
    expect(checkRotationRequest(npm, { expiresAt: at(90) }, NOW)).toEqual({ expiresAt: at(90) });
    expect(checkRotationRequest(gitlab, { expiresAt: '2026-09-01T00:00:00+02:00' }, NOW)).toEqual({
      expiresAt: '2026-08-31T22:00:00.000Z',
    });
    expect(checkRotationRequest(gitlab, {}, NOW)).toEqual({});
    expect(checkRotationRequest(ours, {}, NOW)).toEqual({});
  });

  it('refuses a style where the issuer has no choice, and an expiry where it takes none', () => {
    for (const issuer of [ours, npm, gitlab, github])
      for (const style of ['at-once', 'create-then-delete'] as const) {
        const refused = refusal(() => checkRotationRequest(issuer, { style }, NOW));
        expect(refused.code).toBe('invalid_rotation');
        expect(refused.message.length).toBeGreaterThan(40);
      }
    for (const issuer of [ours, github])
      expect(refusal(() => checkRotationRequest(issuer, { expiresAt: at(30) }, NOW))).toMatchObject(
        { code: 'invalid_rotation', message: expect.stringContaining('Nothing was rotated') },
      );
    // Cloudflare's new token takes an expiry; its roll keeps the token's own.
    expect(
      checkRotationRequest(
        cloudflareIssuer,
        { style: 'create-then-delete', expiresAt: at(30) },
        NOW,
      ),
    ).toEqual({ style: 'create-then-delete', expiresAt: at(30) });
    for (const expiresAt of [at(30), null])
      expect(
        refusal(() => checkRotationRequest(cloudflareIssuer, { style: 'at-once', expiresAt }, NOW)),
      ).toMatchObject({
        code: 'invalid_rotation',
        message: expect.stringContaining('rolls the value'),
      });
    expect(refusal(() => checkRotationRequest(ours, { expiresAt: at(30) }, NOW)).message).toContain(
      'grace period',
    );
    expect(checkRotationRequest(cloudflareIssuer, { style: 'at-once' }, NOW)).toEqual({
      style: 'at-once',
    });
    expect(checkRotationRequest(cloudflareIssuer, { style: 'create-then-delete' }, NOW)).toEqual({
      style: 'create-then-delete',
    });
  });
});

// ---------------------------------------------------------------- through main's handlers

const GL_TOKEN = 'glpat-rotationChoicesAda001';
const PERSONAL = 'glpat-rotationChoicesPers01';
const PROJECT = 'glpat-rotationChoicesProj01';
const GH_TOKEN = 'ghp_rotationChoicesAda0000000000000000001';
const silent = { error: () => {} };
type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

let world: CiWorld;
let cloudflare: FakeCloudflare;
let main: ReturnType<CiWorld['launch']>;
const call = async <T = any>(channel: string, payload: unknown) =>
  (await invokeChannel(main.handlers, channel, payload, silent)) as Result<T>;
async function must<T = any>(channel: string, payload: unknown): Promise<T> {
  const r = await call<T>(channel, payload);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value;
}

let gitlabId: string;
let githubId: string;
let cloudflareId: string;
let ownConnection: string;

/** A token made in Cloudflare's dashboard, with a permission to copy into a replacement. */
function seedCloudflare(name: string) {
  const owner = { kind: 'user' as const, id: [...cloudflare.tokens.values()][0]!.owner.id };
  return cloudflare.seed(owner, {
    name,
    policies: [
      {
        id: 'f267e341f3dd4697bd3b9f71dd96247f',
        effect: 'allow',
        resources: { 'com.cloudflare.api.account.zone.*': '*' },
        permission_groups: [{ id: PG.dnsWrite.id, name: 'DNS Write' }],
      },
    ],
  });
}

async function tokenNamed(name: string) {
  const inventory = await must('tokens:inventory', null);
  const token = inventory.tokens.find((t: { name: string }) => t.name === name);
  if (!token) throw new Error(`no token named ${name}`);
  return token as { id: string; issuer: { connectionId: string }; expiresAt: string | null };
}

beforeAll(async () => {
  [world, cloudflare] = await Promise.all([startCiWorld(), startFakeCloudflare()]);
  world.github.addAccount(GH_TOKEN, 'ada');
  world.github.addRepository('ada', 'app', { admins: ['ada'] });
  world.gitlab.addUser(GL_TOKEN, 'ada');
  world.gitlab.addProject('acme/app', { ada: MAINTAINER });
  world.gitlab.tokens.addPersonal('ada', PERSONAL, ['read_api'], { name: 'ada-laptop' });
  world.gitlab.tokens.addResourceToken(world.gitlab.namespace('project', 'acme/app')!, PROJECT, {
    name: 'deploy-bot',
    scopes: ['read_repository'],
    accessLevel: 30,
  });
  main = world.launch();
  const state = await signUp(main.handlers, world, `rotation-choices-${Date.now()}@example.test`);
  ownConnection = (state as { account: { connectionId: string } }).account.connectionId;
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
  const user = cloudflare.addUser('ada@example.test', [
    PG.apiTokensWrite.id,
    PG.userDetailsRead.id,
  ]);
  cloudflareId = (
    await must('connections:add', {
      kind: 'cloudflare',
      host: cloudflare.apiBase,
      token: user.value,
    })
  ).id;
}, 120_000);
afterAll(async () => {
  await main?.handlers.dispose();
  await Promise.all([world?.close(), cloudflare?.close()]);
});

describe('rotation choices through main', () => {
  it('refuses hostile choices on every rotate channel before GitLab sees a request', async () => {
    const project = await tokenNamed('deploy-bot');
    const personal = await tokenNamed('ada-laptop');
    const before = world.gitlab.requests.length;
    const send = {
      accountId: githubId,
      target: { kind: 'repository', owner: 'ada', repo: 'app' },
      name: 'DEPLOY_TOKEN',
      overwrite: false,
    };
    for (const token of [project, personal])
      for (const choice of [
        { expiresAt: new Date(Date.now() + 400 * DAY).toISOString() },
        { expiresAt: new Date(Date.now() - DAY).toISOString() },
        { expiresAt: 'next tuesday' },
        { expiresAt: null },
        { style: 'at-once' },
        { style: 'create-then-delete' },
      ]) {
        const base = { connectionId: gitlabId, id: token.id };
        for (const [channel, payload] of [
          ['tokens:rotate', { ...base, ...choice }],
          ['tokens:rotate-and-update', { ...base, placeIds: [], ...choice }],
          ['tokens:rotate-and-send', { ...base, placeIds: [], send, endOldNow: false, ...choice }],
        ] as const) {
          const refused = await call(channel, payload);
          expect(refused, `${channel} ${JSON.stringify(choice)}`).toMatchObject({
            ok: false,
            error: { code: expect.stringMatching(/^invalid_(expiry|rotation)$/) },
          });
          if (!refused.ok) expect(refused.error.message).toMatch(/\. /);
        }
      }
    // A style outside the two is not even a payload.
    const odd = await call('tokens:rotate', {
      connectionId: gitlabId,
      id: project.id,
      style: 'roll',
    });
    expect(odd).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(world.gitlab.requests.slice(before)).toEqual([]);
    expect(world.gitlab.tokens.byValue(PERSONAL)?.revoked).toBe(false);
  });

  it('refuses an expiry or a style for our own service’s grace rotation; the token keeps working', async () => {
    const made = await must('tokens:create', {
      connectionId: ownConnection,
      name: 'ours',
      expiresAt: null,
    });
    for (const choice of [
      { expiresAt: new Date(Date.now() + 30 * DAY).toISOString() },
      { style: 'at-once' },
    ]) {
      const refused = await call('tokens:rotate-and-update', {
        connectionId: ownConnection,
        id: made.token.id,
        placeIds: [],
        ...choice,
      });
      expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_rotation' } });
    }
    const listed = await must('tokens:list', { connectionId: ownConnection });
    expect(listed.find((t: { id: string }) => t.id === made.token.id)).toMatchObject({
      replacedById: null,
    });
  });

  it('rotates a GitLab project token with the new expiry asked: one create, one revoke', async () => {
    const project = await tokenNamed('deploy-bot');
    const wanted = new Date(Date.now() + 60 * DAY);
    const before = world.gitlab.requests.length;
    const rotated = await must('tokens:rotate', {
      connectionId: gitlabId,
      id: project.id,
      expiresAt: wanted.toISOString(),
    });
    expect(rotated.warning).toBeUndefined();
    expect(rotated.token.expiresAt?.slice(0, 10)).toBe(wanted.toISOString().slice(0, 10));
    const writes = world.gitlab.requests
      .slice(before)
      .filter((r) => r.method !== 'GET' && r.path.includes('access_tokens'));
    expect(writes.map((r) => r.method)).toEqual(['POST', 'DELETE']);
    expect(world.gitlab.tokens.byValue(PROJECT)?.revoked).toBe(true);
    expect(world.gitlab.tokens.offContract).toEqual([]);
  });

  it('rolls a Cloudflare token at once when asked, and makes a new one by default', async () => {
    const rolled = seedCloudflare('roll me');
    const replaced = seedCloudflare('replace me');
    // The fake keeps (and rolls) the very object it returns.
    const rolledValue = rolled.value;
    let before = cloudflare.requests.length;
    const atOnce = await must('tokens:rotate-and-update', {
      connectionId: cloudflareId,
      id: rolled.id,
      placeIds: [],
      style: 'at-once',
    });
    const rollWrites = cloudflare.requests.slice(before).filter((r) => r.method !== 'GET');
    expect(rollWrites.map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{32}/g, ':id')}`)).toEqual([
      'PUT /client/v4/user/tokens/:id/value',
    ]);
    expect(atOnce.rotation).toMatchObject({
      newTokenId: rolled.id,
      oldTokenIds: [],
      finished: true,
    });
    expect(cloudflare.accepts(rolledValue)).toBe(false);
    expect(cloudflare.accepts(atOnce.revealed.secret)).toBe(true);

    before = cloudflare.requests.length;
    const byDefault = await must('tokens:rotate', { connectionId: cloudflareId, id: replaced.id });
    const createWrites = cloudflare.requests.slice(before).filter((r) => r.method !== 'GET');
    expect(createWrites.map((r) => r.method)).toEqual(['POST', 'DELETE']);
    expect(byDefault.token.id).not.toBe(replaced.id);
    expect(cloudflare.tokens.has(replaced.id)).toBe(false);
    expect(cloudflare.offContract).toEqual([]);
  });

  it('keeps an unfinished at-once rotation across a restart, and Finish makes a new token rather than rolling again', async () => {
    const seeded = seedCloudflare('sent once');
    // A place for it: rotate it once through a send, so the service records where it is.
    const first = await must('tokens:rotate-and-send', {
      connectionId: cloudflareId,
      id: seeded.id,
      placeIds: [],
      style: 'at-once',
      send: {
        accountId: githubId,
        target: { kind: 'repository', owner: 'ada', repo: 'app' },
        name: 'CF_TOKEN',
        overwrite: false,
      },
      endOldNow: false,
    });
    expect(first.sendProblem).toBeNull();
    const places = await must('destinations:list', {
      tokenId: seeded.id,
      connectionId: cloudflareId,
    });
    expect(places).toHaveLength(1);
    // GitHub fails the push after the next roll.
    world.github.failNext('/actions/secrets/CF_TOKEN', {
      status: 500,
      body: { message: 'Server Error' },
    });
    const rolled = await must('tokens:rotate-and-update', {
      connectionId: cloudflareId,
      id: seeded.id,
      placeIds: places.map((p: { id: string }) => p.id),
      style: 'at-once',
    });
    expect(rolled.rotation.finished).toBe(false);
    expect(rolled.rotation.destinations[0].status).toBe('failed');
    const text = world.settingsText();
    expect(text).not.toContain(rolled.revealed.secret);

    // A restart: the record is read back; its secret is gone.
    await main.handlers.dispose();
    main = world.launch();
    await main.handlers['session:get'](null);
    const listed = await must('rotations:list', null);
    const unfinished = listed.find((r: { id: string }) => r.id === rolled.rotation.id);
    expect(unfinished).toMatchObject({ secretAvailable: false, newTokenId: seeded.id });
    const before = cloudflare.requests.length;
    const finished = await must('rotations:finish', { rotationId: rolled.rotation.id });
    const writes = cloudflare.requests.slice(before).filter((r) => r.method !== 'GET');
    // A new token beside the rolled one (which the place may hold), deleted once replaced.
    expect(writes[0]?.method).toBe('POST');
    expect(writes.some((r) => r.method === 'PUT')).toBe(false);
    expect(finished.revealed.secret).toBeTruthy();
    expect(cloudflare.offContract).toEqual([]);
  });
});
