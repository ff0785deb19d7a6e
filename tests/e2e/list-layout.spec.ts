/**
 * The token list at the minimum window (720×480) and a narrow one (900×720): names get
 * the width, the search placeholder shows whole, the header stays over its columns
 * when the list scrolls (and its labels over their cells at every size), and the list
 * keeps room for rows under a selection and a service-down banner, and under an
 * unfinished rotation too. At 200 % zoom of the default window (550×360 CSS px) the
 * screen stays usable. Screenshots go to test-results/screens/list-*.png.
 */
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { join } from 'node:path';
import { chromiumLaunchOptions } from './chromium.js';
import { layoutProblemsInPage, placeholderFits } from './layout-probe.mjs';
import { startFakeGitHub, type FakeGitHub } from '../support/ci-providers/github/fake-github.js';
import { closeReveal, createToken, SCREENS, signIn, startDesk, type Desk } from './desk-fixture.js';
import { chooseRowAction } from './row-menu.js';

test.describe.configure({ mode: 'serial' });

const NARROW = [
  { width: 720, height: 480 },
  { width: 900, height: 720 },
] as const;

const GITHUB_TOKEN = 'ghp_listLayoutToken0000000000000000000001';

let desk: Desk;
let browser: Browser;
let page: Page;
let github: FakeGitHub | undefined;

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
  await github?.close();
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
  // The list retries by itself every few seconds, so Retry now may be gone before a
  // click lands on it (it was, on a busy machine): wait for the retry instead.
  await expect(page.getByText("Can't reach the token service")).toHaveCount(0);
  await page.setViewportSize({ width: 1100, height: 720 });
});

test('at 200 % zoom of the default window: names whole, three rows of list, nothing sideways, every control reachable', async () => {
  // 1100×720 at 200 %: a 550×360 CSS px viewport drawn with two device pixels per px.
  const zoomed = await browser.newContext({
    viewport: { width: 550, height: 360 },
    deviceScaleFactor: 2,
  });
  try {
    const at200 = await zoomed.newPage();
    await signIn(at200, desk); // main still holds the session: the list shows straight away
    await at200.getByLabel('Sort').selectOption('name');
    for (const theme of ['light', 'dark'] as const) {
      await at200.emulateMedia({ colorScheme: theme });
      await at200.evaluate('document.fonts.ready.then(() => true)');
      await at200.screenshot({ path: join(SCREENS, `list-550x360-zoom200-${theme}.png`) });
      for (const name of ['fastlane-android-beta', 'fastlane-ios-beta']) {
        const button = at200.getByRole('button', { name: `Details of ${name}` });
        expect(await button.evaluate(whole), `${name}, ${theme}`).toBe(true);
      }
      expect(await at200.getByLabel('Search tokens').evaluate(placeholderFits)).toBe(true);
      const rows = (await at200.locator('.token-scroller').boundingBox())!;
      expect(rows.height, 'the rows’ height').toBeGreaterThanOrEqual(3 * 52);
      expect(await at200.evaluate(layoutProblemsInPage), theme).toEqual([]);
    }
    await at200.emulateMedia({ colorScheme: 'light' });

    // Every control on the screen takes focus with Tab, and shows whole when it has it.
    const wanted = [
      'Tokens',
      'Activity',
      'Settings',
      'New token',
      'Search tokens',
      'Sort',
      'Refresh',
      'Details of fastlane-android-beta',
    ];
    const reached = new Set<string>();
    const outside: string[] = [];
    await at200.getByRole('heading', { name: 'Token Desk' }).focus();
    for (let presses = 0; presses < 40 && reached.size < wanted.length; presses++) {
      await at200.keyboard.press('Tab');
      const focused = await at200.evaluate<{ name: string; inView: boolean }>(`(() => {
        const el = document.activeElement;
        const box = el.getBoundingClientRect();
        const label = el.labels?.[0]?.textContent?.trim();
        return {
          name: el.getAttribute('aria-label') ?? label ?? el.textContent.trim(),
          inView: box.left >= 0 && box.right <= innerWidth && box.top >= 0 && box.bottom <= innerHeight,
        };
      })()`);
      if (wanted.includes(focused.name)) reached.add(focused.name);
      if (!focused.inView) outside.push(focused.name);
    }
    expect([...reached].sort()).toEqual([...wanted].sort());
    expect(outside, 'focused but not scrolled into view').toEqual([]);

    // A token's details open as a dialog that fits.
    await at200.getByRole('button', { name: 'Details of fastlane-android-beta' }).click();
    const details = at200.getByRole('dialog', { name: 'fastlane-android-beta' });
    await expect(details.getByRole('heading', { name: 'Where it is used' })).toBeVisible();
    await at200.screenshot({ path: join(SCREENS, 'list-550x360-zoom200-details.png') });
    expect(await at200.evaluate(layoutProblemsInPage)).toEqual([]);
    await at200.keyboard.press('Escape');
    await expect(details).toHaveCount(0);
  } finally {
    await zoomed.close();
  }
});

