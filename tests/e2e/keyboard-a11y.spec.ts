/**
 * The main window by keyboard and screen reader: focus rings show whole in the list's
 * cells; the list's shortcuts work from a row checkbox and Ctrl+Shift+A only opens the
 * account menu; danger buttons are readable in dark mode, the dark backdrop dims, and
 * forced colours keep the attention chip and the selection; each button's name holds its
 * visible label; focus is never left on the page body.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { colorsOf, focusRingClipsInPage } from './layout-probe.mjs';
import { join } from 'node:path';
import { SCREENS, closeReveal, createToken, signIn, startDesk, type Desk } from './desk-fixture.js';
import { openRowMenu } from './row-menu.js';

test.describe.configure({ mode: 'serial' });

const DAY = 24 * 60 * 60 * 1000;

let desk: Desk;
let page: Page;

test.beforeAll(async ({ browser }) => {
  desk = await startDesk('keyboard');
  page = await browser.newPage();
  await signIn(page, desk);
  const session = await desk.apiSession();
  // One token expiring soon (it needs attention), two that do not.
  for (const [name, days] of [
    ['nightly', 3],
    ['deploy-ios', 90],
    ['release-android', 90],
  ] as const) {
    const response = await fetch(`${desk.service.url}/v1/users/me/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` },
      body: JSON.stringify({ name, expiresAt: new Date(Date.now() + days * DAY).toISOString() }),
    });
    expect(response.status).toBe(201);
  }
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByText('3 tokens')).toBeVisible();
});

test.afterAll(async () => {
  await page?.close();
  await desk?.stop();
});

/** The page body has focus (where a screen reader user is lost). */
const focusOnBody = () => page.evaluate('document.activeElement === document.body');

const selectedCount = () => page.getByRole('checkbox', { checked: true }).count();

