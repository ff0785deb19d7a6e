/**
 * Every screen at every size the window allows (720×480 minimum, 1100×720 default,
 * full HD), light and dark: each control lies inside the boxes that contain it, no
 * dialog and no page scrolls sideways, a secret is never cut, the token table's
 * header lines up with its rows, and times stay whole on one line. Screenshots go to
 * test-results/screens/layout-*.png for a person to look at.
 */
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { startFakeGitHub, type FakeGitHub } from '../support/ci-providers/github/fake-github.js';
import { startFakeGitLab, type FakeGitLab } from '../support/ci-providers/gitlab/fake-gitlab.js';
import {
  closeReveal,
  createToken,
  LAYOUT_SIZES,
  SCREENS,
  signIn,
  startDesk,
  type Desk,
  checkLayoutEverywhere,
} from './desk-fixture.js';
import { chooseRowAction } from './row-menu.js';

test.describe.configure({ mode: 'serial' });

const DAY = 24 * 60 * 60 * 1000;

let desk: Desk;
let page: Page;

test.beforeAll(async ({ browser }) => {
  desk = await startDesk('layout');
  page = await browser.newPage();
  await page.clock.install(); // to look at the list two months on, with the longest times
  await page.goto(desk.harness.url);
});

let github: FakeGitHub | undefined;
let gitlab: FakeGitLab | undefined;

test.afterAll(async () => {
  await page?.close();
  await desk?.stop();
  await github?.close();
  await gitlab?.close();
});

test('sign-in and create account', async () => {
  await checkLayoutEverywhere(page, 'sign-in', async () => {
    await expect(page.getByRole('heading', { name: 'Sign in to Token Desk' })).toBeVisible();
  });
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Email').fill('not-an-email');
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await checkLayoutEverywhere(page, 'create-account', async () => {
    await expect(page.getByText('Use at least 8 characters')).toBeVisible();
  });
  await page.getByRole('button', { name: 'I already have an account' }).click();
});

test('the sidebar holds all it shows, “Commands… Ctrl+K” included, signed out and in', async () => {
  /** Every element in the nav whose box pokes out of the nav's, or whose text overflows its own box. */
  const overflowing = () =>
    page.getByRole('navigation', { name: 'Screens' }).evaluate((nav) => {
      type Box = { left: number; right: number; top: number; bottom: number };
      type Element = {
        getBoundingClientRect(): Box;
        scrollWidth: number;
        clientWidth: number;
        querySelectorAll(selector: string): Element[];
        textContent: string | null;
      };
      const root = nav as unknown as Element;
      const outer = root.getBoundingClientRect();
      return [...root.querySelectorAll('*')]
        .filter((child) => {
          const box = child.getBoundingClientRect();
          return (
            box.right > outer.right + 0.5 ||
            box.left < outer.left - 0.5 ||
            child.scrollWidth > child.clientWidth + 1
          );
        })
        .map((child) => child.textContent?.trim() ?? '');
    });
  for (const signedIn of [false, true]) {
    if (signedIn) await signIn(page, desk);
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      for (const size of LAYOUT_SIZES) {
        await page.setViewportSize(size);
        await expect(page.getByRole('button', { name: /^Commands…/ })).toBeVisible();
        await page.evaluate('document.fonts.ready.then(() => true)');
        const where = `${signedIn ? 'signed in' : 'signed out'}, ${size.width}×${size.height}, ${theme}`;
        expect(await overflowing(), where).toEqual([]);
        await page.screenshot({
          path: join(
            SCREENS,
            `layout-sidebar-${signedIn ? 'in' : 'out'}-${size.width}x${size.height}-${theme}.png`,
          ),
        });
      }
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1100, height: 720 });
});

test('the empty list, and the new-token dialog', async () => {
  await signIn(page, desk);
  await checkLayoutEverywhere(page, 'empty-list', async () => {
    await expect(page.getByRole('heading', { name: 'No API tokens yet' })).toBeVisible();
  });
  await page.getByRole('button', { name: 'New token' }).click();
  const dialog = page.getByRole('dialog', { name: 'New API token' });
  await dialog.getByLabel('Name').fill('ci-github');
  await dialog.getByLabel('No expiry').check();
  await checkLayoutEverywhere(page, 'new-token', async () => {
    await expect(dialog).toBeVisible();
  });
});

