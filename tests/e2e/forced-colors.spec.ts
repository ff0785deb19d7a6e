/**
 * Forced colours (Windows High Contrast), emulated: the system paints every colour, so
 * whatever said itself with a fill alone (the shown screen, a selected row, a marked
 * command, a warning) must say itself with a line or a system colour instead. On every
 * screen and dialog: each focused control shows its ring, each button its border, the
 * current sidebar item stands apart from the others, and so do a selected row and the
 * attention chip. Screenshots go to test-results/screens/forced-colors-*.png.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { join } from 'node:path';
import { closeReveal, createToken, SCREENS, signIn, startDesk, type Desk } from './desk-fixture.js';
import { focusRingProblem, marksOf, unframedButtons, type Mark } from './forced-colors-probe.mjs';
import { chooseRowAction } from './row-menu.js';

test.describe.configure({ mode: 'serial' });

const DAY = 24 * 60 * 60 * 1000;

let desk: Desk;
let page: Page;

/** One element's mark (the probe takes a list, so its one function runs whole in the page). */
const markOf = async (locator: Locator): Promise<Mark> => (await locator.evaluateAll(marksOf))[0]!;

test.beforeAll(async ({ browser }) => {
  desk = await startDesk('forced-colors');
  page = await browser.newPage();
  await page.emulateMedia({ forcedColors: 'active' });
});

test.afterAll(async () => {
  await page?.close();
  await desk?.stop();
});

async function shoot(name: string) {
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ forcedColors: 'active', colorScheme: theme });
    await page.screenshot({ path: join(SCREENS, `forced-colors-${name}-${theme}.png`) });
  }
  await page.emulateMedia({ forcedColors: 'active', colorScheme: 'light' });
}

/**
 * Tabs from where focus is, up to `steps` times or until focus leaves the page, and
 * lists every stop whose ring would not show; at least `least` stops must be seen.
 */
async function ringProblems(steps: number, least = 3): Promise<string[]> {
  const problems: string[] = [];
  let seen = 0;
  for (let i = 0; i < steps; i++) {
    await page.keyboard.press('Tab');
    const problem = await page.evaluate(focusRingProblem);
    if (problem === 'nothing has focus') break;
    seen += 1;
    if (problem) problems.push(problem);
  }
  expect(seen, 'focus stops looked at').toBeGreaterThanOrEqual(Math.min(least, steps));
  return problems;
}

/** The shown screen's sidebar entry has a line or a fill the other entries do not. */
async function expectCurrentNavMarked(name: string) {
  const nav = page.getByRole('navigation', { name: 'Screens' });
  const current = nav.locator('[aria-current="page"]');
  await expect(current).toHaveText(name);
  const mark = await markOf(current);
  const others = await nav.locator('a:not([aria-current])').evaluateAll(marksOf);
  expect(others.length).toBeGreaterThan(0);
  const line = mark.left ?? mark.bottom;
  expect(line !== null || mark.background !== others[0]!.background, 'a line or a fill').toBe(true);
  for (const other of others) {
    // Not the same look: the line is only the current one's, or its fill differs.
    expect(
      (line !== null && (other.left ?? other.bottom) !== line) ||
        other.background !== mark.background,
      `${name} and another entry look alike: ${JSON.stringify({ mark, other })}`,
    ).toBe(true);
  }
}

/** Buttons framed, focus rings showing on the first stops, the screen marked in the sidebar. */
async function expectScreen(name: string, navName: string) {
  expect(await page.evaluate(unframedButtons), `${name}: buttons without a border`).toEqual([]);
  await expectCurrentNavMarked(navName);
  await page.locator('h1').first().focus();
  expect(await ringProblems(8), `${name}: focus rings`).toEqual([]);
  await shoot(name);
}

/**
 * Inside an open dialog: a drawn edge, framed buttons, a ring on every stop (tabbing
 * from the control it focused on opening; past the last one focus leaves the page).
 */
async function expectDialog(dialog: Locator, name: string, stops: number, least = 3) {
  await expect(dialog).toBeVisible();
  const mark = await markOf(dialog);
  expect(mark.top, `${name}: the dialog's edge`).not.toBeNull();
  expect(await page.evaluate(unframedButtons), `${name}: buttons without a border`).toEqual([]);
  expect(await ringProblems(stops, least), `${name}: focus rings`).toEqual([]);
  await shoot(name);
}

