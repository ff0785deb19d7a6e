/**
 * The application menu runs commands in the page: each item, clicked in the harness's
 * copy of the real menu, sends `ui:command` through main's check, and the page does
 * what the item's keys do, or nothing when the command does not apply (a dialog is
 * open, nobody is signed in). Whatever else arrives as a command is ignored.
 */
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { closeReveal, createToken, SCREENS, signIn, startDesk, type Desk } from './desk-fixture.js';

test.describe.configure({ mode: 'serial' });

let desk: Desk;
let page: Page;

test.beforeAll(async ({ browser }) => {
  desk = await startDesk('menu-commands');
  page = await browser.newPage();
});

test.afterAll(async () => {
  await page?.close();
  await desk?.stop();
});

const nav = () => page.getByRole('navigation', { name: 'Screens' });
const current = () => nav().locator('[aria-current="page"]');
const heading = (name: string) => page.getByRole('heading', { level: 1, name });
const selectedCount = () => page.getByRole('checkbox', { checked: true }).count();

test('signed out: the screens and the palette answer; Activity, New Token and Account Menu do nothing', async () => {
  await page.goto(desk.harness.url);
  await expect(page.getByRole('heading', { name: 'Sign in to Token Desk' })).toBeVisible();

  await desk.clickMenu('Settings');
  await expect(heading('Settings')).toBeVisible();
  await expect(current()).toHaveText('Settings');
  await desk.clickMenu('Tokens');
  await expect(page.getByRole('heading', { name: 'Sign in to Token Desk' })).toBeVisible();
  await expect(current()).toHaveText('Sign in');

  // Nothing to show for these signed out: nothing changes, nothing breaks.
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await desk.clickMenu('Activity');
  await desk.clickMenu('New Token…');
  await desk.clickMenu('Account Menu');
  await desk.clickMenu('Clear Selection');
  await desk.clickMenu('Search Tokens');
  // A later command that does show something proves the earlier ones had arrived.
  await desk.clickMenu('Command Palette…');
  const palette = page.getByRole('dialog', { name: 'Commands' });
  await expect(palette).toBeVisible();
  await expect(current()).toHaveText('Sign in');
  await expect(page.getByRole('menu')).toHaveCount(0);
  await expect(page.locator('dialog[open]')).toHaveCount(1);
  await page.keyboard.press('Escape');
  await expect(palette).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('signed in: each item does what its keys do', async () => {
  await signIn(page, desk);
  for (const name of ['menu-one', 'menu-two', 'menu-three']) {
    await createToken(page, name);
    await closeReveal(page);
  }

  await test.step('screens', async () => {
    await desk.clickMenu('Activity');
    await expect(heading('Activity')).toBeVisible();
    await expect(current()).toHaveText('Activity');
    await desk.clickMenu('Settings');
    await expect(heading('Settings')).toBeVisible();
    await desk.clickMenu('Tokens');
    await expect(heading('Token Desk')).toBeVisible();
    await expect(current()).toHaveText('Tokens');
  });

  await test.step('New Token… opens its dialog, and while it is open the menu changes nothing', async () => {
    await desk.clickMenu('New Token…');
    const dialog = page.getByRole('dialog', { name: 'New API token' });
    await expect(dialog).toBeVisible();
    await dialog.getByLabel('Name').fill('typed');
    for (const label of ['Settings', 'Activity', 'Command Palette…', 'Account Menu', 'New Token…'])
      await desk.clickMenu(label);
    await desk.clickMenu('Search Tokens');
    await desk.clickMenu('Select All');
    // Select All in the dialog's field selects its text, and only that.
    await expect
      .poll(() =>
        dialog
          .getByLabel('Name')
          .evaluate((input: { selectionStart: number | null; selectionEnd: number | null }) => [
            input.selectionStart,
            input.selectionEnd,
          ]),
      )
      .toEqual([0, 5]);
    await expect(page.locator('dialog[open]')).toHaveCount(1);
    await expect(dialog.getByLabel('Name')).toHaveValue('typed');
    await expect(current()).toHaveText('Tokens');
    await expect(page.getByRole('menu')).toHaveCount(0);
    expect(await selectedCount()).toBe(0);
    await page.keyboard.press('Escape');
    await expect(page.locator('dialog')).toHaveCount(0);
  });

  await test.step('Search Tokens focuses the search field', async () => {
    await page.locator('h1').click();
    await desk.clickMenu('Search Tokens');
    await expect(page.getByLabel('Search tokens')).toBeFocused();
  });

  await test.step('Select All: the field’s text in the search field, every shown token outside it', async () => {
    const search = page.getByLabel('Search tokens');
    await search.fill('menu');
    await desk.clickMenu('Select All');
    await expect
      .poll(() =>
        search.evaluate((input: { selectionStart: number | null; selectionEnd: number | null }) => [
          input.selectionStart,
          input.selectionEnd,
        ]),
      )
      .toEqual([0, 4]);
    expect(await selectedCount()).toBe(0);
    await search.fill('');
    await page.locator('h1').click();
    await desk.clickMenu('Select All');
    await expect(page.getByRole('region', { name: 'Selection' })).toContainText('3 selected');
    await page.screenshot({ path: join(SCREENS, 'menu-select-all.png') });
  });

  await test.step('Clear Selection clears it', async () => {
    await desk.clickMenu('Clear Selection');
    await expect(page.getByRole('region', { name: 'Selection' })).toHaveCount(0);
    expect(await selectedCount()).toBe(0);
  });

  await test.step('Account Menu opens the account menu on the active account', async () => {
    await desk.clickMenu('Account Menu');
    const menu = page.getByRole('menu', { name: 'Accounts' });
    await expect(menu).toBeVisible();
    await expect(menu.getByRole('menuitem', { name: new RegExp(`^${desk.email}`) })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(menu).toHaveCount(0);
  });

  await test.step('Command Palette… opens the palette', async () => {
    await desk.clickMenu('Command Palette…');
    const palette = page.getByRole('dialog', { name: 'Commands' });
    await expect(palette).toBeVisible();
    await expect(palette.getByRole('combobox', { name: 'Command' })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(palette).toHaveCount(0);
  });
});

test('the page ignores a command that is not on the list, and one in the wrong shape', async () => {
  await signIn(page, desk);
  await expect(current()).toHaveText('Tokens');
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // Palette commands the menu may not ask for (signing out, above all), other spellings
  // of real ones, other types, and prototype names.
  for (const hostile of [
    'sign-out',
    'refresh',
    'add-account',
    'GO-SETTINGS',
    ' go-settings',
    'go-settings\u0000',
    'toString',
    '__proto__',
    '',
    null,
    42,
    true,
    ['go-settings'],
    { command: 'go-settings' },
    { id: 'go-settings', run: 'x' },
  ])
    await desk.sendUncheckedEvent('ui:command', hostile);
  // The same stream still carries a real command, after all of them.
  await desk.sendUncheckedEvent('ui:command', 'go-activity');
  await expect(heading('Activity')).toBeVisible();
  // Still signed in, nothing opened, nothing thrown.
  await expect(nav().getByRole('link')).toHaveText(['Tokens', 'Activity', 'Settings']);
  await desk.clickMenu('Tokens');
  await expect(page.locator('.account-button')).toContainText(desk.email);
  await expect(page.locator('dialog')).toHaveCount(0);
  await expect(nav().getByRole('link')).toHaveText(['Tokens', 'Activity', 'Settings']);
  expect(errors).toEqual([]);
});

test('the harness clicks menu items only with the control key', async () => {
  const response = await fetch(`${desk.harness.origin}/__harness/menu/Settings`, {
    method: 'POST',
    headers: { 'x-harness-key': desk.harness.key },
  });
  expect(response.status).toBe(403);
  const raw = await fetch(`${desk.harness.origin}/__harness/unchecked-event`, {
    method: 'POST',
    headers: { 'x-harness-key': desk.harness.key, 'content-type': 'application/json' },
    body: JSON.stringify({ event: 'ui:command', payload: 'go-settings' }),
  });
  expect(raw.status).toBe(403);
});

test('the account menu moves as the row menu does, and holds its longest item', async () => {
  await signIn(page, desk);
  const button = page.locator('.account-button');
  await button.click();
  const menu = page.getByRole('menu', { name: 'Accounts' });
  const items = menu.getByRole('menuitem');
  await expect(items.first()).toBeFocused(); // the active account, the only one here
  await page.keyboard.press('End');
  await expect(items.last()).toHaveText(`Sign out of ${desk.email}`);
  await expect(items.last()).toBeFocused();
  await page.keyboard.press('Home');
  await expect(items.first()).toBeFocused();
  await page.keyboard.press('ArrowUp'); // wraps, as the row menu does
  await expect(items.last()).toBeFocused();
  // Every item's words inside the menu's box (a long email is cut with an ellipsis).
  const outside = await menu.evaluate((box) => {
    type Rect = { left: number; right: number };
    type El = {
      getBoundingClientRect(): Rect;
      querySelectorAll(s: string): El[];
      scrollWidth: number;
      clientWidth: number;
      textContent: string | null;
    };
    const root = box as unknown as El;
    const edge = root.getBoundingClientRect();
    return [...root.querySelectorAll('[role="menuitem"], [role="menuitem"] *')]
      .filter((el) => {
        const rect = el.getBoundingClientRect();
        return rect.right > edge.right + 0.5 || el.scrollWidth > el.clientWidth + 1;
      })
      .filter((el) => getComputedStyleOverflow(el))
      .map((el) => el.textContent);
    function getComputedStyleOverflow(el: El) {
      // An ellipsis box overflows on purpose and clips: only what shows past it counts.
      type Styles = { getComputedStyle(el: unknown): Record<string, string> };
      return (globalThis as unknown as Styles).getComputedStyle(el).overflow !== 'hidden';
    }
  });
  expect(outside).toEqual([]);
  // Tab closes it; focus goes back to the button.
  await page.keyboard.press('Tab');
  await expect(menu).toHaveCount(0);
  await expect(button).toBeFocused();
  // A press on the button while open closes it, and does not reopen it.
  await button.click();
  await expect(menu).toBeVisible();
  await button.click();
  await expect(menu).toHaveCount(0);
  await expect(button).toHaveAttribute('aria-expanded', 'false');
});
