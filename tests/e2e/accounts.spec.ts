/**
 * Several accounts: a second account on a second token service, added from
 * the header's account menu; switching by mouse and by the keyboard shortcut, each
 * account with its own list; signing out of one leaves the other signed in.
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTokenService, type TokenService } from '../support/processes.js';
import {
  PASSWORD,
  SCREENS,
  signIn,
  startDesk,
  type Desk,
  checkLayoutEverywhere,
} from './desk-fixture.js';

test.describe.configure({ mode: 'serial' });

let desk: Desk;
let other: TokenService;
let otherDir: string;
let page: Page;
const otherEmail = `second-${Date.now()}@example.test`;

async function createToken(serviceUrl: string, email: string, name: string) {
  const session = await fetch(`${serviceUrl}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  const { token } = (await session.json()) as { token: string };
  const created = await fetch(`${serviceUrl}/v1/users/me/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ name, expiresAt: null }),
  });
  expect(created.status).toBe(201);
}

test.beforeAll(async ({ browser }) => {
  desk = await startDesk('accounts');
  otherDir = mkdtempSync(join(tmpdir(), 'token-desk-accounts-other-'));
  other = await startTokenService(otherDir);
  const created = await fetch(`${other.url}/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: otherEmail, password: PASSWORD }),
  });
  expect(created.status).toBe(201);
  await createToken(desk.service.url, desk.email, 'first-service-token');
  await createToken(other.url, otherEmail, 'second-service-token');
  page = await browser.newPage();
  await signIn(page, desk);
});

test.afterAll(async () => {
  await page?.close();
  await desk?.stop();
  await other?.stop();
  rmSync(otherDir, { recursive: true, force: true });
});

const menuButton = () => page.getByRole('button', { name: /@example\.test/ }).first();
const menu = () => page.getByRole('menu', { name: 'Accounts' });
/** An account's entry (not "Sign out of …", which names it too). */
const item = (email: string) =>
  menu().getByRole('menuitem', { name: new RegExp(`^${email.replace(/\./g, '\\.')}`) });

test('add a second account on another service from the account menu', async () => {
  await expect(page.getByRole('row', { name: /first-service-token/ })).toBeVisible();
  await menuButton().click();
  await expect(item(desk.email)).toHaveAttribute('aria-current', 'true');
  await checkLayoutEverywhere(page, 'account-menu', async () => {
    await expect(menu()).toBeVisible();
  });
  await menu().getByRole('menuitem', { name: 'Add another account…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add another account' });
  await dialog.getByLabel('Service URL').fill(other.url);
  await dialog.getByLabel('Email').fill(otherEmail);
  await dialog.getByRole('button', { name: 'Sign in' }).click();
  await expect(dialog.getByText('Enter your password.')).toBeVisible();
  await dialog.getByLabel('Password').fill('wrong password here');
  await dialog.getByRole('button', { name: 'Sign in' }).click();
  await expect(dialog.getByRole('alert')).toHaveCount(1);
  await expect(dialog.getByRole('alert')).toHaveClass(/banner-error/);
  await expect(dialog.getByLabel('Password')).toHaveValue('');
  await checkLayoutEverywhere(page, 'add-account', async () => {
    await expect(dialog).toBeVisible();
  });
  await dialog.getByLabel('Password').fill(PASSWORD);
  await dialog.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('row', { name: /second-service-token/ })).toBeVisible();
  await expect(page.getByRole('row', { name: /first-service-token/ })).toHaveCount(0);
  await expect(menuButton()).toContainText(otherEmail);
  await page.screenshot({ path: join(SCREENS, 'accounts-second.png') });
});

test('Ctrl+Shift+A opens the menu; arrows and Enter switch accounts, each with its own list', async () => {
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('Control+Shift+A');
  await expect(menu()).toBeVisible();
  await expect(item(otherEmail)).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(item(desk.email)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('row', { name: /first-service-token/ })).toBeVisible();
  await expect(page.getByRole('row', { name: /second-service-token/ })).toHaveCount(0);
  await expect(menuButton()).toContainText(desk.email);
  // Esc closes the menu and gives focus back to its button.
  await page.keyboard.press('Control+Shift+A');
  await expect(menu()).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(menu()).toHaveCount(0);
  await expect(menuButton()).toBeFocused();
});

test('signing out of one account leaves the other signed in', async () => {
  await menuButton().click();
  await menu()
    .getByRole('menuitem', { name: new RegExp(otherEmail) })
    .click();
  await expect(page.getByRole('row', { name: /second-service-token/ })).toBeVisible();
  await menuButton().click();
  await menu()
    .getByRole('menuitem', { name: `Sign out of ${otherEmail}` })
    .click();
  await expect(page.getByRole('row', { name: /first-service-token/ })).toBeVisible();
  await expect(menuButton()).toContainText(desk.email);
  await menuButton().click();
  await expect(item(otherEmail)).toHaveCount(0);
  await page.keyboard.press('Escape');
});
