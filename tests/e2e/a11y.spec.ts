/**
 * An automated WCAG 2.1 A/AA scan (axe-core) of every screen and dialog, light and
 * dark, at the minimum window and the default one: no serious or critical violation.
 * Prints each screen's counts (serious or critical / all) for the record.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { startFakeGitHub, type FakeGitHub } from '../support/ci-providers/github/fake-github.js';
import { closeReveal, createToken, signIn, startDesk, type Desk } from './desk-fixture.js';
import { chooseRowAction } from './row-menu.js';
import { tokenDetails } from './token-details.js';

test.describe.configure({ mode: 'serial' });

const SIZES = [
  { width: 720, height: 480 },
  { width: 1100, height: 750 },
] as const;
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const GITHUB_TOKEN = 'ghp_a11yToken00000000000000000000000001';

let desk: Desk;
let context: BrowserContext;
let page: Page;
let github: FakeGitHub;
const counts: string[] = [];

test.beforeAll(async ({ browser }) => {
  desk = await startDesk('a11y');
  github = await startFakeGitHub({ enterprise: true });
  github.addAccount(GITHUB_TOKEN, 'ada-lovelace');
  github.addRepository('ada-lovelace', 'capacitor-app');
  // axe's analyze() opens a page of its own, which browser.newPage()'s own context refuses.
  context = await browser.newContext();
  page = await context.newPage();
});

test.afterAll(async () => {
  console.log(`axe, serious or critical / all violations:\n${counts.join('\n')}`);
  await context?.close();
  await desk?.stop();
  await github?.close();
});

/**
 * Scans what `show` brings up in each theme and size; expects no serious or critical
 * violation (the message names each, with the elements it found).
 */
