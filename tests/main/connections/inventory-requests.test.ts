/**
 * What one call costs, counted against real parts (the token service over HTTP, the
 * GitHub token stand-in answering for github.com, the local GitLab, the keychain): the
 * requests main sends to the service and to GitHub, and its keychain reads, for one
 * inventory with one GitHub connection and 10 tracked tokens, and for one guided
 * rotation of a token recorded in 5 places. Nothing is kept past a call: a token tracked
 * from another computer between two inventories is in the second.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeChannel } from '../../../src/main/ipc/invoke-channel.js';
import { createOutbound } from '../../../src/main/net/outbound.js';
import type { Fetch } from '../../../src/main/ports.js';
import { MAINTAINER, signUp, startCiWorld, type CiWorld } from '../../support/main/ci-desk.js';
import { RecordingBrowser, RecordingPrompt } from '../../support/issuers/npm/ports.js';
import {
  startGitHubWithTokens,
  type GitHubWithTokens,
} from '../../support/issuers/github/github-token-stand-in.js';

const GL_TOKEN = 'glpat-countingAda00000001';
const PASSWORD = 'ci desk password 1';
const silent = { error: () => {} };
type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
type Listed = { id: string; issuer: { connectionId: string }; destinationCount: number };

let world: CiWorld;
let github: GitHubWithTokens;
let main: ReturnType<CiWorld['launch']>;
const prompt = new RecordingPrompt();
let onTokenPage: () => void = () => {};
const browser = new RecordingBrowser(() => onTokenPage());

/** Every request main sent, as `METHOD origin-less path` with the service's paths marked. */
const sent: string[] = [];
let keychainReads = 0;
/** Reads of the GitHub connection's credential (GitLab's are the CI provider's business). */
let githubCredentialReads = 0;

const call = async <T = any>(channel: string, payload: unknown) =>
  (await invokeChannel(main.handlers, channel, payload, silent)) as Result<T>;
async function must<T = any>(channel: string, payload: unknown): Promise<T> {
  const result = await call<T>(channel, payload);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** Main's outbound layer, github.com answered by the local stand-in, every request counted. */
function countingFetch(standInBase: string, serviceBase: string): Fetch {
  const outbound = createOutbound({ env: {} });
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (
      init?.method ?? (input instanceof Request ? input.method : 'GET')
    ).toUpperCase();
    const where = url.origin === serviceBase ? 'service' : url.origin;
    const path = url.pathname.replace(/\/[0-9a-f-]{36}(?=\/|$)/g, '/{id}');
    sent.push(`${method} ${where} ${path}${url.search}`);
    if (url.origin !== 'https://api.github.com') return outbound(input, init);
    const local = `${standInBase}${url.pathname}${url.search}`;
    return outbound(input instanceof Request ? new Request(local, input) : local, init);
  };
}

/** What `work` sent and read: requests by kind, and keychain reads. */
async function costOf(work: () => Promise<unknown>) {
  const before = sent.length;
  const reads = keychainReads;
  const githubReads = githubCredentialReads;
  await work();
  const requests = sent.slice(before);
  const count = (pattern: RegExp) => requests.filter((line) => pattern.test(line)).length;
  return {
    requests,
    /** GitHub's tracked tokens listed (the GitLab connection's are another list). */
    trackedLists: count(/^GET service \/v1\/users\/me\/tracked-tokens\?vendor=github&/),
    service: count(/^\w+ service /),
    github: count(/^\w+ https:\/\/api\.github\.com /),
    keychainReads: keychainReads - reads,
    githubCredentialReads: githubCredentialReads - githubReads,
  };
}

let email: string;
let githubId: string;
let gitlabId: string;
const trackedIds: string[] = [];

async function track(name: string) {
  prompt.answer({ value: github.tokens.addToken({ login: 'ada' }) });
  return must<{ token: { id: string }; revealId: string }>('tokens:create', {
    connectionId: githubId,
    name,
    expiresAt: null,
  });
}
const githubTokens = async () =>
  (await must<{ tokens: Listed[] }>('tokens:inventory', null)).tokens.filter(
    (token) => token.issuer.connectionId === githubId,
  );

const launch = () =>
  world.launch({
    prompt,
    externalLinks: browser,
    fetch: countingFetch(github.github.apiBaseUrl, world.service.baseUrl),
  });

