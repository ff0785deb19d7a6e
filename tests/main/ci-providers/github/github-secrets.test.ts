import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  GitHubSecrets,
  githubApiBaseUrl,
} from '../../../../src/main/ci-providers/github/github-secrets.js';
import { checkGitHubSecretName } from '../../../../src/shared/ci-providers/github.js';
import { GitHubContract } from '../../../support/ci-providers/github/github-contract.js';
import {
  startFakeGitHub,
  type FakeGitHub,
} from '../../../support/ci-providers/github/fake-github.js';
import { generateSecret } from '../../../../src/server/auth/secrets.js';

const SECRET = generateSecret('api_token');
const contract = new GitHubContract();

describe.each([
  { label: 'github.com', enterprise: false },
  { label: 'GitHub Enterprise Server (/api/v3)', enterprise: true },
])('GitHub Actions secrets on $label', ({ enterprise }) => {
  let github: FakeGitHub;
  let client: GitHubSecrets;

  beforeAll(async () => {
    github = await startFakeGitHub({ enterprise, contract });
    github.addAccount('ghp_ada', 'ada');
    github.addRepository('ada', 'app', { environments: ['production'] });
    github.addOrganization('acme', ['ada']);
    client = new GitHubSecrets({ apiBaseUrl: github.apiBaseUrl, token: 'ghp_ada' });
  });
  afterAll(() => github.close());
  afterEach(() => {
    // Neither our client nor the fake may leave GitHub's documented shapes.
    expect(github.violations).toEqual([]);
  });

  it('says who the credential belongs to', async () => {
    expect(await client.whoami()).toEqual({ login: 'ada' });
  });

  it('creates a repository secret that decrypts to exactly the token, then updates it', async () => {
    const target = { kind: 'repository', owner: 'ada', repo: 'app' } as const;
    expect(await client.secretExists(target, 'CAPAWESOME_TOKEN')).toBe(false);
    expect(await client.pushSecret(target, 'CAPAWESOME_TOKEN', SECRET)).toBe('created');
    expect(github.secret('ada/app', 'CAPAWESOME_TOKEN')).toBe(SECRET);
    expect(await client.secretExists(target, 'CAPAWESOME_TOKEN')).toBe(true);
    expect(await client.pushSecret(target, 'CAPAWESOME_TOKEN', `${SECRET}x`)).toBe('updated');
    expect(github.secret('ada/app', 'CAPAWESOME_TOKEN')).toBe(`${SECRET}x`);
    const puts = github.requests.filter((request) => request.method === 'PUT');
    expect(puts.map((request) => request.status)).toEqual([201, 204]);
  });

  it('writes environment secrets and organization secrets with their visibility', async () => {
    const environment = {
      kind: 'environment',
      owner: 'ada',
      repo: 'app',
      environment: 'production',
    } as const;
    expect(await client.pushSecret(environment, 'CAPAWESOME_TOKEN', SECRET)).toBe('created');
    expect(github.secret('ada/app:production', 'CAPAWESOME_TOKEN')).toBe(SECRET);
    for (const visibility of ['all', 'private'] as const) {
      const name = `TOKEN_${visibility.toUpperCase()}`;
      await client.pushSecret({ kind: 'organization', org: 'acme', visibility }, name, SECRET);
      expect(github.secret('org:acme', name)).toBe(SECRET);
    }
    const repoId = github.addRepository('acme', 'site', { admins: ['ada'] });
    await client.pushSecret(
      {
        kind: 'organization',
        org: 'acme',
        visibility: 'selected',
        selectedRepositoryIds: [repoId],
      },
      'TOKEN_SELECTED',
      SECRET,
    );
    expect(github.secret('org:acme', 'TOKEN_SELECTED')).toBe(SECRET);
  });

  it('lists repositories across pages, environments and organizations', async () => {
    for (let i = 0; i < 120; i++) github.addRepository('ada', `repo-${i}`);
    const repositories = await client.listRepositories();
    expect(repositories.length).toBeGreaterThanOrEqual(121);
    expect(repositories.find((r) => r.repo === 'repo-119')).toMatchObject({
      owner: 'ada',
      canWriteSecrets: true,
    });
    expect(await client.listEnvironments('ada', 'app')).toEqual(['production']);
    expect(await client.listOrganizations()).toEqual(['acme']);
  });
});

