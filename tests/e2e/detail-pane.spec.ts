/**
 * A token's details as master–detail: beside the list from 900 px, a dialog below,
 * the same content either way; resizing across 900 keeps them open in the other form
 * with focus kept; they follow the list (a revoke closes them, a rotation shows the
 * new token, a token gone after a refresh is said to be gone); Esc and Close give
 * focus back to the row; Enter opens, arrows only move; a clicked reminder opens them;
 * Delete asks about the ticked tokens when some are. Screenshots go to
 * test-results/screens/detail-*.png.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { join } from 'node:path';
import { layoutProblemsInPage } from './layout-probe.mjs';
import { closeReveal, SCREENS, signIn, startDesk, type Desk } from './desk-fixture.js';

test.describe.configure({ mode: 'serial' });

const DAY = 24 * 60 * 60 * 1000;
const WIDE = [
  { width: 900, height: 720 },
  { width: 1100, height: 720 },
  { width: 1920, height: 1080 },
] as const;
const DEFAULT = { width: 1100, height: 720 };
const NARROW = { width: 720, height: 480 };

let desk: Desk;
let context: BrowserContext;
let page: Page;
let session: string;

test.beforeAll(async ({ browser }) => {
  desk = await startDesk('detail');
  // axe's analyze() opens a page of its own, which browser.newPage()'s own context refuses.
  context = await browser.newContext();
  page = await context.newPage();
  await signIn(page, desk);
  session = await desk.apiSession();
  const names = ['fastlane-android-beta', 'fastlane-ios-beta'];
  for (let i = 1; i <= 14; i++) names.push(`pipeline-${String(i).padStart(2, '0')}`);
  for (const name of names) await createOnService(name, null);
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByText(`${names.length} tokens`)).toBeVisible();
  await page.getByLabel('Sort').selectOption('name');
});

test.afterAll(async () => {
  await context?.close();
  await desk?.stop();
});

async function createOnService(name: string, expiresAt: string | null) {
  const response = await fetch(`${desk.service.url}/v1/users/me/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` },
    body: JSON.stringify({ name, expiresAt }),
  });
  expect(response.status).toBe(201);
}

const grid = () => page.getByRole('grid', { name: 'API tokens' });
const row = (name: string) => grid().getByRole('row', { name: new RegExp(`${name}\\b`) });
const pane = (name: string) => page.getByRole('region', { name, exact: true });
const dialog = (name: string) => page.getByRole('dialog', { name, exact: true });
/** The token whose row holds focus, or null when focus is outside the rows. */
const focusedToken = () =>
  page.evaluate<string | null>(
    `document.activeElement?.closest('[role="row"][data-token-id]')?.querySelector('.name-button')?.textContent ?? null`,
  );
