/**
 * Rotating other vendors' tokens in the window, end to end: the app in Chromium
 * through the harness, the real token service, and local stand-ins of GitLab (its
 * token API and CI variables), Cloudflare and GitHub (Enterprise paths, with GitHub's
 * token endpoints). Tokens are seeded at the stand-ins as if made on the vendors'
 * own pages. A GitLab project token gets the new expiry asked (one create, one
 * revoke); a GitLab personal token rotates at once, its warning said before the
 * person confirms (one rotate request); a Cloudflare token is replaced both ways; a
 * GitHub token goes the guided way (main opens its page, the new value is typed in
 * main's prompt, which the harness answers). Each dialog is looked at at every size,
 * light and dark, and checked with axe.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startFakeGitLab, type FakeGitLab } from '../support/ci-providers/gitlab/fake-gitlab.js';
import {
  PERMISSION_GROUPS as PG,
  startFakeCloudflare,
  type FakeCloudflare,
} from '../support/issuers/cloudflare/fake-cloudflare.js';
import {
  startGitHubWithTokens,
  type GitHubWithTokens,
} from '../support/issuers/github/github-token-stand-in.js';
import { checkLayoutEverywhere, SCREENS, signIn, startDesk, type Desk } from './desk-fixture.js';
import { chooseRowAction } from './row-menu.js';

test.describe.configure({ mode: 'serial' });

const GL_TOKEN = 'glpat-e2eVendorRotateAda001';
const GL_PERSONAL = 'glpat-e2eVendorRotatePers1';
const GL_PROJECT = 'glpat-e2eVendorRotateProj1';
const MAINTAINER = 40;
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const DAY = 86_400_000;

let desk: Desk;
let context: BrowserContext;
let page: Page;
let gitlab: FakeGitLab;
let cloudflare: FakeCloudflare;
let github: GitHubWithTokens;
let githubConnection: string;
let gitlabAccount: string;
let trackedValue: string;

const control = (path: string, init: RequestInit = {}) =>
  fetch(`${desk.harness.origin}${path}`, {
    ...init,
    headers: {
      'x-harness-control-key': desk.controlKey,
      'content-type': 'application/json',
      ...init.headers,
    },
  });
const openedLinks = () => desk.openedLinks();

/** Answers main's next prompt as a person would, with these values by field id. */
async function answerNextPrompt(values: Record<string, string>): Promise<void> {
  const response = await control('/__harness/prompt/next', {
    method: 'POST',
    body: JSON.stringify({ values }),
  });
  expect(response.status).toBe(200);
}

