/**
 * Provider answers are untrusted: a redirect to another host, a Link header that
 * points to another origin, a server that never answers, one that pages forever,
 * and error bodies that echo the secret (whole, or cut to length in the middle of it).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openProvider } from '../../../src/main/ci-providers/registry.js';
import { GitHubSecrets } from '../../../src/main/ci-providers/github/github-secrets.js';
import { GitLabVariables } from '../../../src/main/ci-providers/gitlab/gitlab-variables.js';
import { ProviderError, inWords } from '../../../src/main/ci-providers/provider-error.js';
import { checkDestinationInput } from '../../../src/shared/ci-destinations.js';
import { redactSecrets } from '../../../src/shared/credential-patterns.js';
import { generateSecret } from '../../../src/server/auth/secrets.js';
import { startFakeGitHub, type FakeGitHub } from '../../support/ci-providers/github/fake-github.js';
import { startFakeGitLab } from '../../support/ci-providers/gitlab/fake-gitlab.js';

const servers: Server[] = [];
async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3`;
}
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe('a hostile or broken GitHub', () => {
  it('never follows a redirect to another host', async () => {
    const other = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"login":"from-other"}');
    });
    const redirecting = await serve((_req, res) => {
      res.writeHead(302, { location: `${other}/user` }).end();
    });
    const client = new GitHubSecrets({ apiBaseUrl: redirecting, token: 'ghp_x' });
    await expect(client.whoami()).rejects.toMatchObject({ code: 'provider_unreachable' });
  });

  it('gives up on a server that never answers', async () => {
    const silent = await serve(() => {
      /* never answers */
    });
    const client = new GitHubSecrets({ apiBaseUrl: silent, token: 'ghp_x', timeoutMs: 300 });
    await expect(client.whoami()).rejects.toBeInstanceOf(ProviderError);
  });

  it('stops paging after 20 pages of a list that never ends', async () => {
    let served = 0;
    const endless = await serve((req, res) => {
      served++;
      const page = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page') ?? 1);
      const base = `http://${req.headers.host}/api/v3/user/repos`;
      const repos = Array.from({ length: 100 }, (_, i) => ({
        id: page * 1000 + i,
        name: `r${page}-${i}`,
        owner: { login: 'ada' },
        private: true,
        permissions: { admin: true },
      }));
      res
        .writeHead(200, {
          'content-type': 'application/json',
          link: `<${base}?per_page=100&page=${page + 1}>; rel="next"`,
        })
        .end(JSON.stringify(repos));
    });
    const client = new GitHubSecrets({ apiBaseUrl: endless, token: 'ghp_x' });
    const repositories = await client.listRepositories();
    expect(served).toBe(20);
    expect(repositories).toHaveLength(2000);
  });
});

