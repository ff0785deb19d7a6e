/**
 * The token list at the minimum window (720×480) and a narrow one (900×720): names get
 * the width, the search placeholder shows whole, the header stays over its columns
 * when the list scrolls, and the list keeps room for rows under a selection and a
 * service-down banner. Screenshots go to test-results/screens/list-*.png.
 */
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { join } from 'node:path';
import { chromiumLaunchOptions } from './chromium.js';
import { layoutProblemsInPage, placeholderFits } from './layout-probe.mjs';
import { SCREENS, signIn, startDesk, type Desk } from './desk-fixture.js';

test.describe.configure({ mode: 'serial' });

const NARROW = [
  { width: 720, height: 480 },
  { width: 900, height: 720 },
] as const;

let desk: Desk;
let browser: Browser;
let page: Page;

test.beforeAll(async () => {
  desk = await startDesk('list-layout');
  // With scrollbars that take room, as Electron has on Linux and Windows (Playwright's
  // headless Chromium hides them).
  browser = await chromium.launch({
    ...chromiumLaunchOptions,
    ignoreDefaultArgs: ['--hide-scrollbars'],
  });
  page = await browser.newPage();
  await signIn(page, desk);
  const session = await desk.apiSession();
  const names = ['fastlane-android-beta', 'fastlane-ios-beta'];
  for (let i = 1; i <= 20; i++) names.push(`pipeline-${i}`);
  for (const name of names) {
    const response = await fetch(`${desk.service.url}/v1/users/me/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` },
      body: JSON.stringify({ name, expiresAt: null }),
    });
    expect(response.status).toBe(201);
  }
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByText('22 tokens')).toBeVisible();
  await page.getByLabel('Sort').selectOption('name');
});

test.afterAll(async () => {
  await browser?.close();
  await desk?.stop();
});

/** Whether an element shows its text whole (no ellipsis). */
const whole = (el: { scrollWidth: number; clientWidth: number }) =>
  el.scrollWidth <= el.clientWidth;

test('names and row buttons show whole, and the search placeholder fits', async () => {
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    for (const size of NARROW) {
      await page.setViewportSize(size);
      const at = `${size.width}×${size.height}`;
      await page.screenshot({ path: join(SCREENS, `list-${at}-${theme}.png`) });
      for (const name of ['fastlane-android-beta', 'fastlane-ios-beta']) {
        const button = page.getByRole('button', { name: `Details of ${name}` });
        expect(await button.evaluate(whole), `${name} at ${at}`).toBe(true);
      }
      const row = page.getByRole('row', { name: /fastlane-ios-beta/ });
      for (const button of await row.getByRole('button').all())
        expect(await button.evaluate(whole), `${await button.innerText()} at ${at}`).toBe(true);
      expect(await page.getByLabel('Search tokens').evaluate(placeholderFits), at).toBe(true);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
});

/** Every size the header must line up at: the minimum window, a narrow one, the default, full HD. */
const ALL_SIZES = [...NARROW, { width: 1100, height: 720 }, { width: 1920, height: 1080 }] as const;

/**
 * For each column whose header shows a label, where its label starts and where the
 * first row's cell of that column (matched by column, not position) shows its first
 * box: text, a badge's tinted box, a control. Both must start at the column's edge.
 */
const headerOffsets = () =>
  page.evaluate<Array<{ column: string; header: number; cell: number }>>(`(() => {
    const contentLeft = (el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      const boxes = [...range.getClientRects()].filter((box) => box.width > 0);
      return boxes.length ? Math.min(...boxes.map((box) => box.left)) : null;
    };
    const head = document.querySelector('.token-head');
    const row = document.querySelector('.token-scroller .token-row');
    return [...head.querySelectorAll('[data-col]')]
      .filter((h) => h.getClientRects().length > 0 && !h.querySelector('.visually-hidden'))
      .map((h) => ({
        column: h.textContent.trim() || 'Select all',
        header: contentLeft(h),
        cell: contentLeft(row.querySelector('[data-col="' + h.dataset.col + '"]')),
      }));
  })()`);

test('column headers line up with their columns at 720, 900, 1100 and 1920', async () => {
  for (const size of ALL_SIZES) {
    await page.setViewportSize(size);
    const offsets = await headerOffsets();
    expect(offsets.map((o) => o.column)).toEqual(expect.arrayContaining(['Name', 'Expires']));
    for (const { column, header, cell } of offsets)
      expect(
        Math.abs(header - cell),
        `${column} at ${size.width}×${size.height}: header at ${header}, cells at ${cell}`,
      ).toBeLessThanOrEqual(1);
  }
  await page.setViewportSize({ width: 1100, height: 720 });
});

test('the header stays over its columns while the list scrolls', async () => {
  for (const size of NARROW) {
    await page.setViewportSize(size);
    const scroller = page.locator('.token-scroller');
    expect(await scroller.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
    expect(await page.evaluate(layoutProblemsInPage), `${size.width}×${size.height}`).toEqual([]);
  }
});

test('under a selection and a service-down banner, the list keeps room for three rows', async () => {
  await page.setViewportSize({ width: 720, height: 480 });
  await page.getByRole('checkbox', { name: 'Select pipeline-1', exact: true }).check();
  const startService = await desk.stopService();
  try {
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(page.getByText("Can't reach the token service")).toBeVisible();
    await page.screenshot({ path: join(SCREENS, 'list-720x480-banner-selection.png') });
    const table = page.getByRole('grid', { name: 'API tokens' });
    const rows = page.locator('.token-scroller');
    expect((await rows.boundingBox())!.height).toBeGreaterThanOrEqual(3 * 52);
    expect(await page.evaluate(layoutProblemsInPage)).toEqual([]);
    await expect(table).toBeVisible();
  } finally {
    await startService();
  }
  await page.getByRole('button', { name: 'Retry now' }).click();
  await expect(page.getByText("Can't reach the token service")).toHaveCount(0);
  await page.setViewportSize({ width: 1100, height: 720 });
});
