import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GitLabVariables,
  gitlabHost,
  maskingProblem,
} from '../../../../src/main/ci-providers/gitlab/gitlab-variables.js';
import { checkGitLabVariableKey } from '../../../../src/shared/ci-providers/gitlab.js';
import { generateSecret } from '../../../../src/server/auth/secrets.js';
import {
  startFakeGitLab,
  type FakeGitLab,
} from '../../../support/ci-providers/gitlab/fake-gitlab.js';

const SECRET = generateSecret('api_token');
const MAINTAINER = 40;
const OWNER = 50;
const DEVELOPER = 30;

describe('GitLab CI/CD variables', () => {
  let gitlab: FakeGitLab;
  let client: GitLabVariables;

  beforeAll(async () => {
    gitlab = await startFakeGitLab();
    gitlab.addUser('glpat-ada', 'ada');
    gitlab.addProject('acme/mobile/app', { ada: MAINTAINER });
    gitlab.addGroup('acme', { ada: OWNER });
    client = new GitLabVariables({ host: gitlab.url, token: 'glpat-ada' });
  });
  afterAll(() => gitlab.close());

  it('says who the credential belongs to, sending it as PRIVATE-TOKEN', async () => {
    expect(await client.whoami()).toEqual({ username: 'ada' });
    expect(gitlab.requests.at(-1)).toMatchObject({ path: '/api/v4/user', privateToken: true });
  });

  it('creates a masked project variable, then updates it in the same environment scope', async () => {
    const target = {
      kind: 'project',
      path: 'acme/mobile/app',
      environmentScope: 'production',
    } as const;
    const flags = { masked: true, protected: false };
    expect(await client.pushVariable(target, 'CAPAWESOME_TOKEN', SECRET, flags)).toBe('created');
    expect(
      gitlab.variable('project', 'acme/mobile/app', 'CAPAWESOME_TOKEN', 'production'),
    ).toMatchObject({
      value: SECRET,
      masked: true,
      protected: false,
      raw: true,
      variable_type: 'env_var',
    });
    expect(await client.pushVariable(target, 'CAPAWESOME_TOKEN', `${SECRET}x`, flags)).toBe(
      'updated',
    );
    expect(
      gitlab.variable('project', 'acme/mobile/app', 'CAPAWESOME_TOKEN', 'production')?.value,
    ).toBe(`${SECRET}x`);
    // Another scope is another variable.
    expect(gitlab.variable('project', 'acme/mobile/app', 'CAPAWESOME_TOKEN', '*')).toBeUndefined();
  });

  it('writes protected group variables', async () => {
    const target = { kind: 'group', path: 'acme', environmentScope: '*' } as const;
    expect(
      await client.pushVariable(target, 'CAPAWESOME_TOKEN', SECRET, {
        masked: true,
        protected: true,
      }),
    ).toBe('created');
    expect(gitlab.variable('group', 'acme', 'CAPAWESOME_TOKEN')).toMatchObject({ protected: true });
  });

  it('lists projects and groups where the user may write variables, across pages', async () => {
    for (let i = 0; i < 130; i++)
      gitlab.addProject(`acme/p-${String(i).padStart(3, '0')}`, { ada: MAINTAINER });
    gitlab.addProject('acme/readonly', { ada: DEVELOPER });
    const projects = await client.listProjects();
    expect(projects.map((p) => p.path)).toContain('acme/p-129');
    expect(projects.map((p) => p.path)).not.toContain('acme/readonly');
    expect(await client.listProjects('p-12')).toHaveLength(10); // p-120 … p-129
    expect((await client.listGroups()).map((g) => g.path)).toEqual(['acme']);
  });

  it('offers only groups where the user is Owner: group variables need it', async () => {
    gitlab.addGroup('maintained', { ada: MAINTAINER });
    gitlab.addGroup('developed', { ada: DEVELOPER });
    gitlab.addGroup('open-to-all', {}, { visibility: 'public' });
    gitlab.addGroup('acme/owned-subgroup', { ada: OWNER });
    expect((await client.listGroups()).map((g) => g.path).sort()).toEqual([
      'acme',
      'acme/owned-subgroup',
    ]);
    // A Maintainer really cannot write there: what the picker leaves out would fail.
    await expect(
      client.pushVariable(
        { kind: 'group', path: 'maintained', environmentScope: '*' },
        'K',
        SECRET,
        {
          masked: true,
          protected: false,
        },
      ),
    ).rejects.toMatchObject({ code: 'provider_missing_permission' });
  });

  it('offers only projects where the user is at least Maintainer, never public ones it merely sees', async () => {
    gitlab.addProject('someone/public-app', {}, { visibility: 'public' });
    gitlab.addProject('acme/developed-app', { ada: DEVELOPER }, { visibility: 'public' });
    const paths = (await client.listProjects()).map((p) => p.path);
    expect(paths).toContain('acme/mobile/app');
    expect(paths).not.toContain('someone/public-app');
    expect(paths).not.toContain('acme/developed-app');
  });

  it('knows GitLab masking rules: every ca_ token can be masked', () => {
    for (let i = 0; i < 200; i++) expect(maskingProblem(generateSecret('api_token'))).toBeNull();
    for (const value of ['short', 'has space 123', 'line\nbreak12', 'dollar$VAR12', 'quote"123456'])
      expect(maskingProblem(value)).toMatch(/cannot mask/);
  });

  it('refuses an unmaskable value when masked is asked for, before sending anything', async () => {
    const before = gitlab.requests.length;
    const target = { kind: 'project', path: 'acme/mobile/app', environmentScope: '*' } as const;
    await expect(
      client.pushVariable(target, 'OTHER', 'not maskable', { masked: true, protected: false }),
    ).rejects.toMatchObject({
      code: 'provider_invalid_name',
      message: expect.stringMatching(/cannot mask/),
    });
    expect(gitlab.requests.length).toBe(before);
  });
});

