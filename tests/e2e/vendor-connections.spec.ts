/**
 * Settings → Connected accounts, in the window, against real parts: the real token
 * service and harness, a real Verdaccio registry (a user made for the run) and the
 * Cloudflare stand-in. npm is connected by signing in through main's own prompt (the
 * spec opens the real prompt page as the person would), then with a token; a wrong
 * password, a bad Cloudflare token and a token without the permission are refused in
 * words with nothing saved; the token list shows the new sources; Disconnect says what
 * it does and does it; nothing secret is left in the settings folder or the page's
 * storage; and a page-side call with a made-up kind, a javascript: address or a 10 KB
 * token is refused in words by main. Screenshots of the section and both dialogs.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionInfo, Inventory } from '../../src/shared/ipc-contract.js';
import { startFakeGitHub, type FakeGitHub } from '../support/ci-providers/github/fake-github.js';
import {
  PERMISSION_GROUPS as PG,
  startFakeCloudflare,
  type FakeCloudflare,
} from '../support/issuers/cloudflare/fake-cloudflare.js';
import { startVerdaccio, type Verdaccio } from '../support/issuers/npm/verdaccio.js';
import { checkLayoutEverywhere, signIn, startDesk, type Desk } from './desk-fixture.js';
import { pageStorage } from './in-page.mjs';

test.describe.configure({ mode: 'serial' });

const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const NPM_PASSWORD = 'npm-ada-correct-horse-7';
const NPM_WRONG = 'npm-ada-wrong-battery-3';
const GRACE_PASSWORD = 'npm-grace-staple-5';
const GITHUB_TOKEN = 'ghp_connectionsToken000000000000000001';

let desk: Desk;
let registry: Verdaccio;
let cloudflare: FakeCloudflare;
let github: FakeGitHub | undefined;
let context: BrowserContext;
let page: Page;
let registryHost: string;
let cloudflareHost: string;
/** Every secret the run typed or made: none may be at rest afterwards. */
const secrets: string[] = [NPM_PASSWORD, NPM_WRONG, GRACE_PASSWORD, GITHUB_TOKEN];
let graceToken: string;
let cloudflareToken: string;
/** Every URL the page asked for: no secret may ride in one. */
const requested: string[] = [];
/** How many connections:add calls the page sent. */
let adds = 0;

const control = (path: string, init: RequestInit = {}) =>
  fetch(`${desk.harness.origin}${path}`, {
    ...init,
    headers: {
      'x-harness-control-key': desk.controlKey,
      'content-type': 'application/json',
      ...init.headers,
    },
  });

test.beforeAll(async ({ browser }) => {
  // The desk answers main's native questions (a registry or API never used before) yes.
  [desk, registry, cloudflare] = await Promise.all([
    startDesk('connections'),
    startVerdaccio(),
    startFakeCloudflare(),
  ]);
  registryHost = new URL(registry.url).host;
  cloudflareHost = new URL(cloudflare.apiBase).host;
  await registry.addUser('ada', NPM_PASSWORD);
  graceToken = await registry.addUser('grace', GRACE_PASSWORD);
  secrets.push(graceToken);

  // axe's analyze() opens a page of its own, which browser.newPage()'s own context refuses.
  context = await browser.newContext();
  page = await context.newPage();
  page.on('request', (request) => {
    requested.push(request.url());
    if (request.url().endsWith('/__harness/invoke/connections%3Aadd')) adds += 1;
  });
  await signIn(page, desk);
});

test.afterAll(async () => {
  await context?.close();
  await Promise.all([desk?.stop(), registry?.stop(), cloudflare?.close(), github?.close()]);
});

const section = () => page.getByRole('region', { name: 'Connected accounts' });
const list = () => section().getByRole('list', { name: 'Connected accounts' });
const npmDialog = () => page.getByRole('dialog', { name: 'Connect npm' });
const cloudflareDialog = () => page.getByRole('dialog', { name: 'Connect Cloudflare' });

async function openSettings(): Promise<void> {
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(list()).toBeVisible();
}

/** What main lists now, asked through the page's own bridge. */
async function connectionsNow(): Promise<ConnectionInfo[]> {
  const result = (await page.evaluate('window.tokenDesk.connectionsList()')) as {
    ok: boolean;
    value: ConnectionInfo[];
  };
  expect(result.ok).toBe(true);
  return result.value;
}

