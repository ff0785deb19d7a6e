/**
 * "Rotate and update N places" against the real token service (grace-period
 * rotation, destinations inherited by the replacement), the local GitHub and GitLab,
 * the real keychain and settings on disk, including a restart half-way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeChannel } from '../../src/main/ipc/invoke-channel.js';
import type {
  RevealedToken,
  RotateAndSendReport,
  RotationReport,
} from '../../src/shared/ipc-contract.js';
import {
  MAINTAINER,
  signUp,
  startCiWorld,
  type CiWorld,
  placeIdsOf,
} from '../support/main/ci-desk.js';
import { connectionOf } from '../support/main/fakes.js';

const GH_TOKEN = 'ghp_rotateTestToken000000000000000000001';
const GL_TOKEN = 'glpat-rotateTestToken0000001';
const silent = { error: () => {} };
const HOUR = 3600;

let world: CiWorld;
let composed: ReturnType<CiWorld['launch']>;
let desk: ReturnType<CiWorld['launch']>['handlers'];
const email = `rotate-${Date.now()}@example.test`;
const results: unknown[] = [];
const secrets: string[] = [];

type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
async function call<T = any>(channel: string, payload: unknown): Promise<Result<T>> {
  const result = (await invokeChannel(desk, channel, payload, silent)) as Result<T>;
  results.push(result);
  return result;
}
async function must<T = any>(channel: string, payload: unknown): Promise<T> {
  const result = await call<T>(channel, payload);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.value;
}
async function status(secret: string): Promise<number> {
  return (await world.service.request('GET', '/v1/users/me', { token: secret })).status;
}

const repo = { kind: 'repository', owner: 'ada', repo: 'app' } as const;
const project = { kind: 'project', path: 'acme/app', environmentScope: '*' } as const;
const ghSecret = () => world.github.secret('ada/app', 'CAPAWESOME_TOKEN');
const glSecret = () => world.gitlab.variable('project', 'acme/app', 'CAPAWESOME_TOKEN')?.value;

/** A new token sent to the GitHub repository and the GitLab project. */
async function tokenInTwoPlaces(name: string): Promise<RevealedToken> {
  const revealed = await desk['tokens:create']({
    connectionId: await connectionOf(desk),
    name,
    expiresAt: null,
  });
  secrets.push(revealed.secret);
  const [github, gitlab] = (await must('providers:list', null)).accounts;
  for (const [accountId, target] of [
    [github.id, repo],
    [gitlab.id, project],
  ] as const) {
    const sent = await must('destinations:send', {
      revealId: revealed.revealId,
      accountId,
      target,
      name: 'CAPAWESOME_TOKEN',
      overwrite: true,
    });
    expect(sent.recordProblem).toBeNull();
  }
  return revealed;
}

beforeAll(async () => {
  world = await startCiWorld();
  world.github.addAccount(GH_TOKEN, 'ada');
  world.github.addRepository('ada', 'app');
  world.gitlab.addUser(GL_TOKEN, 'ada');
  world.gitlab.addProject('acme/app', { ada: MAINTAINER });
  composed = world.launch();
  desk = composed.handlers;
  await signUp(desk, world, email);
  await must('providers:add', {
    provider: 'github',
    host: world.github.apiBaseUrl,
    token: GH_TOKEN,
  });
  await must('providers:add', { provider: 'gitlab', host: world.gitlab.url, token: GL_TOKEN });
});
afterAll(async () => {
  await world.close();
});

