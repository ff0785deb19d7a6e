/**
 * A row's Send to CI… and Replace… of other vendors' tokens, end to end: the app in
 * Chromium through the harness, the real token service, a real npm registry and the
 * local GitHub, GitLab and Cloudflare (vendor-fixture.ts). Send to CI… of a vendor
 * token is that vendor's rotation: it asks the same choices as the token's Rotate…,
 * says what becomes of the old value first, and main holds the vendor to them: a GitLab
 * project token sent with a 30-day expiry is made with that expiry, a Cloudflare token
 * rolled at once is rolled (one request). A page cannot send a choice the vendor does
 * not offer: refused in words, and nothing reaches the vendor. Replace… of an expired
 * vendor token speaks the vendor's words, not our service's: a Cloudflare token gets a
 * new token with a new expiry (its roll would keep the past one). Each dialog is looked at at every size, light and dark, and
 * checked with axe.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionInfo } from '../../src/shared/ipc/connections.js';
import type { Inventory, RevealedToken } from '../../src/shared/ipc-contract.js';
import { PERMISSION_GROUPS as PG } from '../support/issuers/cloudflare/fake-cloudflare.js';
import { checkLayoutEverywhere, SCREENS, signIn } from './desk-fixture.js';
import { chooseRowAction } from './row-menu.js';
import {
  LOGIN,
  NPM_PASSWORD,
  PROJECT,
  REPOSITORY,
  startVendorDesk,
  type VendorDesk,
} from './vendor-fixture.js';

test.describe.configure({ mode: 'serial' });

const DAY = 86_400_000;
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const GL_PROJECT = 'glpat-e2eVendorSendProj0001';
const GL_EXPIRED = 'glpat-e2eVendorSendOld00001';
/** Where the screens a person looks at for this work are copied. */
const SHOTS = '/tmp/shots/send-choices';
const ROLL = 'Roll the value now (the old one stops at once)';

let vendors: VendorDesk;
let context: BrowserContext;
let page: Page;
let npmConnection: string;
let npmToken: RevealedToken;
let githubAccount: string;
let gitlabConnection: string;
let cloudflareConnection: string;
let trackedValue: string;

const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();
const day = (days: number) => inDays(days).slice(0, 10);

async function inventory(): Promise<Inventory> {
  return vendors.invoke<Inventory>(page, 'tokens:inventory', null);
}

async function tokenNamed(name: string) {
  const token = (await inventory()).tokens.find((t) => t.name === name);
  expect(token, name).toBeDefined();
  return token!;
}

const writesAtGitLab = (from: number) =>
  vendors.gitlab.requests
    .slice(from)
    .filter((r) => r.method !== 'GET' && r.path.includes('access_tokens'))
    .map((r) => `${r.method} ${r.path.replace(/\/\d+(\/|$)/g, '/:id$1')}`);