async function scan(screen: string, show: () => Promise<void>): Promise<void> {
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const line: string[] = [];
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await show();
      // axe.run() in the page itself (legacy mode) rather than a partial run finished in a
      // blank page of its own for every scan: the same rules over the same document when
      // the window has no frames, which this checks, at a fraction of the cost.
      expect(page.frames(), `${screen}: the window has no frames`).toHaveLength(1);
      const { violations } = await new AxeBuilder({ page })
        .setLegacyMode()
        .withTags(WCAG_21_AA)
        // Label in Name (2.5.3): an experimental rule, off unless asked for.
        .options({ rules: { 'label-content-name-mismatch': { enabled: true } } })
        .analyze();
      const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      line.push(`${size.width}×${size.height} ${serious.length}/${violations.length}`);
      for (const v of serious) {
        const where = v.nodes.map((n) => n.target.join(' ')).join(', ');
        found.push(
          `${colorScheme} ${size.width}×${size.height}: ${v.id} (${v.impact}) at ${where}`,
        );
      }
    }
    counts.push(`${screen.padEnd(22)} ${colorScheme.padEnd(5)} ${line.join('  ')}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1100, height: 750 });
  expect(found, screen).toEqual([]);
}

test('sign-in', async () => {
  await page.goto(desk.harness.url);
  await scan('sign-in', async () => {
    await expect(page.getByRole('heading', { name: 'Sign in to Token Desk' })).toBeVisible();
  });
});

test('the empty list', async () => {
  await signIn(page, desk);
  await scan('empty list', async () => {
    await expect(page.getByRole('heading', { name: 'No API tokens yet' })).toBeVisible();
  });
});

test('settings, with a CI provider account', async () => {
  await page.getByRole('link', { name: 'Settings' }).click();
  const form = page.getByRole('form', { name: 'Add a CI provider account' });
  await form.getByLabel('GitHub', { exact: true }).check();
  await form.getByLabel('GitHub address').fill(new URL(github.apiBaseUrl).origin);
  await form.getByLabel('Personal access token').fill(GITHUB_TOKEN);
  await form.getByRole('button', { name: 'Add GitHub account' }).click();
  await expect(page.getByRole('list', { name: 'CI provider accounts' })).toContainText(
    'ada-lovelace',
  );
  await scan('settings', async () => {
    await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  });
  await page.getByRole('link', { name: 'Tokens' }).click();
});

test('new token, reveal, send to CI', async () => {
  await page.getByRole('button', { name: 'New token' }).click();
  const dialog = page.getByRole('dialog', { name: 'New API token' });
  await dialog.getByLabel('Name').fill('deploy-ios');
  await scan('new token', async () => {
    await expect(dialog).toBeVisible();
  });
  await dialog.getByRole('button', { name: 'Create token' }).click();
  const reveal = page.getByRole('dialog', { name: 'Token “deploy-ios” created' });
  await scan('reveal', async () => {
    await expect(reveal.getByTestId('secret')).toHaveText(/^ca_/);
  });
  await reveal.getByRole('button', { name: 'Copy secret' }).click();
  await scan('reveal, copied', async () => {
    await expect(reveal.getByRole('button', { name: 'Copy again' })).toBeVisible();
  });
  await reveal.getByRole('button', { name: 'Send to CI…' }).click();
  const send = page.getByRole('dialog', { name: 'Send “deploy-ios” to CI' });
  await send.getByRole('radio', { name: /capacitor-app/ }).check();
  await scan('send to CI', async () => {
    await expect(send).toBeVisible();
  });
  await send.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(send.getByRole('list', { name: 'Sent to CI' })).toContainText('Created');
  await send.getByRole('button', { name: 'Done' }).click();
  await closeReveal(page);
});

test('the list with tokens, the account menu, add account, details', async () => {
  for (const name of ['nightly', 'release-android']) {
    await createToken(page, name);
    await closeReveal(page);
  }
  await scan('tokens list', async () => {
    await expect(page.getByRole('row', { name: /nightly/ })).toBeVisible();
  });

  const menuButton = page.getByRole('button', { name: desk.email });
  await scan('account menu', async () => {
    if ((await menuButton.getAttribute('aria-expanded')) !== 'true') await menuButton.click();
    await expect(page.getByRole('menu', { name: 'Accounts' })).toBeVisible();
  });
  await page.getByRole('menuitem', { name: 'Add another account…' }).click();
  const add = page.getByRole('dialog', { name: 'Add another account' });
  await scan('add account', async () => {
    await expect(add).toBeVisible();
  });
  await add.getByRole('button', { name: 'Cancel' }).click();

  await page.getByRole('button', { name: 'Details of deploy-ios' }).click();
  // A dialog at 720, the pane beside the list at 1100.
  const details = tokenDetails(page, 'deploy-ios');
  await scan('details', async () => {
    await expect(details.getByRole('list', { name: 'Where deploy-ios is used' })).toBeVisible();
  });
  await page.keyboard.press('Escape');
  await expect(details).toHaveCount(0);
  await expect(page.locator('dialog')).toHaveCount(0);
});

test('bulk revoke', async () => {
  await page.getByRole('checkbox', { name: 'Select nightly' }).check();
  await page.getByRole('checkbox', { name: 'Select release-android' }).check();
  await page.getByRole('button', { name: 'Revoke 2 tokens' }).click();
  await scan('bulk revoke', async () => {
    await expect(page.getByRole('alertdialog', { name: 'Revoke 2 tokens?' })).toBeVisible();
  });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('button', { name: 'Clear selection' }).click();
});

test('an unfinished rotation', async () => {
  github.failNext('/actions/secrets/', { status: 403, body: { message: 'Forbidden' } });
  await chooseRowAction(page, 'deploy-ios', 'Rotate and update 1 place…');
  await page.getByRole('button', { name: 'Rotate and update 1 place' }).click();
  const rotated = page.getByRole('dialog', { name: 'New secret for “deploy-ios”' });
  await expect(rotated.getByText('1 failed')).toBeVisible();
  await closeReveal(page);
  await scan('rotation panel', async () => {
    await expect(page.getByRole('region', { name: 'Unfinished rotations' })).toBeVisible();
  });
});

test('activity', async () => {
  await page.getByRole('link', { name: 'Activity' }).click();
  await scan('activity', async () => {
    await expect(page.getByRole('heading', { name: 'Activity' })).toBeVisible();
    await expect(page.getByRole('list', { name: 'Account activity' })).toBeVisible();
  });
  await page.getByRole('link', { name: 'Tokens' }).click();
});

test('the command palette', async () => {
  await page.keyboard.press('Control+K');
  const palette = page.getByRole('dialog', { name: 'Commands' });
  await scan('command palette', async () => {
    await expect(palette.getByRole('combobox', { name: 'Command' })).toBeFocused();
  });
  await page.keyboard.press('Escape');
  await expect(palette).toHaveCount(0);
});