/** Where focus is: in the list, the pane, a dialog, nowhere (the page's body), or elsewhere. */
const focusIn = () =>
  page.evaluate<string>(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    if (el.closest('dialog')) return 'dialog';
    if (el.closest('.detail-pane')) return 'pane';
    if (el.closest('[role="grid"]')) return 'list';
    return 'elsewhere';
  })()`);
/** Whether an element shows its text whole (no ellipsis). */
const whole = (el: { scrollWidth: number; clientWidth: number }) =>
  el.scrollWidth <= el.clientWidth;

test('from 900 px the details open beside the list, which keeps its names whole', async () => {
  await page.getByRole('button', { name: 'Details of fastlane-android-beta' }).click();
  const details = pane('fastlane-android-beta');
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    for (const size of WIDE) {
      await page.setViewportSize(size);
      const at = `${size.width}x${size.height}-${theme}`;
      await expect(details).toBeVisible();
      await expect(page.locator('dialog')).toHaveCount(0);
      await expect(details.getByRole('heading', { level: 2 })).toHaveText('fastlane-android-beta');
      await expect(details.getByText('Prefix', { exact: true })).toBeVisible();
      await expect(details.getByRole('heading', { name: 'Where it is used' })).toBeVisible();
      await expect(details.getByText('Not recorded anywhere.')).toBeVisible();
      await expect(
        details.getByRole('list', { name: 'History of fastlane-android-beta' }),
      ).toContainText('Token created');
      for (const action of ['Send to CI…', 'Rotate', 'Close'])
        await expect(details.getByRole('button', { name: action, exact: true })).toBeVisible();
      // Revoke… in red words only: red fills belong to the confirmation.
      const revoke = details.getByRole('button', { name: 'Revoke…' });
      await expect(revoke).toHaveClass(/danger-quiet/);
      await expect(revoke).not.toHaveClass(/\bdanger\b(?!-)/);
      // Beside the list, not over it; the list's names still whole.
      const list = (await grid().boundingBox())!;
      const side = (await details.boundingBox())!;
      expect(list.x + list.width, at).toBeLessThanOrEqual(side.x);
      expect(side.x + side.width, at).toBeLessThanOrEqual(size.width);
      for (const name of ['fastlane-android-beta', 'fastlane-ios-beta'])
        expect(
          await page.getByRole('button', { name: `Details of ${name}` }).evaluate(whole),
          `${name} at ${at}`,
        ).toBe(true);
      await expect(row('fastlane-android-beta')).toHaveAttribute('aria-current', 'true');
      await page.evaluate('document.fonts.ready.then(() => true)');
      await page.screenshot({ path: join(SCREENS, `detail-pane-${at}.png`) });
      expect(await page.evaluate(layoutProblemsInPage), at).toEqual([]);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(DEFAULT);
  await details.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(details).toHaveCount(0);
});

test('axe finds nothing serious or critical in the pane, light or dark', async () => {
  await page.getByRole('button', { name: 'Details of fastlane-ios-beta' }).click();
  await expect(pane('fastlane-ios-beta').getByText('Token created')).toBeVisible();
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    for (const size of WIDE) {
      await page.setViewportSize(size);
      // axe.run() in the page (legacy mode), not finished in a blank page of its own:
      // the same run while the window has no frame.
      expect(page.frames()).toHaveLength(1);
      const { violations } = await new AxeBuilder({ page })
        .setLegacyMode()
        .include('.detail-pane')
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
        .options({ rules: { 'label-content-name-mismatch': { enabled: true } } })
        .analyze();
      for (const v of violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'))
        found.push(
          `${colorScheme} ${size.width}: ${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
        );
    }
  }
  expect(found).toEqual([]);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(DEFAULT);
  await page.keyboard.press('Escape');
  await expect(pane('fastlane-ios-beta')).toHaveCount(0);
});

test('Enter opens the details and focus goes to them; arrows only move in the list; Esc and Close give focus back to the row', async () => {
  await page.getByRole('button', { name: 'Details of pipeline-03' }).focus();
  await page.keyboard.press('Enter');
  const details = pane('pipeline-03');
  await expect(details.getByRole('heading', { level: 2 })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(details).toHaveCount(0);
  expect(await focusedToken()).toBe('pipeline-03');

  // With the pane open, arrows move focus in the list and leave the pane on its token.
  await page.keyboard.press('Enter');
  await expect(details).toBeVisible();
  await page.getByRole('button', { name: 'Details of pipeline-04' }).focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  expect(await focusedToken()).toBe('pipeline-06');
  await expect(details.getByRole('heading', { level: 2 })).toHaveText('pipeline-03');
  await expect(pane('pipeline-06')).toHaveCount(0);
  await page.keyboard.press('Enter');
  const sixth = pane('pipeline-06');
  await expect(sixth.getByRole('heading', { level: 2 })).toBeFocused();
  await expect(details).toHaveCount(0);
  await sixth.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(sixth).toHaveCount(0);
  expect(await focusedToken()).toBe('pipeline-06');

  // Esc from a control inside the pane closes it, and leaves the ticked tokens ticked
  // (Esc in the list clears them).
  await page.getByRole('checkbox', { name: 'Select pipeline-01' }).check();
  await page.getByRole('button', { name: 'Details of pipeline-05' }).click();
  await pane('pipeline-05').getByRole('button', { name: 'Revoke…' }).focus();
  await page.keyboard.press('Escape');
  await expect(pane('pipeline-05')).toHaveCount(0);
  expect(await focusedToken()).toBe('pipeline-05');
  await expect(page.getByRole('region', { name: 'Selection' })).toContainText('1 selected');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('region', { name: 'Selection' })).toHaveCount(0);
});