describe('GitHub failures in words', () => {
  let github: FakeGitHub;
  beforeAll(async () => {
    github = await startFakeGitHub({ contract });
    github.addAccount('ghp_ada', 'ada');
    github.addAccount('ghp_bob', 'bob');
    github.addRepository('ada', 'app', { private: false });
    github.addOrganization('acme', ['ada']);
  });
  afterAll(() => github.close());
  afterEach(() => expect(github.violations).toEqual([]));
  const target = { kind: 'repository', owner: 'ada', repo: 'app' } as const;
  const as = (token: string) => new GitHubSecrets({ apiBaseUrl: github.apiBaseUrl, token });

  it('a bad credential', async () => {
    await expect(as('ghp_wrong').whoami()).rejects.toMatchObject({
      code: 'provider_bad_credential',
      message: expect.stringContaining('bad credentials'),
    });
  });

  it('a missing permission names the fine-grained permission', async () => {
    const failure = as('ghp_bob').pushSecret(target, 'CAPAWESOME_TOKEN', SECRET);
    await expect(failure).rejects.toMatchObject({ code: 'provider_missing_permission' });
    await expect(failure).rejects.toThrow(/secrets: write/);
    await expect(
      as('ghp_bob').pushSecret(
        { kind: 'organization', org: 'acme', visibility: 'all' },
        'X',
        SECRET,
      ),
    ).rejects.toThrow(/organization_secrets: write/);
  });

  it('a missing permission GitHub does not name (classic tokens): what that endpoint needs, in words', async () => {
    github.addRepository('ada', 'deploy', { environments: ['production'] });
    const refused = {
      status: 403,
      body: { message: 'Must have admin rights to Repository.', documentation_url: 'x' },
    };
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => '',
        (error: unknown) => {
          expect(error).toMatchObject({ code: 'provider_missing_permission' });
          return String((error as Error).message);
        },
      );

    // Listing environments needs Actions (read), not Environments or Secrets.
    github.failNext('/deploy/environments', refused);
    const listing = await failure(as('ghp_ada').listEnvironments('ada', 'deploy'));
    expect(listing).toContain('the repository permission "Actions: Read-only"');
    expect(listing).not.toMatch(/Secrets|Environments/);

    // An environment secret needs Environments and Secrets, both read and write.
    github.failNext('/environments/production/secrets/CAPAWESOME_TOKEN', refused);
    const environment = await failure(
      as('ghp_ada').pushSecret(
        { kind: 'environment', owner: 'ada', repo: 'deploy', environment: 'production' },
        'CAPAWESOME_TOKEN',
        SECRET,
      ),
    );
    expect(environment).toContain(
      'the repository permissions "Environments: Read and write" and "Secrets: Read and write"',
    );
    expect(environment).toContain('repo scope');

    // A repository secret needs Secrets only.
    github.failNext('/deploy/actions/secrets/CAPAWESOME_TOKEN', refused);
    const repository = await failure(
      as('ghp_ada').pushSecret(
        { kind: 'repository', owner: 'ada', repo: 'deploy' },
        'CAPAWESOME_TOKEN',
        SECRET,
      ),
    );
    expect(repository).toContain('the repository permission "Secrets: Read and write"');
    expect(repository).not.toContain('Environments');

    // An organization secret needs the organization's Secrets permission, or admin:org.
    github.failNext('/orgs/acme/actions/secrets/CAPAWESOME_TOKEN', refused);
    const organization = await failure(
      as('ghp_ada').pushSecret(
        { kind: 'organization', org: 'acme', visibility: 'all' },
        'CAPAWESOME_TOKEN',
        SECRET,
      ),
    );
    expect(organization).toContain('the organization permission "Secrets: Read and write"');
    expect(organization).toContain('admin:org');
  });

  it('a repository that does not exist (or is hidden)', async () => {
    await expect(
      as('ghp_ada').pushSecret({ ...target, repo: 'nope' }, 'CAPAWESOME_TOKEN', SECRET),
    ).rejects.toMatchObject({
      code: 'provider_not_found',
      message: expect.stringContaining('not found'),
    });
    await expect(
      as('ghp_ada').secretExists({ ...target, repo: 'nope' }, 'X'),
    ).rejects.toMatchObject({
      code: 'provider_not_found',
    });
  });

  it('an invalid secret name, refused before anything is sent', async () => {
    const before = github.requests.length;
    for (const name of ['GITHUB_TOKEN', '1TOKEN', 'MY-TOKEN', 'A B', '']) {
      expect(checkGitHubSecretName(name)).not.toBeNull();
      await expect(as('ghp_ada').pushSecret(target, name, SECRET)).rejects.toMatchObject({
        code: 'provider_invalid_name',
      });
    }
    expect(github.requests.length).toBe(before);
    expect(checkGitHubSecretName('CAPAWESOME_TOKEN')).toBeNull();
  });

  it('rate limited, with when to retry (primary limit and Retry-After)', async () => {
    const reset = Math.floor(Date.now() / 1000) + 600;
    github.failNext('/user', {
      status: 403,
      body: { message: 'API rate limit exceeded for user ID 1.', documentation_url: 'x' },
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
    });
    const primary = await as('ghp_ada')
      .whoami()
      .catch((error: unknown) => error);
    expect(primary).toMatchObject({ code: 'provider_rate_limited', retryAt: reset * 1000 });
    expect(String((primary as Error).message)).toMatch(
      /Try again after \d\d:\d\d:\d\d UTC \(in 10 min\)/,
    );
    github.failNext('/user', {
      status: 429,
      body: { message: 'You have exceeded a secondary rate limit.', documentation_url: 'x' },
      headers: { 'retry-after': '60' },
    });
    await expect(as('ghp_ada').whoami()).rejects.toMatchObject({
      code: 'provider_rate_limited',
      message: expect.stringContaining('(in 1 min)'),
    });
  });

  it('unreachable', async () => {
    const closed = await startFakeGitHub({ contract });
    await closed.close();
    await expect(
      new GitHubSecrets({ apiBaseUrl: closed.apiBaseUrl, token: 'x' }).whoami(),
    ).rejects.toMatchObject({ code: 'provider_unreachable' });
  });

  it('a public key that is not a key: nothing is written', async () => {
    github.failNext('/public-key', {
      status: 200,
      body: { key_id: '1', key: 'c2hvcnQ=' },
    });
    await expect(
      as('ghp_ada').pushSecret(target, 'CAPAWESOME_TOKEN', SECRET),
    ).rejects.toMatchObject({
      code: 'provider_invalid_response',
    });
    expect(github.secret('ada/app', 'CAPAWESOME_TOKEN')).toBeUndefined();
  });
});

describe("GitHub's OpenAPI description as the judge", () => {
  it('catches a request body GitHub would refuse, and a response GitHub never sends', () => {
    const put = '/repos/{owner}/{repo}/actions/secrets/{secret_name}';
    expect(contract.checkRequest('PUT', put, { encrypted_value: 'not base64!' })).toHaveLength(2);
    expect(contract.checkResponse('GET', '/user', 200, { login: 'ada' }).length).toBeGreaterThan(0);
    expect(contract.checkResponse('PUT', put, 200, {})).toEqual([
      `PUT ${put} 200: GitHub documents no such status for this operation`,
    ]);
  });

  it('maps a host to its API base URL', () => {
    expect(githubApiBaseUrl('https://github.com')).toBe('https://api.github.com');
    expect(githubApiBaseUrl('https://ghe.example.com')).toBe('https://ghe.example.com/api/v3');
    expect(githubApiBaseUrl('https://ghe.example.com/api/v3/')).toBe(
      'https://ghe.example.com/api/v3',
    );
    expect(() => githubApiBaseUrl('http://ghe.example.com')).toThrow(/https/);
  });
});
