/**
 * A GitHub personal access token's whole life on the desk, through main's handlers,
 * against real parts: the GitHub token stand-in (GET /user, POST /credentials/revoke)
 * answering for github.com, the real token service (where tracked tokens and their
 * places are kept), the local GitLab and the keychain. The GitHub connection tracks
 * a token whose value is taken in main's own prompt and checked with GitHub; it is
 * sent to a GitLab variable, rotated the guided way (main opens the token's page,
 * the person regenerates it there and pastes the new value), seen from a second
 * computer, and revoked with its value.
 *
 * GitHub's credential-revocation API exists on github.com only, and main treats any
 * other GitHub host as Enterprise Server, so the stand-in answers here for
 * https://api.github.com: main's fetch sends that origin to it and everything else
 * through main's own outbound layer.
 */
import Conf from 'conf';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDesk } from '../../../src/main/compose.js';
import { invokeChannel } from '../../../src/main/ipc/invoke-channel.js';
import { realTimers, type Fetch } from '../../../src/main/ports.js';
import { MemoryClipboard, RecordingConfirm } from '../../../src/harness/stand-ins.js';
import { MAINTAINER, signUp, startCiWorld, type CiWorld } from '../../support/main/ci-desk.js';
import { memoryKeychain } from '../../support/main/test-keychain.js';
import { RecordingBrowser, RecordingPrompt } from '../../support/issuers/npm/ports.js';
import { asGitHubCom } from '../../support/issuers/github/as-github-com.js';
import {
  startGitHubWithTokens,
  type GitHubWithTokens,
} from '../../support/issuers/github/github-token-stand-in.js';

const GL_TOKEN = 'glpat-githubLifeAda00000001';
const PASSWORD = 'ci desk password 1';
const silent = { error: () => {} };
type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
type Handlers = ReturnType<typeof composeDesk>['handlers'];

let world: CiWorld;
let github: GitHubWithTokens;
let main: ReturnType<CiWorld['launch']>;
let githubFetch: Fetch;
const prompt = new RecordingPrompt();
/** What "the person" does on GitHub when main opens a page: set per test. */
let onTokenPage: (url: string) => void = () => {};
const browser = new RecordingBrowser((url) => onTokenPage(url));

const callOn = async <T = any>(desk: Handlers, channel: string, payload: unknown) =>
  (await invokeChannel(desk, channel, payload, silent)) as Result<T>;
async function mustOn<T = any>(desk: Handlers, channel: string, payload: unknown): Promise<T> {
  const r = await callOn<T>(desk, channel, payload);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value;
}
const call = <T = any>(channel: string, payload: unknown) =>
  callOn<T>(main.handlers, channel, payload);
const must = <T = any>(channel: string, payload: unknown) =>
  mustOn<T>(main.handlers, channel, payload);

let email: string;
let githubId: string;
let gitlabId: string;
let ciValue: string;
let tracked: { id: string; value: string };
const secrets: string[] = [GL_TOKEN];

beforeAll(async () => {
  [world, github] = await Promise.all([startCiWorld(), startGitHubWithTokens()]);
  githubFetch = asGitHubCom(github.github.apiBaseUrl);
  world.gitlab.addUser(GL_TOKEN, 'ada');
  world.gitlab.addProject('acme/app', { ada: MAINTAINER });
  main = world.launch({ prompt, externalLinks: browser, fetch: githubFetch });
  email = `github-life-${Date.now()}@example.test`;
  await signUp(main.handlers, world, email);
  ciValue = github.tokens.addToken({ login: 'ada', scopes: ['repo'] });
  secrets.push(ciValue);
  githubId = (
    await must('providers:add', { provider: 'github', host: 'https://github.com', token: ciValue })
  ).id;
  gitlabId = (
    await must('providers:add', { provider: 'gitlab', host: world.gitlab.url, token: GL_TOKEN })
  ).id;
}, 120_000);
afterAll(async () => {
  await main?.handlers.dispose();
  await Promise.all([world?.close(), github?.close()]);
});