test('the command palette offers the open token’s actions, and runs them', async () => {
  await page.keyboard.press('Control+K');
  const palette = page.getByRole('dialog', { name: 'Commands' });
  // No token open: nothing about one.
  await expect(palette.getByRole('option', { name: /“pipeline-07”/ })).toHaveCount(0);
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'Details of pipeline-07' }).click();
  await expect(pane('pipeline-07')).toBeVisible();
  await page.keyboard.press('Control+K');
  await expect(palette.getByRole('option')).toContainText([
    'Send “pipeline-07” to CI…',
    'Rotate “pipeline-07”…',
    'Revoke “pipeline-07”…',
  ]);
  await palette.getByRole('combobox', { name: 'Command' }).fill('rotate');
  await page.keyboard.press('Enter');
  const confirm = page.getByRole('alertdialog', { name: 'Rotate “pipeline-07”?' });
  await expect(confirm).toBeVisible();
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toHaveCount(0);
  await pane('pipeline-07').getByRole('button', { name: 'Close', exact: true }).click();
});

test('Delete asks to revoke the ticked tokens when some are, else the focused one', async () => {
  await page.getByRole('checkbox', { name: 'Select pipeline-01' }).check();
  await page.getByRole('checkbox', { name: 'Select pipeline-02' }).check();
  await page.getByRole('button', { name: 'Details of pipeline-04' }).focus();
  await page.keyboard.press('Delete');
  const bulk = page.getByRole('alertdialog', { name: 'Revoke 2 tokens?' });
  await expect(bulk).toBeVisible();
  await expect(bulk).toContainText('pipeline-01');
  await expect(bulk).toContainText('pipeline-02');
  await expect(bulk).not.toContainText('pipeline-04');
  await bulk.getByRole('button', { name: 'Cancel' }).click();
  await expect(bulk).toHaveCount(0);
  await page.getByRole('button', { name: 'Clear selection' }).click();

  await page.getByRole('button', { name: 'Details of pipeline-04' }).focus();
  await page.keyboard.press('Delete');
  const one = page.getByRole('alertdialog', { name: 'Revoke “pipeline-04”?' });
  await expect(one).toBeVisible();
  await one.getByRole('button', { name: 'Cancel' }).click();
  expect(await focusedToken()).toBe('pipeline-04');
});

test('below 900 px the same details are a dialog; across 900 they stay open in the other form, focus kept', async () => {
  await page.setViewportSize(NARROW);
  await page.getByRole('button', { name: 'Details of pipeline-05' }).click();
  const modal = dialog('pipeline-05');
  await expect(modal).toBeVisible();
  await expect(pane('pipeline-05')).toHaveCount(0);
  await expect(modal.getByRole('heading', { name: 'Where it is used' })).toBeVisible();
  await expect(modal.getByRole('list', { name: 'History of pipeline-05' })).toContainText(
    'Token created',
  );
  const footer = modal.locator('.dialog-footer button');
  await expect(footer).toHaveText(['Revoke…', 'Send to CI…', 'Rotate', 'Close']);
  await expect(footer.first()).toHaveClass(/danger-quiet/);
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.screenshot({ path: join(SCREENS, `detail-dialog-720x480-${theme}.png`) });
    expect(await page.evaluate(layoutProblemsInPage), theme).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });

  // Each frame through the resizes, where focus is: never on the page's body.
  await page.evaluate(`(() => {
    window.__focusSeen = [];
    const look = () => {
      window.__focusSeen.push(document.activeElement === document.body ? 'body' : 'kept');
      window.__focusLook = requestAnimationFrame(look);
    };
    look();
  })()`);
  for (const size of [DEFAULT, NARROW, { width: 1920, height: 1080 }, NARROW]) {
    await page.setViewportSize(size);
    const wide = size.width >= 900;
    await expect(wide ? pane('pipeline-05') : modal).toBeVisible();
    await expect(wide ? modal : pane('pipeline-05')).toHaveCount(0);
    await expect.poll(focusIn).toBe(wide ? 'pane' : 'dialog');
  }
  const seen = await page.evaluate<string[]>(
    `(cancelAnimationFrame(window.__focusLook), window.__focusSeen)`,
  );
  expect(seen.length).toBeGreaterThan(0);
  expect(seen.filter((where) => where === 'body')).toEqual([]);

  await modal.getByRole('button', { name: 'Close', exact: true }).last().click();
  await expect(modal).toHaveCount(0);
  expect(await focusedToken()).toBe('pipeline-05');
  await page.setViewportSize(DEFAULT);
});

