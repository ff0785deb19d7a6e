/**
 * Where a token was sent: `…/tokens/{id}/destinations`. A destination is
 * data a person typed, so every field is checked, each refusal says which field and
 * why, and nothing refused leaves a trace. Never a secret: not in a field the schema
 * knows, not in one it does not.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DESTINATIONS_PER_TOKEN } from '../../src/shared/ci-destinations.js';
import {
  BACKEND,
  createToken,
  postgresTablesText,
  removeDir,
  signUpAndIn,
  startService,
  type RunningService,
} from '../support/server/service-harness.js';
import { generateSecret } from '../../src/server/auth/secrets.js';

let service: RunningService;
let session: string;
let token: { id: string; secret: string; prefix: string };
/** Every secret this file ever saw; none may reach a destination row or the database file. */
const secrets: string[] = [];

beforeAll(async () => {
  // Many fresh accounts, one per case, all from 127.0.0.1.
  service = await startService({ signUpLimit: { maxFailures: 1000, windowMs: 60_000 } });
  session = (await signUpAndIn(service)).session;
  token = await createToken(service, session, 'ci-dest');
  secrets.push(token.secret, session);
});
afterAll(async () => {
  await service.stop();
  removeDir(service.dataDir);
});

const GITHUB_REPO = {
  provider: 'github',
  host: 'https://api.github.com',
  target: { kind: 'repository', owner: 'ada', repo: 'app' },
  name: 'CAPAWESOME_TOKEN',
} as const;
const GITLAB_PROJECT = {
  provider: 'gitlab',
  host: 'https://gitlab.com',
  target: { kind: 'project', path: 'acme/mobile/app', environmentScope: '*' },
  name: 'CAPAWESOME_TOKEN',
} as const;

const path = (id: string) => `/v1/users/me/tokens/${id}/destinations`;
const list = async (id = token.id, as = session) => service.request('GET', path(id), { token: as });
const add = async (body: unknown, id = token.id, as = session) =>
  service.request('POST', path(id), { token: as, body });
const tokenList = async () =>
  (await service.request('GET', '/v1/users/me/tokens', { token: session })).body as Array<{
    id: string;
    destinationCount: number;
  }>;