/** WCAG contrast ratio of two computed `rgb(…)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const [r, g, bl] = color
      .match(/[\d.]+/g)!
      .slice(0, 3)
      .map((c) => {
        const s = Number(c) / 255;
        return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

test('every cell and control in a row shows its whole focus ring, at the minimum and the default size', async () => {
  for (const size of [
    { width: 720, height: 480 },
    { width: 1100, height: 720 },
  ]) {
    await page.setViewportSize(size);
    const row = page.getByRole('row', { name: /deploy-ios/ });
    // Reached by keys, as a keyboard user would, so the ring shows (:focus-visible).
    await row.getByRole('checkbox').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowLeft');
    await expect(row.getByRole('checkbox')).toBeFocused();
    expect(await page.evaluate(focusRingClipsInPage), `${size.width}: checkbox`).toEqual([]);
    // Arrows move from cell to cell (a narrow window skips the hidden creation time).
    const cells = await row.locator('[role="gridcell"]:visible').count();
    for (let i = 1; i < cells; i++) {
      await page.keyboard.press('ArrowRight');
      expect(await page.evaluate(focusRingClipsInPage), `${size.width}: cell ${i + 1}`).toEqual([]);
    }
    await expect(row.getByRole('button', { name: 'Actions for deploy-ios' })).toBeFocused();
  }
  await page.setViewportSize({ width: 1100, height: 720 });
});

test('Ctrl+Shift+A opens the account menu and selects no token', async () => {
  await page.locator('h1').click();
  await page.keyboard.press('Control+Shift+A');
  await expect(page.getByRole('menu', { name: 'Accounts' })).toBeVisible();
  expect(await selectedCount()).toBe(0);
  await expect(page.getByRole('region', { name: 'Selection' })).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu', { name: 'Accounts' })).toHaveCount(0);
});

test('from a row checkbox, / goes to the search, Ctrl+A selects every token and Esc clears the selection', async () => {
  const checkbox = page.getByRole('checkbox', { name: 'Select nightly' });
  await checkbox.focus();
  await page.keyboard.press('Space');
  expect(await selectedCount()).toBe(1);
  await page.keyboard.press('/');
  await expect(page.getByLabel('Search tokens')).toBeFocused();
  await expect(page.getByLabel('Search tokens')).toHaveValue('');

  await checkbox.focus();
  await page.keyboard.press('Control+A');
  await expect(page.getByRole('region', { name: 'Selection' })).toContainText('3 selected');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('region', { name: 'Selection' })).toHaveCount(0);
  expect(await selectedCount()).toBe(0);
});

test('dark mode: danger buttons read at 4.5:1 or better, and the modal backdrop dims the page', async () => {
  await page.emulateMedia({ colorScheme: 'dark' });
  try {
    const menu = await openRowMenu(page, 'deploy-ios');
    const revoke = menu.getByRole('menuitem', { name: 'Revoke…' });
    const item = await revoke.evaluate(colorsOf);
    const { background } = await menu.evaluate(colorsOf);
    expect(contrast(item.color, background)).toBeGreaterThanOrEqual(4.5);

    await revoke.click();
    const dialog = page.getByRole('alertdialog', { name: 'Revoke “deploy-ios”?' });
    const confirm = dialog.getByRole('button', { name: 'Revoke token' });
    const confirmColors = await confirm.evaluate(colorsOf);
    expect(contrast(confirmColors.color, confirmColors.background)).toBeGreaterThanOrEqual(4.5);
    const { backdrop } = await dialog.evaluate(colorsOf);
    // Black over the dark page: at 45 % the page barely changes; at 60 % or more it recedes.
    expect(Number(backdrop.match(/[\d.]+/g)![3])).toBeGreaterThanOrEqual(0.6);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  } finally {
    await page.emulateMedia({ colorScheme: 'light' });
  }
});

test('forced colours: the attention chip keeps its outline and a selected row stands apart', async () => {
  await page.emulateMedia({ forcedColors: 'active' });
  try {
    const nightly = page.getByRole('row', { name: /nightly/ });
    // A transparent box shows the table's fill.
    const table = (await page.getByRole('grid', { name: 'API tokens' }).evaluate(colorsOf))
      .background;
    const fill = (colors: { background: string }) =>
      colors.background === 'rgba(0, 0, 0, 0)' ? table : colors.background;
    // Forced colours drop its fill; its words and its border in the text colour stay.
    const chip = nightly.locator('.status-chip');
    await expect(chip).toHaveText(/Expires soon/);
    const border = await chip.evaluate((el) => {
      type Styles = { getComputedStyle(el: unknown): Record<string, string> };
      const style = (globalThis as unknown as Styles).getComputedStyle(el);
      return `${style.borderTopStyle} ${style.borderTopColor}`;
    });
    expect(border).toBe(`solid ${(await chip.evaluate(colorsOf)).color}`);

    const look = async (row: Locator) => {
      const colors = await row.evaluate(colorsOf);
      return `${fill(colors)} ${colors.outline} ${colors.boxShadow}`;
    };
    await page.getByRole('checkbox', { name: 'Select nightly' }).check();
    const other = page.getByRole('row', { name: /deploy-ios/ });
    expect(await look(nightly)).not.toBe(await look(other));
    await page.getByRole('button', { name: 'Clear selection' }).click();
  } finally {
    await page.emulateMedia({ forcedColors: 'none' });
  }
});

test('every button in a row, and Copy again, has a name that holds what it shows', async () => {
  const row = page.getByRole('row', { name: /deploy-ios/ });
  for (const button of await row.getByRole('button').all()) {
    const shown = (await button.innerText()).trim();
    await expect(button).toHaveAccessibleName(
      new RegExp(shown.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
    );
  }
  await createToken(page, 'copy-name');
  const reveal = page.getByRole('dialog', { name: 'Token “copy-name” created' });
  await reveal.getByRole('button', { name: 'Copy secret' }).click();
  const again = reveal.locator('.secret-box button');
  await expect(again).toHaveText('Copy again');
  await expect(again).toHaveAccessibleName(/Copy again/);
  await closeReveal(page);
});

test('closing “Add another account” returns focus to the account menu button', async () => {
  const menuButton = page.getByRole('button', { name: desk.email });
  await menuButton.click();
  await page.getByRole('menuitem', { name: 'Add another account…' }).click();
  const add = page.getByRole('dialog', { name: 'Add another account' });
  await add.getByRole('button', { name: 'Cancel' }).click();
  await expect(add).toHaveCount(0);
  await expect(menuButton).toBeFocused();
});

for (const screen of ['Settings', 'Activity'] as const) {
  test(`${screen} and back: the window title names the screen and focus moves to its heading`, async () => {
    await expect(page).toHaveTitle('Tokens — Token Desk');
    await page.getByRole('link', { name: screen }).click();
    await expect(page.getByRole('heading', { level: 1, name: screen })).toBeFocused();
    await expect(page).toHaveTitle(`${screen} — Token Desk`);
    await page.getByRole('link', { name: 'Tokens' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Token Desk' })).toBeFocused();
    await expect(page).toHaveTitle('Tokens — Token Desk');
    expect(await focusOnBody()).toBe(false);
  });
}

test('the screens stay listed in the sidebar, the shown one marked, and their keys work from anywhere', async () => {
  const nav = page.getByRole('navigation', { name: 'Screens' });
  const links = nav.getByRole('link');
  await expect(links).toHaveText(['Tokens', 'Activity', 'Settings']);
  await expect(nav.getByRole('link', { name: 'Tokens' })).toHaveAttribute('aria-current', 'page');
  const go = async (keys: string, screen: string, heading = screen) => {
    await page.keyboard.press(keys);
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeFocused();
    await expect(page).toHaveTitle(`${screen} — Token Desk`);
    await expect(links).toHaveText(['Tokens', 'Activity', 'Settings']);
    await expect(nav.getByRole('link', { name: screen })).toHaveAttribute('aria-current', 'page');
    await expect(nav.locator('[aria-current]')).toHaveCount(1);
  };
  await go('Control+,', 'Settings');
  await go('Control+2', 'Activity');
  await go('Meta+,', 'Settings');
  await go('Control+1', 'Tokens', 'Token Desk');
  // In forced colours the shown screen still stands apart from the others.
  await page.emulateMedia({ forcedColors: 'active' });
  const colour = async (name: string) =>
    (await nav.getByRole('link', { name }).evaluate(colorsOf)).color;
  expect(await colour('Tokens')).not.toBe(await colour('Activity'));
  await page.screenshot({ path: join(SCREENS, 'nav-forced-colours.png') });
  await page.emulateMedia({ forcedColors: 'none' });
  // A dialog owns the keyboard: the keys leave it open, over the same screen.
  await page.getByRole('button', { name: 'New token' }).click();
  const dialog = page.getByRole('dialog', { name: 'New API token' });
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Control+,');
  await expect(dialog).toBeVisible();
  await expect(page).toHaveTitle('Tokens — Token Desk');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
});

test('Ctrl+K opens a command palette that reaches every action by keyboard alone', async () => {
  await page.keyboard.press('Control+K');
  const palette = page.getByRole('dialog', { name: 'Commands' });
  const box = palette.getByRole('combobox', { name: 'Command' });
  await expect(box).toBeFocused();
  const options = palette.getByRole('option');
  await expect(options).toContainText([
    'Go to Tokens',
    'Go to Activity',
    'Go to Settings',
    'New token…',
    'Refresh the token list',
    'Add another account…',
    `Sign out of ${desk.email}`,
  ]);
  // The marked option is the combobox's active descendant; the arrows move it and wrap.
  const marked = async () =>
    page.locator(`[id="${await box.getAttribute('aria-activedescendant')}"]`).innerText();
  expect(await marked()).toContain('Go to Tokens');
  await page.keyboard.press('ArrowUp');
  expect(await marked()).toContain('Sign out');
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowDown');
  expect(await marked()).toContain('Go to Activity');
  // Typing narrows it; Enter runs the marked command and the palette closes.
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.screenshot({ path: join(SCREENS, `command-palette-${theme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.keyboard.type('sett');
  await expect(options).toHaveText([/Go to Settings/]);
  await page.keyboard.press('Enter');
  await expect(palette).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeFocused();
  await page.keyboard.press('Control+K');
  await page.keyboard.type('tokens');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Token Desk' })).toBeFocused();
  // A token screen's action: New token opens its dialog.
  await page.keyboard.press('Control+K');
  await page.keyboard.type('new');
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'New API token' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  // Esc closes the palette, focus back where it was; nothing matching says so.
  await page.getByRole('button', { name: /^Commands…/ }).click();
  await page.keyboard.type('zzz');
  await expect(palette).toContainText('No command matches “zzz”.');
  await page.keyboard.press('Escape');
  await expect(palette).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Commands…/ })).toBeFocused();
});

test('“Go back” on the reveal dialog’s close confirmation returns focus to Done', async () => {
  await createToken(page, 'go-back');
  const reveal = page.getByRole('dialog', { name: 'Token “go-back” created' });
  await reveal.getByRole('button', { name: 'Done' }).click();
  await reveal.getByRole('button', { name: 'Go back' }).click();
  await expect(reveal.getByRole('button', { name: 'Done' })).toBeFocused();
  await closeReveal(page);
});
