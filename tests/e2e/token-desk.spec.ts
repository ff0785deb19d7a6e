/**
 * The built renderer in Debian Chromium, its bridge served by the harness (which
 * runs main's handlers with the real keytar), against a real token service.
 * The steps build on each other, like a person's first session with the app.
 */
import { expect, test, type Page } from '@playwright/test';
import keytar from 'keytar';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEYCHAIN_SERVICE, keychainAccount } from '../../src/main/connections/vault.js';
import {
  startHarness,
  startTokenService,
  type Harness,
  type TokenService,
} from '../support/processes.js';
import { chooseRowAction, signOutFromMenu } from './row-menu.js';

test.describe.configure({ mode: 'serial' });

const SCREENS = 'test-results/screens';
const work = mkdtempSync(join(tmpdir(), 'token-desk-e2e-'));
const settingsDir = join(work, 'settings');
const email = `e2e-${Date.now()}@example.test`;
const password = 'correct horse battery';
const issued: string[] = [];
const harnessOutputs: string[][] = [];
let service: TokenService;
let harness: Harness;
let page: Page;

async function shot(name: string) {
  await page.screenshot({ path: join(SCREENS, `${name}.png`) });
}

async function openApp(): Promise<void> {
  harness = await startHarness(service.url, settingsDir);
  harnessOutputs.push(harness.output);
  await page.goto(harness.url);
}

async function status(secret: string): Promise<number> {
  const response = await fetch(`${service.url}/v1/users/me`, {
    headers: { authorization: `Bearer ${secret}` },
  });
  return response.status;
}

async function createToken(name: string, expiry: string): Promise<string> {
  await page.getByRole('button', { name: 'New token' }).click();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel(expiry).check();
  await page.getByRole('button', { name: 'Create token' }).click();
  const secret = (await page.getByTestId('secret').textContent())!.trim();
  issued.push(secret);
  return secret;
}

