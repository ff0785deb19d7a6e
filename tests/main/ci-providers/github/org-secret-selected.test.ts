/**
 * An organization secret shared with selected repositories, through main's channels:
 * providers:targets gives each repository GitHub's id, and destinations:send passes
 * the chosen ids to GitHub (the fake records selected_repository_ids from the PUT body).
 * A rotation updates it with the visibility and repositories GitHub holds then.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeChannel } from '../../../../src/main/ipc/invoke-channel.js';
import type { RevealedToken, TargetChoice } from '../../../../src/shared/ipc-contract.js';
import { signUp, startCiWorld, type CiWorld, placeIdsOf } from '../../../support/main/ci-desk.js';
import { connectionOf } from '../../../support/main/fakes.js';

const GH_TOKEN = 'ghp_orgSelectedToken00000000000000000001';
const silent = { error: () => {} };

let world: CiWorld;
let desk: ReturnType<CiWorld['launch']>['handlers'];
let githubId = '';
let revealed: RevealedToken;
const ids: Record<string, number> = {};
async function call(channel: string, payload: unknown) {
  return (await invokeChannel(desk, channel, payload, silent)) as
    { ok: true; value: any } | { ok: false; error: { code: string; message: string } };
}

beforeAll(async () => {
  world = await startCiWorld();
  world.github.addAccount(GH_TOKEN, 'ada');
  ids['ada/app'] = world.github.addRepository('ada', 'app');
  ids['acme/api'] = world.github.addRepository('acme', 'api', { admins: ['ada'] });
  ids['acme/site'] = world.github.addRepository('acme', 'site', { admins: ['ada'] });
  ids['acme/docs'] = world.github.addRepository('acme', 'docs', { admins: ['ada'] });
  world.github.addOrganization('acme', ['ada']);
  desk = world.launch().handlers;
  await signUp(desk, world, `org-selected-${Date.now()}@example.test`);
  const gh = await call('providers:add', {
    provider: 'github',
    host: world.github.apiBaseUrl,
    token: GH_TOKEN,
  });
  if (!gh.ok) throw new Error('account not added');
  githubId = gh.value.id;
  revealed = await desk['tokens:create']({
    connectionId: await connectionOf(desk),
    name: 'org-selected',
    expiresAt: null,
  });
});
afterAll(async () => {
  await world.close();
});

describe('organization secret with visibility "selected"', () => {
  it("lists each repository with GitHub's id", async () => {
    const listed = await call('providers:targets', { accountId: githubId, list: 'repositories' });
    expect(listed.ok).toBe(true);
    if (!listed.ok) return;
    const byName = Object.fromEntries(
      (listed.value as TargetChoice[]).flatMap((choice) =>
        choice.kind === 'repository' ? [[`${choice.owner}/${choice.repo}`, choice.id]] : [],
      ),
    );
    expect(byName).toEqual(ids);
    expect(world.github.violations).toEqual([]);
  });

  it('sends the chosen repository ids to GitHub, and GitHub decrypts exactly the secret', async () => {
    const listed = await call('providers:targets', { accountId: githubId, list: 'repositories' });
    if (!listed.ok) throw new Error('no targets');
    const chosen = (listed.value as TargetChoice[])
      .flatMap((choice) =>
        choice.kind === 'repository' && ['api', 'site'].includes(choice.repo) ? [choice.id] : [],
      )
      .sort((a, b) => a - b);
    const sent = await call('destinations:send', {
      revealId: revealed.revealId,
      accountId: githubId,
      target: { kind: 'organization', org: 'acme', visibility: 'selected' },
      name: 'CAPAWESOME_TOKEN',
      overwrite: false,
      selectedRepositoryIds: chosen,
    });
    expect(sent).toMatchObject({
      ok: true,
      value: {
        outcome: 'created',
        // Not github.com: the label names the host.
        label: `CAPAWESOME_TOKEN in acme (organization, selected) on ${new URL(world.github.apiBaseUrl).host}`,
      },
    });
    expect(world.github.selectedRepositories('acme', 'CAPAWESOME_TOKEN')).toEqual([
      ids['acme/api'],
      ids['acme/site'],
    ]);
    expect(world.github.secret('org:acme', 'CAPAWESOME_TOKEN')).toBe(revealed.secret);
    expect(world.github.violations).toEqual([]);
  });

  it('refuses "selected" with no repository, and ids that are not positive integers, sending nothing', async () => {
    const puts = () => world.github.requests.filter((r) => r.method === 'PUT').length;
    const before = puts();
    const base = {
      revealId: revealed.revealId,
      accountId: githubId,
      target: { kind: 'organization', org: 'acme', visibility: 'selected' },
      name: 'OTHER_TOKEN',
      overwrite: true,
    };
    expect(await call('destinations:send', base)).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('Choose at least one repository') },
    });
    for (const selectedRepositoryIds of [[], [0], [-1], [1.5], ['1'], [ids['acme/api'], null]]) {
      expect(
        await call('destinations:send', { ...base, selectedRepositoryIds }),
        JSON.stringify(selectedRepositoryIds),
      ).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    }
    expect(puts()).toBe(before);
  });
});

describe('a rotation through the desk keeps what GitHub holds now', () => {
  it('narrowed on GitHub to one repository after the first send: the rotation keeps it narrow', async () => {
    const token = await desk['tokens:create']({
      connectionId: await connectionOf(desk),
      name: 'org-narrowed',
      expiresAt: null,
    });
    const sent = await call('destinations:send', {
      revealId: token.revealId,
      accountId: githubId,
      target: { kind: 'organization', org: 'acme', visibility: 'all' },
      name: 'NARROWED_TOKEN',
      overwrite: false,
    });
    expect(sent).toMatchObject({ ok: true, value: { outcome: 'created' } });
    // An organization admin narrows the secret on GitHub.
    world.github.setOrgSecretAccess('acme', 'NARROWED_TOKEN', 'selected', [ids['acme/docs']!]);

    const rotated = await call('tokens:rotate-and-update', {
      connectionId: await connectionOf(desk),
      id: token.token.id,
      placeIds: await placeIdsOf(desk, token.token.id),
    });
    expect(rotated).toMatchObject({
      ok: true,
      value: { rotation: { finished: true, problem: null } },
    });
    if (!rotated.ok) return;
    expect(world.github.orgSecretAccess('acme', 'NARROWED_TOKEN')).toEqual({
      visibility: 'selected',
      selectedRepositoryIds: [ids['acme/docs']],
    });
    expect(world.github.secret('org:acme', 'NARROWED_TOKEN')).toBe(rotated.value.revealed.secret);

    // Deleted on GitHub: the next rotation recreates it as recorded ("all").
    world.github.deleteSecret('org:acme', 'NARROWED_TOKEN');
    const again = await call('tokens:rotate-and-update', {
      connectionId: await connectionOf(desk),
      id: rotated.value.revealed.token.id,
      placeIds: await placeIdsOf(desk, rotated.value.revealed.token.id),
    });
    expect(again).toMatchObject({ ok: true, value: { rotation: { finished: true } } });
    if (!again.ok) return;
    expect(world.github.orgSecretAccess('acme', 'NARROWED_TOKEN')).toEqual({ visibility: 'all' });
    expect(world.github.secret('org:acme', 'NARROWED_TOKEN')).toBe(again.value.revealed.secret);
    expect(world.github.violations).toEqual([]);
  });
});
