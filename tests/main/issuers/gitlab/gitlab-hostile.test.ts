/**
 * The GitLab issuer against a GitLab that misbehaves: every answer is untrusted, every
 * id and option from the page is untrusted, and a rotation is never sent twice.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  startFakeGitLab,
  type FakeGitLab,
} from '../../../support/ci-providers/gitlab/fake-gitlab.js';
import { ADA_TOKEN, day, fetchGivingUpAfter, inDays, issuerFor } from './issuer-setup.js';

let gitlab: FakeGitLab;
let projectId: number;
let foreignProjectId: number;
let groupId: number;
let other: { origin: string; seen: string[]; server: Server };

async function recorder() {
  const seen: string[] = [];
  const server = createServer((request, response) => {
    seen.push(`${request.method} ${request.url} ${String(request.headers['private-token'])}`);
    response.writeHead(200, { 'content-type': 'application/json' }).end('[]');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    server,
  };
}

beforeAll(async () => {
  gitlab = await startFakeGitLab();
  gitlab.addUser(ADA_TOKEN, 'ada');
  gitlab.addUser('glpat-eveOwnsTheOther00001', 'eve');
  projectId = gitlab.addProject('acme/app', { ada: 40 });
  foreignProjectId = gitlab.addProject('eve/secret', { eve: 50 });
  groupId = gitlab.addGroup('acme', { ada: 50 });
  other = await recorder();
});
afterEach(() => {
  expect(gitlab.tokens.offContract).toEqual([]);
  expect(other.seen).toEqual([]);
});
afterAll(async () => {
  await gitlab.close();
  await new Promise<void>((resolve) => other.server.close(() => resolve()));
});

const rotations = () =>
  gitlab.requests.filter(
    (request) => request.method === 'POST' && request.path.endsWith('/rotate'),
  );

describe('answers Token Desk will not read on', () => {
  it('a huge page: stopped at 2 MB, in words naming GitLab and its host', async () => {
    gitlab.alter('/personal_access_tokens', () => ({
      status: 200,
      raw: `[${'{"id":1,"name":"x"},'.repeat(150_000)}{"id":1}]`,
    }));
    await expect(issuerFor(gitlab).list()).rejects.toMatchObject({
      code: 'provider_invalid_response',
      message: expect.stringMatching(
        new RegExp(`^GitLab at ${new URL(gitlab.url).host} answered with more than 2 MB`),
      ),
    });
  });

  it('malformed JSON, and a page that is not a list of tokens', async () => {
    gitlab.alter('/personal_access_tokens', () => ({ status: 200, raw: '[{"id": 4, "name": ' }));
    await expect(issuerFor(gitlab).list()).rejects.toMatchObject({
      code: 'provider_invalid_response',
      message: expect.stringContaining('not GitLab’s JSON'),
    });
    gitlab.alter('/personal_access_tokens', (answer) => ({
      ...answer,
      body: [{ id: 'four', name: 5 }],
    }));
    await expect(issuerFor(gitlab).list()).rejects.toMatchObject({
      code: 'provider_invalid_response',
      message: expect.stringContaining('not a personal access token'),
    });
  });

  it('a redirect is an error in words, never followed with the token', async () => {
    gitlab.alter('/personal_access_tokens', () => ({
      status: 302,
      headers: { location: `${other.origin}/api/v4/personal_access_tokens` },
    }));
    await expect(issuerFor(gitlab).list()).rejects.toMatchObject({
      code: 'provider_invalid_response',
      message: expect.stringContaining(`a redirect to ${other.origin}`),
    });
  });

  it('a next page on another host is refused, and that host hears nothing', async () => {
    gitlab.headersNext('/personal_access_tokens', {
      link: `<${other.origin}/api/v4/personal_access_tokens?page=2&per_page=100>; rel="next"`,
      'x-next-page': '2',
    });
    await expect(issuerFor(gitlab).list()).rejects.toMatchObject({
      code: 'provider_foreign_host',
      message: expect.stringContaining(other.origin),
    });
  });

  it('pages that never end stop after 5 pages of a project’s tokens, refused', async () => {
    const before = gitlab.requests.length;
    const stop = gitlab.alter(
      `/projects/${projectId}/access_tokens`,
      (answer, { query }) => ({
        ...answer,
        headers: {
          ...answer.headers,
          link: '',
          'x-next-page': String(Number(query.get('page') ?? 1) + 1),
        },
      }),
      Infinity,
    );
    try {
      await expect(issuerFor(gitlab).list()).rejects.toMatchObject({
        code: 'provider_invalid_response',
        message: expect.stringContaining('still sending pages after 5 pages'),
      });
      const pages = gitlab.requests
        .slice(before)
        .filter((request) => request.path === `/api/v4/projects/${projectId}/access_tokens`);
      expect(pages).toHaveLength(5);
    } finally {
      stop();
    }
  });

  it('a next page that goes back to page 1 is refused rather than looped on', async () => {
    gitlab.alter('/personal_access_tokens', (answer) => ({
      ...answer,
      headers: { ...answer.headers, link: '', 'x-next-page': '1' },
    }));
    await expect(issuerFor(gitlab).list()).rejects.toMatchObject({
      message: expect.stringContaining('named page 1 as the one after page 1'),
    });
  });

  it('the credential or a new value echoed in an error never reaches the sentence', async () => {
    gitlab.failNext('/personal_access_tokens', ({ privateToken }) => ({
      status: 400,
      body: { message: `token ${privateToken} is not welcome; also glpat-someoneElse123456` },
    }));
    const error = (await issuerFor(gitlab)
      .list()
      .catch((caught: unknown) => caught)) as Error;
    expect(error.message).toContain('[redacted]');
    expect(error.message).not.toContain(ADA_TOKEN);
    expect(error.message).not.toContain(ADA_TOKEN.slice(6, 20));
    expect(error.message).not.toContain('glpat-someone');
  });
});

describe('a rotation is sent once, and an unknown outcome is said, never retried', () => {
  for (const [what, change] of [
    ['the answer is lost', () => 'destroy' as const],
    [
      'GitLab answers 502 after rotating',
      () => ({ status: 502, body: { message: '502 Bad Gateway' } }),
    ],
  ] as const) {
    it(`${what}: “may have rotated”, exactly one rotate request, and GitLab did rotate`, async () => {
      const token = gitlab.tokens.addPersonal(
        'ada',
        `glpat-adaLost${what.length}000000001`,
        ['api'],
        {
          name: `lost-${what.length}`,
        },
      );
      const before = rotations().length;
      gitlab.alter(`/personal_access_tokens/${token.id}/rotate`, change);
      await expect(
        issuerFor(gitlab).rotate(`personal-${token.id}`, { expiresAt: inDays(30) }),
      ).rejects.toMatchObject({
        code: 'rotation_outcome_unknown',
        message: expect.stringMatching(
          /may have rotated the personal access token “lost-\d+”.*old value may no longer work.*did not try again/s,
        ),
      });
      expect(rotations().length - before).toBe(1);
      expect(token.revoked).toBe(true);
    });
  }

  it('the request times out: the same sentence, one request', async () => {
    const token = gitlab.tokens.addPersonal('ada', 'glpat-adaTimeout000000001', ['api'], {
      name: 'slow',
    });
    const before = rotations().length;
    gitlab.alter(`/personal_access_tokens/${token.id}/rotate`, () => 'hang');
    await expect(
      issuerFor(gitlab, { fetch: fetchGivingUpAfter(1500) }).rotate(`personal-${token.id}`, {
        expiresAt: inDays(30),
      }),
    ).rejects.toMatchObject({ code: 'rotation_outcome_unknown' });
    expect(rotations().length - before).toBe(1);
  });

  it('GitLab answers 200 without a token: said, with what exists now', async () => {
    const token = gitlab.tokens.addPersonal('ada', 'glpat-adaNoValue00000001', ['api'], {
      name: 'no-value',
    });
    gitlab.alter(`/personal_access_tokens/${token.id}/rotate`, (answer) => ({
      ...answer,
      body: { ...(answer.body as object), token: undefined },
    }));
    await expect(
      issuerFor(gitlab).rotate(`personal-${token.id}`, { expiresAt: inDays(30) }),
    ).rejects.toMatchObject({
      code: 'rotation_without_value',
      message: expect.stringContaining('old value no longer works'),
    });
    expect(token.revoked).toBe(true);
  });

  it('a clear refusal (4xx) is GitLab’s own words, not “may have rotated”', async () => {
    const token = gitlab.tokens.addPersonal('ada', 'glpat-adaRefused00000001', ['api']);
    gitlab.failNext(`/personal_access_tokens/${token.id}/rotate`, {
      status: 400,
      body: { message: '400 Bad request - Expiration date must be before 2099-01-01' },
    });
    await expect(
      issuerFor(gitlab).rotate(`personal-${token.id}`, { expiresAt: inDays(30) }),
    ).rejects.toMatchObject({ code: 'provider_invalid_name' });
    expect(token.revoked).toBe(false);
  });

  it('an already revoked token is never sent to rotate: that would revoke its family', async () => {
    const token = gitlab.tokens.addPersonal('ada', 'glpat-adaRevokedOne000001', ['api']);
    token.revoked = true;
    const before = rotations().length;
    await expect(issuerFor(gitlab).rotate(`personal-${token.id}`)).rejects.toMatchObject({
      code: 'token_not_found',
    });
    expect(rotations().length).toBe(before);
  });

  it('two rotations of one token at once: GitLab gets one rotate, the other finds it gone', async () => {
    const token = gitlab.tokens.addPersonal('ada', 'glpat-adaTwiceAtOnce000001', ['api']);
    const before = rotations().length;
    // Two windows, a double click or a compromised page: each opens its own issuer.
    const results = await Promise.allSettled([
      issuerFor(gitlab).rotate(`personal-${token.id}`, { expiresAt: inDays(30) }),
      issuerFor(gitlab).rotate(`personal-${token.id}`, { expiresAt: inDays(30) }),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(rotations().length).toBe(before + 1);
    const won = results.find((result) => result.status === 'fulfilled') as PromiseFulfilledResult<{
      secret: string;
    }>;
    // The value shown is the one that works: no second rotate revoked it.
    expect(gitlab.tokens.tokens.find((t) => t.value === won.value.secret)?.revoked).toBe(false);
  });

  it('the connection’s own token, even a project token, is not revoked or replaced from the list', async () => {
    const own = gitlab.tokens.tokens.find((t) => t.value === ADA_TOKEN)!;
    for (const id of [`personal-${own.id}`, `project-${projectId}-${own.id}`]) {
      await expect(issuerFor(gitlab).revoke(id)).rejects.toMatchObject({
        code: 'connection_token',
      });
      if (id.startsWith('project'))
        await expect(issuerFor(gitlab).rotate(id)).rejects.toMatchObject({
          code: 'connection_token',
        });
    }
    expect(own.revoked).toBe(false);
  });

  it('a created token answered without a value is revoked again, and said', async () => {
    gitlab.alter(`/projects/${projectId}/access_tokens`, (answer) =>
      answer.status === 201
        ? { ...answer, body: { ...(answer.body as object), token: null } }
        : answer,
    );
    await expect(
      issuerFor(gitlab).create({
        name: 'ci-valueless',
        expiresAt: inDays(30),
        options: { kind: 'project', namespaceId: projectId, scopes: ['api'], accessLevel: 30 },
      }),
    ).rejects.toMatchObject({
      code: 'creation_without_value',
      message: expect.stringContaining('Token Desk revoked that token again'),
    });
    const made = gitlab.tokens.tokens.filter((token) => token.name === 'ci-valueless');
    expect(made).toHaveLength(1);
    expect(made[0]!.revoked).toBe(true);
  });
});

describe('names made to look like other tokens', () => {
  it('zero-width, bidi and control characters show as a visible mark; long names are cut', async () => {
    for (const name of [
      'ci-\u200Bgithub',
      '\u202Ebuhtig-ic',
      'ci-\u2066github\u2069',
      `x${'y'.repeat(400)}`,
      'a\nb\u0000c',
    ])
      gitlab.tokens.addPersonal(
        'ada',
        `glpat-spoof${name.length}${Math.random().toString(36).slice(2, 12)}`,
        ['api'],
        { name },
      );
    const names = (await issuerFor(gitlab).list()).map((token) => token.name);
    expect(names).toContain('ci-\uFFFDgithub');
    expect(names).toContain('\uFFFDbuhtig-ic');
    expect(names).toContain('ci-\uFFFDgithub\uFFFD');
    expect(names).toContain('a\uFFFDb\uFFFDc');
    for (const name of names) {
      expect([...name].length).toBeLessThanOrEqual(100);
      for (const hidden of ['\u200B', '\u202E', '\u2066', '\u2069', '\n', '\u0000'])
        expect(name).not.toContain(hidden);
    }
  });
});

describe('ids and options from the page', () => {
  it('malformed ids are refused by name before any request', async () => {
    const before = gitlab.requests.length;
    const issuer = issuerFor(gitlab);
    for (const id of [
      ' personal-1',
      'personal-01',
      'personal-0',
      'project-1',
      'project-1-2-3',
      'projects-1-2',
      'personal-9007199254740993',
      'glpat-abcdefghij',
      '../personal-1',
      'personal-1\u202E',
      '__proto__',
    ]) {
      await expect(issuer.rotate(id)).rejects.toMatchObject({ code: 'invalid_token_id' });
      await expect(issuer.revoke(id)).rejects.toMatchObject({ code: 'invalid_token_id' });
      await expect(issuer.get(id)).rejects.toMatchObject({ code: 'invalid_token_id' });
    }
    await expect(issuer.revokeMany(['personal-1', 'bogus'])).rejects.toMatchObject({
      code: 'invalid_token_id',
    });
    expect(gitlab.requests.length).toBe(before);
  });

  it('a token of a project the person does not maintain: not found, and untouched', async () => {
    const foreign = gitlab.tokens.addResourceToken(
      gitlab.namespace('project', 'eve/secret')!,
      'glpat-eveProjectToken000001',
      { name: 'eve-ci', scopes: ['api'], accessLevel: 40 },
    );
    const issuer = issuerFor(gitlab);
    const id = `project-${foreignProjectId}-${foreign.id}`;
    await expect(issuer.get(id)).rejects.toMatchObject({ code: 'token_not_found' });
    await expect(issuer.revoke(id)).rejects.toMatchObject({ code: 'token_not_found' });
    await expect(issuer.rotate(id)).rejects.toMatchObject({ code: 'token_not_found' });
    expect(foreign.revoked).toBe(false);
    // The same token named as ada's project's, or as a group's, or as a personal one.
    await expect(issuer.revoke(`project-${projectId}-${foreign.id}`)).rejects.toMatchObject({
      code: 'token_not_found',
    });
    await expect(issuer.revoke(`group-${groupId}-${foreign.id}`)).rejects.toMatchObject({
      code: 'token_not_found',
    });
    await expect(issuer.revoke(`personal-${foreign.id}`)).rejects.toMatchObject({
      code: 'token_not_found',
    });
    expect(foreign.revoked).toBe(false);
  });

  it('create options: anything but the schema is refused by name, and nothing is sent', async () => {
    const before = gitlab.requests.length;
    const issuer = issuerFor(gitlab);
    const good = { kind: 'project', namespaceId: projectId, scopes: ['api'], accessLevel: 30 };
    const cases: [unknown, RegExp][] = [
      [undefined, /Choose a GitLab project or group/],
      [{ ...good, kind: 'personal' }, /personal access token be created over its API/],
      [{ ...good, grace: 3 }, /“grace” is not a GitLab token option/],
      [{ ...good, scopes: ['sudo'] }, /“scopes” is not valid/],
      [{ ...good, scopes: [] }, /“scopes” is not valid/],
      [{ ...good, scopes: ['api', 'api'] }, /“scopes” is not valid/],
      [{ ...good, accessLevel: 60 }, /“accessLevel” is not valid/],
      [{ ...good, namespaceId: '7' }, /“namespaceId” is not valid/],
      [{ ...good, namespaceId: -1 }, /“namespaceId” is not valid/],
      [{ ...good, kind: 'user' }, /“kind” is not valid/],
      [{ ...good, description: 'x'.repeat(300) }, /“description” is not valid/],
      [JSON.parse('{"__proto__": {"x": 1}, "kind": "project"}'), /.+/],
    ];
    for (const [options, message] of cases)
      await expect(
        issuer.create({ name: 'ci', expiresAt: inDays(10), options }),
      ).rejects.toMatchObject({
        code: 'invalid_token_options',
        message: expect.stringMatching(message),
      });
    await expect(
      issuer.create({ name: 'ci\u200B', expiresAt: inDays(10), options: good }),
    ).rejects.toMatchObject({ code: 'invalid_name' });
    await expect(
      issuer.create({ name: 'ci', expiresAt: null, options: good }),
    ).rejects.toMatchObject({
      code: 'expiry_required',
    });
    await expect(
      issuer.create({ name: 'ci', expiresAt: inDays(366), options: good }),
    ).rejects.toMatchObject({
      code: 'invalid_expiry',
      message: expect.stringContaining('365 days'),
    });
    await expect(issuer.rotate('personal-1', { expiresAt: inDays(400) })).rejects.toMatchObject({
      code: 'invalid_expiry',
    });
    expect(gitlab.requests.length).toBe(before);
    expect(day(0)).toMatch(/^\d{4}-/);
  });
});

describe('projects whose tokens GitLab hides', () => {
  it('are left out with a sentence; the rest is listed', async () => {
    const hidden = gitlab.addProject('acme/free-plan', { ada: 40 });
    gitlab.failNext(`/projects/${hidden}/access_tokens`, {
      status: 401,
      body: { message: '401 Unauthorized' },
    });
    const { tokens, notes } = await issuerFor(gitlab).listWithNotes();
    expect(tokens.length).toBeGreaterThan(0);
    expect(notes).toEqual([
      expect.stringContaining('did not show the access tokens of the project acme/free-plan'),
    ]);
  });
});
