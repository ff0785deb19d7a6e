/**
 * Health counts above the list that filter it, each row saying
 * why it needs attention, "needs attention first" as the default order, Replace on
 * an expired token, and bulk selection (click, Shift+click, Ctrl+A within the
 * filtered list) with one "Revoke N tokens". The page's clock is moved (Playwright's
 * clock) to make tokens expire or go unused; the service keeps real time.
 */
import { expect, test, type Page } from '@playwright/test';
import { signIn, startDesk, type Desk, checkLayoutEverywhere } from './desk-fixture.js';
import { timeCountChange } from './in-page.mjs';
import { chooseRowAction, openRowMenu } from './row-menu.js';

test.describe.configure({ mode: 'serial' });

const DAY = 24 * 60 * 60 * 1000;

let desk: Desk;
let page: Page;
let start: number;
const secrets = new Map<string, string>();

async function status(secret: string): Promise<number> {
  const response = await fetch(`${desk.service.url}/v1/users/me`, {
    headers: { authorization: `Bearer ${secret}` },
  });
  return response.status;
}

test.beforeAll(async ({ browser }) => {
  desk = await startDesk('attention');
  const session = await desk.apiSession();
  start = Date.now();
  const create = async (name: string, days: number | null, used: boolean) => {
    const response = await fetch(`${desk.service.url}/v1/users/me/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` },
      body: JSON.stringify({
        name,
        expiresAt: days === null ? null : new Date(start + days * DAY).toISOString(),
      }),
    });
    expect(response.status).toBe(201);
    const secret = ((await response.json()) as { secret: string }).secret;
    secrets.set(name, secret);
    if (used) expect(await status(secret)).toBe(200);
  };
  await create('old-ci', 200, true);
  await create('staging', 10, true);
  await create('docs-preview', null, false);
  await create('release', 30, true);
  await create('nightly-build', 3, false);
  page = await browser.newPage();
  await page.clock.install();
  await signIn(page, desk);
});

test.afterAll(async () => {
  await page?.close();
  await desk?.stop();
});

const counts = () => page.getByRole('group', { name: 'Needs attention' });
const count = (label: RegExp) => counts().getByRole('button', { name: label });
const names = async () => page.locator('.token-scroller .token-row .name-button').allTextContents();

test('health counts filter the list; needs attention first is the default order; each row says why', async () => {
  await expect(page.getByLabel('Sort')).toHaveValue('attention');
  await expect(count(/Expiring within 7 days/)).toHaveText(/^1 /);
  await expect(count(/Expired/)).toHaveText(/^0 /);
  await expect(count(/Never used/)).toHaveText(/^2 /);
  await expect(count(/Not used for 90 days/)).toHaveText(/^0 /);
  // The expiring one first, then the never used, then the rest newest first.
  expect(await names()).toEqual(['nightly-build', 'docs-preview', 'release', 'staging', 'old-ci']);
  await expect(page.getByRole('row', { name: /nightly-build/ })).toContainText(
    'Needs attention: Expires within 7 days',
  );
  await expect(page.getByRole('row', { name: /old-ci/ })).not.toContainText('Needs attention');

  await count(/Never used/).click();
  await expect(count(/Never used/)).toHaveAttribute('aria-pressed', 'true');
  expect(await names()).toEqual(['nightly-build', 'docs-preview']);
  await expect(page.getByText('2 of 5 tokens')).toBeVisible();
  await checkLayoutEverywhere(page, 'health-filter', async () => {
    await expect(counts()).toBeVisible();
  });
  await count(/Never used/).click();
  expect(await names()).toHaveLength(5);

  // 95 days on (the page's clock): three expired, one unused for 90 days.
  await page.clock.setSystemTime(start + 95 * DAY);
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(count(/Expired/)).toHaveText(/^3 /);
  await expect(count(/Expiring within 7 days/)).toHaveText(/^0 /);
  await expect(count(/Not used for 90 days/)).toHaveText(/^3 /);
  await expect(count(/Never used/)).toHaveText(/^2 /);
  await expect(page.getByRole('row', { name: /old-ci/ })).toContainText(
    'Needs attention: Not used for 90 days or more',
  );
  await count(/Expired/).click();
  expect(await names()).toEqual(['nightly-build', 'staging', 'release']);
  await expect(page.getByRole('row', { name: /staging/ })).toContainText(
    'Needs attention: Expired: replace it or revoke it',
  );
  await openRowMenu(page, 'staging');
  await checkLayoutEverywhere(page, 'health-expired', async () => {
    await expect(page.getByRole('menuitem', { name: 'Replace…' })).toBeVisible();
  });
  await page.keyboard.press('Escape');
});

test('Replace on an expired token issues a new secret under the same name', async () => {
  await chooseRowAction(page, 'staging', 'Replace…');
  const confirm = page.getByRole('alertdialog', { name: 'Replace “staging”?' });
  await expect(confirm).toContainText('same lifetime counted from today');
  await confirm.getByRole('button', { name: 'Replace token' }).click();
  const reveal = page.getByRole('dialog', { name: 'New secret for “staging”' });
  const fresh = (await reveal.getByTestId('secret').textContent())!;
  expect(await status(fresh)).toBe(200);
  expect(await status(secrets.get('staging')!)).toBe(401);
  secrets.set('staging', fresh);
  await reveal.getByRole('button', { name: 'Done' }).click();
  await reveal.getByRole('button', { name: 'Close and forget the secret' }).click();
  await count(/Expired/).click(); // back to every token
  await page.clock.setSystemTime(start + DAY);
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByText('5 tokens', { exact: true })).toBeVisible();
});