/** A bridge call from the page, as the window makes it (answers {ok, value|error}). */
async function bridge<T>(method: string, payload: unknown): Promise<T> {
  type Bridge = { tokenDesk: Record<string, (body: unknown) => Promise<unknown>> };
  const result = (await page.evaluate(
    ({ name, body }) => (globalThis as unknown as Bridge).tokenDesk[name]!(body),
    { name: method, body: payload },
  )) as { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
  if (!result.ok) throw new Error(`${method}: ${result.error.code}: ${result.error.message}`);
  return result.value;
}

async function refreshList(): Promise<void> {
  await page.getByRole('button', { name: 'Refresh' }).click();
}

/** The rotate dialog of a token, opened from its row (again, if a resize closed nothing). */
async function openRotate(token: string, action: string, title: string): Promise<Locator> {
  const dialog = page.getByRole('alertdialog', { name: title });
  if (await dialog.isVisible()) return dialog;
  await chooseRowAction(page, token, action);
  await expect(dialog).toBeVisible();
  return dialog;
}

async function lookEverywhere(screen: string, open: () => Promise<Locator>): Promise<void> {
  await checkLayoutEverywhere(page, screen, async () => {
    await open();
  });
  // axe.run() in the page (legacy mode), not finished in a blank page of its own:
  // the same run while the window has no frame.
  expect(page.frames()).toHaveLength(1);
  const { violations } = await new AxeBuilder({ page })
    .setLegacyMode()
    .include('dialog[open]')
    .withTags(WCAG_21_AA)
    .analyze();
  expect(violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

/** The rotated token's new secret from the reveal dialog; the dialog is closed after. */
async function takeRevealed(token: string): Promise<string> {
  const reveal = page.getByRole('dialog', { name: `New secret for “${token}”` });
  await expect(reveal).toBeVisible();
  const secret = (await reveal.getByTestId('secret').textContent())!;
  await reveal.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('button', { name: 'Close and forget the secret' }).click();
  await expect(page.locator('dialog')).toHaveCount(0);
  return secret;
}

const writesAtGitLab = (from: number) =>
  gitlab.requests
    .slice(from)
    .filter((r) => r.method !== 'GET' && r.path.includes('access_tokens'))
    .map((r) => `${r.method} ${r.path.replace(/\/\d+(\/|$)/g, '/:id$1')}`);
const writesAtCloudflare = (from: number) =>
  cloudflare.requests
    .slice(from)
    .filter((r) => r.method !== 'GET')
    .map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{32}/g, ':id')}`);

test.beforeAll(async ({ browser }) => {
  // The desk answers main's native questions (each stand-in is a host never used before) yes.
  [desk, gitlab, cloudflare, github] = await Promise.all([
    startDesk('vendor-rotation'),
    startFakeGitLab(),
    startFakeCloudflare(),
    startGitHubWithTokens({ enterprise: true }),
  ]);

  // Made on the vendors' own pages before Token Desk was connected.
  gitlab.addUser(GL_TOKEN, 'ada');
  gitlab.addProject('acme/app', { ada: MAINTAINER });
  gitlab.tokens.addPersonal('ada', GL_PERSONAL, ['read_api'], { name: 'ada-laptop' });
  gitlab.tokens.addResourceToken(gitlab.namespace('project', 'acme/app')!, GL_PROJECT, {
    name: 'deploy-bot',
    scopes: ['read_repository'],
    accessLevel: 30,
  });
  const cfUser = cloudflare.addUser('ada@example.test', [
    PG.apiTokensWrite.id,
    PG.userDetailsRead.id,
  ]);
  for (const name of ['cf-replace', 'cf-roll'])
    cloudflare.seed(
      { kind: 'user', id: cloudflare.tokens.get(cfUser.tokenId)!.owner.id },
      {
        name,
        policies: [
          {
            id: randomBytes(16).toString('hex'),
            effect: 'allow',
            resources: { 'com.cloudflare.api.account.zone.*': '*' },
            permission_groups: [{ id: PG.dnsWrite.id, name: 'DNS Write' }],
          },
        ],
      },
    );
  const ghConnectionValue = github.tokens.addToken({ login: 'ada', scopes: ['repo'] });
  github.github.addAccount(ghConnectionValue, 'ada', ['repo']);
  trackedValue = github.tokens.addToken({
    login: 'ada',
    scopes: ['repo'],
    expiration: '2027-09-01 12:00:00 UTC',
  });

  context = await browser.newContext();
  page = await context.newPage();
  await signIn(page, desk);

  // The accounts, as Settings would add them (Settings' forms are tested elsewhere).
  gitlabAccount = (
    await bridge<{ id: string }>('providersAdd', {
      provider: 'gitlab',
      host: gitlab.url,
      token: GL_TOKEN,
    })
  ).id;
  githubConnection = (
    await bridge<{ id: string }>('providersAdd', {
      provider: 'github',
      host: new URL(github.github.apiBaseUrl).origin,
      token: ghConnectionValue,
    })
  ).id;
  await bridge('connectionsAdd', {
    kind: 'cloudflare',
    host: cloudflare.apiBase,
    token: cfUser.value,
  });
  // A GitHub token is tracked, its value typed in main's prompt (GitHub has no list).
  await answerNextPrompt({ value: trackedValue });
  await bridge('tokensCreate', { connectionId: githubConnection, name: 'gh-ci', expiresAt: null });
  await refreshList();
  for (const name of ['deploy-bot', 'ada-laptop', 'cf-replace', 'cf-roll', 'gh-ci'])
    await expect(page.getByRole('button', { name: `Details of ${name}` })).toBeVisible();
});

test.afterAll(async () => {
  await context?.close();
  await Promise.all([desk?.stop(), gitlab?.close(), cloudflare?.close(), github?.close()]);
});

test('a GitLab project token is rotated with the new expiry asked: one create, one revoke', async () => {
  const open = () => openRotate('deploy-bot', 'Rotate…', 'Rotate “deploy-bot”?');
  const dialog = await open();
  const expiry = dialog.getByRole('radiogroup', { name: 'New expiry' });
  // GitLab requires an expiry: no "same lifetime", nothing past a year.
  await expect(expiry.getByRole('radio')).toHaveCount(6);
  await expect(expiry.getByRole('radio', { name: /^90 days/ })).toBeChecked();
  await expect(expiry.getByRole('radio', { name: /^1 year/ })).toBeVisible();
  await lookEverywhere('vendor-rotate-gitlab-project', open);

  await expiry.getByRole('radio', { name: /^30 days/ }).check();
  const before = gitlab.requests.length;
  const asked = new Date(Date.now() + 30 * DAY).toISOString().slice(0, 10);
  await dialog.getByRole('button', { name: 'Rotate token' }).click();
  const fresh = await takeRevealed('deploy-bot');
  expect(writesAtGitLab(before)).toEqual([
    'POST /api/v4/projects/:id/access_tokens',
    'DELETE /api/v4/projects/:id/access_tokens/:id',
  ]);
  const made = gitlab.tokens.byValue(fresh);
  expect(made?.name).toBe('deploy-bot');
  // The day the window asked (computed a moment before the stand-in's clock).
  expect([asked, new Date(Date.now() + 30 * DAY).toISOString().slice(0, 10)]).toContain(
    made?.expiresAt,
  );
  expect(gitlab.tokens.byValue(GL_PROJECT)?.revoked).toBe(true);
  expect(gitlab.tokens.offContract).toEqual([]);
});

test('a GitLab personal token rotates at once, said before confirming: exactly one rotate request', async () => {
  const open = () => openRotate('ada-laptop', 'Rotate…', 'Rotate “ada-laptop”?');
  const dialog = await open();
  // Said before anything is sent.
  await expect(dialog).toContainText('pipelines running in between may fail');
  await expect(dialog.getByRole('radiogroup', { name: 'New expiry' })).toBeVisible();
  await lookEverywhere('vendor-rotate-gitlab-personal', open);

  const before = gitlab.requests.length;
  await dialog.getByRole('button', { name: 'Rotate token' }).click();
  const fresh = await takeRevealed('ada-laptop');
  // One rotate request, and nothing created or revoked beside it.
  expect(writesAtGitLab(before)).toEqual(['POST /api/v4/personal_access_tokens/:id/rotate']);
  expect(gitlab.tokens.byValue(GL_PERSONAL)?.revoked).toBe(true);
  expect(gitlab.tokens.byValue(fresh)?.revoked).toBe(false);
  expect(gitlab.tokens.offContract).toEqual([]);
});

test('a Cloudflare token: a new one then the old deleted by default, or rolled at once when chosen', async () => {
  const replace = () => openRotate('cf-replace', 'Rotate…', 'Rotate “cf-replace”?');
  let dialog = await replace();
  await expect(
    dialog.getByRole('radio', { name: 'Make a new token, then delete the old one' }),
  ).toBeChecked();
  await expect(
    dialog.getByRole('radio', { name: 'Roll the value now (the old one stops at once)' }),
  ).not.toBeChecked();
  await expect(dialog).not.toContainText('may fail');
  await lookEverywhere('vendor-rotate-cloudflare', replace);
  const oldReplace = [...cloudflare.tokens.values()].find((t) => t.name === 'cf-replace')!;
  const oldValue = oldReplace.value;
  let before = cloudflare.requests.length;
  await dialog.getByRole('button', { name: 'Rotate token' }).click();
  const replaced = await takeRevealed('cf-replace');
  expect(writesAtCloudflare(before)).toEqual([
    'POST /client/v4/user/tokens',
    'DELETE /client/v4/user/tokens/:id',
  ]);
  expect(cloudflare.accepts(oldValue)).toBe(false);
  expect(cloudflare.accepts(replaced)).toBe(true);

  dialog = await openRotate('cf-roll', 'Rotate…', 'Rotate “cf-roll”?');
  await dialog
    .getByRole('radio', { name: 'Roll the value now (the old one stops at once)' })
    .check();
  // The warning changes with the choice, before confirming.
  await expect(dialog).toContainText('pipelines running in between may fail');
  await lookEverywhere('vendor-rotate-cloudflare-roll', async () => {
    const open = await openRotate('cf-roll', 'Rotate…', 'Rotate “cf-roll”?');
    await open
      .getByRole('radio', { name: 'Roll the value now (the old one stops at once)' })
      .check();
    return open;
  });
  const rolled = [...cloudflare.tokens.values()].find((t) => t.name === 'cf-roll')!;
  const rolledOld = rolled.value;
  before = cloudflare.requests.length;
  await dialog.getByRole('button', { name: 'Rotate token' }).click();
  const fresh = await takeRevealed('cf-roll');
  expect(writesAtCloudflare(before)).toEqual(['PUT /client/v4/user/tokens/:id/value']);
  expect(cloudflare.accepts(rolledOld)).toBe(false);
  expect(cloudflare.accepts(fresh)).toBe(true);
  expect(cloudflare.offContract).toEqual([]);
});

test('a GitHub token rotates the guided way: its page opened, the new value typed in main’s prompt', async () => {
  const open = () => openRotate('gh-ci', 'Rotate…', 'Rotate “gh-ci” on GitHub?');
  const dialog = await open();
  await expect(dialog).toContainText('Regenerate token');
  await expect(dialog).toContainText('pipelines running in between may fail');
  await lookEverywhere('vendor-rotate-github', open);

  const tokenPage = `${new URL(github.github.apiBaseUrl).origin}/settings/tokens`;
  expect(await openedLinks()).not.toContain(tokenPage);
  // On GitHub, the person regenerates the token and copies the new value into the prompt.
  const regenerated = github.tokens.regenerate(trackedValue, '2027-12-01 12:00:00 UTC');
  await answerNextPrompt({ value: regenerated });
  await dialog.getByRole('button', { name: 'Open GitHub and continue' }).click();
  const fresh = await takeRevealed('gh-ci');
  expect(fresh).toBe(regenerated);
  expect(await openedLinks()).toContain(tokenPage);
  expect(github.tokens.isLive(trackedValue)).toBe(false);
  expect(github.tokens.violations).toEqual([]);
  // The page never held the old value, nor the connection's.
  expect(await page.content()).not.toContain(trackedValue);
});

test('a vendor token used in a place: its rotation updates it, a failed push waits for Retry, the old token lives until then', async () => {
  // A place for the GitLab project token, recorded as a send records it.
  const listed = await bridge<
    Array<{ id: string; name: string; issuer: { connectionId: string } }>
  >('tokensList', { connectionId: gitlabAccount });
  const current = listed.find((t) => t.name === 'deploy-bot')!;
  const seeded = await bridge<{ revealId: string; secret: string }>('tokensRotate', {
    connectionId: gitlabAccount,
    id: current.id,
  });
  await bridge('destinationsSend', {
    revealId: seeded.revealId,
    accountId: gitlabAccount,
    target: { kind: 'project', path: 'acme/app', environmentScope: '*' },
    name: 'DEPLOY_TOKEN',
    overwrite: false,
  });
  await bridge('secretForget', { revealId: seeded.revealId });
  await refreshList();
  await expect(page.getByRole('gridcell', { name: 'Used in 1 place' })).toBeVisible();

  const title = 'Rotate “deploy-bot” and update 1 place?';
  const dialog = await openRotate('deploy-bot', 'Rotate and update 1 place…', title);
  const places = dialog.getByRole('list', { name: 'Places that get the new deploy-bot' });
  await expect(places.getByRole('listitem')).toHaveCount(1);
  await expect(places).toContainText('DEPLOY_TOKEN in acme/app');
  await expect(dialog).toContainText('the old token is deleted once every place has the new one');
  await lookEverywhere('vendor-rotate-with-places', () =>
    openRotate('deploy-bot', 'Rotate and update 1 place…', title),
  );
  await dialog
    .getByRole('radiogroup', { name: 'New expiry' })
    .getByRole('radio', { name: /^60 days/ })
    .check();
  gitlab.failNext('/variables', { status: 403, body: { message: '403 Forbidden' } });
  await dialog.getByRole('button', { name: 'Rotate and update 1 place' }).click();

  const reveal = page.getByRole('dialog', { name: 'New secret for “deploy-bot”' });
  const fresh = (await reveal.getByTestId('secret').textContent())!;
  const rotation = reveal.getByRole('region', { name: 'Rotation of deploy-bot' });
  await expect(rotation).toContainText('0 of 1 places updated; 1 failed.');
  // Made beside the old one: the old token still works, the place still holds it.
  expect(gitlab.tokens.byValue(seeded.secret)?.revoked).toBe(false);
  expect(gitlab.variable('project', 'acme/app', 'DEPLOY_TOKEN')?.value).toBe(seeded.secret);
  await expect(rotation).toContainText(
    'The old token keeps working until every place has the new one',
  );
  await page.screenshot({ path: join(SCREENS, 'vendor-rotation-failed-place.png') });

  await rotation.getByRole('button', { name: 'Retry' }).click();
  await expect(rotation).toContainText('The place has the new token; the old one is revoked.');
  expect(gitlab.variable('project', 'acme/app', 'DEPLOY_TOKEN')?.value).toBe(fresh);
  expect(gitlab.tokens.byValue(seeded.secret)?.revoked).toBe(true);
  expect(gitlab.tokens.byValue(fresh)?.revoked).toBe(false);
  await reveal.getByRole('button', { name: 'Done' }).click();
  await reveal.getByRole('button', { name: 'Close and forget the secret' }).click();
  await expect(page.locator('dialog')).toHaveCount(0);
  expect(gitlab.tokens.offContract).toEqual([]);
});