describe('a GitHub token tracked on the desk', () => {
  it('the GitHub connection tracks tokens: listed as a source, creating is tracking', async () => {
    const listed = await must('connections:list', null);
    expect(listed.find((c: { id: string }) => c.id === githubId)).toMatchObject({
      kind: 'github',
      login: 'ada',
      roles: { issuesTokens: true, storesSecrets: true },
    });
    const inventory = await must('tokens:inventory', null);
    expect(inventory.sources.find((s: { kind: string }) => s.kind === 'github')).toMatchObject({
      connectionId: githubId,
      problem: null,
      capabilities: { rotation: 'guided', create: false },
    });
  });

  it('refuses hostile input before GitHub is asked; a cancelled prompt tracks nothing', async () => {
    const before = github.tokens.requests.length;
    const looksLikeValue = await call('tokens:create', {
      connectionId: githubId,
      name: github.tokens.addToken({ login: 'ada' }),
      expiresAt: null,
    });
    expect(looksLikeValue).toMatchObject({ ok: false, error: { code: 'invalid_name' } });
    const withOptions = await call('tokens:create', {
      connectionId: githubId,
      name: 'ci',
      expiresAt: null,
      options: { value: 'ghp_x' },
    });
    expect(withOptions).toMatchObject({ ok: false, error: { code: 'invalid_options' } });
    expect(prompt.asked).toHaveLength(0);
    prompt.answer(null);
    const cancelled = await call('tokens:create', {
      connectionId: githubId,
      name: 'ci',
      expiresAt: null,
    });
    expect(cancelled).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    // A value GitHub refuses: words, and the value never repeated back.
    const dead = github.tokens.addToken({ login: 'ada' });
    github.tokens.regenerate(dead);
    prompt.answer({ value: dead });
    const refused = await call('tokens:create', {
      connectionId: githubId,
      name: 'ci',
      expiresAt: null,
    });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).not.toContain(dead);
    expect(
      github.tokens.requests.slice(before).filter((r) => r.path === '/credentials/revoke'),
    ).toEqual([]);
    const inventory = await must('tokens:inventory', null);
    expect(
      inventory.tokens.filter((t: { issuer: { kind: string } }) => t.issuer.kind === 'github'),
    ).toEqual([]);
  });

  it('tracks a token: its value asked in main’s prompt, checked with GitHub, then sent to GitLab', async () => {
    const value = github.tokens.addToken({
      login: 'ada',
      scopes: ['repo', 'workflow'],
      expiration: '2027-03-01 12:00:00 UTC',
    });
    prompt.answer({ value: `  ${value}\n` });
    const before = github.tokens.requests.length;
    const created = await must('tokens:create', {
      connectionId: githubId,
      name: 'ci-deploy',
      expiresAt: null,
    });
    tracked = { id: created.token.id, value };
    secrets.push(value);
    expect(created.secret).toBe(value);
    expect(prompt.asked.at(-1)).toMatchObject({ title: 'Track a GitHub token' });
    expect(created.token).toMatchObject({
      name: 'ci-deploy',
      issuer: { connectionId: githubId, kind: 'github' },
      facts: expect.objectContaining({ rotation: 'guided' }),
    });
    expect(Date.parse(created.token.expiresAt)).toBe(Date.parse('2027-03-01T12:00:00Z'));
    // Checked with GitHub's GET /user, with the value as the credential.
    expect(github.tokens.requests.slice(before)).toEqual([
      expect.objectContaining({ method: 'GET', path: '/user', authenticated: true, status: 200 }),
    ]);

    const sent = await must('destinations:send', {
      revealId: created.revealId,
      accountId: gitlabId,
      target: { kind: 'project', path: 'acme/app', environmentScope: '*' },
      name: 'GH_TOKEN',
      overwrite: false,
    });
    expect(sent).toMatchObject({ outcome: 'created', recordProblem: null });
    expect(world.gitlab.variable('project', 'acme/app', 'GH_TOKEN')).toMatchObject({ value });
    const inventory = await must('tokens:inventory', null);
    expect(inventory.tokens.find((t: { id: string }) => t.id === tracked.id)).toMatchObject({
      destinationCount: 1,
    });
  });

  it('a new value of another account changes nothing and pushes nowhere', async () => {
    const other = github.tokens.addToken({ login: 'mallory' });
    onTokenPage = () => void prompt.answer({ value: other, oldValue: '' });
    const places = await must('destinations:list', { tokenId: tracked.id, connectionId: githubId });
    const refused = await call('tokens:rotate-and-update', {
      connectionId: githubId,
      id: tracked.id,
      placeIds: places.map((p: { id: string }) => p.id),
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'github_other_account' } });
    if (!refused.ok) expect(refused.error.message).not.toContain(other);
    expect(world.gitlab.variable('project', 'acme/app', 'GH_TOKEN')).toMatchObject({
      value: tracked.value,
    });
    expect(github.tokens.isLive(tracked.value)).toBe(true);
    expect(await must('rotations:list', null)).toEqual([]);
  });

  it('rotates the guided way: the token page opened, the new value pasted, every place updated', async () => {
    let regenerated = '';
    onTokenPage = () => {
      // The person clicks "Regenerate token" on GitHub, then pastes the new value.
      regenerated = github.tokens.regenerate(tracked.value, '2027-06-01 12:00:00 UTC');
      prompt.answer({ value: regenerated, oldValue: '' });
    };
    const places = await must('destinations:list', { tokenId: tracked.id, connectionId: githubId });
    const openedBefore = browser.opened.length;
    const before = github.tokens.requests.length;
    const report = await must('tokens:rotate-and-update', {
      connectionId: githubId,
      id: tracked.id,
      placeIds: places.map((p: { id: string }) => p.id),
    });
    expect(browser.opened.slice(openedBefore)).toEqual(['https://github.com/settings/tokens']);
    expect(prompt.asked.at(-1)?.title).toBe('Rotate “ci-deploy” on GitHub');
    secrets.push(regenerated);
    expect(report.revealed.secret).toBe(regenerated);
    // GitHub stopped the old value when it was regenerated: nothing is left for main to revoke.
    expect(report.rotation).toMatchObject({
      finished: true,
      problem: null,
      newTokenId: tracked.id,
      oldTokenIds: [],
      graceEndsAt: null,
    });
    expect(report.rotation.destinations.map((d: { status: string }) => d.status)).toEqual([
      'updated',
    ]);
    expect(world.gitlab.variable('project', 'acme/app', 'GH_TOKEN')).toMatchObject({
      value: regenerated,
    });
    // The new value was checked as the same login's, and nothing was revoked.
    expect(github.tokens.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /user',
    ]);
    const inventory = await must('tokens:inventory', null);
    const renewed = inventory.tokens.find((t: { id: string }) => t.id === tracked.id);
    expect(renewed).toMatchObject({ destinationCount: 1 });
    expect(Date.parse(renewed.expiresAt)).toBe(Date.parse('2027-06-01T12:00:00Z'));
    tracked = { id: tracked.id, value: regenerated };
    onTokenPage = () => {};
  });

  it('is kept on the token service: a second computer sees it and its place after signing in', async () => {
    const secondPrompt = new RecordingPrompt();
    const second = composeDesk({
      keychain: memoryKeychain(),
      store: new Conf({
        cwd: mkdtempSync(join(tmpdir(), 'token-desk-second-')),
        configName: 'settings',
        projectName: 'token-desk',
      }),
      clipboard: new MemoryClipboard(),
      timers: realTimers,
      confirm: new RecordingConfirm(),
      fetch: githubFetch,
      prompt: secondPrompt,
    });
    try {
      // A fresh computer: nothing signed in, nothing to list.
      expect(await callOn(second.handlers, 'tokens:inventory', null)).toMatchObject({
        ok: false,
        error: { code: 'signed_out' },
      });
      await mustOn(second.handlers, 'session:sign-in', {
        serviceUrl: world.service.baseUrl,
        email,
        password: PASSWORD,
      });
      // This computer's keychain holds no GitHub credential: the account is added here too.
      const secondGitHub = await mustOn(second.handlers, 'providers:add', {
        provider: 'github',
        host: 'https://github.com',
        token: ciValue,
      });
      const inventory = await mustOn(second.handlers, 'tokens:inventory', null);
      const seen = inventory.tokens.find((t: { id: string }) => t.id === tracked.id);
      expect(seen).toMatchObject({
        name: 'ci-deploy',
        issuer: { connectionId: secondGitHub.id, kind: 'github' },
        destinationCount: 1,
      });
      const places = await mustOn(second.handlers, 'destinations:list', {
        tokenId: tracked.id,
        connectionId: secondGitHub.id,
      });
      expect(places).toHaveLength(1);
      expect(places[0]).toMatchObject({ provider: 'gitlab', name: 'GH_TOKEN' });
      expect(places[0].label).toContain('acme/app');
      expect(secondPrompt.asked).toEqual([]);
    } finally {
      await second.handlers.dispose();
    }
  });

  it('revokes with the value: GitHub’s /credentials/revoke gets it, and the record is gone', async () => {
    const before = github.tokens.requests.length;
    prompt.answer({ value: tracked.value });
    await must('tokens:revoke', { connectionId: githubId, id: tracked.id });
    expect(prompt.asked.at(-1)?.title).toBe('Stop tracking “ci-deploy”');
    expect(github.tokens.revoked).toEqual([tracked.value]);
    const revokeCalls = github.tokens.requests
      .slice(before)
      .filter((r) => r.path === '/credentials/revoke');
    expect(revokeCalls).toEqual([
      expect.objectContaining({
        method: 'POST',
        authenticated: false,
        credentials: [tracked.value],
        status: 202,
      }),
    ]);
    expect(github.tokens.isLive(tracked.value)).toBe(false);
    const inventory = await must('tokens:inventory', null);
    expect(inventory.tokens.some((t: { id: string }) => t.id === tracked.id)).toBe(false);
    // The connection's own token was never sent for revocation.
    expect(github.tokens.isLive(ciValue)).toBe(true);
  });

  it('a row’s Send to CI… with “stop the old one now”: rotated once, still tracked', async () => {
    const value = github.tokens.addToken({ login: 'ada' });
    prompt.answer({ value });
    const created = await must('tokens:create', {
      connectionId: githubId,
      name: 'bot-token',
      expiresAt: null,
    });
    secrets.push(value);
    let regenerated = '';
    onTokenPage = () => {
      regenerated = github.tokens.regenerate(value);
      prompt.answer({ value: regenerated, oldValue: '' });
    };
    const asked = prompt.asked.length;
    const result = await must('tokens:rotate-and-send', {
      connectionId: githubId,
      id: created.token.id,
      placeIds: [],
      send: {
        accountId: gitlabId,
        target: { kind: 'project', path: 'acme/app', environmentScope: '*' },
        name: 'BOT_TOKEN',
        overwrite: false,
      },
      endOldNow: true,
    });
    onTokenPage = () => {};
    secrets.push(regenerated);
    expect(result).toMatchObject({ sendProblem: null, oldKept: null });
    expect(result.report.rotation).toMatchObject({ finished: true, oldRevoked: true });
    expect(world.gitlab.variable('project', 'acme/app', 'BOT_TOKEN')).toMatchObject({
      value: regenerated,
    });
    // Only the rotation's own prompt: GitHub stopped the old value, nothing else to end.
    expect(prompt.asked.slice(asked).map((request) => request.title)).toEqual([
      'Rotate “bot-token” on GitHub',
    ]);
    const inventory = await must('tokens:inventory', null);
    expect(inventory.tokens.find((t: { id: string }) => t.id === created.token.id)).toMatchObject({
      destinationCount: 1,
    });
  });

  it('keeps nothing secret at rest, and GitHub saw only documented requests', () => {
    const text = world.settingsText();
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(prompt.pending).toBe(0);
    expect(github.tokens.violations).toEqual([]);
    expect(github.github.violations).toEqual([]);
  });
});