describe("a row's Send to CI…: rotate, then send, as one operation in main", () => {
  const other = { kind: 'repository', owner: 'ada', repo: 'app' } as const;

  async function rotateAndSend(token: RevealedToken, name: string, endOldNow: boolean) {
    const result = await must<RotateAndSendReport>('tokens:rotate-and-send', {
      connectionId: await connectionOf(desk),
      id: token.token.id,
      placeIds: await placeIdsOf(desk, token.token.id),
      send: {
        accountId: (await must('providers:list', null)).accounts[0].id,
        target: other,
        name,
        overwrite: true,
      },
      endOldNow,
    });
    if (result.report.revealed) secrets.push(result.report.revealed.secret);
    return result;
  }

  it('a token recorded nowhere: the new secret is sent, and the old one stops at once when asked', async () => {
    const old = await desk['tokens:create']({
      connectionId: await connectionOf(desk),
      name: 'row-send-now',
      expiresAt: null,
    });
    secrets.push(old.secret);
    const result = await rotateAndSend(old, 'ROW_SEND_NOW', true);
    const fresh = result.report.revealed!.secret;
    expect(result.sent).toMatchObject({ outcome: 'created', recordProblem: null });
    expect(result.sendProblem).toBeNull();
    expect(result.oldKept).toBeNull();
    expect(world.github.secret('ada/app', 'ROW_SEND_NOW')).toBe(fresh);
    expect(result.report.rotation).toMatchObject({ oldRevoked: true, graceEndsAt: null });
    expect(await status(old.secret)).toBe(401);
    expect(await status(fresh)).toBe(200);
  });

  it('without "stop the old one now", the old secret keeps its grace period', async () => {
    const old = await desk['tokens:create']({
      connectionId: await connectionOf(desk),
      name: 'row-send-later',
      expiresAt: null,
    });
    secrets.push(old.secret);
    const result = await rotateAndSend(old, 'ROW_SEND_LATER', false);
    expect(result.sent).toMatchObject({ outcome: 'created' });
    expect(world.github.secret('ada/app', 'ROW_SEND_LATER')).toBe(result.report.revealed!.secret);
    expect(result.report.rotation.oldRevoked).toBe(false);
    expect(result.report.rotation.graceEndsAt).not.toBeNull();
    expect(await status(old.secret)).toBe(200);
  });

  it('a token with places: they are updated too, and the rotation ends the old token itself', async () => {
    const old = await tokenInTwoPlaces('row-send-places');
    const result = await rotateAndSend(old, 'ROW_SEND_PLACES', true);
    const fresh = result.report.revealed!.secret;
    expect(result.report.rotation).toMatchObject({ finished: true, oldRevoked: true });
    expect([ghSecret(), glSecret(), world.github.secret('ada/app', 'ROW_SEND_PLACES')]).toEqual([
      fresh,
      fresh,
      fresh,
    ]);
    expect(await status(old.secret)).toBe(401);
  });

  it('a send that fails still answers the rotation, with the send’s own words; the old token lives on', async () => {
    const old = await desk['tokens:create']({
      connectionId: await connectionOf(desk),
      name: 'row-send-fails',
      expiresAt: null,
    });
    secrets.push(old.secret);
    const result = await must<RotateAndSendReport>('tokens:rotate-and-send', {
      connectionId: await connectionOf(desk),
      id: old.token.id,
      placeIds: [],
      send: {
        accountId: (await must('providers:list', null)).accounts[0].id,
        target: { kind: 'repository', owner: 'ada', repo: 'not-there' },
        name: 'ROW_SEND_FAILS',
        overwrite: true,
      },
      endOldNow: true,
    });
    secrets.push(result.report.revealed!.secret);
    const direct = await call('destinations:send', {
      revealId: result.report.revealed!.revealId,
      accountId: (await must('providers:list', null)).accounts[0].id,
      target: { kind: 'repository', owner: 'ada', repo: 'not-there' },
      name: 'ROW_SEND_FAILS',
      overwrite: true,
    });
    expect(direct.ok).toBe(false);
    expect(result.sent).toBeNull();
    expect(result.sendProblem).toEqual(!direct.ok && direct.error);
    expect(result.report.rotation.oldRevoked).toBe(false);
    expect(await status(old.secret)).toBe(200);
    expect(await status(result.report.revealed!.secret)).toBe(200);
  });
});

