/**
 * The GitLab connection's own access token (an `api`-scoped personal token) rotated
 * from the desk. Its new value is the connection's credential: main keeps it in the
 * keychain and pushes it to the places it was recorded in, but no answer the page gets
 * carries it — not tokens:rotate, tokens:rotate-and-update or tokens:rotate-and-send,
 * not a copy or a send by the reveal id the page holds. Against real parts: the token
 * service, the local GitLab (issuer and CI variables) and GitHub, the keychain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeChannel } from '../../../src/main/ipc/invoke-channel.js';
import { MAINTAINER, signUp, startCiWorld, type CiWorld } from '../../support/main/ci-desk.js';

const GH_TOKEN = 'ghp_gitlabSelfRotateAda00000000000000001';
const GL_TOKEN = 'glpat-gitlabSelfRotAda00001';
const silent = { error: () => {} };
type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

let world: CiWorld;
let main: ReturnType<CiWorld['launch']>;
const call = async <T = any>(channel: string, payload: unknown) =>
  (await invokeChannel(main.handlers, channel, payload, silent)) as Result<T>;
async function must<T = any>(channel: string, payload: unknown): Promise<T> {
  const r = await call<T>(channel, payload);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value;
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

let githubId: string;
let githubHost: string;
let gitlabId: string;
let gitlabHost: string;

/** The connection's own token at the local GitLab now (the newest of its family). */
function ownToken() {
  const first = world.gitlab.tokens.byValue(GL_TOKEN)!;
  let current = first;
  for (;;) {
    const next = world.gitlab.tokens.tokens.find((token) => token.previousId === current.id);
    if (!next) return current;
    current = next;
  }
}

const rotateCalls = () =>
  world.gitlab.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/rotate')).length;

/** Every way the page could get a secret by the reveal id it was given: none works. */
async function nothingByRevealId(revealId: string, value: string) {
  const copied = await call('secret:copy', { revealId });
  expect(copied.ok).toBe(false);
  if (!copied.ok) expect(copied.error.code).toBe('secret_gone');
  const sent = await call('destinations:send', {
    revealId,
    accountId: githubId,
    target: { kind: 'repository', owner: 'ada', repo: 'app' },
    name: 'STOLEN',
    overwrite: true,
  });
  expect(sent.ok).toBe(false);
  if (!sent.ok) expect(sent.error.code).toBe('secret_gone');
  expect(world.github.secret('ada/app', 'STOLEN')).toBeUndefined();
  expect(JSON.stringify([copied, sent])).not.toContain(value);
  expect(main.reveals.size).toBe(0);
}

beforeAll(async () => {
  world = await startCiWorld();
  world.github.addAccount(GH_TOKEN, 'ada');
  world.github.addRepository('ada', 'app', { admins: ['ada'] });
  world.gitlab.addUser(GL_TOKEN, 'ada');
  world.gitlab.addProject('acme/app', { ada: MAINTAINER });
  main = world.launch();
  await signUp(main.handlers, world, `gitlab-self-${Date.now()}@example.test`);
  const github = await must('providers:add', {
    provider: 'github',
    host: world.github.apiBaseUrl,
    token: GH_TOKEN,
  });
  githubId = github.id;
  githubHost = github.host;
  const gitlab = await must('providers:add', {
    provider: 'gitlab',
    host: world.gitlab.url,
    token: GL_TOKEN,
  });
  gitlabId = gitlab.id;
  gitlabHost = gitlab.host;
}, 120_000);
afterAll(async () => {
  await main?.handlers.dispose();
  await world?.close();
});