beforeAll(async () => {
  [world, github] = await Promise.all([startCiWorld(), startGitHubWithTokens()]);
  world.gitlab.addUser(GL_TOKEN, 'ada');
  world.gitlab.addProject('acme/app', { ada: MAINTAINER });
  const read = world.keychain.getPassword.bind(world.keychain);
  world.keychain.getPassword = (service, account) => {
    keychainReads++;
    if (account.startsWith('github:')) githubCredentialReads++;
    return read(service, account);
  };
  main = launch();
  email = `counting-${Date.now()}@example.test`;
  await signUp(main.handlers, world, email);
  githubId = (
    await must<{ id: string }>('providers:add', {
      provider: 'github',
      host: 'https://github.com',
      token: github.tokens.addToken({ login: 'ada' }),
    })
  ).id;
  gitlabId = (
    await must<{ id: string }>('providers:add', {
      provider: 'gitlab',
      host: world.gitlab.url,
      token: GL_TOKEN,
    })
  ).id;
  for (let i = 1; i <= 10; i++) trackedIds.push((await track(`ci-${i}`)).token.id);
  // A restart: what main remembered of the keychain while adding the accounts is gone.
  await main.handlers.dispose();
  main = launch();
  await must('session:get', null);
}, 120_000);
afterAll(async () => {
  await main?.handlers.dispose();
  await Promise.all([world?.close(), github?.close()]);
});

describe('one call, its requests', () => {
  it('an inventory with one GitHub connection and 10 tracked tokens lists them once, and reads no GitHub credential', async () => {
    let listed: Listed[] = [];
    const cost = await costOf(async () => {
      listed = await githubTokens();
    });
    expect(listed.map((token) => token.id).sort()).toEqual([...trackedIds].sort());
    // Before: 2 (the issuer's list, then again for the places' counts).
    expect(cost.trackedLists, cost.requests.join('\n')).toBe(1);
    expect(cost.github, cost.requests.join('\n')).toBe(0);
    expect(cost.githubCredentialReads).toBe(0);
  });

  it('sees, on the next inventory, a token tracked from another computer in between', async () => {
    const before = await githubTokens();
    expect(before).toHaveLength(10);
    // Another computer: the same account straight on the service, nothing through this main.
    const signedIn = await fetch(`${world.service.baseUrl}/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    const session = ((await signedIn.json()) as { token: string }).token;
    const externalId = `classic.ada.${crypto.randomUUID()}`;
    const tracked = await fetch(`${world.service.baseUrl}/v1/users/me/tracked-tokens`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` },
      body: JSON.stringify({
        vendor: 'github',
        host: 'https://api.github.com',
        externalId,
        name: 'from elsewhere',
      }),
    });
    expect(tracked.status).toBe(201);
    const after = await githubTokens();
    expect(after.map((token) => token.id)).toContain(externalId);
    expect(after).toHaveLength(11);
  });

  it('a guided rotation of a token in 5 places: one GitHub request, its credential never read, the record not looked up again to update it', async () => {
    const created = await track('five-places');
    for (let i = 1; i <= 5; i++) {
      await must('destinations:send', {
        revealId: created.revealId,
        accountId: gitlabId,
        target: { kind: 'project', path: 'acme/app', environmentScope: '*' },
        name: `PLACE_${i}`,
        overwrite: false,
      });
    }
    const placeIds = (
      await must<Array<{ id: string }>>('destinations:list', {
        tokenId: created.token.id,
        connectionId: githubId,
      })
    ).map((place) => place.id);
    expect(placeIds).toHaveLength(5);
    let value = '';
    onTokenPage = () => {
      const current = github.tokens.addToken({ login: 'ada' });
      value = current;
      prompt.answer({ value: current, oldValue: '' });
    };
    let report: { rotation: { finished: boolean } } | undefined;
    const cost = await costOf(async () => {
      report = await must('tokens:rotate-and-update', {
        connectionId: githubId,
        id: created.token.id,
        placeIds,
      });
    });
    onTokenPage = () => {};
    expect(report?.rotation.finished).toBe(true);
    for (let i = 1; i <= 5; i++)
      expect(world.gitlab.variable('project', 'acme/app', `PLACE_${i}`)).toMatchObject({ value });
    expect(cost.github, cost.requests.join('\n')).toBe(1);
    // Tracking needs no credential of the connection's (the value pasted is checked
    // with GitHub): the host's trust is made sure of without reading it. Before: 1.
    expect(cost.githubCredentialReads).toBe(0);
    // The places, the record to rotate, the places again; then one look-up of the record
    // for every push's record, and the liveness check before each push. Before: 3 + 2 a
    // place (each push's record looked the record up again).
    expect(cost.trackedLists, cost.requests.join('\n')).toBe(3 + 1 + 5);
  });

  it('stopping tracking with the value asks GitHub twice and never reads its credential', async () => {
    const tokenValue = github.tokens.addToken({ login: 'ada' });
    prompt.answer({ value: tokenValue });
    const known = await must<{ token: { id: string } }>('tokens:create', {
      connectionId: githubId,
      name: 'known',
      expiresAt: null,
    });
    prompt.answer({ value: tokenValue });
    const cost = await costOf(() =>
      must('tokens:revoke', { connectionId: githubId, id: known.token.id }),
    );
    expect(github.tokens.isLive(tokenValue)).toBe(false);
    // GET /user (whose it is), POST /credentials/revoke.
    expect(cost.github, cost.requests.join('\n')).toBe(2);
    // Before: 2, one a request; then 1; none is needed.
    expect(cost.githubCredentialReads).toBe(0);
  });
});