/** A server on another port that records whatever reaches it (it should be nothing). */
async function recorder(): Promise<{ origin: string; seen: string[] }> {
  const seen: string[] = [];
  const base = await serve((req, res) => {
    seen.push(`${req.method} ${req.url} authorization=${req.headers.authorization ?? ''}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
  });
  return { origin: new URL(base).origin, seen };
}

describe('a Link: rel="next" to another origin', () => {
  let github: FakeGitHub;
  beforeEach(async () => {
    github = await startFakeGitHub({ enterprise: true });
    github.addAccount('ghp_linkTestToken0000000000000000000001', 'ada');
    github.addRepository('ada', 'app');
    github.addOrganization('acme', ['ada']);
  });
  afterEach(async () => {
    expect(github.violations).toEqual([]);
    await github.close();
  });
  const client = () =>
    new GitHubSecrets({
      apiBaseUrl: github.apiBaseUrl,
      token: 'ghp_linkTestToken0000000000000000000001',
    });

  it.each([
    ['repositories', '/user/repos', (c: GitHubSecrets) => c.listRepositories()],
    ['organizations', '/user/orgs', (c: GitHubSecrets) => c.listOrganizations()],
  ])(
    'listing %s: refused in words, and the other server hears nothing',
    async (_what, path, list) => {
      const other = await recorder();
      github.headersNext(path, { link: `<${other.origin}/api/v3${path}?page=2>; rel="next"` });
      const failure = await list(client()).catch((error: unknown) => error);
      expect(failure).toMatchObject({ code: 'provider_foreign_host' });
      const message = String((failure as Error).message);
      expect(message).toContain(other.origin);
      expect(message).toContain(github.apiBaseUrl);
      expect(message).toMatch(/access token/);
      expect(other.seen).toEqual([]);
    },
  );

  it('the same host outside the API base is another place too', async () => {
    const origin = new URL(github.apiBaseUrl).origin;
    github.headersNext('/user/repos', {
      link: `<${origin}/elsewhere/user/repos?page=2>; rel="next"`,
    });
    const before = github.requests.length;
    await expect(client().listRepositories()).rejects.toMatchObject({
      code: 'provider_foreign_host',
    });
    expect(github.requests.slice(before).map((request) => request.path)).toEqual([
      '/api/v3/user/repos',
    ]);
  });

  it("an organization secret's repositories are read page by page, never from the Link", async () => {
    const other = await recorder();
    const ids = Array.from({ length: 3 }, (_, i) =>
      github.addRepository('acme', `r${i}`, { admins: ['ada'] }),
    );
    const provider = openProvider(
      'github',
      github.apiBaseUrl,
      'ghp_linkTestToken0000000000000000000001',
    );
    const target = { kind: 'organization', org: 'acme', visibility: 'selected' } as const;
    await provider.push(target, 'CAPAWESOME_TOKEN', 'first', { selectedRepositoryIds: ids });
    github.headersNext('/repositories', {
      link: `<${other.origin}/api/v3/orgs/acme/actions/secrets/CAPAWESOME_TOKEN/repositories?page=2>; rel="next"`,
    });
    expect(
      await provider.push(target, 'CAPAWESOME_TOKEN', 'second', { keepExistingSettings: true }),
    ).toBe('updated');
    expect(github.selectedRepositories('acme', 'CAPAWESOME_TOKEN')).toEqual(ids);
    expect(other.seen).toEqual([]);
  });
});

describe('a GitLab Link: rel="next" to another origin', () => {
  it('is never followed: gitbeaker asks its own host for the next page, and so does our requester', async () => {
    const gitlab = await startFakeGitLab();
    try {
      gitlab.addUser('glpat-linkTestToken000001', 'ada');
      for (let i = 0; i < 3; i++) gitlab.addProject(`acme/p${i}`, { ada: 40 });
      const other = await recorder();
      gitlab.headersNext('/projects', {
        link: `<${other.origin}/api/v4/projects?page=2&per_page=1>; rel="next"`,
        'x-next-page': '2',
      });
      const client = new GitLabVariables({ host: gitlab.url, token: 'glpat-linkTestToken000001' });
      await client.listProjects().catch(() => null);
      expect(other.seen).toEqual([]);
      expect(gitlab.requests.every((request) => request.privateToken)).toBe(true);
    } finally {
      await gitlab.close();
    }
  });
});

describe('provider error text on its way to the window or settings', () => {
  const secret = generateSecret('api_token');

  it('loses a secret echoed whole, or cut to length in the middle', () => {
    const cut = `GitLab refused: ${'x'.repeat(164)}${secret}`.slice(0, 200);
    expect(cut).toContain(secret.slice(0, 20));
    for (const message of [`echo ${secret} back`, cut]) {
      const words = inWords(new ProviderError('provider_invalid_name', message), [secret]);
      expect(words.message).toContain('[redacted]');
      for (let start = 0; start + 8 <= secret.length; start++)
        expect(words.message).not.toContain(secret.slice(start, start + 8));
    }
  });

  it('loses anything shaped like a credential, even one it was not told about', () => {
    const text = redactSecrets(
      'keys ghp_abcdEFGH1234 GLPAT-abcd_efgh glptt-1234abcd github_pat_11AAAA and ses_abcd1234',
      [],
    );
    expect(text).toBe('keys [redacted] [redacted] [redacted] [redacted] and [redacted]');
  });

  it('refuses a provider credential in a destination record', () => {
    const base = {
      provider: 'github',
      host: 'https://ghe.example.com',
      target: { kind: 'environment', owner: 'ada', repo: 'app', environment: 'production' },
      name: 'CAPAWESOME_TOKEN',
    };
    const smuggled = [
      { ...base, target: { ...base.target, environment: `ghp_${'a'.repeat(36)}` } },
      { ...base, target: { ...base.target, environment: 'glpat-abcdefghijklmnopqrst' } },
      { ...base, host: `https://ghe.example.com/ghp_${'a'.repeat(36)}` },
    ];
    for (const value of smuggled) expect(checkDestinationInput(value).ok).toBe(false);
    expect(checkDestinationInput(base).ok).toBe(true);
  });
});
