/**
 * The token list as one Tab stop (a data grid): arrows, Page Up/Down and Ctrl+Home/End
 * move, Enter opens a token's details, Space selects, Delete asks to revoke, a header
 * checkbox selects all; each row's actions sit in a ⋯ menu that right-click, Shift+F10
 * and the menu key open too; the reason a token needs attention reads as words; red
 * fills only confirmations; the empty state shows no search, sort or count.
 * Screenshots go to test-results/screens/grid-*.png.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { layoutProblemsInPage } from './layout-probe.mjs';
import { SCREENS, signIn, startDesk, type Desk } from './desk-fixture.js';

test.describe.configure({ mode: 'serial' });

const DAY = 24 * 60 * 60 * 1000;
const TOKENS = 31;

let desk: Desk;
let context: BrowserContext;
let page: Page;

test.beforeAll(async ({ browser }) => {
  desk = await startDesk('grid');
  // axe's analyze() opens a page of its own, which browser.newPage()'s own context refuses.
  context = await browser.newContext();
  page = await context.newPage();
  await signIn(page, desk);
});

test.afterAll(async () => {
  await context?.close();
  await desk?.stop();
});

const grid = () => page.getByRole('grid', { name: 'API tokens' });
const row = (name: string) => grid().getByRole('row', { name: new RegExp(`${name}\\b`) });
/** The token whose row holds focus, or null when focus is outside the rows. */
const focusedToken = () =>
  page.evaluate<string | null>(
    `document.activeElement?.closest('[role="row"][data-token-id]')?.querySelector('.name-button')?.textContent ?? null`,
  );
const focusInGrid = () =>
  page.evaluate<boolean>(`!!document.activeElement?.closest('[role="grid"]')`);

test('with no token yet: the empty state, with no search, sort, count or list', async () => {
  await expect(page.getByRole('heading', { name: 'No API tokens yet' })).toBeVisible();
  await expect(page.getByLabel('Search tokens')).toHaveCount(0);
  await expect(page.getByLabel('Sort')).toHaveCount(0);
  await expect(page.getByText('0 tokens')).toHaveCount(0);
  await expect(grid()).toHaveCount(0);
  await page.screenshot({ path: join(SCREENS, 'grid-empty-1100x720-light.png') });

  // Tokens made elsewhere (the CLI): one expired, one expiring, the rest fine.
  const session = await desk.apiSession();
  for (let i = 1; i <= TOKENS; i++) {
    const days = i === 1 ? 3 : 90;
    const response = await fetch(`${desk.service.url}/v1/users/me/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` },
      body: JSON.stringify({
        name: i === 1 ? 'nightly' : `pipeline-${String(i).padStart(2, '0')}`,
        expiresAt: new Date(Date.now() + days * DAY).toISOString(),
      }),
    });
    expect(response.status).toBe(201);
  }
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByText(`${TOKENS} tokens`)).toBeVisible();
  await page.getByLabel('Sort').selectOption('name');
});

test(`the list is one Tab stop: one press passes ${TOKENS} tokens`, async () => {
  await page.getByLabel('Search tokens').focus();
  let presses = 0;
  while (!(await focusInGrid())) {
    await page.keyboard.press('Tab');
    expect(++presses, 'Tab reaches the list').toBeLessThan(10);
  }
  await page.keyboard.press('Tab');
  expect(await focusInGrid(), 'one more Tab leaves the list').toBe(false);
});