describe('recording where a token was sent', () => {
  it('adds a destination (201), lists it oldest first, and counts it on the token', async () => {
    const { session: own } = await signUpAndIn(service);
    const mine = await createToken(service, own, 'recorded');
    const first = await add(GITHUB_REPO, mine.id, own);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.any(String),
      ...GITHUB_REPO,
      firstPushedAt: new Date(service.clock.now()).toISOString(),
      lastPushedAt: new Date(service.clock.now()).toISOString(),
    });
    service.clock.advance(1000);
    const second = await add(GITLAB_PROJECT, mine.id, own);
    expect(second.status).toBe(201);

    const listed = await list(mine.id, own);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([first.body, second.body]);
    const tokens = (await service.request('GET', '/v1/users/me/tokens', { token: own })).body;
    expect(tokens).toEqual([
      expect.objectContaining({
        id: mine.id,
        destinationCount: 2,
        replacedById: null,
        graceEndsAt: null,
      }),
    ]);
  });

  it('upserts the same place: 200, same id, firstPushedAt kept, lastPushedAt now', async () => {
    const { session: own } = await signUpAndIn(service);
    const mine = await createToken(service, own, 'upsert');
    const created = await add(GITHUB_REPO, mine.id, own);
    service.clock.advance(60_000);
    // The same place written differently: key order, trailing slash, upper-case host,
    // and a GitHub secret name in another case (GitHub's names are not case-sensitive).
    const again = await add(
      {
        name: 'capawesome_token',
        target: { repo: 'app', owner: 'ada', kind: 'repository' },
        host: 'https://API.GitHub.com/',
        provider: 'github',
      },
      mine.id,
      own,
    );
    expect(again.status).toBe(200);
    expect(again.body).toEqual({
      ...created.body,
      lastPushedAt: new Date(service.clock.now()).toISOString(),
    });
    expect((await list(mine.id, own)).body).toEqual([again.body]);
    // GitLab variable keys are case-sensitive: another case is another variable.
    expect((await add({ ...GITLAB_PROJECT, name: 'capawesome_token' }, mine.id, own)).status).toBe(
      201,
    );
    expect((await add(GITLAB_PROJECT, mine.id, own)).status).toBe(201);
    expect((await list(mine.id, own)).body).toHaveLength(3);
  });

  it('accepts every target kind, GitHub Enterprise and self-managed GitLab, and http only to loopback', async () => {
    const { session: own } = await signUpAndIn(service);
    const mine = await createToken(service, own, 'kinds');
    const good = [
      { ...GITHUB_REPO, host: 'https://ghe.example.com/api/v3' },
      {
        ...GITHUB_REPO,
        target: { kind: 'environment', owner: 'ada', repo: 'app', environment: 'Production 1' },
      },
      { ...GITHUB_REPO, target: { kind: 'organization', org: 'acme', visibility: 'selected' } },
      { ...GITLAB_PROJECT, host: 'https://gitlab.example.com/gitlab' },
      {
        ...GITLAB_PROJECT,
        target: { kind: 'project', path: 'a/b.c/d-e/_f/g.gitlab/x', environmentScope: '*' },
      },
      { ...GITLAB_PROJECT, target: { kind: 'group', path: 'acme', environmentScope: 'review/*' } },
      // GitLab environment names may hold spaces and $ { } (its own rule).
      {
        ...GITLAB_PROJECT,
        target: { kind: 'project', path: 'acme/app', environmentScope: 'review app ${CI_X}' },
      },
      { ...GITHUB_REPO, host: 'http://127.0.0.1:9999/api/v3' },
      { ...GITLAB_PROJECT, host: 'http://localhost:8080' },
      { ...GITLAB_PROJECT, name: '1_STARTS_WITH_A_DIGIT' },
    ];
    for (const destination of good) {
      const response = await add(destination, mine.id, own);
      expect(response.status, JSON.stringify(destination)).toBe(201);
      expect(response.body).toMatchObject(destination);
    }
  });

  it('removes a destination (204); a second removal is 404 destination_not_found', async () => {
    const { session: own } = await signUpAndIn(service);
    const mine = await createToken(service, own, 'remove');
    const a = await add(GITHUB_REPO, mine.id, own);
    const b = await add(GITLAB_PROJECT, mine.id, own);
    const removed = await service.request('DELETE', `${path(mine.id)}/${a.body.id}`, {
      token: own,
    });
    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    expect((await list(mine.id, own)).body).toEqual([b.body]);
    const tokens = (await service.request('GET', '/v1/users/me/tokens', { token: own })).body;
    expect(tokens[0].destinationCount).toBe(1);
    const again = await service.request('DELETE', `${path(mine.id)}/${a.body.id}`, {
      token: own,
    });
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ code: 'destination_not_found' });
    expect(again.body.message).toMatch(/destination/);
  });

  it(`records at most ${MAX_DESTINATIONS_PER_TOKEN} places per token (409), but still updates one it has`, async () => {
    const { session: own } = await signUpAndIn(service);
    const mine = await createToken(service, own, 'many');
    for (let i = 0; i < MAX_DESTINATIONS_PER_TOKEN; i++) {
      const response = await add({ ...GITLAB_PROJECT, name: `VAR_${i}` }, mine.id, own);
      expect(response.status).toBe(201);
    }
    const over = await add({ ...GITLAB_PROJECT, name: 'ONE_TOO_MANY' }, mine.id, own);
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ statusCode: 409, code: 'too_many_destinations' });
    expect(over.body.message).toContain(String(MAX_DESTINATIONS_PER_TOKEN));
    expect((await add({ ...GITLAB_PROJECT, name: 'VAR_7' }, mine.id, own)).status).toBe(200);
    expect((await list(mine.id, own)).body).toHaveLength(MAX_DESTINATIONS_PER_TOKEN);
  });

  it('20 concurrent records of the same place make one row: one 201, nineteen 200, one id', async () => {
    const { session: own } = await signUpAndIn(service);
    const mine = await createToken(service, own, 'concurrent');
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => add(GITLAB_PROJECT, mine.id, own)),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(19);
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect((await list(mine.id, own)).body).toHaveLength(1);
    const [count] = await service.query<{ n: number }>(
      'SELECT count(*) AS n FROM token_destinations WHERE token_id = ?',
      [mine.id],
    );
    expect(count?.n).toBe(1);
  });
});

