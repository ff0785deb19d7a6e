/**
 * One inventory: the list asks main for every connected source's tokens at once
 * (`tokens:inventory`). With our own service alone it looks as it always did, and each
 * action names the token's own connection. Other vendors' sources are not wired into
 * the harness yet, so the last tests add them to main's answer as main will send them
 * (a source with tokens, one whose vendor failed), and the actions on them are
 * answered here as main would: what the window shows and sends is what is tested.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type BrowserContext, type Page, type Route } from '@playwright/test';
import { join } from 'node:path';
import type { DeskToken, Inventory } from '../../src/shared/ipc-contract.js';
import { layoutProblemsInPage } from './layout-probe.mjs';
import {
  LAYOUT_SIZES,
  closeReveal,
  createToken,
  signIn,
  startDesk,
  type Desk,
} from './desk-fixture.js';
import { openRowMenu } from './row-menu.js';

test.describe.configure({ mode: 'serial' });

const SHOTS = process.env.TOKEN_DESK_SHOTS ?? 'test-results/screens';

let desk: Desk;
let context: BrowserContext;
let page: Page;
/** What every bridge call sent, by channel, in order. */
const sent = new Map<string, unknown[]>();

const invoked = (channel: string) => (url: URL) =>
  url.pathname === `/__harness/invoke/${encodeURIComponent(channel)}`;

test.beforeAll(async ({ browser }) => {
  desk = await startDesk('inventory');
  // axe's analyze() opens a page of its own, which browser.newPage()'s own context refuses.
  context = await browser.newContext();
  page = await context.newPage();
  page.on('request', (request) => {
    const match = /\/__harness\/invoke\/([^/?]+)$/.exec(new URL(request.url()).pathname);
    if (!match) return;
    const channel = decodeURIComponent(match[1]!);
    sent.set(channel, [...(sent.get(channel) ?? []), request.postDataJSON()]);
  });
  await signIn(page, desk);
  for (const name of ['deploy-prod', 'nightly-backup', 'old-runner']) {
    await createToken(page, name);
    await closeReveal(page);
  }
});

test.afterAll(async () => {
  await context?.close();
  await desk?.stop();
});

/** Main's own answer to the next inventory request, as the page received it. */
async function inventoryNow(): Promise<Inventory> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => invoked('tokens:inventory')(new URL(r.url()))),
    page.getByRole('button', { name: 'Refresh', exact: true }).click(),
  ]);
  return ((await response.json()) as { value: Inventory }).value;
}

test('with our own service alone the list reads tokens:inventory and looks as it did', async () => {
  const inventory = await inventoryNow();
  expect(inventory.sources).toHaveLength(1);
  expect(inventory.sources[0]).toMatchObject({ kind: 'token-desk', problem: null });
  expect(sent.get('tokens:list') ?? []).toEqual([]);
  await expect(page.getByRole('row', { name: /deploy-prod/ })).toBeVisible();
  // No source column, no source filter: nothing new to read.
  await expect(page.getByRole('columnheader', { name: 'Source' })).toHaveCount(0);
  await expect(page.getByLabel('Source', { exact: true })).toHaveCount(0);
  await expect(page.getByRole('columnheader')).toHaveText([
    '',
    'Name',
    'Prefix',
    'Created',
    'Last used',
    'Expires',
    'Used in',
    'Actions',
  ]);
});