test('the reveal dialog: its Copy buttons inside, no sideways scrolling, the secret whole', async () => {
  const dialog = page.getByRole('dialog', { name: 'New API token' });
  await dialog.getByLabel('30 days').check();
  await dialog.getByRole('button', { name: 'Create token' }).click();
  const reveal = page.getByRole('dialog', { name: 'Token “ci-github” created' });
  await reveal.getByRole('button', { name: 'Copy secret' }).click();
  await checkLayoutEverywhere(page, 'reveal', async () => {
    await expect(reveal).toBeVisible();
  });
  // Copying a snippet must not move the dialog sideways.
  for (const button of await reveal.getByRole('button', { name: /snippet/ }).all()) {
    await button.click();
    expect(await reveal.evaluate((d) => d.scrollLeft)).toBe(0);
  }
  await reveal.getByRole('button', { name: 'Done' }).click();
  await checkLayoutEverywhere(page, 'reveal-confirm-close', async () => {
    await expect(reveal.getByText('Once closed it cannot be shown again')).toBeVisible();
  });
  await reveal.getByRole('button', { name: 'Close and forget the secret' }).click();
  await expect(page.locator('dialog')).toHaveCount(0);
});

test('the token list with data, a search, and the confirmations', async () => {
  // Tokens in every state a row can show: used and never used, expiring soon, no expiry, a long name.
  const session = await desk.apiSession();
  const create = async (name: string, expiresAt: string | null) => {
    const response = await fetch(`${desk.service.url}/v1/users/me/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` },
      body: JSON.stringify({ name, expiresAt }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { secret: string }).secret;
  };
  const used = await create(
    'deploy-android-release',
    new Date(Date.now() + 90 * DAY).toISOString(),
  );
  await fetch(`${desk.service.url}/v1/users/me`, { headers: { authorization: `Bearer ${used}` } });
  await create('nightly', new Date(Date.now() + 3 * DAY).toISOString());
  await create('forever-token', null);
  await create(`a-very-long-pipeline-name-${'x'.repeat(70)}`, null);
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByText('5 tokens')).toBeVisible();

  await checkLayoutEverywhere(page, 'token-list', async () => {
    await expect(page.getByRole('row', { name: /deploy-android-release/ })).toBeVisible();
  });

  // Two months on, times read "59 days ago", "Expired 56 days ago": the longest labels.
  await page.clock.setSystemTime(Date.now() + 59 * DAY);
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByRole('row', { name: /nightly/ })).toContainText('Expired 56 days ago');
  await checkLayoutEverywhere(page, 'token-list-later', async () => {
    await expect(page.getByRole('row', { name: /deploy-android-release/ })).toContainText(
      '59 days ago',
    );
  });

  await page.getByLabel('Search tokens').fill('nightly');
  await expect(page.getByText('1 of 5 tokens')).toBeVisible();
  await checkLayoutEverywhere(page, 'token-search', async () => {
    await expect(page.getByRole('row')).toHaveCount(2);
  });
  await page.getByLabel('Search tokens').fill('');

  await chooseRowAction(page, 'nightly', 'Revoke…');
  await checkLayoutEverywhere(page, 'revoke-confirm', async () => {
    await expect(page.getByRole('alertdialog', { name: 'Revoke “nightly”?' })).toBeVisible();
  });
  await page.getByRole('button', { name: 'Cancel' }).click();

  await chooseRowAction(page, `a-very-long-pipeline-name-${'x'.repeat(70)}`, 'Rotate…');
  await checkLayoutEverywhere(page, 'rotate-confirm', async () => {
    await expect(page.getByRole('alertdialog', { name: /^Rotate “a-very-long/ })).toBeVisible();
  });
  await page.getByRole('button', { name: 'Rotate token' }).click();
  const reveal = page.getByRole('dialog', { name: /^New secret for “a-very-long/ });
  await checkLayoutEverywhere(page, 'rotate-reveal', async () => {
    await expect(reveal).toBeVisible();
  });
  await closeReveal(page);
});