/** The prompt main has open, as the person sees it: its real page, in a tab of its own. */
async function openPendingPrompt(): Promise<Page> {
  let url: string | null = null;
  await expect
    .poll(async () => {
      const answer = (await (await control('/__harness/prompts/pending')).json()) as {
        pending: { url: string } | null;
      };
      url = answer.pending?.url ?? null;
      return url;
    })
    .not.toBeNull();
  const prompt = await context.newPage();
  await prompt.setViewportSize({ width: 460, height: 640 });
  await prompt.goto(`${desk.harness.origin}${url!}`);
  await expect(prompt.getByRole('heading', { name: 'Sign in to npm' })).toBeVisible();
  return prompt;
}

async function signInThroughPrompt(user: string, password: string): Promise<void> {
  const prompt = await openPendingPrompt();
  await prompt.getByLabel('npm user name').fill(user);
  await prompt.getByLabel('Password').fill(password);
  await prompt.getByRole('button', { name: 'Sign in' }).click();
  await expect(prompt.getByRole('heading', { name: 'Sent' })).toBeVisible();
  await prompt.close();
}

/** Axe in light and dark at the default window: no serious or critical violation. */
async function axe(name: string): Promise<void> {
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    // axe.run() in the page (legacy mode), not finished in a blank page of its own:
    // the same run while the window has no frame.
    expect(page.frames()).toHaveLength(1);
    const { violations } = await new AxeBuilder({ page })
      .setLegacyMode()
      .withTags(WCAG_21_AA)
      .options({ rules: { 'label-content-name-mismatch': { enabled: true } } })
      .analyze();
    for (const v of violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'))
      found.push(`${name} ${colorScheme}: ${v.id} at ${v.nodes.map((n) => n.target).join(', ')}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  expect(found).toEqual([]);
}

test('the section lists the account’s own connection, says what it does, and offers every vendor it connects', async () => {
  await openSettings();
  const own = list().getByRole('listitem');
  await expect(own).toHaveCount(1);
  await expect(own).toContainText('Token Desk');
  await expect(own).toContainText(desk.email);
  await expect(own).toContainText('Issues tokens');
  // The account's own connection is signed out from the account menu, not disconnected here.
  await expect(own.getByRole('button')).toHaveCount(0);
  await expect(section()).toContainText('No npm, Cloudflare or GitHub account connected here yet');
  await expect(section().getByRole('button', { name: 'Connect npm…' })).toBeVisible();
  await expect(section().getByRole('button', { name: 'Connect Cloudflare…' })).toBeVisible();
  await expect(section().getByRole('button', { name: 'Connect GitHub…' })).toBeVisible();
  await checkLayoutEverywhere(page, 'connections-empty', async () => {
    await section().scrollIntoViewIfNeeded();
    await expect(list()).toBeVisible();
  });
});

test('Connect npm checks the address and the token before anything is sent; Esc closes it', async () => {
  await section().getByRole('button', { name: 'Connect npm…' }).click();
  const dialog = npmDialog();
  const url = dialog.getByRole('textbox', { name: 'Registry URL' });
  await expect(url).toBeFocused();
  await expect(url).toHaveValue('https://registry.npmjs.org');
  await expect(
    dialog.getByRole('radio', { name: 'Sign in with user name and password' }),
  ).toBeChecked();
  // Signing in: main asks in its own window, so the page has no password field at all.
  await expect(dialog.getByRole('textbox', { name: 'Access token' })).toHaveCount(0);
  await expect(dialog.locator('input[type="password"]')).toHaveCount(0);
  await expect(dialog).toContainText('in a window of its own');

  for (const [typed, words] of [
    ['', 'Enter the npm address'],
    ['http://registry.example.com', 'Use https:// for npm'],
    ['javascript:alert(1)', 'must start with http:// or https://'],
    ['https://user:pw@registry.example.com', 'must not contain a user name or password'],
  ] as const) {
    await url.fill(typed);
    await dialog.getByRole('button', { name: 'Connect' }).click();
    await expect(dialog.getByRole('alert')).toContainText(words);
    await expect(url).toBeFocused();
    await expect(url).toHaveAttribute('aria-invalid', 'true');
  }
  await url.fill(registry.url);
  await dialog.getByRole('radio', { name: 'Use an access token' }).check();
  const token = dialog.getByRole('textbox', { name: 'Access token' });
  await expect(token).toBeVisible();
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Paste the access token.');
  await expect(token).toBeFocused();
  await token.fill('npm_two words');
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog.getByRole('alert')).toContainText('no spaces, line breaks');
  expect(adds).toBe(0);

  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(section().getByRole('button', { name: 'Connect npm…' })).toBeFocused();
});

test('npm sign-in with a wrong password: the dialog waits, then says so in words; nothing saved, nothing typed lost', async () => {
  await section().getByRole('button', { name: 'Connect npm…' }).click();
  const dialog = npmDialog();
  await dialog.getByRole('textbox', { name: 'Registry URL' }).fill(registry.url);
  await dialog.getByRole('button', { name: 'Connect' }).click();
  // Main's call is pending while its prompt asks: the dialog says so and cannot be closed.
  await expect(dialog.getByRole('status')).toHaveText('Waiting for you to sign in…');
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeDisabled();
  // It can be stopped from here, as well as with Cancel in main's own window.
  await expect(dialog.getByRole('button', { name: 'Stop signing in' })).toBeEnabled();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeVisible();
  await checkLayoutEverywhere(page, 'connect-npm-waiting', async () => {
    await expect(dialog.getByRole('status')).toHaveText('Waiting for you to sign in…');
  });

  await signInThroughPrompt('ada', NPM_WRONG);
  await expect(dialog.getByRole('alert')).toContainText(
    'did not accept that user name and password',
  );
  const shown = (await dialog.getByRole('alert').textContent()) ?? '';
  expect(shown).not.toContain(NPM_WRONG);
  await expect(dialog.getByRole('textbox', { name: 'Registry URL' })).toHaveValue(registry.url);
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeEnabled();
  expect((await connectionsNow()).some((c) => c.kind === 'npm')).toBe(false);
  // A registry on this computer was asked about in main's own question first.
  const questions = await desk.questions();
  expect(questions.at(-1)?.message).toBe(`Add an npm account on ${registryHost}?`);
});

test('npm sign-in with the right password connects: the row says who, where and what it does', async () => {
  const dialog = npmDialog();
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Waiting for you to sign in…');
  await signInThroughPrompt('ada', NPM_PASSWORD);
  await expect(dialog).toHaveCount(0);
  const row = list().getByRole('listitem').filter({ hasText: 'ada' });
  await expect(row).toContainText('npm');
  await expect(row).toContainText(`on ${registryHost}`);
  await expect(row).toContainText('Issues tokens');
  await expect(row.getByRole('button', { name: 'Disconnect npm ada', exact: true })).toBeVisible();
  await expect(row).toBeFocused();
  await expect(section().getByRole('status')).toContainText('Connected npm account ada');
  await expect(section()).not.toContainText(
    'No npm, Cloudflare or GitHub account connected here yet',
  );
});

test('npm with an access token: a refused token is said in words and kept; a good one connects and leaves the page', async () => {
  await section().getByRole('button', { name: 'Connect npm…' }).click();
  const dialog = npmDialog();
  await dialog.getByRole('textbox', { name: 'Registry URL' }).fill(registry.url);
  await dialog.getByRole('radio', { name: 'Use an access token' }).check();
  const token = dialog.getByRole('textbox', { name: 'Access token' });
  const unknown = `npm_${randomBytes(18).toString('hex')}`;
  secrets.push(unknown);
  await token.fill(unknown);
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog.getByRole('alert')).toContainText('npm');
  expect((await dialog.getByRole('alert').textContent()) ?? '').not.toContain(unknown);
  await expect(token).toHaveValue(unknown);
  await expect(dialog.getByRole('radio', { name: 'Use an access token' })).toBeChecked();
  await checkLayoutEverywhere(page, 'connect-npm-token-refused', async () => {
    await expect(dialog.getByRole('alert')).toBeVisible();
  });
  await axe('connect npm, refused');

  await token.fill(graceToken);
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(
    list().getByRole('button', { name: 'Disconnect npm grace', exact: true }),
  ).toBeVisible();
  // The token is in main's keychain now, nowhere in the page.
  expect(await page.content()).not.toContain(graceToken);
  expect((await connectionsNow()).filter((c) => c.kind === 'npm').map((c) => c.login)).toEqual([
    'ada',
    'grace',
  ]);
});

test('Connect Cloudflare: a bad token and one without the permission are refused in words; a good one connects', async () => {
  const { value: dnsOnly } = cloudflare.addUser('eve@example.test', [PG.dnsRead.id]);
  const unknown = `cfut_${randomBytes(20).toString('hex')}`;
  const good = cloudflare.addUser('ada@example.test', [
    PG.apiTokensWrite.id,
    PG.userDetailsRead.id,
  ]);
  cloudflareToken = good.value;
  secrets.push(dnsOnly, unknown, good.value);

  await section().getByRole('button', { name: 'Connect Cloudflare…' }).click();
  const dialog = cloudflareDialog();
  const token = dialog.getByRole('textbox', { name: 'API token' });
  await expect(token).toBeFocused();
  // The API address is under More options, with Cloudflare's own as the default.
  await expect(dialog.getByRole('textbox', { name: 'API address' })).toHaveCount(0);
  const more = dialog.getByRole('button', { name: 'More options' });
  await expect(more).toHaveAttribute('aria-expanded', 'false');
  await more.click();
  await expect(more).toHaveAttribute('aria-expanded', 'true');
  const address = dialog.getByRole('textbox', { name: 'API address' });
  await expect(address).toHaveValue('https://api.cloudflare.com/client/v4');
  await address.fill(cloudflare.apiBase);

  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Paste the API token.');
  expect(adds).toBe(4);

  for (const value of [unknown, dnsOnly]) {
    await token.fill(value);
    await dialog.getByRole('button', { name: 'Connect' }).click();
    const alert = dialog.getByRole('alert');
    await expect(alert).toContainText('Cloudflare');
    expect((await alert.textContent()) ?? '').not.toContain(value);
    expect((await alert.textContent()) ?? '').not.toContain(value.slice(5, 25));
    await expect(token).toHaveValue(value);
    await expect(address).toHaveValue(cloudflare.apiBase);
  }
  expect((await connectionsNow()).some((c) => c.kind === 'cloudflare')).toBe(false);
  await checkLayoutEverywhere(page, 'connect-cloudflare-refused', async () => {
    await expect(dialog.getByRole('alert')).toBeVisible();
  });
  await axe('connect Cloudflare, refused');

  await token.fill(good.value);
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog).toHaveCount(0);
  const row = list().getByRole('listitem').filter({ hasText: 'ada@example.test' });
  await expect(row).toContainText('Cloudflare');
  await expect(row).toContainText(`on ${cloudflareHost}`);
  await expect(row).toContainText('Issues tokens');
  await expect(
    row.getByRole('button', { name: 'Disconnect Cloudflare ada@example.test', exact: true }),
  ).toBeVisible();
  expect(await page.content()).not.toContain(good.value);
});

test('the section with every connection, and both dialogs, at every size in light and dark', async () => {
  await checkLayoutEverywhere(page, 'connections', async () => {
    await section().scrollIntoViewIfNeeded();
    await expect(list().getByRole('listitem')).toHaveCount(4);
  });
  await axe('connected accounts');
  await section().getByRole('button', { name: 'Connect npm…' }).click();
  await checkLayoutEverywhere(page, 'connect-npm', async () => {
    await expect(npmDialog()).toBeVisible();
  });
  await axe('connect npm');
  await npmDialog().getByRole('button', { name: 'Cancel' }).click();
  await section().getByRole('button', { name: 'Connect Cloudflare…' }).click();
  await cloudflareDialog().getByRole('button', { name: 'More options' }).click();
  await checkLayoutEverywhere(page, 'connect-cloudflare', async () => {
    await expect(cloudflareDialog().getByRole('textbox', { name: 'API address' })).toBeVisible();
  });
  await axe('connect Cloudflare');
  await page.keyboard.press('Escape');
  await expect(cloudflareDialog()).toHaveCount(0);
});

test('the token list shows the npm and Cloudflare sources', async () => {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/__harness/invoke/tokens%3Ainventory')),
    page.getByRole('link', { name: 'Tokens' }).click(),
  ]);
  const inventory = ((await response.json()) as { value: Inventory }).value;
  expect(inventory.sources.map((s) => [s.kind, s.problem])).toEqual([
    ['token-desk', null],
    ['npm', null],
    ['npm', null],
    ['cloudflare', null],
  ]);
  const filter = page.getByLabel('Source', { exact: true });
  await expect(filter).toBeVisible();
  const options = await filter.locator('option').allTextContents();
  expect(options.some((o) => /npm.*ada/.test(o))).toBe(true);
  expect(options.some((o) => /npm.*grace/.test(o))).toBe(true);
  expect(options.some((o) => /Cloudflare.*ada@example\.test/.test(o))).toBe(true);
  // The Cloudflare connection's own token is listed beside ours.
  await expect(page.getByRole('row', { name: /Cloudflare/ }).first()).toBeVisible();
});

test('Disconnect says what it does; Cancel keeps the account; Disconnect forgets it and the list follows', async () => {
  await openSettings();
  const button = list().getByRole('button', { name: 'Disconnect npm grace', exact: true });
  await button.click();
  const confirm = page.getByRole('alertdialog', { name: 'Disconnect npm account grace?' });
  await expect(confirm).toContainText('deletes its credential from your keychain');
  await expect(confirm).toContainText('Nothing is revoked at npm');
  await expect(confirm).toContainText('stays recorded on your Token Desk account');
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await checkLayoutEverywhere(page, 'disconnect-confirm', async () => {
    await expect(confirm).toBeVisible();
  });
  await axe('disconnect');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(button).toBeFocused();
  expect((await connectionsNow()).some((c) => c.login === 'grace')).toBe(true);

  await button.click();
  await confirm.getByRole('button', { name: 'Disconnect', exact: true }).click();
  await expect(confirm).toHaveCount(0);
  await expect(button).toHaveCount(0);
  await expect(section().getByRole('status')).toContainText('Disconnected npm account grace');
  await expect(section().getByRole('button', { name: 'Connect npm…' })).toBeFocused();
  expect((await connectionsNow()).some((c) => c.login === 'grace')).toBe(false);
  // As the dialog said: the registry still accepts the token Token Desk forgot.
  const whoami = await fetch(`${registry.url}-/whoami`, {
    headers: { authorization: `Bearer ${graceToken}` },
  });
  expect(whoami.status).toBe(200);
  expect(await whoami.json()).toEqual({ username: 'grace' });

  await list().getByRole('button', { name: 'Disconnect Cloudflare ada@example.test' }).click();
  await page
    .getByRole('alertdialog', { name: 'Disconnect Cloudflare account ada@example.test?' })
    .getByRole('button', { name: 'Disconnect', exact: true })
    .click();
  await expect(list().getByRole('listitem')).toHaveCount(2);
  expect(cloudflare.accepts(cloudflareToken)).toBe(true);

  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/__harness/invoke/tokens%3Ainventory')),
    page.getByRole('link', { name: 'Tokens' }).click(),
  ]);
  const inventory = ((await response.json()) as { value: Inventory }).value;
  expect(inventory.sources.map((s) => s.kind)).toEqual(['token-desk', 'npm']);
  const options = await page
    .getByLabel('Source', { exact: true })
    .locator('option')
    .allTextContents();
  expect(options.some((o) => /grace|Cloudflare/.test(o))).toBe(false);
  await openSettings();
});

test('a page-side call with a made-up kind, a javascript: address or a 10 KB token is refused by main in words', async () => {
  const before = await connectionsNow();
  const requestsBefore = cloudflare.requests.length;
  const tried = (await page.evaluate(`(async () => {
    const bridge = window.tokenDesk;
    const own = (await bridge.connectionsList()).value[0].id;
    return {
      unknownKind: await bridge.connectionsAdd({ kind: 'gitlab', host: 'https://gitlab.com', token: 'glpat-aaaaaaaaaaaaaaaaaaaa' }),
      javascript: await bridge.connectionsAdd({ kind: 'npm', host: 'javascript:alert(1)', token: 'npm_aaaaaaaaaaaaaaaaaaaa' }),
      javascriptSignIn: await bridge.connectionsAdd({ kind: 'npm', host: 'javascript:alert(1)' }),
      huge: await bridge.connectionsAdd({ kind: 'cloudflare', host: ${JSON.stringify(cloudflare.apiBase)}, token: 'a'.repeat(10240) }),
      extra: await bridge.connectionsAdd({ kind: 'cloudflare', host: ${JSON.stringify(cloudflare.apiBase)}, token: 'cfut_abc', owner: 'mallory' }),
      loginElsewhere: await bridge.connectionsAdd({ kind: 'cloudflare', host: ${JSON.stringify(cloudflare.apiBase)}, token: 'cfut_abc', login: 'mallory' }),
      removeOwn: await bridge.connectionsRemove({ connectionId: own }),
      removeMadeUp: await bridge.connectionsRemove({ connectionId: 'f0f0f0f0-0000-4000-8000-000000000000' }),
    };
  })()`)) as Record<string, { ok: boolean; error?: { code: string; message: string } }>;
  const refusal = (name: string) => {
    const result = tried[name]!;
    expect(result.ok, name).toBe(false);
    return result.error!;
  };
  expect(refusal('unknownKind')).toEqual({
    code: 'invalid_payload',
    message: expect.stringMatching(/^The request for connections:add is malformed/),
  });
  for (const name of ['javascript', 'javascriptSignIn'])
    expect(refusal(name)).toEqual({
      code: 'invalid_input',
      message: 'The npm address must start with http:// or https://.',
    });
  // Main refuses it before anything is sent; its sentence names the union's first branch
  // it tried (the kind), not the token, so only the refusal and its start are pinned here.
  expect(refusal('huge')).toEqual({
    code: 'invalid_payload',
    message: expect.stringMatching(/^The request for connections:add is malformed at \//),
  });
  expect(refusal('huge').message).not.toContain('a'.repeat(20));
  expect(refusal('extra').code).toBe('invalid_payload');
  // A login names a GitHub account only: Cloudflare says whose its token is.
  expect(refusal('loginElsewhere')).toEqual({
    code: 'invalid_input',
    message: 'A login is asked for a GitHub account only; Cloudflare says whose account it is.',
  });
  expect(refusal('removeOwn')).toEqual({
    code: 'not_removable',
    message: 'A Token Desk account is signed out from the account menu, not removed here.',
  });
  expect(refusal('removeMadeUp').code).toBe('connection_not_found');
  for (const name of Object.keys(tried)) expect(refusal(name).message).toMatch(/\w+ \w+/);
  // Nothing reached Cloudflare, nothing was added or removed.
  expect(cloudflare.requests.length).toBe(requestsBefore);
  expect(await connectionsNow()).toEqual(before);
});

test('a GitHub account added under CI provider accounts is listed here too, and removed there', async () => {
  github = await startFakeGitHub({ enterprise: true });
  github.addAccount(GITHUB_TOKEN, 'ada-lovelace');
  const form = page.getByRole('form', { name: 'Add a CI provider account' });
  await form.getByLabel('GitHub', { exact: true }).check();
  await form.getByLabel('GitHub address').fill(new URL(github.apiBaseUrl).origin);
  await form.getByLabel('Personal access token').fill(GITHUB_TOKEN);
  await form.getByRole('button', { name: 'Add GitHub account' }).click();
  const row = list().getByRole('listitem').filter({ hasText: 'ada-lovelace' });
  await expect(row).toContainText('GitHub');
  await expect(row).toContainText('Tracks tokens and stores CI secrets');
  await expect(row).toContainText('added under CI provider accounts');
  // GitHub and GitLab accounts are removed in their own card, which says what that does.
  await expect(row.getByRole('button')).toHaveCount(0);
  await page
    .getByRole('list', { name: 'CI provider accounts' })
    .getByRole('button', { name: /^Remove ada-lovelace on GitHub/ })
    .click();
  await expect(row).toHaveCount(0);
});

test('no token or password in the settings folder, the harness output, the page’s storage or any URL', async () => {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? walk(path) : [readFileSync(path, 'utf8')];
    });
  const settingsText = walk(desk.settingsDir).join('\n');
  // The connection is there (who, where), without its credential.
  expect(settingsText).toMatch(/"login": *"ada"/);
  const storage = await page.evaluate(pageStorage);
  expect(JSON.parse(storage).databases).toEqual([]);
  const output = desk.harness.output.join('');
  const urls = requested.join('\n');
  expect(secrets.length).toBe(9);
  for (const secret of secrets) {
    expect(settingsText).not.toContain(secret);
    expect(output).not.toContain(secret);
    expect(storage).not.toContain(secret);
    expect(urls).not.toContain(secret);
  }
  expect(cloudflare.offContract).toEqual([]);
});