test('revoke, rotate and the details name the token’s own connection', async () => {
  const inventory = await inventoryNow();
  const byName = (name: string) => inventory.tokens.find((t) => t.name === name)!;
  const connection = byName('old-runner').issuer.connectionId;
  expect(connection).toBe(inventory.sources[0]!.connectionId);

  await page.getByRole('button', { name: 'Details of nightly-backup' }).click();
  await expect(page.getByRole('heading', { name: 'nightly-backup' })).toBeVisible();
  await expect
    .poll(() => (sent.get('destinations:list') ?? []).at(-1))
    .toEqual({
      tokenId: byName('nightly-backup').id,
      connectionId: connection,
    });
  await page.keyboard.press('Escape');

  await (await openRowMenu(page, 'deploy-prod')).getByRole('menuitem', { name: 'Rotate…' }).click();
  await page.getByRole('button', { name: 'Rotate token' }).click();
  await expect(page.getByTestId('secret')).toBeVisible();
  expect((sent.get('tokens:rotate') ?? []).at(-1)).toEqual({
    connectionId: connection,
    id: byName('deploy-prod').id,
  });
  await closeReveal(page);

  await (await openRowMenu(page, 'old-runner')).getByRole('menuitem', { name: 'Revoke…' }).click();
  await page.getByRole('button', { name: 'Revoke token' }).click();
  await expect(page.getByRole('row', { name: /old-runner/ })).toHaveCount(0);
  expect((sent.get('tokens:revoke') ?? []).at(-1)).toEqual({
    connectionId: connection,
    id: byName('old-runner').id,
  });
});

// Other vendors' tokens, as their issuers will describe them.
const vendor = (
  name: string,
  connectionId: string,
  kind: string,
  facts: Partial<DeskToken['facts']>,
  fields: Partial<DeskToken> = {},
): DeskToken => ({
  id: `${kind}-${name}`,
  name,
  prefix: '',
  createdAt: new Date(Date.now() - 20 * 86_400_000).toISOString(),
  lastUsedAt: null,
  lastUsedIp: null,
  lastUsedUserAgent: null,
  expiresAt: new Date(Date.now() + 80 * 86_400_000).toISOString(),
  destinationCount: 0,
  replacedById: null,
  graceEndsAt: null,
  issuer: { connectionId, kind },
  facts: {
    source: { kind: kind as 'npm', variant: null, label: kind },
    scopes: [],
    rotation: 'create-then-delete',
    canRevoke: true,
    unknown: {},
    status: 'active',
    ...facts,
  },
  ...fields,
});

const NPM = 'conn-npm-e2e';
const GITHUB = 'conn-github-e2e';
const CLOUDFLARE = 'conn-cloudflare-e2e';
const VENDOR_TOKENS = [
  vendor('publish-acme', NPM, 'npm', {
    source: { kind: 'npm', variant: null, label: 'npm' },
    scopes: ['Read and write', '@acme/*'],
    unknown: { lastUse: 'npm does not list when a token was last used.' },
  }),
  vendor('ci-readonly', NPM, 'npm', {
    source: { kind: 'npm', variant: null, label: 'npm' },
    scopes: ['Read only', 'every package'],
    unknown: { lastUse: 'npm does not list when a token was last used.' },
  }),
  vendor(
    'laptop-classic',
    GITHUB,
    'github',
    {
      source: { kind: 'github', variant: null, label: 'GitHub' },
      scopes: ['repo', 'workflow'],
      rotation: 'guided',
      canRevoke: false,
      unknown: { expiry: 'Unknown until the value is checked against GitHub.' },
    },
    { expiresAt: null, lastUsedAt: new Date(Date.now() - 2 * 86_400_000).toISOString() },
  ),
];

/** Main's answer with the vendors' sources beside ours: npm and GitHub answered, Cloudflare failed. */
async function withVendors(route: Route) {
  const answer = (await (await route.fetch()).json()) as { ok: true; value: Inventory };
  const capabilities = {
    create: true,
    revokeMany: 0,
    rotation: 'create-then-delete' as const,
    maxExpiryDays: 90,
    expiryRequired: true,
  };
  answer.value.sources.push(
    {
      connectionId: NPM,
      kind: 'npm',
      label: 'npm · ada on registry.npmjs.org',
      capabilities,
      notes: [],
      problem: null,
    },
    {
      connectionId: GITHUB,
      kind: 'github',
      label: 'GitHub · ada on github.com',
      capabilities: { ...capabilities, rotation: 'guided', maxExpiryDays: null },
      notes: [],
      problem: null,
    },
    {
      connectionId: CLOUDFLARE,
      kind: 'cloudflare',
      label: 'Cloudflare · ada@example.com on api.cloudflare.com',
      capabilities,
      notes: [],
      problem: { code: 'unreachable', message: 'Cloudflare could not be reached.' },
    },
  );
  answer.value.tokens.push(...VENDOR_TOKENS);
  await route.fulfill({
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify(answer),
  });
}