const writesAtCloudflare = (from: number) =>
  vendors.cloudflare.requests
    .slice(from)
    .filter((r) => r.method !== 'GET')
    .map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{32}/g, ':id')}`);

/** The npm tokens the registry lists for the person, asked with the write token made here. */
async function npmTokenKeys(): Promise<string[]> {
  const response = await fetch(`${vendors.registry.url}-/npm/v1/tokens`, {
    headers: { authorization: `Bearer ${npmToken.secret}` },
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { objects: Array<{ key: string }> };
  return body.objects.map((t) => t.key).sort();
}

/** A row's Send to CI… dialog, opened (again, only if it is not open already). */
async function openSend(token: string): Promise<Locator> {
  const dialog = page.getByRole('dialog', { name: `Send “${token}” to CI` });
  if (await dialog.isVisible()) return dialog;
  await chooseRowAction(page, token, 'Send to CI…');
  await expect(dialog).toBeVisible();
  return dialog;
}

async function openReplace(token: string, title: string): Promise<Locator> {
  const dialog = page.getByRole('alertdialog', { name: title });
  if (await dialog.isVisible()) return dialog;
  await chooseRowAction(page, token, 'Replace…');
  await expect(dialog).toBeVisible();
  return dialog;
}

/** Every size, light and dark (saved, and copied where this work's screens are kept), then axe. */
async function lookEverywhere(screen: string, open: () => Promise<unknown>): Promise<void> {
  await checkLayoutEverywhere(page, screen, async () => {
    await open();
  });
  mkdirSync(SHOTS, { recursive: true });
  for (const file of readdirSync(SCREENS))
    if (file.startsWith(`layout-${screen}-`)) copyFileSync(join(SCREENS, file), join(SHOTS, file));
  const { violations } = await new AxeBuilder({ page })
    .include('dialog[open]')
    .withTags(WCAG_21_AA)
    .analyze();
  expect(violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

/** Picks a provider account in the send dialog by the words its option starts with. */
async function chooseAccount(send: Locator, startsWith: string): Promise<void> {
  const select = send.getByLabel('Account');
  const option = select.locator('option', { hasText: startsWith });
  await expect(option).toHaveCount(1);
  await select.selectOption({ label: (await option.textContent())!.trim() });
}

/** The new secret from the reveal dialog a rotation opens; the dialog is closed after. */
async function takeRevealed(token: string): Promise<{ fresh: string; reveal: Locator }> {
  const reveal = page.getByRole('dialog', { name: `New secret for “${token}”` });
  await expect(reveal).toBeVisible();
  const fresh = (await reveal.getByTestId('secret').textContent())!;
  vendors.issued(fresh);
  return { fresh, reveal };
}

async function closeRevealed(reveal: Locator): Promise<void> {
  await reveal.getByRole('button', { name: 'Done' }).click();
  await reveal.getByRole('button', { name: 'Close and forget the secret' }).click();
  await expect(page.locator('dialog')).toHaveCount(0);
}

test.beforeAll(async ({ browser }) => {
  vendors = await startVendorDesk('vendor-send');
  context = await browser.newContext();
  page = await context.newPage();
  await signIn(page, vendors.desk);
  const { accounts, gitlab, cloudflare } = vendors;

  // Made on the vendors' own pages before Token Desk was connected: a live project token,
  // one that expired three days ago, and Cloudflare tokens (one of them expired).
  const project = gitlab.namespace('project', PROJECT)!;
  gitlab.tokens.addResourceToken(project, GL_PROJECT, {
    name: 'deploy-bot',
    scopes: ['read_repository'],
    accessLevel: 30,
  });
  gitlab.tokens.addResourceToken(project, GL_EXPIRED, {
    name: 'old-bot',
    scopes: ['read_repository'],
    accessLevel: 30,
    expiresInDays: -3,
  });
  vendors.remember(GL_PROJECT, GL_EXPIRED);
  const owner = [...cloudflare.tokens.values()].find(
    (t) => t.value === accounts.cloudflare.token,
  )!.owner;
  const dnsPolicy = () => ({
    id: randomBytes(16).toString('hex'),
    effect: 'allow' as const,
    resources: { 'com.cloudflare.api.account.zone.*': '*' },
    permission_groups: [{ id: PG.dnsWrite.id, name: 'DNS Write' }],
  });
  for (const name of ['cf-roll', 'cf-hostile'])
    vendors.remember(cloudflare.seed(owner, { name, policies: [dnsPolicy()] }).value);
  vendors.remember(
    cloudflare.seed(owner, {
      name: 'cf-expired',
      policies: [dnsPolicy()],
      status: 'expired',
      expires_on: new Date(Date.now() - 2 * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    }).value,
  );

  // The accounts, as Settings would add them (Settings' forms are tested elsewhere).
  githubAccount = (
    await vendors.invoke<{ id: string }>(page, 'providers:add', {
      provider: 'github',
      host: accounts.github.host,
      token: accounts.github.token,
    })
  ).id;
  gitlabConnection = (
    await vendors.invoke<{ id: string }>(page, 'providers:add', {
      provider: 'gitlab',
      host: accounts.gitlab.host,
      token: accounts.gitlab.token,
    })
  ).id;
  cloudflareConnection = (
    await vendors.invoke<ConnectionInfo>(page, 'connections:add', {
      kind: 'cloudflare',
      host: accounts.cloudflare.apiBase,
      token: accounts.cloudflare.token,
    })
  ).id;
  const signingIn = vendors.tryInvoke<ConnectionInfo>(page, 'connections:add', {
    kind: 'npm',
    host: accounts.npm.registry,
  });
  await vendors.typeInPrompt(
    context,
    'Sign in to npm',
    { 'npm user name': LOGIN, Password: NPM_PASSWORD },
    'Sign in',
  );
  const npm = await signingIn;
  expect(npm.ok).toBe(true);
  npmConnection = (npm as { value: ConnectionInfo }).value.id;
  // An npm write token (its password queued for main's prompt): npm keeps these 90 days at most.
  await vendors.answerNextPrompt({ password: NPM_PASSWORD });
  npmToken = await vendors.invoke<RevealedToken>(page, 'tokens:create', {
    connectionId: npmConnection,
    name: 'npm-publish',
    expiresAt: inDays(30),
    options: {
      permission: 'read-write',
      packages: [],
      allPackages: true,
      scopes: [],
      orgs: [],
      orgsPermission: null,
      cidr: [],
      bypass2fa: false,
    },
  });
  vendors.issued(npmToken.secret);
  await vendors.invoke(page, 'secret:forget', { revealId: npmToken.revealId });

  // A GitHub token made on github.com, tracked: its value typed in main's prompt.
  trackedValue = vendors.githubTokens.addToken({
    login: LOGIN,
    scopes: ['repo'],
    expiration: '2027-09-01 12:00:00 UTC',
  });
  vendors.remember(trackedValue);
  await vendors.answerNextPrompt({ value: trackedValue });
  await vendors.invoke(page, 'tokens:create', {
    connectionId: githubAccount,
    name: 'gh-ci',
    expiresAt: null,
  });

  await page.getByRole('button', { name: 'Refresh', exact: true }).click();
  for (const name of ['deploy-bot', 'old-bot', 'cf-roll', 'cf-expired', 'gh-ci'])
    await expect(page.getByRole('button', { name: `Details of ${name}` })).toBeVisible();
});

test.afterAll(async () => {
  await context?.close();
  await vendors?.stop();
});

test('a page cannot send a choice the vendor does not offer on rotate-and-send: refused in words, nothing reaches the vendor', async () => {
  const npm = npmToken.token;
  const cloudflare = await tokenNamed('cf-hostile');
  const project = await tokenNamed('deploy-bot');
  const send = {
    accountId: githubAccount,
    target: { kind: 'repository', owner: LOGIN, repo: 'app' },
    name: 'HOSTILE_SEND',
    overwrite: false,
  };
  const attempts: Array<[string, string, Record<string, unknown>]> = [
    // Cloudflare's styles for npm, which has none; "never" for an npm write token, which
    // lasts 90 days at most; past that; passed; unreadable.
    [npmConnection, npm.id, { style: 'at-once' }],
    [npmConnection, npm.id, { style: 'create-then-delete' }],
    [npmConnection, npm.id, { expiresAt: null }],
    [npmConnection, npm.id, { expiresAt: inDays(91) }],
    [npmConnection, npm.id, { expiresAt: inDays(-1) }],
    [npmConnection, npm.id, { expiresAt: 'in a month' }],
    // Cloudflare's roll keeps the token's expiry: none may be asked with it.
    [cloudflareConnection, cloudflare.id, { style: 'at-once', expiresAt: inDays(30) }],
    [cloudflareConnection, cloudflare.id, { style: 'at-once', expiresAt: null }],
    // GitLab decides how the old value ends, and requires an expiry within a year.
    [gitlabConnection, project.id, { style: 'at-once' }],
    [gitlabConnection, project.id, { expiresAt: inDays(366) }],
    [gitlabConnection, project.id, { expiresAt: null }],
  ];
  const npmBefore = await npmTokenKeys();
  const gitlabBefore = vendors.gitlab.requests.length;
  const cloudflareBefore = vendors.cloudflare.requests.length;
  const githubBefore = vendors.github.requests.length;
  for (const [connectionId, id, choice] of attempts) {
    const refused = await vendors.tryInvoke(page, 'tokens:rotate-and-send', {
      connectionId,
      id,
      placeIds: [],
      send,
      endOldNow: true,
      ...choice,
    });
    expect(refused, JSON.stringify(choice)).toMatchObject({
      ok: false,
      error: { code: expect.stringMatching(/^invalid_(expiry|rotation)$/) },
    });
    // A sentence a person can act on, saying nothing happened.
    if (!refused.ok) expect(refused.error.message).toContain('Nothing was rotated.');
  }
  // A style outside the two is not even a payload.
  expect(
    await vendors.tryInvoke(page, 'tokens:rotate-and-send', {
      connectionId: cloudflareConnection,
      id: cloudflare.id,
      placeIds: [],
      send,
      endOldNow: false,
      style: 'roll',
    }),
  ).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });

  // Nothing reached a vendor: no request at GitLab, Cloudflare or GitHub, no npm password
  // asked (npm's create asks it first), no token made or deleted at the registry.
  expect(vendors.gitlab.requests.slice(gitlabBefore)).toEqual([]);
  expect(vendors.cloudflare.requests.slice(cloudflareBefore)).toEqual([]);
  expect(vendors.github.requests.slice(githubBefore)).toEqual([]);
  expect(await vendors.pendingPrompt()).toBeNull();
  expect(await npmTokenKeys()).toEqual(npmBefore);
  expect(await vendors.accepts('npm', npmToken.secret)).toBe(true);
  expect(vendors.githubSecret('HOSTILE_SEND')).toBeUndefined();
  expect(vendors.gitlab.tokens.byValue(GL_PROJECT)?.revoked).toBe(false);
});

test('Send to CI… of a GitLab project token asks GitLab’s expiry, says the old token’s fate first, and GitLab makes it with the 30 days picked', async () => {
  const send = await openSend('deploy-bot');
  const fate = send.getByText(
    'A new token is made first; the old token is deleted once every place has the new one',
  );
  await expect(fate).toBeVisible();
  const expiry = send.getByRole('radiogroup', { name: 'New expiry' });
  // GitLab requires an expiry: no "same lifetime", nothing past a year, 90 days first.
  await expect(expiry.getByRole('radio')).toHaveCount(6);
  await expect(expiry.getByRole('radio', { name: /^90 days/ })).toBeChecked();
  // Said before the choices and before the account, so it is read first.
  const [fateBox, expiryBox, accountBox] = await Promise.all([
    fate.boundingBox(),
    expiry.boundingBox(),
    send.getByLabel('Account').boundingBox(),
  ]);
  expect(fateBox!.y).toBeLessThan(expiryBox!.y);
  expect(expiryBox!.y).toBeLessThan(accountBox!.y);

  await expiry.getByRole('radio', { name: /^30 days/ }).check();
  await chooseAccount(send, 'GitHub: ');
  await send.getByRole('radio', { name: new RegExp(REPOSITORY) }).check();
  await send.getByLabel('Secret name').fill('DEPLOY_TOKEN');
  await lookEverywhere('vendor-send-gitlab-project', () => openSend('deploy-bot'));
  // A resize keeps what was picked.
  await expect(expiry.getByRole('radio', { name: /^30 days/ })).toBeChecked();

  const before = vendors.gitlab.requests.length;
  const asked = day(30);
  await send.getByRole('button', { name: 'Rotate and send' }).click();
  const { fresh, reveal } = await takeRevealed('deploy-bot');
  await expect(reveal.getByRole('list', { name: 'Sent to CI' })).toContainText(
    `Created DEPLOY_TOKEN in ${REPOSITORY}`,
  );
  // One create, one delete: GitLab's project tokens are made anew, then the old one goes.
  expect(writesAtGitLab(before)).toEqual([
    'POST /api/v4/projects/:id/access_tokens',
    'DELETE /api/v4/projects/:id/access_tokens/:id',
  ]);
  const made = vendors.gitlab.tokens.byValue(fresh);
  expect(made?.name).toBe('deploy-bot');
  // The day asked (computed a moment before the stand-in's clock).
  expect([asked, day(30)]).toContain(made?.expiresAt);
  expect(vendors.githubSecret('DEPLOY_TOKEN')).toBe(fresh);
  expect(vendors.gitlab.tokens.byValue(GL_PROJECT)?.revoked).toBe(true);
  expect(await vendors.accepts('gitlab', fresh)).toBe(true);
  expect(vendors.gitlab.tokens.offContract).toEqual([]);
  await closeRevealed(reveal);
});

test('Send to CI… of a Cloudflare token rolls it at once when picked: its warning first, one roll request', async () => {
  const send = await openSend('cf-roll');
  await expect(
    send.getByRole('radio', { name: 'Make a new token, then delete the old one' }),
  ).toBeChecked();
  await expect(send).not.toContainText('may fail');
  await send.getByRole('radio', { name: ROLL }).check();
  // The warning follows the way picked, before anything is sent.
  const warning = send.locator('.banner-warning', {
    hasText: 'the old secret stops working the moment the new one is made',
  });
  await expect(warning).toBeVisible();
  await chooseAccount(send, 'GitLab: ');
  await send.getByRole('radio', { name: new RegExp(PROJECT) }).check();
  await send.getByLabel('Variable key').fill('CF_TOKEN');
  await lookEverywhere('vendor-send-cloudflare-roll', async () => {
    const open = await openSend('cf-roll');
    await open.getByRole('radio', { name: ROLL }).check();
  });

  const rolled = [...vendors.cloudflare.tokens.values()].find((t) => t.name === 'cf-roll')!;
  const oldValue = rolled.value;
  const before = vendors.cloudflare.requests.length;
  await send.getByRole('button', { name: 'Rotate and send' }).click();
  const { fresh, reveal } = await takeRevealed('cf-roll');
  await expect(reveal.getByRole('list', { name: 'Sent to CI' })).toContainText(
    `Created CF_TOKEN in ${PROJECT}`,
  );
  // Rolled, not made anew: the same token, a new value, the old one stopped.
  expect(writesAtCloudflare(before)).toEqual(['PUT /client/v4/user/tokens/:id/value']);
  expect(vendors.cloudflare.accepts(oldValue)).toBe(false);
  expect(vendors.cloudflare.accepts(fresh)).toBe(true);
  expect(vendors.gitlabVariable('CF_TOKEN')).toBe(fresh);
  expect(vendors.cloudflare.offContract).toEqual([]);
  await closeRevealed(reveal);
});

test('Send to CI… of a GitHub token goes GitHub’s guided way: no choice, its steps, the regenerated value sent', async () => {
  const send = await openSend('gh-ci');
  await expect(send).toContainText('Regenerate token');
  await expect(send).toContainText('then sends it to the place you choose below.');
  // GitHub sets the new expiry itself when the token is regenerated there.
  await expect(send.getByRole('radiogroup', { name: 'New expiry' })).toHaveCount(0);
  await expect(send.getByRole('radiogroup', { name: 'How the old value ends' })).toHaveCount(0);
  await chooseAccount(send, 'GitHub: ');
  await send.getByRole('radio', { name: new RegExp(REPOSITORY) }).check();
  await send.getByLabel('Secret name').fill('GH_CI');
  const tokenPage = `${new URL(vendors.github.apiBaseUrl).origin}/settings/tokens`;
  expect(await vendors.desk.openedLinks()).not.toContain(tokenPage);
  // On GitHub, the person regenerates the token and pastes the new value in main's prompt.
  const regenerated = vendors.githubTokens.regenerate(trackedValue, '2027-12-01 12:00:00 UTC');
  await vendors.answerNextPrompt({ value: regenerated });
  await send.getByRole('button', { name: 'Rotate and send' }).click();
  const { fresh, reveal } = await takeRevealed('gh-ci');
  expect(fresh).toBe(regenerated);
  await expect(reveal.getByRole('list', { name: 'Sent to CI' })).toContainText(
    `Created GH_CI in ${REPOSITORY}`,
  );
  expect(vendors.githubSecret('GH_CI')).toBe(fresh);
  expect(await vendors.desk.openedLinks()).toContain(tokenPage);
  expect(await vendors.accepts('github', trackedValue)).toBe(false);
  expect(vendors.githubTokens.violations).toEqual([]);
  await closeRevealed(reveal);
});

test('Replace… of an expired GitLab project token speaks GitLab’s words and takes GitLab’s expiry', async () => {
  const title = 'Replace “old-bot”?';
  const dialog = await openReplace('old-bot', title);
  await expect(dialog).toContainText('“old-bot” has expired.');
  await expect(dialog).toContainText(
    'A new token replaces “old-bot”, with the same name and permissions',
  );
  // Our own service's words (its grace period, its lifetime) are not GitLab's.
  await expect(dialog).not.toContainText('grace');
  await expect(dialog).not.toContainText('same lifetime counted from today');
  const expiry = dialog.getByRole('radiogroup', { name: 'New expiry' });
  await expect(expiry.getByRole('radio', { name: /^90 days/ })).toBeChecked();
  await lookEverywhere('vendor-replace-gitlab-project', () => openReplace('old-bot', title));

  await expiry.getByRole('radio', { name: /^60 days/ }).check();
  const before = vendors.gitlab.requests.length;
  const asked = day(60);
  await dialog.getByRole('button', { name: 'Replace token' }).click();
  const { fresh, reveal } = await takeRevealed('old-bot');
  expect(writesAtGitLab(before)).toEqual([
    'POST /api/v4/projects/:id/access_tokens',
    'DELETE /api/v4/projects/:id/access_tokens/:id',
  ]);
  const made = vendors.gitlab.tokens.byValue(fresh);
  expect(made?.name).toBe('old-bot');
  expect([asked, day(60)]).toContain(made?.expiresAt);
  expect(await vendors.accepts('gitlab', fresh)).toBe(true);
  expect(vendors.gitlab.tokens.offContract).toEqual([]);
  await closeRevealed(reveal);
  await expect(page.getByRole('button', { name: 'Details of old-bot' })).toBeVisible();
});

test('Replace… of an expired Cloudflare token makes a new token with a new expiry (a roll would keep the past one)', async () => {
  const title = 'Replace “cf-expired”?';
  const dialog = await openReplace('cf-expired', title);
  await expect(dialog).toContainText('“cf-expired” has expired.');
  const expiry = dialog.getByRole('radiogroup', { name: 'New expiry' });
  // Its date is past: keeping it is not offered, and neither is a roll.
  await expect(expiry.getByRole('radio', { name: /^Same expiry/ })).toHaveCount(0);
  await expect(dialog.getByRole('radio', { name: /^Roll the value now/ })).toHaveCount(0);
  await lookEverywhere('vendor-replace-cloudflare', () => openReplace('cf-expired', title));
  await expiry.getByRole('radio', { name: /^30 days/ }).check();
  const old = [...vendors.cloudflare.tokens.values()].find((t) => t.name === 'cf-expired')!;
  const before = vendors.cloudflare.requests.length;
  await dialog.getByRole('button', { name: 'Replace token' }).click();
  const { fresh, reveal } = await takeRevealed('cf-expired');
  const made = [...vendors.cloudflare.tokens.values()].find((t) => t.value === fresh);
  expect(made?.name).toBe('cf-expired');
  expect(made?.expires_on?.slice(0, 10)).toBe(day(30));
  expect(await vendors.accepts('cloudflare', fresh)).toBe(true);
  // Made new, then the old one deleted; never rolled.
  const writes = vendors.cloudflare.requests
    .slice(before)
    .filter((r) => r.method !== 'GET')
    .map((r) => r.method);
  expect(writes).toEqual(['POST', 'DELETE']);
  expect(vendors.cloudflare.tokens.has(old.id)).toBe(false);
  expect(vendors.cloudflare.offContract).toEqual([]);
  await closeRevealed(reveal);
  expect(await vendors.secretsAtRest(page)).toEqual([]);
});