type BadCase = [description: string, body: () => unknown, message: RegExp];
const withTarget = (target: Record<string, unknown>) => () => ({ ...GITHUB_REPO, target });
const githubEnv = (environment: unknown) =>
  withTarget({ kind: 'environment', owner: 'ada', repo: 'app', environment });
const gitlabTarget = (target: Record<string, unknown>) => () => ({ ...GITLAB_PROJECT, target });

const badCases: BadCase[] = [
  // The body as a whole
  ['a JSON array', () => [], /JSON object/],
  ['JSON null', () => null, /JSON object/],
  ['a string', () => 'github', /JSON object/],
  ['no provider', () => ({ ...GITHUB_REPO, provider: undefined }), /"provider" is required/],
  [
    'an unknown provider',
    () => ({ ...GITHUB_REPO, provider: 'bitbucket' }),
    /"provider".*github.*gitlab/,
  ],
  ['a numeric provider', () => ({ ...GITHUB_REPO, provider: 1 }), /"provider".*github.*gitlab/],
  // Secrets smuggled in where no field is expected
  [
    'a secret beside the fields',
    () => ({ ...GITHUB_REPO, secret: generateSecret('api_token') }),
    /"secret" is not recognised.*never a secret/,
  ],
  [
    'a value beside the fields',
    () => ({ ...GITHUB_REPO, value: 'x' }),
    /"value" is not recognised/,
  ],
  [
    'a token inside the target',
    withTarget({ kind: 'repository', owner: 'ada', repo: 'app', token: 'x' }),
    /"target.token" is not recognised/,
  ],
  [
    'a prototype key inside the target',
    () =>
      JSON.parse(
        '{"provider":"github","host":"https://api.github.com","target":{"kind":"repository","owner":"ada","repo":"app","constructor":{}},"name":"A"}',
      ),
    /"target.constructor" is not recognised/,
  ],
  // Host
  ['no host', () => ({ ...GITHUB_REPO, host: undefined }), /"host" is required/],
  ['a numeric host', () => ({ ...GITHUB_REPO, host: 443 }), /"host"/],
  ['an empty host', () => ({ ...GITHUB_REPO, host: '' }), /"host"/],
  [
    'a javascript: host',
    () => ({ ...GITHUB_REPO, host: 'javascript:alert(1)' }),
    /"host".*https:\/\//,
  ],
  ['an ftp host', () => ({ ...GITHUB_REPO, host: 'ftp://github.com' }), /"host".*https:\/\//],
  [
    'remote http',
    () => ({ ...GITHUB_REPO, host: 'http://github.example.com' }),
    /"host".*https:\/\/.*loopback|this computer/,
  ],
  [
    'credentials in the host',
    () => ({ ...GITHUB_REPO, host: 'https://user:pw@github.com' }),
    /"host".*user name or password/,
  ],
  [
    'a token as the user of the host',
    () => ({ ...GITHUB_REPO, host: 'https://ghp_abc@github.com' }),
    /"host".*user name or password/,
  ],
  [
    'a query in the host',
    () => ({ ...GITHUB_REPO, host: 'https://api.github.com/?token=x' }),
    /"host".*query/,
  ],
  [
    'a fragment in the host',
    () => ({ ...GITHUB_REPO, host: 'https://api.github.com/#x' }),
    /"host".*query or fragment/,
  ],
  [
    'a space in the host',
    () => ({ ...GITHUB_REPO, host: 'https://api.github.com/a b' }),
    /"host".*spaces/,
  ],
  [
    'a line break in the host',
    () => ({ ...GITHUB_REPO, host: 'https://api.github.com\n' }),
    /"host".*spaces|line breaks/,
  ],
  ['a NUL in the host', () => ({ ...GITHUB_REPO, host: 'https://api.github\u0000.com' }), /"host"/],
  [
    'a shell character in the host name',
    () => ({ ...GITHUB_REPO, host: 'https://git$hub.com' }),
    /"host"/,
  ],
  [
    'an escaped line break in the host path',
    () => ({ ...GITHUB_REPO, host: 'https://ghe.example.com/api%0a/v3' }),
    /"host".*path/,
  ],
  [
    'a host over 2048 characters',
    () => ({ ...GITHUB_REPO, host: `https://a.example/${'p'.repeat(2048)}` }),
    /"host".*2048/,
  ],
  ['just a scheme', () => ({ ...GITHUB_REPO, host: 'https://' }), /"host"/],
  // Target, any provider
  ['no target', () => ({ ...GITHUB_REPO, target: undefined }), /"target" is required/],
  ['a string target', () => ({ ...GITHUB_REPO, target: 'ada/app' }), /"target".*object/],
  [
    'a target of an unknown kind',
    withTarget({ kind: 'pipeline', owner: 'ada', repo: 'app' }),
    /"target.kind"/,
  ],
  ['a target without kind', withTarget({ owner: 'ada', repo: 'app' }), /"target.kind"/],
  // GitHub targets
  [
    'an owner that walks a path',
    withTarget({ kind: 'repository', owner: '../etc', repo: 'app' }),
    /"target.owner"/,
  ],
  [
    'an owner starting with a hyphen',
    withTarget({ kind: 'repository', owner: '-ada', repo: 'app' }),
    /"target.owner"/,
  ],
  [
    'an owner of 40 characters',
    withTarget({ kind: 'repository', owner: 'a'.repeat(40), repo: 'app' }),
    /"target.owner"/,
  ],
  ['a numeric owner', withTarget({ kind: 'repository', owner: 7, repo: 'app' }), /"target.owner"/],
  ['no repo', withTarget({ kind: 'repository', owner: 'ada' }), /"target.repo" is required/],
  ['repo ".."', withTarget({ kind: 'repository', owner: 'ada', repo: '..' }), /"target.repo"/],
  ['repo "."', withTarget({ kind: 'repository', owner: 'ada', repo: '.' }), /"target.repo"/],
  [
    'repo with a slash',
    withTarget({ kind: 'repository', owner: 'ada', repo: 'app/../x' }),
    /"target.repo"/,
  ],
  [
    'repo of 101 characters',
    withTarget({ kind: 'repository', owner: 'ada', repo: 'r'.repeat(101) }),
    /"target.repo"/,
  ],
  ['an environment with a line break', githubEnv('prod\nuction'), /"target.environment"/],
  ['an environment ".."', githubEnv('..'), /"target.environment"/],
  ['an environment "."', githubEnv('.'), /"target.environment"/],
  ['an environment with a slash', githubEnv('prod/../x'), /"target.environment"/],
  ['an environment with a backslash', githubEnv('prod\\x'), /"target.environment"/],
  [
    'an environment with a bidi override',
    githubEnv('prod\u202Enoitcu'),
    /"target.environment".*invisible/,
  ],
  [
    'an environment with a zero-width space',
    githubEnv('prod\u200Buction'),
    /"target.environment".*invisible/,
  ],
  ['an environment with a lone surrogate', githubEnv('prod\ud800'), /"target.environment"/],
  ['an empty environment', githubEnv(''), /"target.environment"/],
  ['an environment of 256 characters', githubEnv('e'.repeat(256)), /"target.environment"/],
  [
    'an organization with visibility "public"',
    withTarget({ kind: 'organization', org: 'acme', visibility: 'public' }),
    /"target.visibility".*all.*private.*selected/,
  ],
  [
    'an organization without visibility',
    withTarget({ kind: 'organization', org: 'acme' }),
    /"target.visibility" is required/,
  ],
  [
    'an organization named ".."',
    withTarget({ kind: 'organization', org: '..', visibility: 'all' }),
    /"target.org"/,
  ],
  [
    'a repository target with an environment field',
    withTarget({ kind: 'repository', owner: 'ada', repo: 'app', environment: 'x' }),
    /"target.environment" is not recognised/,
  ],
  // GitLab targets
  [
    'a path with an empty segment',
    gitlabTarget({ kind: 'project', path: 'a//b', environmentScope: '*' }),
    /"target.path"/,
  ],
  [
    'a path that walks up',
    gitlabTarget({ kind: 'project', path: '../x', environmentScope: '*' }),
    /"target.path"/,
  ],
  [
    'an absolute path',
    gitlabTarget({ kind: 'project', path: '/acme/app', environmentScope: '*' }),
    /"target.path"/,
  ],
  [
    'a path with a trailing slash',
    gitlabTarget({ kind: 'project', path: 'acme/', environmentScope: '*' }),
    /"target.path"/,
  ],
  [
    'a path segment starting with a dot',
    gitlabTarget({ kind: 'project', path: 'acme/.hidden', environmentScope: '*' }),
    /"target.path"/,
  ],
  [
    'a path part ending with a dot',
    gitlabTarget({ kind: 'project', path: 'acme./app', environmentScope: '*' }),
    /"target.path"/,
  ],
  [
    'a path ending in .git',
    gitlabTarget({ kind: 'project', path: 'acme/app.git', environmentScope: '*' }),
    /"target.path".*\.git/,
  ],
  [
    'a path with a percent escape',
    gitlabTarget({ kind: 'project', path: 'acme%2Fapp', environmentScope: '*' }),
    /"target.path"/,
  ],
  [
    'a path 21 levels deep',
    gitlabTarget({ kind: 'group', path: Array(21).fill('g').join('/'), environmentScope: '*' }),
    /"target.path"/,
  ],
  [
    'an empty environment scope',
    gitlabTarget({ kind: 'project', path: 'acme/app', environmentScope: '' }),
    /"target.environmentScope"/,
  ],
  [
    'an environment scope starting with a space',
    gitlabTarget({ kind: 'project', path: 'acme/app', environmentScope: ' production' }),
    /"target.environmentScope".*space/,
  ],
  [
    'an environment scope ending with a space',
    gitlabTarget({ kind: 'project', path: 'acme/app', environmentScope: 'production ' }),
    /"target.environmentScope"/,
  ],
  [
    'an environment scope with a character GitLab refuses',
    gitlabTarget({ kind: 'project', path: 'acme/app', environmentScope: 'prod:uction' }),
    /"target.environmentScope"/,
  ],
  [
    'an environment scope with a line break',
    gitlabTarget({ kind: 'project', path: 'acme/app', environmentScope: 'prod\nuction' }),
    /"target.environmentScope"/,
  ],
  [
    'an environment scope with a zero-width joiner',
    gitlabTarget({ kind: 'project', path: 'acme/app', environmentScope: 'prod\u200Duction' }),
    /"target.environmentScope".*invisible/,
  ],
  [
    'no environment scope',
    gitlabTarget({ kind: 'project', path: 'acme/app' }),
    /"target.environmentScope" is required/,
  ],
  // Provider and target disagree
  [
    'a GitHub destination with a GitLab project',
    () => ({ ...GITHUB_REPO, target: GITLAB_PROJECT.target }),
    /GitHub.*"project" is a GitLab target/,
  ],
  [
    'a GitLab destination with a GitHub repository',
    () => ({ ...GITLAB_PROJECT, target: GITHUB_REPO.target }),
    /GitLab.*"repository" is a GitHub target/,
  ],
  [
    'a GitLab destination with a GitHub organization',
    () => ({ ...GITLAB_PROJECT, target: { kind: 'organization', org: 'acme', visibility: 'all' } }),
    /GitLab.*"organization" is a GitHub target/,
  ],
  // Names
  ['no name', () => ({ ...GITHUB_REPO, name: undefined }), /"name" is required/],
  ['an empty name', () => ({ ...GITHUB_REPO, name: '' }), /Enter a name/],
  [
    'a name with a space',
    () => ({ ...GITHUB_REPO, name: 'A B' }),
    /letters, digits and underscores/,
  ],
  [
    'a name with a hyphen (GitLab)',
    () => ({ ...GITLAB_PROJECT, name: 'A-B' }),
    /GitLab variable key.*letters, digits and underscores/,
  ],
  [
    'a GitHub name starting with a digit',
    () => ({ ...GITHUB_REPO, name: '1ABC' }),
    /must not start with a digit/,
  ],
  [
    'a GitHub name starting with GITHUB_',
    () => ({ ...GITHUB_REPO, name: 'GITHUB_TOKEN' }),
    /GITHUB_/,
  ],
  [
    'a GitHub name starting with github_',
    () => ({ ...GITHUB_REPO, name: 'github_token' }),
    /GITHUB_/,
  ],
  ['a name of 256 characters', () => ({ ...GITLAB_PROJECT, name: 'N'.repeat(256) }), /at most 255/],
  [
    'a non-ASCII name',
    () => ({ ...GITLAB_PROJECT, name: 'ÄBC' }),
    /letters, digits and underscores/,
  ],
  ['a numeric name', () => ({ ...GITLAB_PROJECT, name: 42 }), /"name"/],
  // A secret where a name or place belongs: a client bug must not put one in the record
  [
    'an API token as the variable name',
    () => ({ ...GITLAB_PROJECT, name: token.secret }),
    /looks like a secret or access token \(ca_…, ses_…, ghp_…, glpat-…\)/,
  ],
  [
    'a session token as the GitHub environment',
    () => githubEnv(`x-${session}`)(),
    /looks like a secret or access token \(ca_…, ses_…, ghp_…, glpat-…\)/,
  ],
  [
    'an API token in the GitLab path',
    () => ({
      ...GITLAB_PROJECT,
      target: { kind: 'project', path: `acme/${token.secret}`, environmentScope: '*' },
    }),
    /looks like a secret or access token \(ca_…, ses_…, ghp_…, glpat-…\)/,
  ],
];

describe('every bad destination field: 400 invalid_destination, which field, nothing recorded', () => {
  it.each(badCases)('%s', async (_description, body, message) => {
    const before = (await list()).text;
    const tokensBefore = JSON.stringify(await tokenList());
    const response = await add(body());
    expect(response.status, response.text).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, code: 'invalid_destination' });
    expect(response.body.message).toMatch(message);
    expect(response.body.message).not.toMatch(/FST_|ajv|undefined|anyOf|must match/);
    for (const secret of secrets) expect(response.text).not.toContain(secret);
    expect((await list()).text).toBe(before);
    expect(JSON.stringify(await tokenList())).toBe(tokensBefore);
  });

  it('refuses broken JSON and non-JSON bodies the way every route does', async () => {
    const broken = await service.request('POST', path(token.id), {
      token: session,
      rawBody: '{"provider":',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.status).toBe(400);
    expect(broken.body.code).toBe('invalid_json');
    const text = await service.request('POST', path(token.id), {
      token: session,
      rawBody: 'provider=github',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    const huge = await add({ ...GITHUB_REPO, name: 'A'.repeat(70_000) });
    expect(huge.status).toBe(413);
  });
});

describe('who may see and change destinations', () => {
  it('an API token gets 403 session_required on every destination route, even its own', async () => {
    const created = await add(GITLAB_PROJECT);
    const before = (await list()).text;
    for (const [method, url, body] of [
      ['GET', path(token.id), undefined],
      ['POST', path(token.id), GITHUB_REPO],
      ['POST', path(token.id), { nonsense: true }],
      ['DELETE', `${path(token.id)}/${created.body.id}`, undefined],
    ] as const) {
      const response = await service.request(method, url, {
        token: token.secret,
        ...(body === undefined ? {} : { body }),
      });
      expect(response.status, `${method} ${url}`).toBe(403);
      expect(response.body.code).toBe('session_required');
    }
    expect((await list()).text).toBe(before);
  });

  it('another user gets exactly the 404 of a missing token or destination, and changes nothing', async () => {
    const alice = await signUpAndIn(service);
    const bob = await signUpAndIn(service);
    const alicesToken = await createToken(service, alice.session, 'alice');
    const bobsToken = await createToken(service, bob.session, 'bob');
    const alicesPlace = await add(GITHUB_REPO, alicesToken.id, alice.session);
    const missingToken = '00000000-0000-4000-8000-000000000000';

    const missing = await list(missingToken, bob.session);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('token_not_found');
    expect((await list(alicesToken.id, bob.session)).body).toEqual(missing.body);
    expect((await add(GITLAB_PROJECT, alicesToken.id, bob.session)).body).toEqual(missing.body);
    expect((await add(GITLAB_PROJECT, missingToken, bob.session)).body).toEqual(missing.body);
    const foreignDelete = await service.request(
      'DELETE',
      `${path(alicesToken.id)}/${alicesPlace.body.id}`,
      { token: bob.session },
    );
    expect(foreignDelete.status).toBe(404);
    expect(foreignDelete.body).toEqual(missing.body);

    // Alice's destination id under Bob's own token: the same as an id that never existed.
    const noSuchPlace = await service.request(
      'DELETE',
      `${path(bobsToken.id)}/00000000-0000-4000-8000-000000000000`,
      { token: bob.session },
    );
    expect(noSuchPlace.status).toBe(404);
    expect(noSuchPlace.body.code).toBe('destination_not_found');
    const foreignPlace = await service.request(
      'DELETE',
      `${path(bobsToken.id)}/${alicesPlace.body.id}`,
      { token: bob.session },
    );
    expect(foreignPlace.body).toEqual(noSuchPlace.body);
    // …and under another of Alice's own tokens.
    const alicesOther = await createToken(service, alice.session, 'alice-2');
    const wrongToken = await service.request(
      'DELETE',
      `${path(alicesOther.id)}/${alicesPlace.body.id}`,
      { token: alice.session },
    );
    expect(wrongToken.body).toEqual(noSuchPlace.body);

    expect((await list(alicesToken.id, alice.session)).body).toEqual([alicesPlace.body]);
  });

  it('a revoked token has no destinations to list or add (404 token_not_found)', async () => {
    const { session: own } = await signUpAndIn(service);
    const mine = await createToken(service, own, 'revoked');
    const place = await add(GITHUB_REPO, mine.id, own);
    await service.request('DELETE', `/v1/users/me/tokens/${mine.id}`, { token: own });
    for (const response of [
      await list(mine.id, own),
      await add(GITLAB_PROJECT, mine.id, own),
      await service.request('DELETE', `${path(mine.id)}/${place.body.id}`, { token: own }),
    ]) {
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('token_not_found');
    }
  });

  it('with an id too long for a path segment: 414, and a bad id shape: 404', async () => {
    expect((await list('x'.repeat(500))).status).toBe(414);
    const odd = await service.request('DELETE', `${path(token.id)}/${'%20'.repeat(3)}`, {
      token: session,
    });
    expect(odd.status).toBe(404);
    expect(odd.body.code).toBe('destination_not_found');
  });
});

describe('documentation and storage', () => {
  it('documents the destination routes in OpenAPI as session-only', async () => {
    const spec = (await service.request('GET', '/v1/openapi.json')).body;
    const collection = spec.paths['/v1/users/me/tokens/{id}/destinations'];
    const one = spec.paths['/v1/users/me/tokens/{id}/destinations/{destinationId}'];
    for (const operation of [collection.get, collection.post, one.delete]) {
      expect(operation.responses['403'], operation.summary).toBeDefined();
      expect(operation.responses['404'], operation.summary).toBeDefined();
      expect(operation.description).toMatch(/session_required/);
    }
    expect(collection.post.responses['201']).toBeDefined();
    expect(collection.post.responses['200']).toBeDefined();
    expect(collection.post.responses['409']).toBeDefined();
    expect(collection.post.requestBody).toBeDefined();
  });

  it('never stores a secret: not in a destination row, not anywhere in the database files', async () => {
    await add(GITHUB_REPO);
    const rows = await service.query('SELECT * FROM token_destinations');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const text = JSON.stringify(row);
      expect(text).not.toMatch(/(?:ca|ses)_[0-9A-Za-z]{36}/);
      expect(Object.keys(row).sort()).toEqual(
        [
          'first_pushed_at',
          'host',
          'id',
          'last_pushed_at',
          'name',
          'provider',
          'target',
          'token_id',
          // PostgreSQL's stand-in for SQLite's hidden rowid: the order places were recorded in.
          ...(BACKEND === 'postgres' ? ['seq'] : []),
        ].sort(),
      );
    }
    if (BACKEND === 'postgres') {
      const tables = await postgresTablesText(service.dataDir);
      expect(tables).toContain(token.id);
      for (const secret of secrets) expect(tables).not.toContain(secret);
      return;
    }
    for (const file of readdirSync(service.dataDir)) {
      const bytes = readFileSync(join(service.dataDir, file)).toString('latin1');
      for (const secret of secrets) expect(bytes, file).not.toContain(secret);
    }
  });

  it('stores the target as canonical JSON (a fixed key order)', async () => {
    const { session: own } = await signUpAndIn(service);
    const mine = await createToken(service, own, 'canonical');
    await add(
      {
        ...GITLAB_PROJECT,
        target: { environmentScope: 'production', path: 'acme/app', kind: 'group' },
      },
      mine.id,
      own,
    );
    const [row] = await service.query<{ target: string }>(
      'SELECT target FROM token_destinations WHERE token_id = ?',
      [mine.id],
    );
    expect(row?.target).toBe('{"kind":"group","path":"acme/app","environmentScope":"production"}');
  });
});
