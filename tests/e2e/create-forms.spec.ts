/**
 * The New token dialog's vendor forms end to end: the app in Chromium through the
 * harness, the real token service, the GitLab and Cloudflare stand-ins and a real
 * Verdaccio. A GitLab project token, a Cloudflare token and an npm write token are
 * made through the dialog (npm's password answered in main's own prompt through the
 * harness), each new value works at its vendor, bad input in each form is an error in
 * words with nothing sent, and each form is looked at in every size and theme, and
 * scanned by axe.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { startFakeGitHub, type FakeGitHub } from '../support/ci-providers/github/fake-github.js';
import { startFakeGitLab, type FakeGitLab } from '../support/ci-providers/gitlab/fake-gitlab.js';
import {
  PERMISSION_GROUPS as PG,
  startFakeCloudflare,
  type FakeCloudflare,
} from '../support/issuers/cloudflare/fake-cloudflare.js';
import { startVerdaccio, type Verdaccio } from '../support/issuers/npm/verdaccio.js';
import { checkLayoutEverywhere, signIn, startDesk, type Desk } from './desk-fixture.js';

test.describe.configure({ mode: 'serial' });

const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const GL_TOKEN = 'glpat-createFormsToken000001';
const GH_TOKEN = 'ghp_createFormsConnection0000000000000001';
/** A token made on github.com, tracked through the dialog. */
const GH_TRACKED = 'ghp_createFormsTrackedToken00000000000002';
const NPM_PASSWORD = 'verdaccio create forms 1';

let desk: Desk;
let context: BrowserContext;
let page: Page;
let gitlab: FakeGitLab;
let github: FakeGitHub;
let cloudflare: FakeCloudflare;
let registry: Verdaccio;
let zoneId: string;
let projectId: number;

const control = (path: string, init: RequestInit = {}) =>
  fetch(`${desk.harness.origin}${path}`, {
    ...init,
    headers: {
      'x-harness-control-key': desk.controlKey,
      'content-type': 'application/json',
      ...init.headers,
    },
  });

/** Calls the page's bridge, as the Settings screen would; the answer must be ok. */
async function bridge(method: string, payload: unknown): Promise<{ id: string }> {
  // A string, so the page's `window` is not this file's: the bridge exists only there.
  const result = (await page.evaluate(
    `window.tokenDesk[${JSON.stringify(method)}](${JSON.stringify(payload)})`,
  )) as { ok: boolean; value?: { id: string }; error?: { message: string } };
  if (!result.ok) throw new Error(`${method}: ${result.error?.message}`);
  return result.value!;
}

test.beforeAll(async ({ browser }) => {
  [desk, gitlab, github, cloudflare, registry] = await Promise.all([
    startDesk('create-forms'),
    startFakeGitLab(),
    startFakeGitHub({ enterprise: true }),
    startFakeCloudflare(),
    startVerdaccio(),
  ]);

  gitlab.addUser(GL_TOKEN, 'ada');
  github.addAccount(GH_TOKEN, 'ada');
  // A second token of the connection's own login: a value of another login is not tracked under it.
  github.addAccount(GH_TRACKED, 'ada');
  projectId = gitlab.addProject('acme/app', { ada: 40 });
  const ada = cloudflare.addUser('ada@example.test', [
    PG.apiTokensWrite.id,
    PG.userDetailsRead.id,
    PG.zoneRead.id,
  ]);
  const { accountId } = cloudflare.addAccount([PG.accountTokensWrite.id], {
    name: 'Acme',
    members: [ada.userId],
  });
  zoneId = cloudflare.addZone(accountId, 'example.com');
  const npmToken = await registry.addUser('ada', NPM_PASSWORD);

  // axe's analyze() opens a page of its own, which browser.newPage()'s own context refuses.
  context = await browser.newContext();
  page = await context.newPage();
  await signIn(page, desk);
  await bridge('providersAdd', { provider: 'gitlab', host: gitlab.url, token: GL_TOKEN });
  await bridge('providersAdd', { provider: 'github', host: github.apiBaseUrl, token: GH_TOKEN });
  await bridge('connectionsAdd', {
    kind: 'cloudflare',
    host: cloudflare.apiBase,
    token: ada.value,
  });
  await bridge('connectionsAdd', { kind: 'npm', host: registry.url, token: npmToken });
  await page.reload();
  await expect(page.getByRole('button', { name: 'New token' })).toBeVisible();
});

test.afterAll(async () => {
  await context?.close();
  await Promise.all([
    desk?.stop(),
    gitlab?.close(),
    github?.close(),
    cloudflare?.close(),
    registry?.stop(),
  ]);
});

test.afterEach(() => {
  expect(gitlab.tokens.offContract).toEqual([]);
  expect(cloudflare.offContract).toEqual([]);
});

async function openDialog(source: RegExp | null): Promise<Locator> {
  const open = page.locator('dialog');
  if ((await open.count()) === 0) await page.getByRole('button', { name: 'New token' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByLabel('Issued by')).toBeVisible();
  if (source) {
    const label = await dialog
      .getByLabel('Issued by')
      .locator('option', { hasText: source })
      .textContent();
    await dialog.getByLabel('Issued by').selectOption({ label: label! });
  }
  return dialog;
}

async function closeDialog() {
  if ((await page.locator('dialog').count()) === 0) return;
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.locator('dialog')).toHaveCount(0);
}

