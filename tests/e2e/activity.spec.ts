/**
 * The Activity view (filters, paging, CSV and JSON export through
 * the harness's stand-in save dialog), a token's history in its details, expiry
 * reminders recorded once across restarts, and a clicked reminder opening its token.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCREENS, signIn, startDesk, type Desk, checkLayoutEverywhere } from './desk-fixture.js';
import { tokenDetails } from './token-details.js';

test.describe.configure({ mode: 'serial' });

const DAY = 24 * 60 * 60 * 1000;
let desk: Desk;
let page: Page;
const secrets: string[] = [];

async function api(method: string, path: string, body?: unknown) {
  const session = await desk.apiSession();
  return fetch(`${desk.service.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${session}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function createToken(name: string, expiresAt: string | null): Promise<string> {
  const response = await api('POST', '/v1/users/me/tokens', { name, expiresAt });
  expect(response.status).toBe(201);
  const { id, secret } = (await response.json()) as { id: string; secret: string };
  secrets.push(secret);
  return id;
}

test.beforeAll(async ({ browser }) => {
  desk = await startDesk('activity');
  page = await browser.newPage();
  await signIn(page, desk);
});

test.afterAll(async () => {
  await page?.close();
  await desk?.stop();
});

test('the Activity view pages through events, filters them, and exports CSV and JSON', async () => {
  for (let i = 1; i <= 28; i += 1) await createToken(`pipeline-${i}`, null);
  const revokedId = await createToken('to-be-revoked', null);
  expect((await api('DELETE', `/v1/users/me/tokens/${revokedId}`)).status).toBe(204);

  await page.getByRole('link', { name: 'Activity' }).click();
  const list = page.getByRole('list', { name: 'Account activity' });
  await expect(list.getByRole('listitem')).toHaveCount(25);
  await expect(list.getByRole('listitem').first()).toContainText('Revoked · to-be-revoked');
  await page.getByRole('button', { name: 'Load older events' }).click();
  // 29 created, 1 revoked, and the sign-ins of this run.
  await expect.poll(async () => list.getByRole('listitem').count()).toBeGreaterThanOrEqual(30);
  await expect(page.getByRole('button', { name: 'Load older events' })).toHaveCount(0);
  await expect(list).toContainText('Token created · pipeline-1');
  await expect(list).toContainText('Signed in');

  await page.getByLabel('What').selectOption('token.revoked');
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await checkLayoutEverywhere(page, 'activity', async () => {
    await expect(list).toBeVisible();
  });

  await page.getByRole('button', { name: 'Export CSV' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved 1 event to' })).toBeVisible();
  const csv = readFileSync(join(desk.exportDir(), 'export-1.csv'), 'utf8');
  expect(csv.split('\r\n')[1]).toContain('token.revoked');
  expect(csv).toContain('to-be-revoked');
  await page.getByLabel('What').selectOption('');
  await page.getByRole('button', { name: 'Export JSON' }).click();
  await expect(page.getByRole('status').filter({ hasText: /Saved \d+ events to/ })).toBeVisible();
  const json = JSON.parse(readFileSync(join(desk.exportDir(), 'export-2.json'), 'utf8')) as {
    events: Array<{ kind: string; tokenName: string | null }>;
  };
  expect(json.events.filter((e) => e.kind === 'token.created')).toHaveLength(29);
  for (const secret of secrets) {
    expect(csv).not.toContain(secret);
    expect(JSON.stringify(json)).not.toContain(secret);
  }

  // An impossible range is refused inline, before any request, under the field it names.
  await page.getByLabel('From').fill('2026-12-31');
  await page.getByLabel('To').fill('2026-01-01');
  await expect(page.getByText('The “from” day is after the “to” day.')).toBeVisible();
  await expect(page.getByLabel('From')).toHaveAccessibleDescription(
    'The “from” day is after the “to” day.',
  );
  const from = (await page.getByLabel('From').boundingBox())!;
  const message = (await page.getByText('The “from” day is after the “to” day.').boundingBox())!;
  expect(Math.abs(message.x - from.x)).toBeLessThan(2);
  expect(message.y).toBeGreaterThan(from.y);
  await page.screenshot({ path: join(SCREENS, 'activity-range-error.png') });
  await expect(page.getByRole('button', { name: 'Export CSV' })).toBeDisabled();
  await page.getByRole('link', { name: 'Tokens' }).click();
});

test('events read as sentences: who in words, the provider by name, no nested parentheses', async () => {
  const id = await createToken('ci-pipeline', null);
  const recorded = await api('POST', `/v1/users/me/tokens/${id}/destinations`, {
    provider: 'github',
    host: 'https://api.github.com',
    target: { kind: 'repository', owner: 'ada', repo: 'app' },
    name: 'CAPAWESOME_TOKEN',
  });
  expect(recorded.status).toBe(201);
  await page.getByRole('link', { name: 'Activity' }).click();
  const list = page.getByRole('list', { name: 'Account activity' });
  const sent = list.getByRole('listitem').filter({ hasText: 'Sent to CI' }).first();
  await expect(sent).toContainText('Sent to CI · ci-pipeline · CAPAWESOME_TOKEN on GitHub');
  // The test's own requests come from a session with Node's User-Agent, as the app's do.
  await expect(sent).toContainText('in Token Desk');
  for (const item of await list.getByRole('listitem').all()) {
    const text = await item.innerText();
    expect(text).not.toMatch(/\([^)]*\(/);
    expect(text).not.toContain('(a session)');
    expect(text).not.toMatch(/· node\b/);
    expect(text).not.toContain('(github)');
  }
  await page.getByRole('link', { name: 'Tokens' }).click();
});

test('Activity with the service down says so and offers Retry, which loads once it is back', async () => {
  await page.getByRole('link', { name: 'Activity' }).click();
  const list = page.getByRole('list', { name: 'Account activity' });
  await expect(list.getByRole('listitem').first()).toBeVisible();
  const restart = await desk.stopService();
  try {
    await page.getByLabel('What').selectOption('token.revoked');
    await expect(page.getByRole('button', { name: 'Retry' })).toBeVisible();
    await page.getByRole('button', { name: 'Retry' }).click();
    await expect(page.getByRole('button', { name: 'Retry' })).toBeVisible();
  } finally {
    await restart();
  }
  await page.getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByRole('button', { name: 'Retry' })).toHaveCount(0);
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(list.getByRole('listitem')).toContainText('Revoked · to-be-revoked');
  await page.getByLabel('What').selectOption('');
  await page.getByRole('link', { name: 'Tokens' }).click();
});

test('a token’s details show its history', async () => {
  await page.getByLabel('Search tokens').fill('pipeline-7');
  await page.getByRole('button', { name: 'Details of pipeline-7' }).click();
  const details = tokenDetails(page, 'pipeline-7');
  const history = details.getByRole('list', { name: 'History of pipeline-7' });
  await expect(history.getByRole('listitem')).toHaveCount(1);
  await expect(history).toContainText('Token created');
  await checkLayoutEverywhere(page, 'token-history', async () => {
    await expect(history).toBeVisible();
  });
  await page.keyboard.press('Escape');
  await page.getByLabel('Search tokens').fill('');
});

test('expiry reminders: shown once per threshold, not again after a restart; clicking one opens its token', async () => {
  await createToken('expires-soon', new Date(Date.now() + 3 * DAY).toISOString());
  await desk.restartHarness(); // main checks at start, as the app does
  const shown = await desk.notifications();
  expect(shown.map((n) => n.title)).toEqual(['Token “expires-soon” expires within 7 days']);
  expect(shown[0]!.body).toContain('Rotate it before it breaks a pipeline.');
  await signIn(page, desk);
  await desk.clickNotification(0);
  const details = tokenDetails(page, 'expires-soon');
  await expect(details).toBeVisible();
  await page.screenshot({ path: join(SCREENS, 'reminder-opened.png') });
  await page.keyboard.press('Escape');

  await desk.restartHarness();
  await signIn(page, desk);
  expect(await desk.notifications()).toEqual([]);
});

test('Settings turns reminders off', async () => {
  await page.getByRole('link', { name: 'Settings' }).click();
  const box = page.getByLabel('Remind me before a token expires');
  await expect(box).toBeChecked();
  await box.uncheck();
  await expect(
    page.getByRole('region', { name: 'Expiry reminders' }).getByRole('status'),
  ).toHaveText('Saved');
  await createToken('expires-tomorrow', new Date(Date.now() + 20 * 60 * 60 * 1000).toISOString());
  await desk.restartHarness();
  await signIn(page, desk);
  expect(await desk.notifications()).toEqual([]);
});