test('settings use a wide window: a card per section, side by side, each under its heading', async () => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.getByRole('link', { name: 'Settings' }).click();
  const sections = [
    'Appearance',
    'Copied secrets',
    'Rotation',
    'Expiry reminders',
    'Token service',
    'Keychain',
    'CI provider accounts',
  ];
  for (const name of sections) {
    const region = page.getByRole('region', { name });
    await expect(region.getByRole('heading', { level: 2, name })).toBeVisible();
  }
  const box = async (name: string) => (await page.getByRole('region', { name }).boundingBox())!;
  const [first, second] = [await box('Appearance'), await box('Copied secrets')];
  expect(second.y).toBe(first.y);
  expect(second.x).toBeGreaterThan(first.x + first.width);
  expect((await box('CI provider accounts')).width).toBeGreaterThan(1400);
  await expect(page.getByRole('region', { name: 'Keychain' })).toContainText('system keychain');
  await page.setViewportSize({ width: 1100, height: 720 });
  await page.getByRole('link', { name: 'Tokens' }).click();
});

test('settings', async () => {
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Service URL').fill('http://tokens.example.com');
  await page.getByLabel(/Clear a copied secret/).fill('3');
  await page.getByLabel(/Clear a copied secret/).blur();
  await checkLayoutEverywhere(page, 'settings', async () => {
    await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  });
  await page.getByRole('link', { name: 'Tokens' }).click();
});