test('bulk revoke: a Shift+click range, one confirmation naming them, the outcome per token', async () => {
  await page.getByLabel('Sort').selectOption('name');
  expect(await names()).toEqual(['docs-preview', 'nightly-build', 'old-ci', 'release', 'staging']);
  await page.getByRole('checkbox', { name: 'Select nightly-build' }).click();
  await page.getByRole('checkbox', { name: 'Select release' }).click({ modifiers: ['Shift'] });
  const selection = page.getByRole('region', { name: 'Selection' });
  await expect(selection).toContainText('3 selected');
  for (const name of ['nightly-build', 'old-ci', 'release'])
    await expect(page.getByRole('checkbox', { name: `Select ${name}` })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'Select docs-preview' })).not.toBeChecked();
  await checkLayoutEverywhere(page, 'bulk-selection', async () => {
    await expect(selection).toBeVisible();
  });

  await selection.getByRole('button', { name: 'Revoke 3 tokens' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Revoke 3 tokens?' });
  await expect(confirm.getByRole('list', { name: 'Tokens to revoke' })).toContainText(
    /nightly-build.*old-ci.*release/s,
  );
  await checkLayoutEverywhere(page, 'bulk-revoke-confirm', async () => {
    await expect(confirm).toBeVisible();
  });
  await confirm.getByRole('button', { name: 'Revoke 3 tokens' }).click();
  const done = page.getByRole('alertdialog', { name: 'Revoked 3 of 3 tokens' });
  const outcome = done.getByRole('list', { name: 'Outcome per token' });
  await expect(outcome.getByRole('listitem')).toHaveCount(3);
  await expect(outcome).toContainText('Revoked nightly-build');
  await checkLayoutEverywhere(page, 'bulk-revoke-outcome', async () => {
    await expect(done).toBeVisible();
  });
  await done.getByRole('button', { name: 'Done' }).click();
  expect(await names()).toEqual(['docs-preview', 'staging']);
  for (const name of ['nightly-build', 'old-ci', 'release'])
    expect(await status(secrets.get(name)!)).toBe(401);
  expect(await status(secrets.get('staging')!)).toBe(200);
});

test('Ctrl+A selects what the filtered list shows; Esc clears', async () => {
  await count(/Never used/).click();
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('Control+A');
  const selection = page.getByRole('region', { name: 'Selection' });
  await expect(selection).toContainText('1 selected');
  await expect(page.getByRole('checkbox', { name: 'Select docs-preview' })).toBeChecked();
  await page.keyboard.press('Escape');
  await expect(selection).toHaveCount(0);
  // In the search box, Ctrl+A selects the text, not the tokens.
  await page.getByLabel('Search tokens').fill('docs');
  await page.keyboard.press('Control+A');
  await expect(selection).toHaveCount(0);
  await page.getByLabel('Search tokens').fill('');
});

test('prints (asserts nothing about speed): health filter and search keystroke time with 5,000 tokens', async () => {
  const session = await desk.apiSession();
  const total = 5000;
  for (let i = 0; i < total; i += 50) {
    await Promise.all(
      Array.from({ length: 50 }, (_, j) => {
        const n = i + j;
        // A mix: a tenth expire within the week, the rest later or never.
        const days = n % 10 === 0 ? 3 : n % 3 === 0 ? null : 60;
        return fetch(`${desk.service.url}/v1/users/me/tokens`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` },
          body: JSON.stringify({
            name: `bench-${String(n).padStart(4, '0')}`,
            expiresAt: days === null ? null : new Date(Date.now() + days * DAY).toISOString(),
          }),
        });
      }),
    );
  }
  await page.clock.setSystemTime(Date.now());
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByText('5,002 tokens')).toBeVisible();
  await expect(count(/Expiring within 7 days/)).toHaveText(/^500 /);

  // In the page: from the click (or the keystroke) to React's commit of the new count.
  // In the page: from the click (or the keystroke) to React's commit of the new count.
  const measure = (action: 'filter' | 'search', text: string) =>
    page.evaluate(timeCountChange, { action, text });
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
  const filter: number[] = [];
  const search: number[] = [];
  for (let run = 0; run < 5; run += 1) {
    filter.push(await measure('filter', 'Expiring within 7 days'));
    filter.push(await measure('filter', 'Expiring within 7 days')); // and off again
    search.push(await measure('search', `bench-${String(run * 7).padStart(3, '0')}`));
    search.push(await measure('search', ''));
  }
  console.log(
    `renderer with ${total + 2} tokens: health filter p50 ${median(filter).toFixed(1)} ms, ` +
      `search keystroke p50 ${median(search).toFixed(1)} ms (click or input event to the committed count, in the page)`,
  );
});