test('revoked from its details: they close, a status says so, focus stays in the list (pane and dialog)', async () => {
  for (const [size, name] of [
    [DEFAULT, 'pipeline-07'],
    [NARROW, 'pipeline-08'],
  ] as const) {
    await page.setViewportSize(size);
    await page.getByRole('button', { name: `Details of ${name}` }).click();
    const details = size === DEFAULT ? pane(name) : dialog(name);
    await details.getByRole('button', { name: 'Revoke…' }).click();
    await page
      .getByRole('alertdialog', { name: `Revoke “${name}”?` })
      .getByRole('button', { name: 'Revoke token' })
      .click();
    await expect(details).toHaveCount(0);
    await expect(page.locator('dialog')).toHaveCount(0);
    await expect(row(name)).toHaveCount(0);
    await expect(page.getByRole('status').filter({ hasText: `Revoked “${name}”.` })).toHaveCount(1);
    await expect.poll(focusIn).toBe('list');
  }
  await page.setViewportSize(DEFAULT);
});

test('gone behind the window’s back: after a refresh the details say so and show nothing stale', async () => {
  await page.getByRole('button', { name: 'Details of pipeline-09' }).click();
  const details = pane('pipeline-09');
  await expect(details.getByText('Token created')).toBeVisible();
  const id = (await row('pipeline-09').getAttribute('data-token-id'))!;
  const response = await fetch(`${desk.service.url}/v1/users/me/tokens/${id}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${session}` },
  });
  expect(response.status).toBe(204);
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(row('pipeline-09')).toHaveCount(0);
  await expect(details).toContainText('“pipeline-09” is no longer in the list');
  for (const stale of ['Prefix', 'Where it is used', 'History', 'Token created'])
    await expect(details.getByText(stale, { exact: true })).toHaveCount(0);
  await expect(details.getByRole('button', { name: /Revoke|Rotate|Send/ })).toHaveCount(0);
  await page.screenshot({ path: join(SCREENS, 'detail-pane-gone-1100x720.png') });

  // The narrow form says the same.
  await page.setViewportSize(NARROW);
  const modal = dialog('pipeline-09');
  await expect(modal).toContainText('“pipeline-09” is no longer in the list');
  await expect(modal.getByText('Where it is used')).toHaveCount(0);
  await page.setViewportSize(DEFAULT);
  await details.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(details).toHaveCount(0);
  await expect.poll(focusIn).toBe('list');
});

test('rotated from its details: they follow the new token, never the old facts', async () => {
  await page.getByRole('button', { name: 'Details of pipeline-10' }).click();
  const details = pane('pipeline-10');
  const prefix = details.locator('dt:text-is("Prefix") + dd');
  const before = (await prefix.textContent())!;
  await details.getByRole('button', { name: 'Rotate', exact: true }).click();
  await page
    .getByRole('alertdialog', { name: 'Rotate “pipeline-10”?' })
    .getByRole('button', { name: 'Rotate token' })
    .click();
  await expect(page.getByRole('dialog', { name: 'New secret for “pipeline-10”' })).toBeVisible();
  await closeReveal(page);
  await expect(details).toBeVisible();
  const rowPrefix = (await row('pipeline-10').locator('.cell-prefix').textContent())!;
  expect(rowPrefix).not.toBe(before);
  await expect(prefix).toHaveText(rowPrefix);
  await expect(details.getByText('no longer in the list')).toHaveCount(0);
  await expect(details.getByRole('button', { name: 'Revoke…' })).toBeVisible();
  await details.getByRole('button', { name: 'Close', exact: true }).click();
});

test('a clicked expiry reminder opens its token’s details: the pane when wide, the dialog when narrow', async () => {
  await createOnService('expires-soon', new Date(Date.now() + 3 * DAY).toISOString());
  await desk.restartHarness(); // main checks at start, as the app does
  expect((await desk.notifications()).map((n) => n.title)).toEqual([
    'Token “expires-soon” expires within 7 days',
  ]);
  await signIn(page, desk);
  await desk.clickNotification(0);
  const details = pane('expires-soon');
  await expect(details.getByRole('heading', { level: 2 })).toBeFocused();
  await expect(page.locator('dialog')).toHaveCount(0);
  await page.screenshot({ path: join(SCREENS, 'detail-reminder-1100x720.png') });
  await page.keyboard.press('Escape');
  await expect(details).toHaveCount(0);
  expect(await focusedToken()).toBe('expires-soon');

  await page.setViewportSize(NARROW);
  await desk.clickNotification(0);
  await expect(dialog('expires-soon')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog('expires-soon')).toHaveCount(0);
  await page.setViewportSize(DEFAULT);
});