test('arrows, Page Down and Ctrl+End move between rows, and the moved-to row shows', async () => {
  await page.getByRole('button', { name: 'Details of nightly' }).focus();
  await page.keyboard.press('ArrowDown');
  expect(await focusedToken()).toBe('pipeline-02');
  await page.keyboard.press('ArrowUp');
  expect(await focusedToken()).toBe('nightly');
  await page.keyboard.press('PageDown');
  const paged = await focusedToken();
  expect(paged).toMatch(/^pipeline-\d\d$/);
  expect(Number(paged!.slice(-2))).toBeGreaterThan(3);
  await page.keyboard.press('Control+End');
  expect(await focusedToken()).toBe(`pipeline-${TOKENS}`);
  await expect(row(`pipeline-${TOKENS}`)).toBeInViewport();
  await page.keyboard.press('Control+Home');
  expect(await focusedToken()).toBe('nightly');
  await expect(row('nightly')).toBeInViewport();
  // Left and right move between the row's cells; Home and End to its ends.
  await page.keyboard.press('Home');
  await expect(page.getByRole('checkbox', { name: 'Select nightly' })).toBeFocused();
  await page.keyboard.press('End');
  await expect(page.getByRole('button', { name: 'Actions for nightly' })).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  expect(await focusedToken()).toBe('nightly');
  await expect(page.getByRole('button', { name: 'Actions for nightly' })).not.toBeFocused();
  // Up from the first row: the header, with its select-all checkbox.
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowUp');
  await expect(page.getByRole('checkbox', { name: 'Select all tokens' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('checkbox', { name: 'Select nightly' })).toBeFocused();
});

test('Space selects the focused token; the header checkbox selects all, mixed when some are', async () => {
  await page.getByRole('button', { name: 'Details of pipeline-02' }).focus();
  await page.keyboard.press('Space');
  await expect(page.getByRole('checkbox', { name: 'Select pipeline-02' })).toBeChecked();
  await expect(row('pipeline-02')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  const all = page.getByRole('checkbox', { name: 'Select all tokens' });
  await expect(all).toBeChecked({ indeterminate: true });
  await all.click();
  await expect(page.getByRole('region', { name: 'Selection' })).toContainText(`${TOKENS} selected`);
  await expect(all).toBeChecked();
  await all.click();
  await expect(page.getByRole('region', { name: 'Selection' })).toHaveCount(0);
  await expect(all).not.toBeChecked();
});

test('Enter opens the focused token’s details; Delete asks to revoke it', async () => {
  // Narrower than 900 px the details are a dialog, whose footer this looks at (the pane
  // beside the list in a wider window: detail-pane.spec.ts).
  await page.setViewportSize({ width: 720, height: 480 });
  await page.getByRole('button', { name: 'Details of pipeline-03' }).focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  const details = page.getByRole('dialog', { name: 'pipeline-03' });
  await expect(details).toBeVisible();
  // Revoke… in red words at the far end from Close, not a red fill beside it.
  const footer = details.locator('.dialog-footer button');
  await expect(footer.first()).toHaveText('Revoke…');
  await expect(footer.last()).toHaveText('Close');
  await expect(footer.first()).toHaveClass(/danger-quiet/);
  await expect(footer.first()).not.toHaveClass(/\bdanger\b(?!-)/);
  await details.getByRole('button', { name: 'Close', exact: true }).last().click();
  await expect(details).toHaveCount(0);
  expect(await focusedToken()).toBe('pipeline-03');

  await page.keyboard.press('Delete');
  const confirm = page.getByRole('alertdialog', { name: 'Revoke “pipeline-03”?' });
  await expect(confirm).toBeVisible();
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  expect(await focusedToken()).toBe('pipeline-03');
  await page.setViewportSize({ width: 1100, height: 720 });
});

test('a row’s actions are in a ⋯ menu, opened by click, Shift+F10, the menu key and right-click', async () => {
  const menu = page.getByRole('menu', { name: 'Actions for pipeline-04' });
  const button = page.getByRole('button', { name: 'Actions for pipeline-04' });
  await button.click();
  await expect(button).toHaveAttribute('aria-expanded', 'true');
  await expect(menu.getByRole('menuitem')).toHaveText([
    /^Details/,
    'Send to CI…',
    'Rotate…',
    /^Revoke…/,
  ]);
  await expect(menu.getByRole('menuitem').first()).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(menu.getByRole('menuitem', { name: 'Revoke…' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);
  await expect(button).toBeFocused();

  await page.getByRole('button', { name: 'Details of pipeline-04' }).focus();
  for (const key of ['Shift+F10', 'ContextMenu']) {
    await page.keyboard.press(key);
    await expect(menu).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(menu).toHaveCount(0);
  }

  await row('pipeline-04').getByRole('gridcell').nth(3).click({ button: 'right' });
  await expect(menu).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alertdialog', { name: 'Rotate “pipeline-04”?' })).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(button).toBeFocused();
});

test('why a token needs attention reads as words on the row; no red fill outside a confirmation', async () => {
  await expect(row('nightly').locator('.status-chip')).toHaveText(/Expires soon/);
  await expect(row('nightly')).toContainText('Needs attention: Expires within 7 days');
  await expect(row('pipeline-05').locator('.status-chip')).toHaveText(/Never used/);
  await page.getByRole('checkbox', { name: 'Select nightly' }).check();
  await page.getByRole('button', { name: 'Actions for nightly' }).click();
  // Every button on the page and in the menu whose fill is the danger colour.
  const filled = await page.evaluate<string[]>(`(() => {
    const probe = document.createElement('div');
    probe.style.background = 'var(--danger)';
    document.body.append(probe);
    const red = getComputedStyle(probe).backgroundColor;
    probe.remove();
    return [...document.querySelectorAll('main button, [role="menu"] button')]
      .filter((b) => getComputedStyle(b).backgroundColor === red)
      .map((b) => b.textContent);
  })()`);
  expect(filled, 'buttons filled red').toEqual([]);
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Clear selection' }).click();
});

test('revoking the focused token leaves focus on its neighbour, not on the page', async () => {
  await page.getByRole('button', { name: 'Details of pipeline-06' }).focus();
  await page.keyboard.press('Delete');
  await page.getByRole('button', { name: 'Revoke token' }).click();
  await expect(row('pipeline-06')).toHaveCount(0);
  await expect.poll(focusedToken).toBe('pipeline-07');
});

test('the list and its menu at every size, light, dark and forced colours; axe finds nothing serious', async () => {
  for (const size of [
    { width: 720, height: 480 },
    { width: 1100, height: 750 },
    { width: 1920, height: 1080 },
  ]) {
    for (const look of ['light', 'dark', 'forced'] as const) {
      await page.setViewportSize(size);
      await page.emulateMedia(
        look === 'forced'
          ? { colorScheme: 'light', forcedColors: 'active' }
          : { colorScheme: look, forcedColors: 'none' },
      );
      await page.getByRole('checkbox', { name: 'Select pipeline-02' }).check();
      await page.getByRole('button', { name: 'Details of nightly' }).focus();
      await page.keyboard.press('Shift+F10');
      await expect(page.getByRole('menu')).toBeVisible();
      await page.evaluate('document.fonts.ready.then(() => true)');
      const at = `${size.width}x${size.height}-${look}`;
      await page.screenshot({ path: join(SCREENS, `grid-menu-${at}.png`) });
      expect(await page.evaluate(layoutProblemsInPage), at).toEqual([]);
      if (look !== 'forced') {
        // axe.run() in the page (legacy mode), not finished in a blank page of its own:
        // the same run while the window has no frame.
        expect(page.frames()).toHaveLength(1);
        const { violations } = await new AxeBuilder({ page })
          .setLegacyMode()
          .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
          .analyze();
        expect(
          violations
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
          at,
        ).toEqual([]);
      }
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: 'Clear selection' }).click();
    }
  }
  await page.emulateMedia({ colorScheme: 'light', forcedColors: 'none' });
  await page.setViewportSize({ width: 1100, height: 720 });
});
