/**
 * Two GitHub connections of one Token Desk account on the same host, ada's and bob's,
 * through main's handlers against real parts (the GitHub token stand-in answering for
 * github.com, the real token service, the local GitLab). The service keeps every GitHub
 * record of the account under the one host; the login is part of each record's id. A
 * record tracked under ada is ada's: bob's connection must not list it, show or touch
 * its places, rotate it (no page opened, no prompt, nothing sent to GitHub) or stop
 * tracking it, and a value of ada's pasted under bob is not tracked there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeChannel } from '../../../../src/main/ipc/invoke-channel.js';
import { MAINTAINER, signUp, startCiWorld, type CiWorld } from '../../../support/main/ci-desk.js';
import { RecordingBrowser, RecordingPrompt } from '../../../support/issuers/npm/ports.js';
import { asGitHubCom } from '../../../support/issuers/github/as-github-com.js';
import {
  startGitHubWithTokens,
  type GitHubWithTokens,
} from '../../../support/issuers/github/github-token-stand-in.js';

const GL_TOKEN = 'glpat-twoLoginsAda000000001';
const silent = { error: () => {} };
type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
type Listed = { id: string; issuer: { connectionId: string } };

let world: CiWorld;
let github: GitHubWithTokens;
let main: ReturnType<CiWorld['launch']>;
const prompt = new RecordingPrompt();
const browser = new RecordingBrowser();

const call = async <T = any>(channel: string, payload: unknown) =>
  (await invokeChannel(main.handlers, channel, payload, silent)) as Result<T>;
async function must<T = any>(channel: string, payload: unknown): Promise<T> {
  const result = await call<T>(channel, payload);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.value;
}

let adaId: string;
let bobId: string;
let gitlabId: string;
/** ada's tracked token, sent to one GitLab variable. */
let adas: { id: string; value: string; placeId: string };

const inventoryOf = async (connectionId: string) =>
  (await must<{ tokens: Listed[] }>('tokens:inventory', null)).tokens.filter(
    (token) => token.issuer.connectionId === connectionId,
  );

beforeAll(async () => {
  [world, github] = await Promise.all([startCiWorld(), startGitHubWithTokens()]);
  world.gitlab.addUser(GL_TOKEN, 'ada');
  world.gitlab.addProject('acme/app', { ada: MAINTAINER });
  main = world.launch({
    prompt,
    externalLinks: browser,
    fetch: asGitHubCom(github.github.apiBaseUrl),
  });
  await signUp(main.handlers, world, `two-logins-${Date.now()}@example.test`);
  const add = (token: string) =>
    must<{ id: string }>('providers:add', {
      provider: 'github',
      host: 'https://github.com',
      token,
    });
  adaId = (await add(github.tokens.addToken({ login: 'ada' }))).id;
  bobId = (await add(github.tokens.addToken({ login: 'bob' }))).id;
  expect(adaId).not.toBe(bobId);
  gitlabId = (
    await must<{ id: string }>('providers:add', {
      provider: 'gitlab',
      host: world.gitlab.url,
      token: GL_TOKEN,
    })
  ).id;

  const value = github.tokens.addToken({ login: 'ada' });
  prompt.answer({ value });
  const created = await must<{ token: { id: string }; revealId: string }>('tokens:create', {
    connectionId: adaId,
    name: 'ada-deploy',
    expiresAt: null,
  });
  const sent = await must<{ destination: { id: string } }>('destinations:send', {
    revealId: created.revealId,
    accountId: gitlabId,
    target: { kind: 'project', path: 'acme/app', environmentScope: '*' },
    name: 'ADA_TOKEN',
    overwrite: false,
  });
  adas = { id: created.token.id, value, placeId: sent.destination.id };
}, 120_000);
afterAll(async () => {
  await main?.handlers.dispose();
  await Promise.all([world?.close(), github?.close()]);
});

describe("bob's GitHub connection and ada's tracked token on the same host", () => {
  it("lists ada's token under ada's connection only", async () => {
    expect((await inventoryOf(adaId)).map((token) => token.id)).toEqual([adas.id]);
    expect(await inventoryOf(bobId)).toEqual([]);
  });

  it("neither shows nor forgets ada's places through bob's connection", async () => {
    const asBob = await call('destinations:list', { tokenId: adas.id, connectionId: bobId });
    expect(asBob.ok ? asBob.value : []).toEqual([]);
    const removed = await call('destinations:remove', {
      tokenId: adas.id,
      destinationId: adas.placeId,
      connectionId: bobId,
    });
    expect(removed.ok).toBe(false);
    const asAda = await must<Array<{ id: string }>>('destinations:list', {
      tokenId: adas.id,
      connectionId: adaId,
    });
    expect(asAda.map((place) => place.id)).toEqual([adas.placeId]);
  });

  it("does not rotate or stop tracking ada's token through bob's connection: no page, no prompt, nothing sent", async () => {
    const asked = prompt.asked.length;
    const opened = browser.opened.length;
    const sentToGitHub = github.tokens.requests.length;
    for (const [channel, payload] of [
      ['tokens:rotate', { connectionId: bobId, id: adas.id }],
      ['tokens:rotate-and-update', { connectionId: bobId, id: adas.id, placeIds: [adas.placeId] }],
      ['tokens:revoke', { connectionId: bobId, id: adas.id }],
    ] as const) {
      const answer = await call(channel, payload);
      expect(answer, channel).toMatchObject({ ok: false, error: { code: 'token_not_found' } });
    }
    expect(prompt.asked.slice(asked)).toEqual([]);
    expect(browser.opened.slice(opened)).toEqual([]);
    expect(github.tokens.requests.slice(sentToGitHub)).toEqual([]);
    expect(github.tokens.isLive(adas.value)).toBe(true);
    expect(world.gitlab.variable('project', 'acme/app', 'ADA_TOKEN')).toMatchObject({
      value: adas.value,
    });
    expect((await inventoryOf(adaId)).map((token) => token.id)).toEqual([adas.id]);
    expect(await must('rotations:list', null)).toEqual([]);
  });

  it("does not track a value of ada's under bob's connection", async () => {
    const value = github.tokens.addToken({ login: 'ada' });
    prompt.answer({ value });
    const refused = await call('tokens:create', {
      connectionId: bobId,
      name: 'not bob’s',
      expiresAt: null,
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'github_other_account' } });
    if (!refused.ok) expect(refused.error.message).not.toContain(value);
    expect(await inventoryOf(bobId)).toEqual([]);
    expect((await inventoryOf(adaId)).map((token) => token.id)).toEqual([adas.id]);
  });

  it("tracks bob's own token under bob's connection, out of ada's sight", async () => {
    prompt.answer({ value: github.tokens.addToken({ login: 'bob' }) });
    const created = await must<{ token: { id: string } }>('tokens:create', {
      connectionId: bobId,
      name: 'bob-deploy',
      expiresAt: null,
    });
    expect((await inventoryOf(bobId)).map((token) => token.id)).toEqual([created.token.id]);
    expect((await inventoryOf(adaId)).map((token) => token.id)).toEqual([adas.id]);
    const revokeAsAda = await call('tokens:revoke', { connectionId: adaId, id: created.token.id });
    expect(revokeAsAda).toMatchObject({ ok: false, error: { code: 'token_not_found' } });
    expect(prompt.pending).toBe(0);
  });
});