test('sign-in: fields and buttons framed, focus visible, Sign in marked in the sidebar', async () => {
  await page.goto(desk.harness.url);
  await expect(page.getByRole('heading', { name: 'Sign in to Token Desk' })).toBeVisible();
  await expectScreen('sign-in', 'Sign in');
  const email = page.getByLabel('Email');
  expect(await markOf(email)).toMatchObject({ top: expect.any(String) });
});

test('tokens: the attention chip keeps its border, a selected row stands apart', async () => {
  await signIn(page, desk);
  const session = await desk.apiSession();
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

  const nightly = page.getByRole('row', { name: /nightly/ });
  const chip = nightly.locator('.status-chip');
  await expect(chip).toHaveText(/Expires soon/);
  const chipMark = await markOf(chip);
  expect(chipMark.top, 'the chip’s border').not.toBeNull();
  expect(chipMark.left).not.toBeNull();

  await page.getByRole('checkbox', { name: 'Select nightly' }).check();
  const look = async (row: Locator) => {
    const mark = await markOf(row);
    return `${mark.background} ${mark.outline} ${mark.left} ${mark.top}`;
  };
  const other = page.getByRole('row', { name: /deploy-ios/ });
  expect(await look(nightly)).not.toBe(await look(other));
  await shoot('tokens-selected');
  await page.getByRole('button', { name: 'Clear selection' }).click();

  await expectScreen('tokens', 'Tokens');
});

test('tokens: the row menu and the account menu show which item has focus', async () => {
  await page.getByRole('button', { name: 'Actions for deploy-ios' }).click();
  const rowMenu = page.getByRole('menu', { name: 'Actions for deploy-ios' });
  await expect(rowMenu).toBeVisible();
  await page.keyboard.press('ArrowDown');
  expect(await page.evaluate(focusRingProblem), 'row menu').toBeNull();
  expect((await markOf(rowMenu)).top, 'the menu’s edge').not.toBeNull();
  await shoot('row-menu');
  await page.keyboard.press('Escape');

  await page.keyboard.press('Control+Shift+A');
  const accounts = page.getByRole('menu', { name: 'Accounts' });
  await expect(accounts).toBeVisible();
  await page.keyboard.press('ArrowDown');
  expect(await page.evaluate(focusRingProblem), 'account menu').toBeNull();
  await shoot('account-menu');
  await page.keyboard.press('Escape');
  await expect(accounts).toHaveCount(0);
});

test('dialogs: new token, the reveal’s warning, the command palette’s marked command', async () => {
  await page.getByRole('button', { name: 'New token' }).click();
  await expectDialog(page.getByRole('dialog', { name: 'New API token' }), 'new-token', 6);
  await page.keyboard.press('Escape');

  await createToken(page, 'forced');
  const reveal = page.getByRole('dialog', { name: 'Token “forced” created' });
  // The warning lost its fill to the system colours: a border says it is set apart.
  const warning = await markOf(reveal.locator('.banner-warning'));
  expect(warning.top, 'the warning’s border').not.toBeNull();
  await expectDialog(reveal, 'reveal', 5);
  await closeReveal(page);

  await chooseRowAction(page, 'nightly', 'Revoke…');
  // It opens on Cancel; Revoke token is the one stop after it.
  await expectDialog(page.locator('dialog[open]'), 'revoke', 4, 1);
  await page.keyboard.press('Escape');
  await expect(page.locator('dialog')).toHaveCount(0);

  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Commands' });
  await expect(palette).toBeVisible();
  await page.keyboard.press('ArrowDown');
  const options = palette.getByRole('option');
  const marked = await markOf(options.nth(1));
  const plain = await markOf(options.nth(0));
  expect(
    marked.background !== plain.background || (marked.top !== null && marked.top !== plain.top),
  ).toBe(true);
  // Its field has the keyboard (a text field shows its ring however it got focus); the
  // list is not a tab stop, and past the field focus leaves the page.
  await expect(palette.getByRole('combobox', { name: 'Command' })).toBeFocused();
  expect(await page.evaluate(focusRingProblem), 'the palette’s field').toBeNull();
  await expectDialog(palette, 'palette', 0, 0);
  await page.keyboard.press('Escape');
});

test('activity and settings: framed, focus visible, marked in the sidebar', async () => {
  await signIn(page, desk);
  await page.keyboard.press('Control+2');
  await expect(page.getByRole('heading', { level: 1, name: 'Activity' })).toBeVisible();
  await expect(page.locator('.event-list .event').first()).toBeVisible();
  await expectScreen('activity', 'Activity');
  await page.keyboard.press('Control+,');
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await expectScreen('settings', 'Settings');
});