describe('the GitLab connection’s own token, rotated', () => {
  it('tokens:rotate: kept as the connection’s credential, never in the answer, nothing to copy or send', async () => {
    const before = ownToken();
    const id = `personal-${before.id}`;
    const result = await must('tokens:rotate', {
      connectionId: gitlabId,
      id,
      expiresAt: inDays(30),
    });
    const after = ownToken();
    expect(after.id).not.toBe(before.id);
    const value = after.value;
    // GitLab rotated it; the connection goes on with the new value, from the keychain.
    expect(await main.accounts.credentialFor(gitlabId)).toBe(value);
    expect(
      (await must('tokens:list', { connectionId: gitlabId })).some(
        (t: { id: string }) => t.id === `personal-${after.id}`,
      ),
    ).toBe(true);
    // The page gets the token's facts and words, never the value.
    expect(JSON.stringify(result)).not.toContain(value);
    expect(result.secret).toBe('');
    expect(result.connectionCredential).toEqual({ saved: true, places: 0 });
    expect(result.token.id).toBe(`personal-${after.id}`);
    await nothingByRevealId(result.revealId, value);
  });

  it('tokens:rotate-and-update: pushed by main to every recorded place, the report carries no value', async () => {
    const before = ownToken();
    const id = `personal-${before.id}`;
    const { places } = main.connections.issuerFor(main.sessions.owner(), gitlabId);
    await places.add(
      id,
      {
        provider: 'github',
        host: githubHost,
        target: { kind: 'repository', owner: 'ada', repo: 'app' },
        name: 'GITLAB_API',
      },
      { name: before.name },
    );
    await places.add(
      id,
      {
        provider: 'gitlab',
        host: gitlabHost,
        target: { kind: 'project', path: 'acme/app', environmentScope: '*' },
        name: 'GITLAB_API',
      },
      { name: before.name },
    );
    const shown = await must('destinations:list', { tokenId: id, connectionId: gitlabId });
    expect(shown).toHaveLength(2);
    const report = await must('tokens:rotate-and-update', {
      connectionId: gitlabId,
      id,
      placeIds: shown.map((p: { id: string }) => p.id),
      expiresAt: inDays(30),
    });
    const value = ownToken().value;
    expect(value).not.toBe(before.value);
    expect(JSON.stringify(report)).not.toContain(value);
    expect(report.rotation).toMatchObject({ finished: true, problem: null });
    expect(report.rotation.destinations.map((d: { status: string }) => d.status)).toEqual([
      'updated',
      'updated',
    ]);
    expect(report.revealed.secret).toBe('');
    expect(report.revealed.connectionCredential).toEqual({ saved: true, places: 2 });
    // Both places hold the new value, pushed by main (the GitLab one with that very value).
    expect(world.github.secret('ada/app', 'GITLAB_API')).toBe(value);
    expect(world.gitlab.variable('project', 'acme/app', 'GITLAB_API')).toMatchObject({ value });
    expect(await main.accounts.credentialFor(gitlabId)).toBe(value);
    await nothingByRevealId(report.revealed.revealId, value);
  });

  it('tokens:rotate-and-send: refused before GitLab is asked, since the page chose where it would go', async () => {
    const before = ownToken();
    const calls = rotateCalls();
    const result = await call('tokens:rotate-and-send', {
      connectionId: gitlabId,
      id: `personal-${before.id}`,
      placeIds: [],
      expiresAt: inDays(30),
      send: {
        accountId: githubId,
        target: { kind: 'repository', owner: 'ada', repo: 'app' },
        name: 'ELSEWHERE',
        overwrite: true,
      },
      endOldNow: true,
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('connection_token');
      expect(result.error.message).toMatch(/own access token/);
    }
    expect(rotateCalls()).toBe(calls);
    expect(ownToken().id).toBe(before.id);
    expect(world.github.secret('ada/app', 'ELSEWHERE')).toBeUndefined();
  });

  it('another personal token still shows its new value once', async () => {
    const other = world.gitlab.tokens.addPersonal(
      'ada',
      'glpat-gitlabSelfOtherOne01',
      ['read_api'],
      {
        name: 'reader',
        expiresInDays: 60,
      },
    );
    const result = await must('tokens:rotate', {
      connectionId: gitlabId,
      id: `personal-${other.id}`,
      expiresAt: inDays(30),
    });
    expect(typeof result.secret).toBe('string');
    expect(world.gitlab.tokens.byValue(result.secret)?.name).toBe('reader');
    expect(result.connectionCredential).toBeUndefined();
    await must('secret:forget', { revealId: result.revealId });
  });

  it('rotations:finish of an unfinished one: rotated again, kept in main, no value in its report', async () => {
    const before = ownToken();
    const id = `personal-${before.id}`;
    const { places } = main.connections.issuerFor(main.sessions.owner(), gitlabId);
    // A place on a host no account here uses: its push fails, so the rotation waits.
    await places.add(
      id,
      {
        provider: 'github',
        host: 'https://github.example.test/api/v3',
        target: { kind: 'repository', owner: 'ada', repo: 'elsewhere' },
        name: 'GITLAB_API',
      },
      { name: before.name },
    );
    const shown = await must('destinations:list', { tokenId: id, connectionId: gitlabId });
    const first = await must('tokens:rotate-and-update', {
      connectionId: gitlabId,
      id,
      placeIds: shown.map((p: { id: string }) => p.id),
      expiresAt: inDays(30),
    });
    expect(first.rotation.finished).toBe(false);
    expect(JSON.stringify(first)).not.toContain(ownToken().value);
    // The app restarted, say: main no longer holds the value, so Finish rotates again.
    main.rotations.forgetAll();
    const finished = await must('rotations:finish', { rotationId: first.rotation.id });
    const value = ownToken().value;
    expect(await main.accounts.credentialFor(gitlabId)).toBe(value);
    expect(JSON.stringify(finished)).not.toContain(value);
    expect(finished.revealed).toMatchObject({ secret: '', connectionCredential: { saved: true } });
    await nothingByRevealId(finished.revealed.revealId, value);
    // Leaves nothing waiting for the tests after this one.
    await must('rotations:revoke-old', { rotationId: finished.rotation.id });
  });

  it('the keychain refusing the new value: said in words, the value still not shown', async () => {
    const before = ownToken();
    const replace = main.accounts.replaceCredential;
    main.accounts.replaceCredential = () => Promise.reject(new Error('keychain locked'));
    try {
      const result = await must('tokens:rotate', {
        connectionId: gitlabId,
        id: `personal-${before.id}`,
        expiresAt: inDays(30),
      });
      const value = ownToken().value;
      expect(value).not.toBe(before.value);
      expect(JSON.stringify(result)).not.toContain(value);
      expect(result.connectionCredential).toEqual({ saved: false, places: 0 });
      await nothingByRevealId(result.revealId, value);
    } finally {
      main.accounts.replaceCredential = replace;
    }
  });

  it('keeps nothing secret at rest', () => {
    const text = world.settingsText();
    for (const token of world.gitlab.tokens.tokens) expect(text).not.toContain(token.value);
  });
});