test('other sources: each token’s source and scopes, a filter with counts, what a source cannot say', async () => {
  await page.route(invoked('tokens:inventory'), withVendors);
  await page.getByRole('button', { name: 'Refresh', exact: true }).click();
  await expect(page.getByRole('columnheader', { name: 'Source' })).toBeVisible();

  const npmRow = page.getByRole('row', { name: /publish-acme/ });
  await expect(npmRow.locator('.cell-source')).toHaveText('npm Read and write, @acme/*');
  await expect(npmRow.locator('.cell-source')).toHaveAttribute(
    'title',
    'npm: Read and write, @acme/*',
  );
  await expect(npmRow.locator('.cell-used')).toHaveText('Not listed');
  await expect(npmRow.locator('.cell-used')).toHaveAttribute(
    'title',
    'npm does not list when a token was last used.',
  );
  // Not "Never used": npm does not say, so nothing needs attention for it.
  await expect(npmRow.locator('.status-chip')).toHaveCount(0);
  const github = page.getByRole('row', { name: /laptop-classic/ });
  await expect(github.locator('.cell-expires')).toHaveText('Unknown');

  const filter = page.getByLabel('Source', { exact: true });
  await expect(filter.locator('option')).toHaveText([
    'All (5)',
    /^Token Desk · .* \(2\)$/,
    'npm · ada on registry.npmjs.org (2)',
    'GitHub · ada on github.com (1)',
    'Cloudflare · ada@example.com on api.cloudflare.com (0)',
  ]);
  await filter.focus();
  await filter.selectOption({ label: 'npm · ada on registry.npmjs.org (2)' });
  await expect(page.getByRole('row', { name: /Details of/ })).toHaveCount(2);
  await expect(page.getByText('2 of 5 tokens')).toBeVisible();
  await filter.selectOption({ index: 0 });
  await expect(page.getByText('5 tokens', { exact: true })).toBeVisible();
});

test('a failed source says so by name, with Retry, and the others stay listed', async () => {
  const banner = page.getByRole('status').filter({ hasText: 'Cloudflare could not be reached' });
  await expect(banner).toContainText('Cloudflare · ada@example.com on api.cloudflare.com:');
  // A vendor away is asked again on Retry, not every few seconds (its rate limits).
  await expect(banner).not.toContainText('Retrying every few seconds');
  const asked = (sent.get('tokens:inventory') ?? []).length;
  await banner
    .getByRole('button', { name: 'Retry Cloudflare · ada@example.com on api.cloudflare.com' })
    .click();
  await expect.poll(() => (sent.get('tokens:inventory') ?? []).length).toBeGreaterThan(asked);
  await expect(page.getByRole('row', { name: /publish-acme/ })).toBeVisible();
  await expect(page.getByRole('row', { name: /nightly-backup/ })).toBeVisible();
});