describe('GitLab failures in words', () => {
  let gitlab: FakeGitLab;
  beforeAll(async () => {
    gitlab = await startFakeGitLab();
    gitlab.addUser('glpat-ada', 'ada');
    gitlab.addUser('glpat-dev', 'dev');
    gitlab.addUser('glpat-readonly', 'ro', ['read_api']);
    gitlab.addProject('acme/app', { ada: MAINTAINER, dev: DEVELOPER, ro: MAINTAINER });
  });
  afterAll(() => gitlab.close());
  const target = { kind: 'project', path: 'acme/app', environmentScope: '*' } as const;
  const flags = { masked: true, protected: false };
  const as = (token: string) => new GitLabVariables({ host: gitlab.url, token });

  it('a bad credential', async () => {
    await expect(as('glpat-wrong').whoami()).rejects.toMatchObject({
      code: 'provider_bad_credential',
    });
  });

  it('a missing role or scope names what is needed', async () => {
    await expect(as('glpat-dev').pushVariable(target, 'K', SECRET, flags)).rejects.toMatchObject({
      code: 'provider_missing_permission',
      message: expect.stringMatching(/api scope.*Maintainer/),
    });
    await expect(
      as('glpat-readonly').pushVariable(target, 'K', SECRET, flags),
    ).rejects.toMatchObject({
      code: 'provider_missing_permission',
    });
  });

  it('a project that does not exist', async () => {
    await expect(
      as('glpat-ada').pushVariable({ ...target, path: 'acme/nope' }, 'K', SECRET, flags),
    ).rejects.toMatchObject({ code: 'provider_not_found' });
  });

  it('an invalid key, refused before anything is sent, and GitLab’s own 400 in words', async () => {
    for (const key of ['MY-TOKEN', 'A B', '', 'x'.repeat(256)]) {
      expect(checkGitLabVariableKey(key)).not.toBeNull();
      await expect(as('glpat-ada').pushVariable(target, key, SECRET, flags)).rejects.toMatchObject({
        code: 'provider_invalid_name',
      });
    }
    gitlab.failNext('/variables', { status: 400, body: { message: { key: ['is reserved'] } } });
    await expect(
      as('glpat-ada').pushVariable(target, 'CI_JOB', SECRET, flags),
    ).rejects.toMatchObject({
      code: 'provider_invalid_name',
      message: expect.stringContaining('key is reserved'),
    });
  });

  it('rate limited: one attempt, and when to retry', async () => {
    gitlab.failNext('/user', {
      status: 429,
      body: { message: 'Retry later' },
      headers: {
        'retry-after': '120',
        'ratelimit-reset': String(Math.floor(Date.now() / 1000) + 120),
      },
    });
    const before = gitlab.requests.length;
    await expect(as('glpat-ada').whoami()).rejects.toMatchObject({
      code: 'provider_rate_limited',
      message: expect.stringContaining('(in 2 min)'),
    });
    expect(gitlab.requests.length).toBe(before + 1);
  });

  it('unreachable', async () => {
    const closed = await startFakeGitLab();
    await closed.close();
    await expect(
      new GitLabVariables({ host: closed.url, token: 'x' }).whoami(),
    ).rejects.toMatchObject({
      code: 'provider_unreachable',
    });
  });

  it('only https, except to this computer', () => {
    expect(gitlabHost('https://gitlab.example.com/gitlab/api/v4/')).toBe(
      'https://gitlab.example.com/gitlab',
    );
    expect(gitlabHost('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(() => gitlabHost('http://gitlab.example.com')).toThrow(/https/);
  });
});