async function closeReveal(): Promise<void> {
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByText('Once closed it cannot be shown again')).toBeVisible();
  await page.getByRole('button', { name: 'Close and forget the secret' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
}

test.beforeAll(async ({ browser }) => {
  mkdirSync(SCREENS, { recursive: true });
  mkdirSync(settingsDir);
  service = await startTokenService(join(work, 'service'));
  page = await browser.newPage();
  await openApp();
});

test.afterAll(async () => {
  await harness?.stop();
  await service?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('1. create an account, sign in, see the empty state', async () => {
  await expect(page.getByRole('heading', { name: 'Sign in to Token Desk' })).toBeVisible();
  await expect(page.getByLabel('Service URL')).toHaveValue(service.url);
  await shot('01-sign-in');
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Name (optional)').fill('E2E Dev');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await shot('02-create-account');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'No API tokens yet' })).toBeVisible();
  await expect(page.getByText(email)).toBeVisible();
  await shot('03-empty-state');
});

test('2. create "ci-github" for 30 days, copy the secret once, and it is gone after closing', async () => {
  await page.keyboard.press('Control+n');
  await expect(page.getByRole('dialog', { name: 'New API token' })).toBeVisible();
  await expect(page.getByLabel('Name')).toBeFocused();
  await page.getByLabel('Name').fill('ci-github');
  await page.getByLabel('30 days').check();
  await shot('04-new-token');
  await page.getByRole('button', { name: 'Create token' }).click();

  const secretBox = page.getByTestId('secret');
  await expect(secretBox).toHaveText(/^ca_[0-9A-Za-z]{36}$/);
  const secret = (await secretBox.textContent())!;
  issued.push(secret);
  await expect(secretBox).toHaveCSS('font-family', /mono/i);

  await page.getByRole('button', { name: 'Copy secret' }).click();
  await expect(
    page.getByText(/Copied\. The secret will be cleared from the clipboard in (30|29) s\./),
  ).toBeVisible();
  expect(await harness.clipboard()).toEqual({ text: secret, concealed: true });
  await shot('05-reveal-once');
  expect(await status(secret)).toBe(200);

  await closeReveal();
  expect(await page.content()).not.toContain(secret);
  expect(await page.locator('body').innerText()).not.toContain(secret.slice(3));
  const row = page.getByRole('row', { name: /ci-github/ });
  await expect(row).toContainText(secret.slice(0, 7));
  await expect(row).toContainText('Never used');
  await expect(row).toContainText('Expires in 30 days');
  await shot('06-token-list');

  // Gone from the page's memory too: nothing in a heap snapshot after garbage collection.
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(row).toContainText('just now'); // used by the status() call above
  const cdp = await page.context().newCDPSession(page);
  let heap = '';
  cdp.on('HeapProfiler.addHeapSnapshotChunk', (event) => (heap += event.chunk));
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  expect(heap.length).toBeGreaterThan(100_000);
  expect(heap.includes(secret.slice(0, 7))).toBe(true); // the prefix is on screen, so the search works
  expect(heap.includes(secret)).toBe(false);
  await cdp.detach();
});

test('3. revoke with a confirmation that names the token: the secret gets 401 and the row is gone', async () => {
  const secret = await createToken('to-revoke', '7 days');
  await closeReveal();
  expect(await status(secret)).toBe(200);
  await chooseRowAction(page, 'to-revoke', 'Revoke…');
  const confirm = page.getByRole('alertdialog', { name: 'Revoke “to-revoke”?' });
  await expect(confirm).toContainText('will get 401 errors on its very next request');
  await shot('07-revoke-confirm');
  await confirm.getByRole('button', { name: 'Revoke token' }).click();
  await expect(page.getByRole('row', { name: /to-revoke/ })).toHaveCount(0);
  expect(await status(secret)).toBe(401);
});

test('4. rotate: the new secret works and the old one gets 401', async () => {
  const old = issued[1]!; // ci-github
  await chooseRowAction(page, 'ci-github', 'Rotate…');
  await expect(page.getByRole('alertdialog', { name: 'Rotate “ci-github”?' })).toContainText(
    'stops working immediately',
  );
  await page.getByRole('button', { name: 'Rotate token' }).click();
  const secretBox = page.getByTestId('secret');
  await expect(secretBox).toHaveText(/^ca_/);
  const fresh = (await secretBox.textContent())!;
  issued.push(fresh);
  expect(fresh).not.toBe(old);
  await expect(page.getByRole('dialog', { name: 'New secret for “ci-github”' })).toContainText(
    'The previous secret no longer works',
  );
  await shot('08-rotate-reveal');
  await closeReveal();
  expect(await status(fresh)).toBe(200);
  expect(await status(old)).toBe(401);
  await expect(page.getByRole('row', { name: /ci-github/ })).toContainText(fresh.slice(0, 7));
});

test('5. a restart is still signed in; sign-out removes the keychain entry and the next start shows sign-in', async () => {
  await harness.stop();
  await openApp();
  await expect(page.getByRole('row', { name: /ci-github/ })).toBeVisible();
  const account = keychainAccount(service.url, email);
  expect(await keytar.getPassword(KEYCHAIN_SERVICE, account)).toMatch(/"token":"ses_/);

  await signOutFromMenu(page);
  await expect(page.getByRole('heading', { name: 'Sign in to Token Desk' })).toBeVisible();
  expect(await keytar.getPassword(KEYCHAIN_SERVICE, account)).toBeNull();

  await harness.stop();
  await openApp();
  await expect(page.getByRole('heading', { name: 'Sign in to Token Desk' })).toBeVisible();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('not my password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('The email or password is incorrect.');
  await page.getByLabel('Service URL').fill('localhost:4780');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(
    page.getByText('The service URL must start with http:// or https://.'),
  ).toBeVisible();
  // The last attempt's answer is gone: only what is wrong now is shown.
  await expect(page.getByText('The email or password is incorrect.')).toHaveCount(0);
  await shot('15-sign-in-errors');
  await page.getByLabel('Service URL').fill(service.url);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('row', { name: /ci-github/ })).toBeVisible();
});

test('6. the service goes down: a clear error; it comes back: the app recovers without a restart', async () => {
  const port = service.port;
  await service.stop();
  await page.getByRole('button', { name: 'Refresh' }).click();
  const banner = page.getByRole('alert').filter({ hasText: "Can't reach the token service" });
  await expect(banner).toBeVisible();
  await expect(banner).toContainText(`at ${service.url}`);
  await shot('09-service-unreachable');

  service = await startTokenService(join(work, 'service'), port);
  await expect(banner).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByRole('row', { name: /ci-github/ })).toBeVisible();
});

test('an expired session returns to sign-in with a notice, and signing in recovers', async () => {
  const stored = JSON.parse(
    (await keytar.getPassword(KEYCHAIN_SERVICE, keychainAccount(service.url, email)))!,
  ) as {
    token: string;
    sessionId: string;
  };
  // Revoke the app's session behind its back, as an expiry would.
  const revoked = await fetch(`${service.url}/v1/sessions/${stored.sessionId}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${stored.token}` },
  });
  expect(revoked.status).toBe(204);
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to Token Desk' })).toBeVisible();
  await expect(
    page
      .getByRole('status')
      .filter({ hasText: 'Your session has expired or was signed out. Sign in again.' }),
  ).toBeVisible();
  expect(
    await keytar.getPassword(KEYCHAIN_SERVICE, keychainAccount(service.url, email)),
  ).toBeNull();
  await expect(page.getByLabel('Email')).toHaveValue(email);
  await expect(page.getByLabel('Password')).toBeFocused();
  await shot('16-session-expired');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('row', { name: /ci-github/ })).toBeVisible();
});

