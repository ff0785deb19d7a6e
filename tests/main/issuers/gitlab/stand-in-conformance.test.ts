/**
 * The local GitLab's token API driven by GitLab's own client, @gitbeaker/rest with its
 * default requester: if gitbeaker's calls (paths, bodies, pagination) were not what
 * the stand-in takes, the off-contract record or the answers would show it. Only then
 * is the issuer tested against the stand-in.
 */
import { Gitlab } from '@gitbeaker/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startFakeGitLab,
  type FakeGitLab,
} from '../../../support/ci-providers/gitlab/fake-gitlab.js';

const ADA = 'glpat-adaConformance0001';
const BOB = 'glpat-bobConformance0001';

function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

describe('the local GitLab token API, driven by @gitbeaker/rest', () => {
  let gitlab: FakeGitLab;
  let ada: InstanceType<typeof Gitlab>;
  let projectId: number;
  let groupId: number;

  beforeAll(async () => {
    gitlab = await startFakeGitLab();
    gitlab.addUser(ADA, 'ada');
    gitlab.addUser(BOB, 'bob');
    projectId = gitlab.addProject('acme/app', { ada: 40, bob: 30 });
    groupId = gitlab.addGroup('acme', { ada: 50, bob: 40 });
    ada = new Gitlab({ host: gitlab.url, token: ADA });
  });
  afterAll(async () => {
    expect(gitlab.tokens.offContract).toEqual([]);
    await gitlab.close();
  });

  it('lists, reads and self-describes personal access tokens, page by page', async () => {
    for (let i = 0; i < 24; i++)
      gitlab.tokens.addPersonal(
        'ada',
        `glpat-adaExtra${String(i).padStart(10, '0')}`,
        ['read_api'],
        {
          name: `extra-${i}`,
        },
      );
    const all = await ada.PersonalAccessTokens.all({ perPage: 10 });
    expect(all).toHaveLength(25);
    expect(all.every((token) => token.user_id === all[0]!.user_id)).toBe(true);
    const self = await ada.PersonalAccessTokens.show();
    expect(self).toMatchObject({
      name: 'ada-token',
      scopes: ['api'],
      active: true,
      revoked: false,
    });
    expect(await ada.PersonalAccessTokens.show({ tokenId: self.id })).toMatchObject({
      id: self.id,
    });
    // Someone else's token: 401, as GitLab answers a non-administrator.
    const bobs = await new Gitlab({ host: gitlab.url, token: BOB }).PersonalAccessTokens.show();
    await expect(ada.PersonalAccessTokens.show({ tokenId: bobs.id })).rejects.toMatchObject({
      cause: { response: { status: 401 } },
    });
  });

  it('rotates a personal token: the old value stops at once, the new one works, its expiry is the one sent', async () => {
    const value = 'glpat-adaRotateMe00000001';
    const token = gitlab.tokens.addPersonal('ada', value, ['api'], { name: 'rotate-me' });
    const rotated = await ada.PersonalAccessTokens.rotate(token.id, { expiresAt: inDays(30) });
    expect(rotated).toMatchObject({ name: 'rotate-me', expires_at: inDays(30), active: true });
    expect(rotated.token).toMatch(/^glpat-/);
    await expect(
      new Gitlab({ host: gitlab.url, token: value }).Users.showCurrentUser(),
    ).rejects.toMatchObject({ cause: { response: { status: 401 } } });
    // The old value used elsewhere (a pipeline) does not harm the new one; only a rotation does.
    expect(
      (await new Gitlab({ host: gitlab.url, token: rotated.token }).Users.showCurrentUser())
        .username,
    ).toBe('ada');
    // Rotating the old one again by id: refused, and the new one is revoked with its family.
    await expect(ada.PersonalAccessTokens.rotate(token.id)).rejects.toMatchObject({
      cause: { response: { status: 400 } },
    });
    await expect(
      new Gitlab({ host: gitlab.url, token: rotated.token }).Users.showCurrentUser(),
    ).rejects.toMatchObject({ cause: { response: { status: 401 } } });
  });

  it('gives one week when no expiry is sent, and refuses more than 365 days', async () => {
    const token = gitlab.tokens.addPersonal('ada', 'glpat-adaWeekDefault00001', ['api']);
    const rotated = await ada.PersonalAccessTokens.rotate(token.id);
    expect(rotated.expires_at).toBe(inDays(7));
    await expect(
      ada.PersonalAccessTokens.rotate(rotated.id, { expiresAt: inDays(400) }),
    ).rejects.toMatchObject({ cause: { response: { status: 400 } } });
  });

  it('self-rotates with the self keyword, and a rotated-away value used again revokes the whole family', async () => {
    const first = 'glpat-adaFamilyFirst00001';
    gitlab.tokens.addPersonal('ada', first, ['self_rotate'], { name: 'family' });
    const own = new Gitlab({ host: gitlab.url, token: first });
    const second = await own.PersonalAccessTokens.rotate('self', { expiresAt: inDays(10) });
    const third = await new Gitlab({
      host: gitlab.url,
      token: second.token,
    }).PersonalAccessTokens.rotate('self', { expiresAt: inDays(10) });
    // The first value again: refused, and every token of the family with it.
    await expect(own.PersonalAccessTokens.rotate('self')).rejects.toMatchObject({
      cause: { response: { status: 401 } },
    });
    await expect(
      new Gitlab({ host: gitlab.url, token: third.token }).Users.showCurrentUser(),
    ).rejects.toMatchObject({ cause: { response: { status: 401 } } });
  });

  it('revokes a personal token and keeps listing it as revoked', async () => {
    const token = gitlab.tokens.addPersonal('ada', 'glpat-adaRevokeMe0000001', ['api']);
    await ada.PersonalAccessTokens.remove({ tokenId: token.id });
    const revoked = await ada.PersonalAccessTokens.all({ revoked: true });
    expect(revoked.map((entry) => entry.id)).toContain(token.id);
    const live = await ada.PersonalAccessTokens.all({ revoked: false });
    expect(live.map((entry) => entry.id)).not.toContain(token.id);
  });

  for (const kind of ['project', 'group'] as const) {
    it(`creates, lists, reads, rotates and revokes ${kind} access tokens`, async () => {
      const resources = kind === 'project' ? ada.ProjectAccessTokens : ada.GroupAccessTokens;
      const id = kind === 'project' ? projectId : groupId;
      const created = await resources.create(
        id,
        `${kind}-ci`,
        ['api', 'read_repository'],
        inDays(60),
        {
          accessLevel: 30,
        },
      );
      expect(created).toMatchObject({
        name: `${kind}-ci`,
        scopes: ['api', 'read_repository'],
        access_level: 30,
        expires_at: inDays(60),
        active: true,
      });
      expect((await resources.all(id)).map((token) => token.id)).toContain(created.id);
      expect(await resources.show(id, created.id)).toMatchObject({ access_level: 30 });
      // The token acts as its bot user, a member with the chosen role.
      const bot = await new Gitlab({
        host: gitlab.url,
        token: created.token,
      }).Users.showCurrentUser();
      expect(bot.username).toMatch(new RegExp(`^${kind}_${id}_bot`));

      const rotated = await resources.rotate(id, created.id, { expiresAt: inDays(20) });
      expect(rotated).toMatchObject({
        name: `${kind}-ci`,
        access_level: 30,
        expires_at: inDays(20),
      });
      await expect(
        new Gitlab({ host: gitlab.url, token: created.token }).Users.showCurrentUser(),
      ).rejects.toMatchObject({ cause: { response: { status: 401 } } });

      await resources.revoke(id, rotated.id);
      expect(await resources.show(id, rotated.id)).toMatchObject({ revoked: true, active: false });
    });
  }

  it('refuses without the role: 401 to list or rotate, 400 to create or revoke (GitLab’s own statuses)', async () => {
    const bob = new Gitlab({ host: gitlab.url, token: BOB });
    const made = await ada.ProjectAccessTokens.create(
      projectId,
      'for-bob',
      ['read_api'],
      inDays(5),
    );
    await expect(bob.ProjectAccessTokens.all(projectId)).rejects.toMatchObject({
      cause: { response: { status: 401 } },
    });
    await expect(bob.ProjectAccessTokens.rotate(projectId, made.id)).rejects.toMatchObject({
      cause: { response: { status: 401 } },
    });
    await expect(
      bob.ProjectAccessTokens.create(projectId, 'x', ['api'], inDays(5)),
    ).rejects.toMatchObject({ cause: { response: { status: 400 } } });
    await expect(bob.ProjectAccessTokens.revoke(projectId, made.id)).rejects.toMatchObject({
      cause: { response: { status: 400 } },
    });
    // A group Maintainer is not enough for group tokens: Owner is.
    await expect(bob.GroupAccessTokens.all(groupId)).rejects.toMatchObject({
      cause: { response: { status: 401 } },
    });
    // And a Maintainer cannot make a token with a higher role than their own.
    await expect(
      ada.ProjectAccessTokens.create(projectId, 'too-high', ['api'], inDays(5), {
        accessLevel: 50,
      }),
    ).rejects.toMatchObject({ cause: { response: { status: 400 } } });
  });

  it('requires an expiry of at most 365 days on a new token', async () => {
    await expect(
      ada.ProjectAccessTokens.create(projectId, 'long', ['api'], inDays(366)),
    ).rejects.toMatchObject({ cause: { response: { status: 400 } } });
    await expect(
      ada.ProjectAccessTokens.create(projectId, 'long', ['api'], inDays(365)),
    ).resolves.toMatchObject({ expires_at: inDays(365) });
  });

  it('records a request off GitLab’s documented shape (an unknown body key)', async () => {
    const before = gitlab.tokens.offContract.length;
    const response = await fetch(`${gitlab.url}/api/v4/projects/${projectId}/access_tokens`, {
      method: 'POST',
      headers: { 'private-token': ADA, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', scopes: ['api'], expires_at: inDays(3), grace: 5 }),
    });
    expect(response.status).toBe(201);
    expect(gitlab.tokens.offContract.slice(before)).toEqual([
      `POST /projects/${projectId}/access_tokens: body key grace`,
    ]);
    gitlab.tokens.offContract.splice(before);
  });
});