async function closeReveal() {
  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('button', { name: 'Close and forget the secret' }).click();
  await expect(page.locator('dialog')).toHaveCount(0);
}

async function axe(screen: string) {
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    // axe.run() in the page (legacy mode), not finished in a blank page of its own:
    // the same run while the window has no frame.
    expect(page.frames()).toHaveLength(1);
    const { violations } = await new AxeBuilder({ page })
      .setLegacyMode()
      .include('dialog')
      .withTags(WCAG_21_AA)
      .options({ rules: { 'label-content-name-mismatch': { enabled: true } } })
      .analyze();
    for (const v of violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'))
      found.push(`${screen} ${colorScheme}: ${v.id} at ${v.nodes.map((n) => n.target).join(', ')}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  expect(found).toEqual([]);
}

test('Issued by offers every connection that makes tokens, ours first and chosen', async () => {
  const dialog = await openDialog(null);
  await expect(dialog).toHaveAccessibleName('New API token');
  const options = await dialog.getByLabel('Issued by').locator('option').allTextContents();
  expect(options).toHaveLength(5);
  expect(options[0]).toMatch(/^Token Desk · /);
  expect(options.slice(1)).toEqual([
    expect.stringMatching(/^npm · ada on /),
    expect.stringMatching(/^GitLab · ada on /),
    expect.stringMatching(/^Cloudflare · /),
    expect.stringMatching(/^GitHub · ada on /),
  ]);
  await expect(dialog.getByLabel('Issued by')).toHaveValue(
    (await dialog.getByLabel('Issued by').locator('option').first().getAttribute('value')) ?? '',
  );
  // Our own service's form, as it always was: name and expiry only.
  await expect(dialog.getByRole('radio', { name: 'No expiry' })).toBeVisible();
  await expect(dialog.getByRole('textbox')).toHaveCount(1);
  await closeDialog();
});

test('GitLab: a scope is required before anything is sent; a project token is made and works', async () => {
  const dialog = await openDialog(/^GitLab/);
  await expect(dialog.getByLabel('Project or group')).toHaveValue(`project:${projectId}`);
  await expect(dialog.getByRole('radio', { name: 'No expiry' })).toHaveCount(0);
  await dialog.getByLabel('Name').fill('ci-deploy');
  const before = gitlab.requests.filter((r) => r.method === 'POST').length;
  await dialog.getByRole('button', { name: 'Create token' }).click();
  await expect(dialog.getByRole('alert')).toHaveText(
    'Choose at least one scope: what the token may do.',
  );
  expect(gitlab.requests.filter((r) => r.method === 'POST')).toHaveLength(before);

  await checkLayoutEverywhere(page, 'create-gitlab', async () => {
    await expect(dialog.getByRole('group', { name: 'Scopes' })).toBeVisible();
  });
  await axe('gitlab');

  await dialog
    .getByRole('group', { name: 'Scopes' })
    .getByRole('checkbox', { name: 'Read-only API access (read_api)' })
    .check();
  await dialog.getByLabel('Role').selectOption({ label: 'Reporter' });
  await dialog.getByRole('button', { name: 'Create token' }).click();
  const secret = page.getByTestId('secret');
  await expect(secret).toHaveText(/^glpat-/);
  const value = (await secret.textContent())!;
  const made = gitlab.tokens.byValue(value);
  expect(made).toMatchObject({
    name: 'ci-deploy',
    scopes: ['read_api'],
    revoked: false,
    owner: { kind: 'project', namespaceId: projectId },
  });
  const works = await fetch(`${gitlab.url}/api/v4/user`, { headers: { 'private-token': value } });
  expect(works.status).toBe(200);
  await closeReveal();
});

test('Cloudflare: a permission is required; a zone token is made and Cloudflare accepts it', async () => {
  const dialog = await openDialog(/^Cloudflare/);
  await expect(dialog.getByRole('group', { name: 'Permissions' })).toBeVisible();
  await dialog.getByLabel('Name').fill('dns-reader');
  const posts = () => cloudflare.requests.filter((r) => r.method === 'POST').length;
  const before = posts();
  await dialog.getByRole('button', { name: 'Create token' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Choose at least one permission.');
  await dialog.getByLabel('Allowed IP ranges').fill('192.0.2.0/33');
  await dialog.getByRole('textbox', { name: 'Filter permissions' }).fill('dns read');
  await dialog.getByRole('checkbox', { name: 'DNS Read' }).check();
  await dialog.getByRole('button', { name: 'Create token' }).click();
  await expect(dialog.getByRole('alert')).toContainText('“192.0.2.0/33”');
  expect(posts()).toBe(before);

  await dialog.getByLabel('Allowed IP ranges').fill('192.0.2.0/24');
  // Corrected: the error about it goes.
  await expect(dialog.getByRole('alert')).toHaveCount(0);
  // Another source's choices are not carried over: away to GitLab and back, nothing is
  // chosen (a permission group id could mean something else on another account).
  await openDialog(/^GitLab/);
  await openDialog(/^Cloudflare/);
  await dialog.getByRole('textbox', { name: 'Filter permissions' }).fill('dns read');
  await expect(dialog.getByRole('checkbox', { name: 'DNS Read' })).not.toBeChecked();
  await expect(dialog.getByLabel('Allowed IP ranges')).toHaveValue('');
  await dialog.getByRole('checkbox', { name: 'DNS Read' }).check();
  await dialog.getByLabel('Allowed IP ranges').fill('192.0.2.0/24');
  await dialog.getByLabel('Applies to').selectOption({ label: 'One zone' });
  await dialog.getByLabel('Zone').selectOption({ label: 'example.com' });
  await checkLayoutEverywhere(page, 'create-cloudflare', async () => {
    await expect(dialog.getByLabel('Zone')).toBeVisible();
  });
  await axe('cloudflare');

  await dialog.getByRole('button', { name: 'Create token' }).click();
  const secret = page.getByTestId('secret');
  await expect(secret).toHaveText(/^cfut_/);
  const value = (await secret.textContent())!;
  expect(cloudflare.accepts(value)).toBe(true);
  const made = [...cloudflare.tokens.values()].find((token) => token.value === value)!;
  expect(made.policies[0]?.resources).toEqual({
    [`com.cloudflare.api.account.zone.${zoneId}`]: '*',
  });
  expect(made.condition).toEqual({ request_ip: { in: ['192.0.2.0/24'] } });
  await closeReveal();
});

test('npm: an IPv6 range is refused in words before the password is asked; a write token is made and works', async () => {
  const dialog = await openDialog(/^npm/);
  await dialog.getByLabel('Name').fill('publish');
  await dialog.getByRole('radio', { name: 'Read and write' }).check();
  await dialog.getByLabel('All packages').check();
  await dialog.getByLabel('Allowed IP ranges').fill('2001:db8::/32');
  const asked = async () =>
    ((await (await control('/__harness/prompt/outcomes')).json()) as unknown[]).length;
  const before = await asked();
  await dialog.getByRole('button', { name: 'Create token' }).click();
  await expect(dialog.getByRole('alert')).toContainText('npm takes IPv4 ranges only');
  expect(await asked()).toBe(before);
  // A write token lasts at most 90 days at npm: nothing longer is offered.
  await expect(dialog.getByRole('radio', { name: '180 days' })).toHaveCount(0);
  await expect(dialog.getByRole('radio', { name: '90 days' })).toBeVisible();
  await dialog.getByLabel('Bypass two-factor authentication').check();
  await expect(dialog.getByText('This token skips two-factor authentication')).toBeVisible();

  await checkLayoutEverywhere(page, 'create-npm', async () => {
    await expect(dialog.getByLabel('Allowed IP ranges')).toBeVisible();
  });
  await axe('npm');

  await dialog.getByLabel('Allowed IP ranges').fill('');
  const queued = await control('/__harness/prompt/next', {
    method: 'POST',
    body: JSON.stringify({ values: { password: NPM_PASSWORD } }),
  });
  expect(queued.status).toBe(200);
  await dialog.getByRole('button', { name: 'Create token' }).click();
  const secret = page.getByTestId('secret');
  await expect(secret).toHaveText(/\S{16,}/);
  const value = (await secret.textContent())!;
  // The bypass-2FA warning is said beside the new value, in a warning banner.
  await expect(
    page.getByRole('dialog').locator('.banner-warning', { hasText: 'skips two-factor' }),
  ).toBeVisible();
  const whoami = await fetch(`${registry.url}-/whoami`, {
    headers: { authorization: `Bearer ${value}` },
  });
  expect(whoami.status).toBe(200);
  expect(await whoami.json()).toEqual({ username: 'ada' });
  await closeReveal();
});

test('GitHub: a token made on github.com is tracked by name, its value asked in main’s prompt', async () => {
  const dialog = await openDialog(/^GitHub/);
  await expect(dialog).toHaveAccessibleName('Track a GitHub token');
  await expect(dialog).toContainText('GitHub has no API to make a token');
  // Only its name: no expiry, no value field in the page.
  await expect(dialog.getByRole('textbox')).toHaveCount(1);
  await expect(dialog.getByRole('radio')).toHaveCount(0);
  await axe('github');
  await dialog.getByLabel('Name').fill('ci-release');
  const queued = await control('/__harness/prompt/next', {
    method: 'POST',
    body: JSON.stringify({ values: { value: GH_TRACKED } }),
  });
  expect(queued.status).toBe(200);
  await dialog.getByRole('button', { name: 'Track token' }).click();
  await expect(page.getByTestId('secret')).toHaveText(GH_TRACKED);
  const works = await fetch(`${github.apiBaseUrl}/user`, {
    headers: { authorization: `Bearer ${GH_TRACKED}` },
  });
  expect(works.status).toBe(200);
  await closeReveal();
});