test('revoking a token that was already revoked elsewhere says so and updates the list', async () => {
  const secret = await createToken('revoked-elsewhere', '7 days');
  await closeReveal();
  const stored = JSON.parse(
    (await keytar.getPassword(KEYCHAIN_SERVICE, keychainAccount(service.url, email)))!,
  ) as {
    token: string;
  };
  const list = await fetch(`${service.url}/v1/users/me/tokens`, {
    headers: { authorization: `Bearer ${stored.token}` },
  }).then((r) => r.json() as Promise<Array<{ id: string; name: string }>>);
  const id = list.find((t) => t.name === 'revoked-elsewhere')!.id;
  await fetch(`${service.url}/v1/users/me/tokens/${id}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${stored.token}` },
  });
  expect(await status(secret)).toBe(401);

  await chooseRowAction(page, 'revoked-elsewhere', 'Revoke…');
  await page.getByRole('button', { name: 'Revoke token' }).click();
  await expect(
    page
      .getByRole('alert')
      .filter({ hasText: 'No active API token with this id belongs to your account' }),
  ).toBeVisible();
  await expect(page.getByRole('row', { name: /revoked-elsewhere/ })).toHaveCount(0);
  await page.getByRole('button', { name: 'Dismiss' }).click();
});

test('7. bad form input shows inline errors and sends nothing', async () => {
  const before = await page.getByRole('row').count();
  await page.getByRole('button', { name: 'New token' }).click();
  const dialog = page.getByRole('dialog', { name: 'New API token' });

  await dialog.getByRole('button', { name: 'Create token' }).click();
  await expect(dialog.getByText('Name is required.')).toBeVisible();
  await expect(dialog.getByLabel('Name')).toBeFocused();

  await dialog.getByLabel('Name').fill('n'.repeat(101));
  await dialog.getByRole('button', { name: 'Create token' }).click();
  await expect(dialog.getByText('Name must be at most 100 characters (it has 101).')).toBeVisible();
  await expect(dialog.getByText('101/100 characters')).toBeVisible();

  await dialog.getByLabel('Name').fill('ci-github');
  await expect(dialog.getByText('You already have a token named “ci-github”')).toBeVisible();
  await dialog.getByLabel('Custom date').check();
  await dialog.getByLabel('Expiry date').fill('2020-01-01');
  await dialog.getByRole('button', { name: 'Create token' }).click();
  await expect(dialog.getByText('Pick a date in the future.')).toBeVisible();
  await shot('10-form-errors');

  await dialog.getByLabel('No expiry').check();
  await expect(
    dialog.getByText('A token without expiry works until someone revokes it.'),
  ).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'New token' })).toBeFocused();

  const session = await fetch(`${service.url}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  }).then((r) => r.json() as Promise<{ token: string }>);
  const tokens = await fetch(`${service.url}/v1/users/me/tokens`, {
    headers: { authorization: `Bearer ${session.token}` },
  }).then((r) => r.json() as Promise<unknown[]>);
  expect(tokens).toHaveLength(1); // only ci-github: nothing was sent
  await expect(page.getByRole('row')).toHaveCount(before);
});

test('search, sort, keyboard and settings', async () => {
  await createToken('deploy-android', '90 days');
  await closeReveal();
  await page.keyboard.press('/');
  await expect(page.getByLabel('Search tokens')).toBeFocused();
  await page.keyboard.type('android');
  await expect(page.getByRole('row', { name: /deploy-android/ })).toBeVisible();
  await expect(page.getByRole('row', { name: /ci-github/ })).toHaveCount(0);
  await page.getByLabel('Search tokens').fill('');
  await page.getByLabel('Sort').selectOption('name');
  await expect(page.getByRole('row').nth(1)).toContainText('ci-github');

  // The theme follows the OS until the user picks one.
  const background = page.locator('body');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(background).toHaveCSS('background-color', 'rgb(22, 24, 29)');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(background).toHaveCSS('background-color', 'rgb(246, 247, 249)');

  await page.getByRole('link', { name: 'Settings' }).click();
  // The theme applies as it is chosen, with "Saved" beside it.
  await page.getByLabel('Theme').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByRole('region', { name: 'Appearance' }).getByRole('status')).toHaveText(
    'Saved',
  );
  await page.getByLabel(/Clear a copied secret/).fill('3');
  await page.getByLabel(/Clear a copied secret/).blur();
  await expect(page.getByText('Clear the clipboard after 5 to 600 seconds.')).toBeVisible();
  await page.getByLabel(/Clear a copied secret/).fill('45');
  await page.getByLabel(/Clear a copied secret/).blur();
  await expect(page.getByRole('region', { name: 'Copied secrets' }).getByRole('status')).toHaveText(
    'Saved',
  );
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(background).toHaveCSS('background-color', 'rgb(22, 24, 29)'); // despite the light OS
  await shot('11-settings-dark');
  await page.getByRole('link', { name: 'Tokens' }).click();
  await shot('12-token-list-dark');
});

test('stays usable with 5,000 tokens: a bounded DOM, scrolling to the end, search', async () => {
  const { token: session } = await fetch(`${service.url}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  }).then((r) => r.json() as Promise<{ token: string }>);
  const total = 5000;
  for (let i = 0; i < total; i += 50) {
    await Promise.all(
      Array.from({ length: 50 }, (_, j) =>
        fetch(`${service.url}/v1/users/me/tokens`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` },
          body: JSON.stringify({
            name: `pipeline-${String(i + j).padStart(4, '0')}`,
            expiresAt: null,
          }),
        }),
      ),
    );
  }
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByText(`${(total + 2).toLocaleString('en-US')} tokens`)).toBeVisible();
  // Windowed: a screenful of rows, not 5,002.
  expect(await page.getByRole('row').count()).toBeLessThan(40);

  await page.getByLabel('Sort').selectOption('name');
  await page.locator('.token-scroller').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(page.getByRole('row', { name: /pipeline-4999/ })).toBeVisible();
  expect(await page.getByRole('row').count()).toBeLessThan(40);

  await page.getByLabel('Search tokens').fill('pipeline-1234');
  await expect(page.getByRole('row', { name: /pipeline-1234/ })).toBeVisible();
  await expect(page.getByRole('row')).toHaveCount(2); // header + the match
  await page.getByLabel('Search tokens').fill('');
  await page.locator('.token-scroller').evaluate((el) => el.scrollTo(0, 0));
  await shot('13-five-thousand-tokens');
});

test('8. nothing the harness, the settings or the service wrote contains an issued secret', async () => {
  await harness.stop();
  expect(issued.length).toBeGreaterThanOrEqual(4);
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(settingsDir);
  expect(files.length).toBeGreaterThan(0);
  const written = [
    ...files.map((file) => readFileSync(file, 'utf8')),
    ...harnessOutputs.map((output) => output.join('')),
    service.output.join(''),
  ].join('\n');
  expect(written).toMatch(/"clipboardClearSeconds":\s*45/); // the search can see real content
  for (const secret of issued) expect(written).not.toContain(secret);
  expect(written).not.toMatch(/ses_[0-9A-Za-z]{36}/);
});
