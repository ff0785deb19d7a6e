/**
 * The GitLab issuer against the local GitLab (checked first against gitbeaker in
 * stand-in-conformance.test.ts): listing the three kinds, creating, rotating by
 * GitLab's rules, revoking, connecting an account, and a project token pushed into a
 * project variable on the same instance.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GitLabVariables } from '../../../../src/main/ci-providers/gitlab/gitlab-variables.js';
import { verifyGitLabConnection } from '../../../../src/main/issuers/gitlab/gitlab-issuer.js';
import {
  startFakeGitLab,
  type FakeGitLab,
} from '../../../support/ci-providers/gitlab/fake-gitlab.js';
import { ADA_TOKEN, day, inDays, issuerFor } from './issuer-setup.js';

let gitlab: FakeGitLab;
let projectId: number;
let groupId: number;
let developerProjectId: number;

beforeAll(async () => {
  gitlab = await startFakeGitLab();
  gitlab.addUser(ADA_TOKEN, 'ada');
  gitlab.addUser('glpat-bobOtherUser0000001', 'bob');
  projectId = gitlab.addProject('acme/app', { ada: 40, bob: 40 });
  groupId = gitlab.addGroup('acme', { ada: 50 });
  developerProjectId = gitlab.addProject('acme/developed', { ada: 30, bob: 40 });
  gitlab.addGroup('maintained', { ada: 40 });
});
afterEach(() => {
  expect(gitlab.tokens.offContract).toEqual([]);
});
afterAll(() => gitlab.close());

const rotations = () =>
  gitlab.requests.filter(
    (request) => request.method === 'POST' && request.path.endsWith('/rotate'),
  );

describe('connecting a GitLab account', () => {
  it('answers who the token belongs to, its id, scopes and expiry', async () => {
    const facts = await verifyGitLabConnection({ host: gitlab.url, credential: ADA_TOKEN, fetch });
    const own = gitlab.tokens.byValue(ADA_TOKEN)!;
    expect(facts).toEqual({
      login: 'ada',
      userId: expect.any(Number),
      tokenId: own.id,
      scopes: ['api'],
      expiresAt: `${own.expiresAt}T00:00:00.000Z`,
    });
  });

  it('refuses a token without the api scope, and a refused token, in words without the token', async () => {
    gitlab.tokens.addPersonal('ada', 'glpat-adaReadOnly00000001', ['read_api', 'read_user'], {
      name: 'read-only',
    });
    await expect(
      verifyGitLabConnection({ host: gitlab.url, credential: 'glpat-adaReadOnly00000001', fetch }),
    ).rejects.toMatchObject({
      code: 'gitlab_scope_missing',
      message: expect.stringContaining('read_api, read_user, but Token Desk needs api'),
    });
    const error = (await verifyGitLabConnection({
      host: gitlab.url,
      credential: 'glpat-nobodyKnowsThis000001',
      fetch,
    }).catch((caught: unknown) => caught)) as Error & { code: string };
    expect(error.code).toBe('provider_bad_credential');
    expect(error.message).not.toContain('nobodyKnows');
    await expect(
      verifyGitLabConnection({ host: 'http://gitlab.example.com', credential: ADA_TOKEN, fetch }),
    ).rejects.toMatchObject({ code: 'invalid_host' });
  });
});

describe('the list', () => {
  it('has the person’s own personal tokens and the tokens of projects they maintain and groups they own', async () => {
    const expired = gitlab.tokens.addPersonal('ada', 'glpat-adaExpiredOne000001', ['read_api'], {
      name: 'old-laptop',
      expiresInDays: -2,
      createdDaysAgo: 30,
    });
    const revoked = gitlab.tokens.addPersonal('ada', 'glpat-adaRevokedOne000001', ['api'], {
      name: 'gone',
    });
    revoked.revoked = true;
    gitlab.tokens.addPersonal('bob', 'glpat-bobOwnToken00000001', ['api'], { name: 'bobs' });
    const deploy = gitlab.tokens.addResourceToken(
      gitlab.namespace('project', 'acme/app')!,
      'glpat-projectDeploy000001',
      { name: 'deploy', scopes: ['read_repository', 'write_registry'], accessLevel: 30 },
    );
    const release = gitlab.tokens.addResourceToken(
      gitlab.namespace('group', 'acme')!,
      'glpat-groupRelease0000001',
      { name: 'release', scopes: ['api'], accessLevel: 40 },
    );
    const hidden = gitlab.tokens.addResourceToken(
      gitlab.namespace('project', 'acme/developed')!,
      'glpat-developedHidden00001',
      { name: 'not-mine-to-see', scopes: ['api'], accessLevel: 30 },
    );

    const { tokens, notes } = await issuerFor(gitlab).listWithNotes();
    expect(notes).toEqual([]);
    const byName = new Map(tokens.map((token) => [token.name, token]));
    expect([...byName.keys()].sort()).toEqual([
      'ada-token',
      'deploy',
      'old-laptop',
      'read-only',
      'release',
    ]);
    expect(byName.get('ada-token')).toMatchObject({
      id: `personal-${gitlab.tokens.byValue(ADA_TOKEN)!.id}`,
      prefix: '',
      lastUsedIp: null,
      destinationCount: 0,
      facts: {
        source: { kind: 'gitlab', variant: 'personal', label: 'GitLab personal' },
        scopes: ['Full read and write API access (api)'],
        rotation: 'at-once',
        canRevoke: true,
        status: 'active',
      },
    });
    // Last use is what GitLab recorded: the list itself just used the connection's token.
    expect(byName.get('ada-token')!.lastUsedAt).not.toBeNull();
    expect(byName.get('old-laptop')).toMatchObject({
      id: `personal-${expired.id}`,
      expiresAt: `${day(-2)}T00:00:00.000Z`,
      facts: { status: 'expired' },
    });
    expect(byName.get('deploy')).toMatchObject({
      id: `project-${projectId}-${deploy.id}`,
      expiresAt: `${deploy.expiresAt}T00:00:00.000Z`,
      lastUsedAt: null,
      facts: {
        source: { kind: 'gitlab', variant: 'project', label: 'GitLab project · acme/app' },
        scopes: [
          'Role: Developer',
          'Pull from the repository (read_repository)',
          'Push container images (write_registry)',
        ],
        rotation: 'create-then-delete',
      },
    });
    expect(byName.get('release')).toMatchObject({
      id: `group-${groupId}-${release.id}`,
      facts: {
        source: { variant: 'group', label: 'GitLab group · acme' },
        scopes: ['Role: Maintainer', 'Full read and write API access (api)'],
      },
    });
    expect(tokens.map((token) => token.id)).not.toContain(
      `project-${developerProjectId}-${hidden.id}`,
    );
  });

  it('reaches the 50 most recently active projects and says there are more', async () => {
    for (let i = 0; i < 51; i++) gitlab.addProject(`many/p${i}`, { ada: 40 });
    const { notes } = await issuerFor(gitlab).listWithNotes();
    expect(notes).toEqual([
      expect.stringContaining('the 50 most recently active projects you maintain'),
    ]);
  });

  it('get: a live token, and token_not_found once it is revoked', async () => {
    const token = gitlab.tokens.addPersonal('ada', 'glpat-adaGetMe0000000001', ['api'], {
      name: 'get-me',
    });
    const issuer = issuerFor(gitlab);
    expect(await issuer.get(`personal-${token.id}`)).toMatchObject({ name: 'get-me' });
    token.revoked = true;
    await expect(issuer.get(`personal-${token.id}`)).rejects.toMatchObject({
      code: 'token_not_found',
    });
    await expect(issuer.get(`project-${projectId}-999999`)).rejects.toMatchObject({
      code: 'token_not_found',
    });
  });
});

describe('creating', () => {
  it('a project token: the value works on GitLab, with the name, scopes, role and expiry chosen', async () => {
    const issued = await issuerFor(gitlab).create({
      name: 'ci-deploy',
      expiresAt: inDays(90),
      options: {
        kind: 'project',
        namespaceId: projectId,
        scopes: ['api', 'read_repository'],
        accessLevel: 30,
        description: 'for CI',
      },
    });
    const stored = gitlab.tokens.byValue(issued.secret)!;
    expect(stored).toMatchObject({
      name: 'ci-deploy',
      scopes: ['api', 'read_repository'],
      expiresAt: day(90),
      description: 'for CI',
    });
    expect(issued).toMatchObject({
      id: `project-${projectId}-${stored.id}`,
      expiresAt: `${day(90)}T00:00:00.000Z`,
      facts: {
        source: { label: 'GitLab project · acme/app' },
        scopes: expect.arrayContaining(['Role: Developer']),
      },
    });
    expect(gitlab.tokens.authenticate(issued.secret)?.username).toMatch(/^project_\d+_bot/);
  });

  it('a group token needs the Owner role: GitLab’s refusal in words', async () => {
    const maintained = gitlab.namespace('group', 'maintained')!;
    await expect(
      issuerFor(gitlab).create({
        name: 'ci',
        expiresAt: inDays(10),
        options: { kind: 'group', namespaceId: maintained.id, scopes: ['api'], accessLevel: 30 },
      }),
    ).rejects.toMatchObject({
      code: 'provider_invalid_name',
      message: expect.stringContaining('does not have permission to create group access token'),
    });
  });
});

describe('rotating', () => {
  it('a personal token: at once, with the chosen expiry, in one request; the old value stops', async () => {
    const old = 'glpat-adaRotatePersonal001';
    const token = gitlab.tokens.addPersonal('ada', old, ['api', 'read_user'], { name: 'laptop' });
    const before = rotations().length;
    const rotated = await issuerFor(gitlab).rotate(`personal-${token.id}`, {
      expiresAt: inDays(45),
    });
    expect(rotations().length - before).toBe(1);
    expect(rotated).toMatchObject({
      name: 'laptop',
      expiresAt: `${day(45)}T00:00:00.000Z`,
      previous: { id: `personal-${token.id}`, graceEndsAt: null },
      facts: {
        rotation: 'at-once',
        scopes: ['Full read and write API access (api)', 'Read your profile (read_user)'],
      },
    });
    expect(rotated.connectionCredential).toBeUndefined();
    expect(gitlab.tokens.authenticate(old)).toBeNull();
    expect(gitlab.tokens.authenticate(rotated.secret)?.username).toBe('ada');
  });

  it('without a chosen expiry: the old lifetime again, never GitLab’s one week', async () => {
    const token = gitlab.tokens.addPersonal('ada', 'glpat-adaKeepLifetime0001', ['api'], {
      expiresInDays: 60,
      createdDaysAgo: 30,
    });
    const rotated = await issuerFor(gitlab).rotate(`personal-${token.id}`);
    expect(rotated.expiresAt).toBe(`${day(90)}T00:00:00.000Z`);
  });

  it('the connection’s own token: through self/rotate, and the new value saved as the connection’s', async () => {
    let credential = 'glpat-adaSelfRotating0001';
    const own = gitlab.tokens.addPersonal('ada', credential, ['api'], { name: 'token-desk' });
    const saved: string[] = [];
    const issuer = issuerFor(gitlab, {
      credential: () => credential,
      hooks: {
        saveCredential: async (value) => {
          saved.push(value);
          credential = value;
        },
      },
    });
    const before = rotations().length;
    const rotated = await issuer.rotate(`personal-${own.id}`, { expiresAt: inDays(30) });
    expect(
      rotations()
        .slice(before)
        .map((request) => request.path),
    ).toEqual(['/api/v4/personal_access_tokens/self/rotate']);
    expect(rotated.connectionCredential).toEqual({ saved: true });
    expect(saved).toEqual([rotated.secret]);
    // The connection goes on with the new value.
    expect((await issuer.list()).map((token) => token.id)).toContain(rotated.id);
  });

  it('the connection’s own token, its new value not saved: still answered, never thrown away', async () => {
    const own = gitlab.tokens.addPersonal('ada', 'glpat-adaSelfHookFails001', ['api']);
    const rotated = await issuerFor(gitlab, {
      credential: () => 'glpat-adaSelfHookFails001',
      hooks: { saveCredential: () => Promise.reject(new Error('keychain locked')) },
    }).rotate(`personal-${own.id}`, { expiresAt: inDays(30) });
    expect(rotated.connectionCredential).toEqual({ saved: false });
    expect(gitlab.tokens.authenticate(rotated.secret)?.username).toBe('ada');
  });

  it('the connection’s own token without a hook: the answer says main must save the value', async () => {
    const own = gitlab.tokens.addPersonal('ada', 'glpat-adaSelfNoHook000001', ['api']);
    const rotated = await issuerFor(gitlab, {
      credential: () => 'glpat-adaSelfNoHook000001',
    }).rotate(`personal-${own.id}`, { expiresAt: inDays(30) });
    expect(rotated.connectionCredential).toEqual({ saved: false });
  });

  it('a project token: a new one with the same name, scopes and role; the old works until main revokes it', async () => {
    const old = gitlab.tokens.addResourceToken(
      gitlab.namespace('project', 'acme/app')!,
      'glpat-projectOldOne000001',
      {
        name: 'pipeline',
        scopes: ['read_api', 'write_repository'],
        accessLevel: 20,
      },
    );
    const issuer = issuerFor(gitlab);
    const before = rotations().length;
    const rotated = await issuer.rotate(`project-${projectId}-${old.id}`, {
      expiresAt: inDays(20),
    });
    expect(rotations().length).toBe(before);
    const replacement = gitlab.tokens.byValue(rotated.secret)!;
    expect(replacement).toMatchObject({
      name: 'pipeline',
      scopes: ['read_api', 'write_repository'],
      expiresAt: day(20),
    });
    expect(gitlab.namespace('project', 'acme/app')!.members.get(replacement.username)).toBe(20);
    expect(rotated.previous).toEqual({
      id: `project-${projectId}-${old.id}`,
      graceEndsAt: null,
      revokeAfterPush: true,
    });
    expect(gitlab.tokens.authenticate('glpat-projectOldOne000001')).not.toBeNull();
    await issuer.revoke(`project-${projectId}-${old.id}`);
    expect(gitlab.tokens.authenticate('glpat-projectOldOne000001')).toBeNull();
  });
});

describe('revoking', () => {
  it('one, several (with ones already gone), never the connection’s own token', async () => {
    const issuer = issuerFor(gitlab);
    const a = gitlab.tokens.addPersonal('ada', 'glpat-adaRevokeA00000001', ['api']);
    const b = gitlab.tokens.addResourceToken(
      gitlab.namespace('group', 'acme')!,
      'glpat-groupRevokeB000001',
      {
        name: 'b',
        scopes: ['api'],
        accessLevel: 30,
      },
    );
    const gone = gitlab.tokens.addPersonal('ada', 'glpat-adaRevokeGone00001', ['api']);
    gone.revoked = true;
    await issuer.revoke(`personal-${a.id}`);
    expect(a.revoked).toBe(true);
    expect(
      await issuer.revokeMany([
        `group-${groupId}-${b.id}`,
        `personal-${gone.id}`,
        `personal-99999999`,
      ]),
    ).toEqual({
      revoked: [`group-${groupId}-${b.id}`],
      notFound: [`personal-${gone.id}`, 'personal-99999999'],
    });
    expect(b.revoked).toBe(true);
    const own = gitlab.tokens.byValue(ADA_TOKEN)!;
    await expect(issuer.revoke(`personal-${own.id}`)).rejects.toMatchObject({
      code: 'connection_token',
    });
    expect(own.revoked).toBe(false);
  });
});

describe('one GitLab for tokens and CI variables', () => {
  it('a project token created here goes into a project variable here, and works as its bot', async () => {
    const issued = await issuerFor(gitlab).create({
      name: 'ci-variable',
      expiresAt: inDays(30),
      options: { kind: 'project', namespaceId: projectId, scopes: ['read_api'], accessLevel: 20 },
    });
    const variables = new GitLabVariables({ host: gitlab.url, token: ADA_TOKEN });
    const target = { kind: 'project', path: 'acme/app', environmentScope: '*' } as const;
    expect(
      await variables.pushVariable(target, 'GITLAB_TOKEN', issued.secret, {
        masked: true,
        protected: false,
      }),
    ).toBe('created');
    expect(gitlab.variable('project', 'acme/app', 'GITLAB_TOKEN')?.value).toBe(issued.secret);
    expect(await new GitLabVariables({ host: gitlab.url, token: issued.secret }).whoami()).toEqual({
      username: expect.stringMatching(/^project_\d+_bot/),
    });
  });
});