test('what a source does not allow is not offered; a bulk revoke goes to each token’s source', async () => {
  // A tracked GitHub token is rotated the guided way (offered), never revoked from the list.
  const menu = await openRowMenu(page, 'laptop-classic');
  await expect(menu.getByRole('menuitem')).toHaveText([/^Details/, 'Send to CI…', 'Rotate…']);
  await page.keyboard.press('Escape');
  const npmMenu = await openRowMenu(page, 'publish-acme');
  await expect(npmMenu.getByRole('menuitem', { name: 'Rotate…' })).toBeVisible();
  await npmMenu.getByRole('menuitem', { name: 'Rotate…' }).click();
  const confirm = page
    .getByRole('alertdialog', { name: 'Rotate “publish-acme”?' })
    .or(page.getByRole('dialog', { name: 'Rotate “publish-acme”?' }));
  await expect(confirm).toContainText('the old one is deleted once it is made');
  await confirm.getByRole('button', { name: 'Cancel' }).click();

  for (const name of ['publish-acme', 'ci-readonly', 'nightly-backup', 'laptop-classic'])
    await page.getByRole('checkbox', { name: `Select ${name}`, exact: true }).check();
  const selection = page.getByRole('region', { name: 'Selection' });
  await expect(selection).toContainText('1 selected token cannot be revoked from Token Desk');
  // npm revokes one at a time: answered here as main would.
  await page.route(invoked('tokens:revoke'), (route) =>
    route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: '{"ok":true,"value":null}',
    }),
  );
  await selection.getByRole('button', { name: 'Revoke 3 tokens' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Revoke 3 tokens?' });
  await dialog.getByRole('button', { name: 'Revoke 3 tokens' }).click();
  await expect(page.getByRole('alertdialog', { name: 'Revoked 3 of 3 tokens' })).toBeVisible();
  const desk = (sent.get('tokens:revoke-many') ?? []).at(-1) as {
    connectionId: string;
    ids: string[];
  };
  expect(desk.connectionId).not.toBe(NPM);
  expect(desk.ids).toHaveLength(1);
  // In the list's order, which ties leave open: compared as a set.
  const npmRevokes = (sent.get('tokens:revoke') ?? []).slice(-2) as Array<{ id: string }>;
  expect([...npmRevokes].sort((a, b) => a.id.localeCompare(b.id))).toEqual([
    { connectionId: NPM, id: 'npm-ci-readonly' },
    { connectionId: NPM, id: 'npm-publish-acme' },
  ]);
  await page.getByRole('button', { name: 'Done' }).click();
  await page.unroute(invoked('tokens:revoke'));
});

test('the inventory with other sources and a failed one: no serious WCAG 2.1 AA problem, light and dark', async () => {
  await page.getByRole('button', { name: 'Refresh', exact: true }).click();
  await expect(page.getByRole('row', { name: /publish-acme/ })).toBeVisible();
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    for (const size of [
      { width: 720, height: 480 },
      { width: 1100, height: 750 },
    ]) {
      await page.setViewportSize(size);
      // axe.run() in the page (legacy mode), not finished in a blank page of its own:
      // the same run while the window has no frame.
      expect(page.frames()).toHaveLength(1);
      const { violations } = await new AxeBuilder({ page })
        .setLegacyMode()
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
        .analyze();
      const serious = violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      expect(serious, `${colorScheme} ${size.width}`).toEqual([]);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1100, height: 720 });
});

test('screens: the inventory at 550 to 1920, light and dark, nothing cut or overlapping', async () => {
  await page.getByRole('button', { name: 'Refresh', exact: true }).click();
  await expect(page.getByRole('row', { name: /publish-acme/ })).toBeVisible();
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    for (const size of LAYOUT_SIZES) {
      await page.setViewportSize(size);
      await page.evaluate('document.fonts.ready.then(() => true)');
      await page.screenshot({
        path: join(SHOTS, `inventory-${size.width}x${size.height}-${theme}.png`),
      });
      expect(await page.evaluate(layoutProblemsInPage), `${size.width}, ${theme}`).toEqual([]);
    }
  }
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.getByRole('button', { name: 'Details of publish-acme' }).click();
  await page.screenshot({ path: join(SHOTS, 'inventory-details-1920-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.screenshot({ path: join(SHOTS, 'inventory-details-1920-light.png') });
  await page.setViewportSize({ width: 1100, height: 720 });
  await page.unroute(invoked('tokens:inventory'));
});