describe('rotate and update every place', () => {
  it('pushes the new secret to both places, then revokes the old token at once', async () => {
    const old = await tokenInTwoPlaces('ci-rotate');
    const report = await must<RotationReport>('tokens:rotate-and-update', {
      connectionId: await connectionOf(desk),
      id: old.token.id,
      placeIds: await placeIdsOf(desk, old.token.id),
    });
    secrets.push(report.revealed!.secret);
    const fresh = report.revealed!.secret;
    expect(fresh).not.toBe(old.secret);
    expect(report.rotation).toMatchObject({
      finished: true,
      oldRevoked: true,
      oldTokenIds: [old.token.id],
      newTokenId: report.revealed!.token.id,
      problem: null,
    });
    expect(report.rotation.destinations.map((place) => [place.label, place.status])).toEqual([
      [`CAPAWESOME_TOKEN in ada/app on ${new URL(world.github.apiBaseUrl).host}`, 'updated'],
      [`CAPAWESOME_TOKEN in acme/app on ${new URL(world.gitlab.url).host}`, 'updated'],
    ]);
    // The grace period came from Settings (1 hour by default) on the service's clock.
    expect(Date.parse(report.rotation.graceEndsAt!)).toBe(world.service.clock.now() + HOUR * 1000);
    expect(ghSecret()).toBe(fresh);
    expect(glSecret()).toBe(fresh);
    expect(await status(old.secret)).toBe(401);
    expect(await status(fresh)).toBe(200);
    expect(await must('rotations:list', null)).toEqual([]);
    // The replacement inherited both places.
    const places = await must('destinations:list', { tokenId: report.revealed!.token.id });
    expect(places).toHaveLength(2);
  });

  it('a failing place keeps the old token alive and says why; Retry then succeeds and ends it', async () => {
    const old = await tokenInTwoPlaces('ci-retry');
    world.gitlab.failNext('/variables', {
      status: 503,
      body: { message: '503 Service Unavailable' },
    });
    const report = await must<RotationReport>('tokens:rotate-and-update', {
      connectionId: await connectionOf(desk),
      id: old.token.id,
      placeIds: await placeIdsOf(desk, old.token.id),
      gracePeriodSeconds: 2 * HOUR,
    });
    const fresh = report.revealed!.secret;
    secrets.push(fresh);
    const failed = report.rotation.destinations.find((place) => place.status === 'failed')!;
    expect(report.rotation).toMatchObject({
      finished: false,
      oldRevoked: false,
      secretAvailable: true,
    });
    expect(failed).toMatchObject({
      label: `CAPAWESOME_TOKEN in acme/app on ${new URL(world.gitlab.url).host}`,
      error: {
        code: 'provider_unreachable',
        message: expect.stringContaining('GitLab answered 503'),
      },
    });
    expect(Date.parse(report.rotation.graceEndsAt!)).toBe(
      world.service.clock.now() + 2 * HOUR * 1000,
    );
    // GitHub has the new secret, GitLab still the old one, and both tokens work.
    expect(ghSecret()).toBe(fresh);
    expect(glSecret()).toBe(old.secret);
    expect(await status(old.secret)).toBe(200);
    expect(await status(fresh)).toBe(200);
    // Listed as unfinished (for the next launch too), with nothing secret saved.
    expect(await must('rotations:list', null)).toMatchObject([{ id: report.rotation.id }]);
    expect(world.settingsText()).toContain(report.rotation.id);
    expect(world.settingsText()).not.toContain(fresh);

    // The reveal dialog closes: Retry still has the new secret, held for the rotation.
    await desk['secret:forget']({ revealId: report.revealed!.revealId });
    expect(composed.rotations.heldSecrets).toBe(1);
    const retried = await must<RotationReport>('rotations:retry', {
      rotationId: report.rotation.id,
      destinationId: failed.destinationId,
    });
    expect(retried.revealed).toBeNull();
    expect(retried.rotation).toMatchObject({ finished: true, oldRevoked: true });
    expect(glSecret()).toBe(fresh);
    expect(await status(old.secret)).toBe(401);
    expect(await status(fresh)).toBe(200);
    expect(await must('rotations:list', null)).toEqual([]);
    // Done: main no longer holds it for the rotation.
    expect(composed.rotations.heldSecrets).toBe(0);
  });

  it('keeps each place’s own settings: a protected variable stays protected, an org secret keeps its repositories', async () => {
    world.github.addOrganization('acme', ['ada']);
    const siteId = world.github.addRepository('acme', 'site', { admins: ['ada'] });
    const revealed = await desk['tokens:create']({
      connectionId: await connectionOf(desk),
      name: 'ci-settings',
      expiresAt: null,
    });
    secrets.push(revealed.secret);
    const [github, gitlab] = (await must('providers:list', null)).accounts;
    const org = { kind: 'organization', org: 'acme', visibility: 'selected' } as const;
    const staging = { ...project, environmentScope: 'staging' };
    await must('destinations:send', {
      revealId: revealed.revealId,
      accountId: github.id,
      target: org,
      name: 'ORG_TOKEN',
      overwrite: false,
      selectedRepositoryIds: [siteId],
    });
    await must('destinations:send', {
      revealId: revealed.revealId,
      accountId: gitlab.id,
      target: staging,
      name: 'CAPAWESOME_TOKEN',
      overwrite: false,
      masked: true,
      protected: true,
    });
    const report = await must<RotationReport>('tokens:rotate-and-update', {
      connectionId: await connectionOf(desk),
      id: revealed.token.id,
      placeIds: await placeIdsOf(desk, revealed.token.id),
    });
    secrets.push(report.revealed!.secret);
    expect(report.rotation.finished).toBe(true);
    expect(world.github.secret('org:acme', 'ORG_TOKEN')).toBe(report.revealed!.secret);
    expect(world.github.selectedRepositories('acme', 'ORG_TOKEN')).toEqual([siteId]);
    expect(
      world.gitlab.variable('project', 'acme/app', 'CAPAWESOME_TOKEN', 'staging'),
    ).toMatchObject({ value: report.revealed!.secret, masked: true, protected: true });
    expect(world.github.violations).toEqual([]);
  });

  it('a place whose account was removed fails in words, and Retry works once it is back', async () => {
    const old = await tokenInTwoPlaces('ci-no-account');
    const gitlab = (await must('providers:list', null)).accounts[1];
    await must('providers:remove', { accountId: gitlab.id });
    const report = await must<RotationReport>('tokens:rotate-and-update', {
      connectionId: await connectionOf(desk),
      id: old.token.id,
      placeIds: await placeIdsOf(desk, old.token.id),
    });
    secrets.push(report.revealed!.secret);
    expect(report.rotation.destinations[1]).toMatchObject({
      status: 'failed',
      error: {
        code: 'provider_account_missing',
        message: `No GitLab account for ${world.gitlab.url} is set up in Token Desk. Add one in Settings, then retry.`,
      },
    });
    expect(await status(old.secret)).toBe(200);
    await must('providers:add', { provider: 'gitlab', host: world.gitlab.url, token: GL_TOKEN });
    const retried = await must<RotationReport>('rotations:retry', {
      rotationId: report.rotation.id,
    });
    expect(retried.rotation.finished).toBe(true);
    expect(glSecret()).toBe(report.revealed!.secret);
    expect(await status(old.secret)).toBe(401);
  });

  it('"revoke the old token now anyway" ends it while a place still fails', async () => {
    const old = await tokenInTwoPlaces('ci-anyway');
    world.github.failNext('/public-key', {
      status: 403,
      body: { message: 'Resource not accessible by personal access token', documentation_url: 'x' },
      headers: { 'x-accepted-github-permissions': 'secrets=write' },
    });
    const report = await must<RotationReport>('tokens:rotate-and-update', {
      connectionId: await connectionOf(desk),
      id: old.token.id,
      placeIds: await placeIdsOf(desk, old.token.id),
    });
    secrets.push(report.revealed!.secret);
    expect(report.rotation.destinations[0]).toMatchObject({
      status: 'failed',
      error: {
        code: 'provider_missing_permission',
        message: expect.stringContaining('secrets: write'),
      },
    });
    expect(await status(old.secret)).toBe(200);
    const ended = await must('rotations:revoke-old', { rotationId: report.rotation.id });
    expect(ended).toMatchObject({ finished: true, oldRevoked: true });
    expect(await status(old.secret)).toBe(401);
    expect(await must('rotations:list', null)).toEqual([]);
    world.github.violations.length = 0;
  });

  it('after a restart lists the unfinished rotation; Finish rotates again and updates every place', async () => {
    const old = await tokenInTwoPlaces('ci-restart');
    world.gitlab.failNext('/variables', {
      status: 503,
      body: { message: '503 Service Unavailable' },
    });
    const report = await must<RotationReport>('tokens:rotate-and-update', {
      connectionId: await connectionOf(desk),
      id: old.token.id,
      placeIds: await placeIdsOf(desk, old.token.id),
    });
    const lost = report.revealed!.secret;
    secrets.push(lost);

    // The app restarts: the new secret is gone from memory, the record is not.
    composed = world.launch();
    desk = composed.handlers;
    await desk['session:get'](null);
    const [pending] = await must('rotations:list', null);
    expect(pending).toMatchObject({
      id: report.rotation.id,
      secretAvailable: false,
      oldTokenIds: [old.token.id],
      destinations: [{ status: 'updated' }, { status: 'failed' }],
    });
    expect(await call('rotations:retry', { rotationId: pending.id })).toMatchObject({
      ok: false,
      error: { code: 'secret_gone', message: expect.stringContaining('Finish') },
    });
    const finished = await must<RotationReport>('rotations:finish', { rotationId: pending.id });
    const newest = finished.revealed!.secret;
    secrets.push(newest);
    expect(finished.rotation).toMatchObject({ finished: true, oldRevoked: true });
    expect(finished.rotation.oldTokenIds).toEqual([old.token.id, report.revealed!.token.id]);
    expect(ghSecret()).toBe(newest);
    expect(glSecret()).toBe(newest);
    expect(await status(old.secret)).toBe(401);
    expect(await status(lost)).toBe(401);
    expect(await status(newest)).toBe(200);
    expect(await must('rotations:list', null)).toEqual([]);
  });

  it('if the app never comes back, the old token still ends when the grace period does', async () => {
    const old = await tokenInTwoPlaces('ci-abandoned');
    world.gitlab.failNext('/variables', {
      status: 503,
      body: { message: '503 Service Unavailable' },
    });
    const report = await must<RotationReport>('tokens:rotate-and-update', {
      connectionId: await connectionOf(desk),
      id: old.token.id,
      placeIds: await placeIdsOf(desk, old.token.id),
      gracePeriodSeconds: 600,
    });
    secrets.push(report.revealed!.secret);
    world.service.clock.advance(599_000);
    expect(await status(old.secret)).toBe(200);
    world.service.clock.advance(2_000);
    expect(await status(old.secret)).toBe(401);
    // Revoking "anyway" now finds it already ended, and the record goes.
    expect(await must('rotations:revoke-old', { rotationId: report.rotation.id })).toMatchObject({
      finished: true,
    });
  });

  it('refuses another account’s rotation and a place not in the rotation', async () => {
    const old = await tokenInTwoPlaces('ci-foreign');
    world.gitlab.failNext('/variables', {
      status: 503,
      body: { message: '503 Service Unavailable' },
    });
    const report = await must<RotationReport>('tokens:rotate-and-update', {
      connectionId: await connectionOf(desk),
      id: old.token.id,
      placeIds: await placeIdsOf(desk, old.token.id),
    });
    secrets.push(report.revealed!.secret);
    expect(
      await call('rotations:retry', {
        rotationId: report.rotation.id,
        destinationId: '00000000-0000-4000-8000-000000000000',
      }),
    ).toMatchObject({ ok: false, error: { code: 'destination_not_found' } });

    // Another account signs in on this app: main stops holding the first one's new secret.
    expect(composed.rotations.heldSecrets).toBe(1);
    await signUp(desk, world, `intruder-${Date.now()}@example.test`);
    expect(composed.rotations.heldSecrets).toBe(0);
    expect(await must('rotations:list', null)).toEqual([]);
    for (const channel of ['rotations:retry', 'rotations:revoke-old', 'rotations:finish']) {
      expect(await call(channel, { rotationId: report.rotation.id })).toMatchObject({
        ok: false,
        error: { code: 'rotation_not_found' },
      });
    }
    expect(await status(old.secret)).toBe(200);
  });

  it('no secret and no provider credential in settings, service logs or anything returned', () => {
    const returned = JSON.stringify(results);
    for (const text of [world.settingsText(), world.service.logs.join('\n'), returned]) {
      expect(text).not.toContain(GH_TOKEN);
      expect(text).not.toContain(GL_TOKEN);
    }
    for (const secret of secrets) {
      expect(world.settingsText()).not.toContain(secret);
      expect(world.service.logs.join('\n')).not.toContain(secret);
    }
  });
});