test('CI hand-off: provider accounts, Send to CI, token details, rotate and update', async () => {
  // Thirteen screens, each at four sizes in two themes: three times one test's budget, so a
  // loaded machine (Vitest runs beside Playwright) does not cut the story short.
  test.slow();
  github = await startFakeGitHub({ enterprise: true });
  gitlab = await startFakeGitLab();
  github.addAccount('ghp_layoutToken000000000000000000000001', 'ada-lovelace');
  github.addRepository('ada-lovelace', 'capacitor-app', { environments: ['production'] });
  github.addRepository('ada-lovelace', `a-repository-with-a-long-name-${'y'.repeat(40)}`);
  github.addOrganization('capawesome-team', ['ada-lovelace']);
  github.addRepository('capawesome-team', 'cloud', { admins: ['ada-lovelace'] });
  github.addRepository('capawesome-team', `plugins-with-a-long-name-${'z'.repeat(40)}`, {
    admins: ['ada-lovelace'],
  });
  gitlab.addUser('glpat-layoutToken0000000001', 'ada');
  gitlab.addProject('acme/mobile/app', { ada: 40 });

  await page.getByRole('link', { name: 'Settings' }).click();
  const form = page.getByRole('form', { name: 'Add a CI provider account' });
  const add = async (provider: 'GitHub' | 'GitLab', host: string, token: string) => {
    await form.getByLabel(provider, { exact: true }).check();
    await form.getByLabel(`${provider} address`).fill(host);
    await form.getByLabel('Personal access token').fill(token);
    await form.getByRole('button', { name: `Add ${provider} account` }).click();
    await expect(form.getByLabel('Personal access token')).toHaveValue('');
  };
  await add('GitHub', new URL(github.apiBaseUrl).origin, 'ghp_layoutToken000000000000000000000001');
  await add('GitLab', gitlab.url, 'glpat-layoutToken0000000001');
  await add('GitHub', 'http://127.0.0.1:9', 'ghp_layoutToken000000000000000000000001');
  await checkLayoutEverywhere(page, 'settings-ci-accounts', async () => {
    await expect(page.getByRole('list', { name: 'CI provider accounts' })).toBeVisible();
    await expect(page.getByText('could not reach GitHub')).toBeVisible();
  });
  await page.getByRole('link', { name: 'Tokens' }).click();

  await createToken(page, 'deploy-ios');
  const reveal = page.getByRole('dialog', { name: 'Token “deploy-ios” created' });
  await reveal.getByRole('button', { name: 'Send to CI…' }).click();
  const send = page.getByRole('dialog', { name: 'Send “deploy-ios” to CI' });
  await send.getByRole('radio', { name: /capacitor-app/ }).check();
  await checkLayoutEverywhere(page, 'send-to-ci', async () => {
    await expect(send).toBeVisible();
  });
  await send.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(send.getByRole('list', { name: 'Sent to CI' })).toContainText('Created');
  await send.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(send.getByText('already exists there')).toBeVisible();
  await checkLayoutEverywhere(page, 'send-to-ci-overwrite', async () => {
    await expect(send.getByRole('button', { name: 'Replace it' })).toBeVisible();
  });
  await send.getByRole('button', { name: 'Keep the existing one' }).click();
  await send.getByLabel('Organization', { exact: true }).check();
  await send.getByRole('radio', { name: 'capawesome-team' }).check();
  await send.getByLabel('Repositories that can use it').selectOption('selected');
  const shared = send.getByRole('group', { name: 'Selected repositories' });
  await shared.getByRole('checkbox', { name: /plugins-with-a-long-name/ }).check();
  await checkLayoutEverywhere(page, 'send-to-ci-org-selected', async () => {
    await expect(shared.getByRole('checkbox')).toHaveCount(2);
  });
  await send.getByLabel('Account').selectOption({ index: 1 });
  await send.getByRole('radio', { name: /acme\/mobile\/app/ }).check();
  await send.getByLabel('Variable key').fill('GITLAB-KEY');
  await checkLayoutEverywhere(page, 'send-to-ci-gitlab', async () => {
    await expect(send.getByText('A GitLab variable key may contain only')).toBeVisible();
  });
  await send.getByLabel('Variable key').fill('CAPAWESOME_TOKEN');
  await send.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(send.getByRole('list', { name: 'Sent to CI' })).toContainText('acme/mobile/app');
  await send.getByRole('button', { name: 'Done' }).click();
  await checkLayoutEverywhere(page, 'reveal-sent', async () => {
    await expect(reveal.getByRole('list', { name: 'Sent to CI' })).toBeVisible();
  });
  await closeReveal(page);

  await page.getByLabel('Search tokens').fill('deploy-ios');
  await checkLayoutEverywhere(page, 'token-list-places', async () => {
    await expect(page.getByRole('row', { name: /deploy-ios/ })).toContainText('Used in 2 places');
  });
  await page.getByRole('button', { name: 'Details of deploy-ios' }).click();
  await checkLayoutEverywhere(page, 'token-details', async () => {
    await expect(page.getByRole('list', { name: 'Where deploy-ios is used' })).toBeVisible();
  });
  await page.keyboard.press('Escape');

  await chooseRowAction(page, 'deploy-ios', 'Send to CI…');
  await checkLayoutEverywhere(page, 'row-send-to-ci', async () => {
    await expect(page.getByRole('dialog', { name: 'Send “deploy-ios” to CI' })).toBeVisible();
  });
  await page.keyboard.press('Escape');

  gitlab.failNext('/variables', { status: 403, body: { message: '403 Forbidden' } });
  await chooseRowAction(page, 'deploy-ios', 'Rotate and update 2 places…');
  await checkLayoutEverywhere(page, 'rotate-and-update-confirm', async () => {
    await expect(page.getByRole('alertdialog')).toBeVisible();
  });
  await page.getByRole('button', { name: 'Rotate and update 2 places' }).click();
  const rotated = page.getByRole('dialog', { name: 'New secret for “deploy-ios”' });
  await expect(rotated.getByText('1 of 2 places updated; 1 failed.')).toBeVisible();
  await checkLayoutEverywhere(page, 'rotation-failed', async () => {
    await rotated.getByRole('region', { name: 'Rotation of deploy-ios' }).scrollIntoViewIfNeeded();
  });
  await rotated.getByRole('button', { name: 'Revoke the old token now anyway' }).click();
  await checkLayoutEverywhere(page, 'rotation-revoke-anyway', async () => {
    await expect(rotated.getByRole('button', { name: 'Revoke it now' })).toBeVisible();
  });
  await rotated.getByRole('button', { name: 'Keep it' }).click();
  await closeReveal(page);
  // The unfinished rotation stays above the list, with Retry.
  await checkLayoutEverywhere(page, 'token-list-pending-rotation', async () => {
    await expect(page.getByRole('region', { name: 'Unfinished rotations' })).toBeVisible();
    await expect(page.getByRole('row', { name: /deploy-ios/ }).first()).toBeVisible();
  });
  await page.getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByRole('region', { name: 'Unfinished rotations' })).toHaveCount(0);
  await page.getByLabel('Search tokens').fill('');
});
