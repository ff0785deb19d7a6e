/**
 * A GitHub account connected without a token, in the window, against real parts (the
 * real token service and harness, the local GitHub with GitHub's token endpoints, the
 * local GitLab). GitHub has no API that lists a person's tokens, so tracking needs no
 * credential: Settings → Connect GitHub… takes a login alone (GitHub looks it up), a
 * token made on GitHub is tracked from New token with its value typed in main's own
 * prompt page, sent to a GitLab variable, rotated the guided way, and revoked with its
 * value through GitHub's credential-revocation API; the account is then disconnected.
 * It stores no CI secrets (Send to CI does not offer it), keeps nothing in the keychain,
 * and nothing secret is at rest afterwards. A page-side call with a login that is not
 * one is refused by main with nothing sent to GitHub.
 */
import { expect, test, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { join } from 'node:path';
import { PROVIDER_KEYCHAIN_SERVICE } from '../../src/main/connections/vault.js';
import type { Inventory } from '../../src/shared/ipc-contract.js';
import { checkLayoutEverywhere, SCREENS, signIn } from './desk-fixture.js';
import { chooseRowAction } from './row-menu.js';
import { findCredentials } from '../support/keychain-scan.js';
import { LOGIN, PROJECT, startVendorDesk, type VendorDesk } from './vendor-fixture.js';

test.describe.configure({ mode: 'serial' });

let vendors: VendorDesk;
let context: BrowserContext;
let page: Page;
let tracked = '';

test.beforeAll(async ({ browser }) => {
  vendors = await startVendorDesk('github-tracking');
  context = await browser.newContext();
  page = await context.newPage();
  await signIn(page, vendors.desk);
  // GitLab receives the token; its loopback host is confirmed in main's own question.
  await vendors.desk.answerNextQuestion(true);
  await vendors.invoke(page, 'providers:add', {
    provider: 'gitlab',
    host: vendors.accounts.gitlab.host,
    token: vendors.accounts.gitlab.token,
  });
});

test.afterAll(async () => {
  await context?.close();
  await vendors?.stop();
});

async function connectedAccounts(): Promise<Locator> {
  await page.getByRole('link', { name: 'Settings' }).click();
  const section = page.getByRole('region', { name: 'Connected accounts' });
  await expect(section).toBeVisible();
  return section;
}

/** The Connected accounts row of a GitHub account (the desk's own email may contain "github"). */
const githubRow = (section: Locator) =>
  section.getByRole('listitem').filter({ has: page.getByText('GitHub', { exact: true }) });

const lookups = () => vendors.githubTokens.requests.filter((r) => r.path.startsWith('/users/'));

test('a page cannot connect GitHub with a login that is not one: main refuses, GitHub hears nothing', async () => {
  for (const login of ['ada/../../user', 'a.b', '', 'x'.repeat(101)]) {
    const refused = await vendors.tryInvoke(page, 'connections:add', {
      kind: 'github',
      host: vendors.accounts.github.host,
      login,
    });
    expect(refused.ok, JSON.stringify(login)).toBe(false);
  }
  const both = await vendors.tryInvoke(page, 'connections:add', {
    kind: 'github',
    host: vendors.accounts.github.host,
    login: LOGIN,
    token: vendors.accounts.github.token,
  });
  expect(both).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  expect(lookups()).toEqual([]);
  expect(await vendors.desk.questions()).toHaveLength(1);
});

test('Settings → Connect GitHub… by login alone: checked words, GitHub’s answer, no token kept', async () => {
  const section = await connectedAccounts();
  await section.getByRole('button', { name: 'Connect GitHub…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Connect GitHub' });
  await expect(dialog.getByLabel('GitHub login')).toBeFocused();
  await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(dialog.getByRole('alert')).toHaveText(/Enter your GitHub login/);
  await dialog.getByLabel('GitHub login').fill('ada.lovelace');
  await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(dialog.getByRole('alert')).toHaveText(/letters, digits and hyphens/);
  expect(lookups()).toEqual([]);

  await dialog.getByRole('button', { name: 'More options' }).click();
  await dialog.getByLabel('GitHub address').fill(vendors.accounts.github.host);
  await page.screenshot({ path: join(SCREENS, 'connect-github.png') });
  await checkLayoutEverywhere(page, 'connect-github', async () => {
    await expect(dialog).toBeVisible();
  });

  // A login GitHub does not know: its words, what was typed kept.
  await dialog.getByLabel('GitHub login').fill('nobody-here');
  await vendors.desk.answerNextQuestion(true);
  await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(dialog.getByRole('alert').first()).toContainText('has no account named nobody-here');
  await expect(dialog.getByLabel('GitHub login')).toHaveValue('nobody-here');

  await dialog.getByLabel('GitHub login').fill(LOGIN);
  await vendors.desk.answerNextQuestion(true);
  await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(dialog).toHaveCount(0);
  const row = githubRow(section);
  await expect(row).toContainText(LOGIN);
  await expect(row).toContainText('Tracks tokens · no access token kept');
  await expect(row.getByRole('button', { name: `Disconnect GitHub ${LOGIN}` })).toBeVisible();
  // Looked up without any token.
  expect(lookups().at(-1)).toMatchObject({ path: `/users/${LOGIN}`, authenticated: false });
  // Not a CI provider account, and nothing of it in the keychain.
  const providers = await vendors.invoke<{ accounts: Array<{ provider: string }> }>(
    page,
    'providers:list',
    null,
  );
  expect(providers.accounts.map((a) => a.provider)).toEqual(['gitlab']);
  // Other specs' desks share this keyring: only this desk's account's entries count.
  const held = await findCredentials(PROVIDER_KEYCHAIN_SERVICE);
  const mine = held.filter((entry) => entry.account.includes(` for ${vendors.desk.email} on `));
  expect(mine.map((entry) => entry.account.split(' ')[0])).toEqual(['gitlab:ada']);
  await page.screenshot({ path: join(SCREENS, 'connected-accounts-github.png') });
});

test('tracks a token made on GitHub, sends it to GitLab (GitHub itself is not offered), rotates it the guided way', async () => {
  const inventory = await vendors.invoke<Inventory>(page, 'tokens:inventory', null);
  const source = inventory.sources.find((s) => s.kind === 'github');
  expect(source, 'the GitHub account is a source').toBeDefined();
  const value = vendors.githubTokens.addToken({
    login: LOGIN,
    expiration: '2027-09-01 12:00:00 UTC',
  });
  vendors.issued(value);
  await page.getByRole('link', { name: 'Tokens' }).click();
  await page.getByRole('button', { name: 'New token' }).click();
  const track = page.getByRole('dialog');
  await track.getByLabel('Issued by').selectOption({ label: source!.label });
  await expect(track).toHaveAccessibleName('Track a GitHub token');
  await track.getByLabel('Name', { exact: true }).fill('gh-release');
  await track.getByRole('button', { name: 'Track token' }).click();
  await vendors.typeInPrompt(
    context,
    'Track a GitHub token',
    { 'Token value': value },
    'Check and track',
  );
  const reveal = page.getByRole('dialog', { name: 'Token “gh-release” created' });
  await expect(reveal.getByTestId('secret')).toHaveText(value);

  await reveal.getByRole('button', { name: 'Send to CI…' }).click();
  const send = page.getByRole('dialog', { name: 'Send “gh-release” to CI' });
  const accounts = send.getByLabel('Account');
  await expect(accounts.locator('option')).toHaveCount(1);
  await expect(accounts.locator('option')).toContainText('GitLab');
  await send.getByRole('radio', { name: new RegExp(PROJECT) }).check();
  await send.getByLabel('Variable key').fill('GH_RELEASE_TOKEN');
  await send.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(send.getByRole('list', { name: 'Sent to CI' })).toContainText(
    `Created GH_RELEASE_TOKEN in ${PROJECT}`,
  );
  await send.getByRole('button', { name: 'Done' }).click();
  await reveal.getByRole('button', { name: 'Done' }).click();
  await reveal.getByRole('button', { name: 'Close and forget the secret' }).click();
  expect(vendors.gitlabVariable('GH_RELEASE_TOKEN')).toBe(value);

  await chooseRowAction(page, 'gh-release', 'Rotate and update 1 place…');
  const guided = page.getByRole('alertdialog', { name: 'Rotate “gh-release” on GitHub?' });
  await guided.getByRole('button', { name: 'Open GitHub and continue' }).click();
  const tokenPage = `${vendors.accounts.github.host}/settings/tokens`;
  await expect.poll(() => vendors.desk.openedLinks()).toContain(tokenPage);
  const regenerated = vendors.githubTokens.regenerate(value, '2027-12-01 12:00:00 UTC');
  vendors.issued(regenerated);
  await vendors.typeInPrompt(
    context,
    'Rotate “gh-release” on GitHub',
    { 'New value': regenerated },
    'Check and update',
  );
  const rotated = page.getByRole('dialog', { name: 'New secret for “gh-release”' });
  await expect(rotated.getByRole('region', { name: 'Rotation of gh-release' })).toContainText(
    'The place has the new token',
  );
  await rotated.getByRole('button', { name: 'Done' }).click();
  await rotated.getByRole('button', { name: 'Close and forget the secret' }).click();
  expect(vendors.gitlabVariable('GH_RELEASE_TOKEN')).toBe(regenerated);
  expect(await vendors.statusAt('github', value)).toBe(401);
  expect(await vendors.accepts('github', regenerated)).toBe(true);
  tracked = regenerated;
  expect(vendors.githubTokens.violations).toEqual([]);
});

test('stops tracking (GitHub Enterprise Server has no revocation API: said), then disconnects: nothing secret at rest', async () => {
  await chooseRowAction(page, 'gh-release', 'Revoke…');
  const confirm = page.getByRole('alertdialog', { name: 'Revoke “gh-release”?' });
  await confirm.getByRole('button', { name: 'Revoke token' }).click();
  // The local GitHub answers on Enterprise Server's paths: main says where to delete the
  // token and asks for no value (github.com's revocation with the value is tested in
  // tests/main/connections/github-tokenless.test.ts).
  await vendors.typeInPrompt(context, 'Stop tracking “gh-release”', {}, 'Stop tracking');
  await expect(page.getByRole('row', { name: /gh-release/ })).toHaveCount(0);
  expect(vendors.githubTokens.revoked).toEqual([]);
  expect(await vendors.accepts('github', tracked)).toBe(true);

  const section = await connectedAccounts();
  await section.getByRole('button', { name: `Disconnect GitHub ${LOGIN}` }).click();
  const disconnect = page.getByRole('alertdialog', { name: `Disconnect GitHub account ${LOGIN}?` });
  await expect(disconnect).toContainText('no access token was kept');
  await disconnect.getByRole('button', { name: 'Disconnect' }).click();
  await expect(githubRow(section)).toHaveCount(0);
  expect(await vendors.secretsAtRest(page)).toEqual([]);
  expect(await vendors.pendingPrompt()).toBeNull();
  expect(vendors.githubTokens.violations).toEqual([]);
});