test('at the minimum window, an unfinished rotation and the service-down banner leave the list three rows', async () => {
  github = await startFakeGitHub({ enterprise: true });
  github.addAccount(GITHUB_TOKEN, 'ada-lovelace');
  github.addRepository('ada-lovelace', 'capacitor-app');
  await page.setViewportSize({ width: 1100, height: 720 });
  await page.getByRole('link', { name: 'Settings' }).click();
  const form = page.getByRole('form', { name: 'Add a CI provider account' });
  await form.getByLabel('GitHub', { exact: true }).check();
  await form.getByLabel('GitHub address').fill(new URL(github.apiBaseUrl).origin);
  await form.getByLabel('Personal access token').fill(GITHUB_TOKEN);
  await form.getByRole('button', { name: 'Add GitHub account' }).click();
  await expect(page.getByRole('list', { name: 'CI provider accounts' })).toContainText(
    'ada-lovelace',
  );
  await page.getByRole('link', { name: 'Tokens' }).click();

  await createToken(page, 'deploy-ios');
  const reveal = page.getByRole('dialog', { name: 'Token “deploy-ios” created' });
  await reveal.getByRole('button', { name: 'Send to CI…' }).click();
  const send = page.getByRole('dialog', { name: 'Send “deploy-ios” to CI' });
  await send.getByRole('radio', { name: /capacitor-app/ }).check();
  await send.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(send.getByRole('list', { name: 'Sent to CI' })).toContainText('Created');
  await send.getByRole('button', { name: 'Done' }).click();
  await closeReveal(page);
  github.failNext('/actions/secrets/', { status: 403, body: { message: 'Forbidden' } });
  await chooseRowAction(page, 'deploy-ios', 'Rotate and update 1 place…');
  await page.getByRole('button', { name: 'Rotate and update 1 place' }).click();
  const rotated = page.getByRole('dialog', { name: 'New secret for “deploy-ios”' });
  await expect(rotated.getByText('1 failed')).toBeVisible();
  await closeReveal(page);
  await expect(page.getByRole('region', { name: 'Unfinished rotations' })).toBeVisible();

  await page.setViewportSize({ width: 720, height: 480 });
  const startService = await desk.stopService();
  try {
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(page.getByText("Can't reach the token service")).toBeVisible();
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await page.screenshot({ path: join(SCREENS, `list-720x480-rotation-banner-${theme}.png`) });
      await expect(page.getByRole('region', { name: 'Unfinished rotations' })).toBeVisible();
      const rows = (await page.locator('.token-scroller').boundingBox())!;
      expect(rows.height, theme).toBeGreaterThanOrEqual(3 * 52);
      expect(await page.evaluate(layoutProblemsInPage), theme).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  } finally {
    await startService();
  }
  // The list retries by itself every few seconds, so Retry now may be gone before a
  // click lands on it (it was, on a busy machine): wait for the retry instead.
  await expect(page.getByText("Can't reach the token service")).toHaveCount(0);
  await page.setViewportSize({ width: 1100, height: 720 });
});
