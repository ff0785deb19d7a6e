/**
 * Other vendors' tokens end to end in the window, against real parts: a real npm
 * registry (Verdaccio), the local GitHub (Enterprise paths, with GitHub's token
 * endpoints), the local GitLab and the local Cloudflare (vendor-fixture.ts). For npm,
 * a GitLab project token and Cloudflare: connect, create, send the new value to a
 * GitHub repository secret and a GitLab project variable from the reveal dialog,
 * rotate from the row menu; then both places hold the new value, the vendor refuses
 * the old one, and nothing secret is at rest. For GitHub: track a token made on
 * GitHub and rotate it the guided way. Passwords and new values are typed in main's
 * own prompt page, as a person would.
 *
 * The first test drives main through the page's bridge only (no vendor screen needed):
 * it proves the fixture, connects every vendor, and leaves the GitHub and GitLab
 * accounts connected for the stories, which connect npm and Cloudflare themselves.
 */
import { expect, test, type BrowserContext, type Locator, type Page } from '@playwright/test';
import keytar from 'keytar';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PROVIDER_KEYCHAIN_SERVICE } from '../../src/main/connections/vault.js';
import type { ConnectionInfo } from '../../src/shared/ipc/connections.js';
import type { Inventory, RevealedToken } from '../../src/shared/ipc-contract.js';
import type { IssuerKindName } from '../../src/shared/issuers/token-facts.js';
import { SCREENS, signIn } from './desk-fixture.js';
import { chooseRowAction } from './row-menu.js';
import {
  LOGIN,
  NPM_PASSWORD,
  PROJECT,
  REPOSITORY,
  startVendorDesk,
  type VendorDesk,
} from './vendor-fixture.js';

test.describe.configure({ mode: 'serial' });

let vendors: VendorDesk;
let context: BrowserContext;
let page: Page;

test.beforeAll(async ({ browser }) => {
  vendors = await startVendorDesk('vendors');
  // A context of its own: main's prompt pages open beside the app's page in it.
  context = await browser.newContext();
  page = await context.newPage();
  await signIn(page, vendors.desk);
});

test.afterAll(async () => {
  await context?.close();
  await vendors?.stop();
});

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const NPM_WRITE = {
  permission: 'read-write',
  packages: [],
  allPackages: true,
  scopes: [],
  orgs: [],
  orgsPermission: null,
  cidr: [],
  bypass2fa: false,
};

async function inventory(): Promise<Inventory> {
  return vendors.invoke<Inventory>(page, 'tokens:inventory', null);
}

/** The "Issued by" choice of a source, as main labels it ("npm · ada on 127.0.0.1:…"). */
async function sourceLabel(kind: IssuerKindName): Promise<string> {
  const source = (await inventory()).sources.find((s) => s.kind === kind);
  expect(source, `a ${kind} source`).toBeDefined();
  return source!.label;
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Chooses the option of a select whose label contains `text`. */
async function chooseContaining(select: Locator, text: string): Promise<void> {
  const option = select.locator('option', { hasText: text });
  await expect(option).toHaveCount(1);
  await select.selectOption({ label: (await option.textContent())!.trim() });
}

test('the fixture: every vendor answers, and main connects each one through the bridge', async () => {
  const { accounts } = vendors;
  // Each vendor says what it accepts, and refuses what it does not know.
  expect(await vendors.statusAt('gitlab', accounts.gitlab.token)).toBe(200);
  expect(await vendors.statusAt('gitlab', 'glpat-vendorE2eUnknown000001')).toBe(401);
  expect(await vendors.statusAt('cloudflare', accounts.cloudflare.token)).toBe(200);
  expect(await vendors.statusAt('cloudflare', `cfut_${'x'.repeat(40)}0a1b2c3d`)).toBe(401);
  expect(await vendors.statusAt('github', accounts.github.token)).toBe(200);
  const regenerated = vendors.githubTokens.addToken({ login: LOGIN });
  vendors.remember(regenerated, vendors.githubTokens.regenerate(regenerated));
  expect(await vendors.statusAt('github', regenerated)).toBe(401);
  // Verdaccio answers an unknown bearer as anonymous (200, nobody): not accepted.
  expect(await vendors.accepts('npm', 'npm_notAToken000000000000000')).toBe(false);

  expect((await vendors.invoke<ConnectionInfo[]>(page, 'connections:list', null)).length).toBe(1);
  const github = await vendors.invoke<{ id: string }>(page, 'providers:add', {
    provider: 'github',
    host: accounts.github.host,
    token: accounts.github.token,
  });
  await vendors.invoke(page, 'providers:add', {
    provider: 'gitlab',
    host: accounts.gitlab.host,
    token: accounts.gitlab.token,
  });

  // npm: signing in is main's own prompt (user name and password); the page sends only the registry.
  const signingIn = vendors.tryInvoke<ConnectionInfo>(page, 'connections:add', {
    kind: 'npm',
    host: accounts.npm.registry,
  });
  await vendors.typeInPrompt(
    context,
    'Sign in to npm',
    { 'npm user name': accounts.npm.login, Password: accounts.npm.password },
    'Sign in',
  );
  const npmSignedIn = await signingIn;
  expect(npmSignedIn).toMatchObject({
    ok: true,
    value: { kind: 'npm', login: LOGIN, roles: { issuesTokens: true, storesSecrets: false } },
  });
  const npm = (npmSignedIn as { value: ConnectionInfo }).value;
  // The registry is on this computer, never used before: main asked in its own dialog first.
  expect((await vendors.desk.questions()).map((q) => q.message).join('\n')).toContain(
    new URL(accounts.npm.registry).host,
  );
  const cloudflare = await vendors.invoke<ConnectionInfo>(page, 'connections:add', {
    kind: 'cloudflare',
    host: accounts.cloudflare.apiBase,
    token: accounts.cloudflare.token,
  });
  expect(cloudflare).toMatchObject({ kind: 'cloudflare', login: 'ada@example.test' });

  const listed = await vendors.invoke<ConnectionInfo[]>(page, 'connections:list', null);
  expect(listed.map((c) => c.kind).sort()).toEqual(
    ['cloudflare', 'github', 'gitlab', 'npm', 'token-desk'].sort(),
  );
  const sources = (await inventory()).sources;
  expect(sources.map((s) => [s.kind, s.problem])).toEqual(
    expect.arrayContaining([
      ['token-desk', null],
      ['github', null],
      ['gitlab', null],
      ['npm', null],
      ['cloudflare', null],
    ]),
  );
  expect(sources).toHaveLength(5);
  expect(sources[0]!.kind).toBe('token-desk');
  expect(sources.find((s) => s.kind === 'npm')!.label).toBe(
    `npm · ${LOGIN} on ${new URL(accounts.npm.registry).host}`,
  );
  expect(sources.find((s) => s.connectionId === github.id)?.kind).toBe('github');

  // A write token at the registry (the password queued for main's prompt): accepted
  // by the registry, then refused once revoked.
  await vendors.answerNextPrompt({ password: NPM_PASSWORD });
  const made = await vendors.invoke<RevealedToken>(page, 'tokens:create', {
    connectionId: npm.id,
    name: 'fixture-check',
    expiresAt: inDays(7),
    options: NPM_WRITE,
  });
  vendors.issued(made.secret);
  expect(made.token.issuer).toEqual({ connectionId: npm.id, kind: 'npm' });
  expect(await vendors.accepts('npm', made.secret)).toBe(true);
  // The list shows every source's tokens side by side, each with its source.
  const refresh = page.getByRole('button', { name: 'Refresh', exact: true });
  await refresh.click();
  // Verdaccio keeps no token names (npmjs.com does): the list names it by its id.
  const listedAs = (await inventory()).tokens.find((t) => t.id === made.token.id)?.name;
  expect(listedAs).toBe(`Unnamed npm token ${made.token.id.slice(0, 6)}`);
  const npmRow = page.getByRole('row', { name: new RegExp(escaped(listedAs!)) });
  await expect(npmRow).toContainText('npm');
  await expect(page.getByRole('row', { name: /ada-token/ })).toContainText('GitLab personal');
  await expect(page.getByRole('row', { name: /token maker/ })).toContainText('Cloudflare');
  await page.screenshot({ path: join(SCREENS, 'vendor-fixture-inventory.png') });

  await vendors.invoke(page, 'tokens:revoke', { connectionId: npm.id, id: made.token.id });
  expect([401, 403]).toContain(await vendors.statusAt('npm', made.secret));
  expect(await vendors.accepts('npm', made.secret)).toBe(false);
  expect(await vendors.pendingPrompt()).toBeNull();
  await refresh.click();
  await expect(npmRow).toHaveCount(0);

  // The scan finds a secret where it should not be, and nothing otherwise.
  expect(await vendors.secretsAtRest(page)).toEqual([]);
  const planted = join(vendors.desk.settingsDir, 'planted.txt');
  writeFileSync(planted, `left behind: ${made.secret}\n`);
  try {
    expect(await vendors.secretsAtRest(page)).toEqual([expect.stringContaining(`in ${planted}`)]);
  } finally {
    rmSync(planted);
  }
  // A token handed out has no place in the keychain either.
  await keytar.setPassword(PROVIDER_KEYCHAIN_SERVICE, 'planted', made.secret);
  try {
    expect(await vendors.secretsAtRest(page)).toEqual([expect.stringMatching(/in the keychain$/)]);
  } finally {
    await keytar.deletePassword(PROVIDER_KEYCHAIN_SERVICE, 'planted');
  }
  expect(await vendors.secretsAtRest(page)).toEqual([]);

  // The stories connect npm and Cloudflare in the window: disconnected again here.
  await vendors.invoke(page, 'connections:remove', { connectionId: npm.id });
  await vendors.invoke(page, 'connections:remove', { connectionId: cloudflare.id });
  expect((await inventory()).sources.map((s) => s.kind)).toEqual(
    expect.arrayContaining(['token-desk', 'github', 'gitlab']),
  );
  expect((await inventory()).sources).toHaveLength(3);
});

// ---------------------------------------------------------------------------------
// The stories, in the window. Labels: /tmp/prompts/ui-contract.md (the vendor screens).

/** The reveal dialog's secret, remembered for the scan at rest. */
async function revealed(dialog: Locator): Promise<string> {
  const secret = (await dialog.getByTestId('secret').textContent())!.trim();
  expect(secret.length).toBeGreaterThan(8);
  vendors.issued(secret);
  return secret;
}

/** From an open reveal dialog: the new value to the GitHub repository and the GitLab project. */
async function sendToBothPlaces(reveal: Locator, token: string, name: string): Promise<void> {
  await reveal.getByRole('button', { name: 'Send to CI…' }).click();
  const send = page.getByRole('dialog', { name: `Send “${token}” to CI` });
  const outcomes = send.getByRole('list', { name: 'Sent to CI' });

  await send.getByLabel('Account').selectOption({ index: 0 });
  await send.getByRole('radio', { name: new RegExp(REPOSITORY) }).check();
  await send.getByLabel('Secret name').fill(name);
  await send.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(outcomes).toContainText(`Created ${name} in ${REPOSITORY}`);

  await send.getByLabel('Account').selectOption({ index: 1 });
  await send.getByRole('radio', { name: new RegExp(PROJECT) }).check();
  await send.getByLabel('Variable key').fill(name);
  await send.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(outcomes).toContainText(`Created ${name} in ${PROJECT}`);
  await send.getByRole('button', { name: 'Done' }).click();
  await expect(reveal.getByRole('list', { name: 'Sent to CI' }).getByRole('listitem')).toHaveCount(
    2,
  );
}

async function closeRevealed(reveal: Locator): Promise<void> {
  await reveal.getByRole('button', { name: 'Done' }).click();
  await reveal.getByRole('button', { name: 'Close and forget the secret' }).click();
  await expect(page.locator('dialog')).toHaveCount(0);
}

/** "New token", then the source it is issued by. */
async function newTokenFrom(kind: IssuerKindName): Promise<Locator> {
  const label = await sourceLabel(kind);
  await page.getByRole('button', { name: 'New token' }).click();
  const dialog = page.getByRole('dialog');
  const issuedBy = dialog.getByLabel('Issued by');
  // Our service first, and chosen unless the person picks another.
  const ours = await sourceLabel('token-desk');
  await expect(issuedBy.locator('option').first()).toHaveText(ours);
  await expect(issuedBy.locator('option:checked')).toHaveText(ours);
  await issuedBy.selectOption({ label });
  return dialog;
}

/** Both places hold `value`, and the list says the token is used in both. */
async function expectBothPlacesHold(token: string, name: string, value: string): Promise<void> {
  expect(vendors.githubSecret(name)).toBe(value);
  expect(vendors.gitlabVariable(name)).toBe(value);
  await expect(page.getByRole('row', { name: new RegExp(escaped(token)) })).toContainText(
    'Used in 2 places',
  );
}

/** Opens the Rotate dialog from the row's menu; a vendor token used in two places. */
async function openRotate(token: string): Promise<Locator> {
  await chooseRowAction(page, token, 'Rotate and update 2 places…');
  const confirm = page.getByRole('alertdialog', {
    name: `Rotate “${token}” and update 2 places?`,
  });
  const places = confirm.getByRole('list', { name: `Places that get the new ${token}` });
  await expect(places.getByRole('listitem')).toHaveCount(2);
  return confirm;
}

/**
 * The rotation's reveal: every place updated, the new value remembered and returned.
 * `shown` is the name it is shown under (any, when the vendor keeps no names).
 */
async function rotatedValue(shown?: string): Promise<{ reveal: Locator; fresh: string }> {
  const reveal = page.getByRole('dialog', {
    name: shown === undefined ? /^New secret for “/ : `New secret for “${shown}”`,
  });
  const fresh = await revealed(reveal);
  // Our service's Capawesome snippets are not offered for another vendor's token.
  await expect(reveal).not.toContainText('Capawesome');
  await expect(
    reveal.getByRole('region', {
      name: shown === undefined ? /^Rotation of / : `Rotation of ${shown}`,
    }),
  ).toContainText('All 2 places have the new token');
  return { reveal, fresh };
}

/** The one npm token the list has that is not among `known` (ids). */
async function newNpmToken(known: ReadonlySet<string>): Promise<{ id: string; name: string }> {
  const fresh = (await inventory()).tokens.filter(
    (t) => t.issuer.kind === 'npm' && !known.has(t.id),
  );
  expect(fresh).toHaveLength(1);
  return fresh[0]!;
}

const npmIds = async () =>
  new Set((await inventory()).tokens.filter((t) => t.issuer.kind === 'npm').map((t) => t.id));

async function connectedAccounts(): Promise<Locator> {
  await page.getByRole('link', { name: 'Settings' }).click();
  const section = page.getByRole('region', { name: 'Connected accounts' });
  await expect(section).toBeVisible();
  return section;
}

test('npm: connect, create a write token, send it to GitHub and GitLab, rotate it', async () => {
  const section = await connectedAccounts();
  await section.getByRole('button', { name: 'Connect npm…' }).click();
  const connect = page.getByRole('dialog', { name: 'Connect npm' });
  await expect(connect.getByRole('textbox', { name: 'Registry URL' })).toHaveValue(
    'https://registry.npmjs.org',
  );
  await connect.getByRole('textbox', { name: 'Registry URL' }).fill(vendors.accounts.npm.registry);
  await expect(
    connect.getByRole('radio', { name: 'Sign in with user name and password' }),
  ).toBeChecked();
  await expect(connect.getByRole('textbox', { name: 'Access token' })).toHaveCount(0);
  await connect.getByRole('button', { name: 'Connect' }).click();
  await expect(connect.getByText('Waiting for you to sign in…')).toBeVisible();
  await vendors.typeInPrompt(
    context,
    'Sign in to npm',
    { 'npm user name': LOGIN, Password: NPM_PASSWORD },
    'Sign in',
  );
  await expect(connect).toHaveCount(0);
  const disconnect = page.getByRole('button', { name: `Disconnect npm ${LOGIN}` });
  await expect(section.getByRole('listitem').filter({ has: disconnect })).toContainText(
    'Issues tokens',
  );
  await page.screenshot({ path: join(SCREENS, 'vendor-npm-connected.png') });
  await page.getByRole('link', { name: 'Tokens' }).click();

  const before = await npmIds();
  const create = await newTokenFrom('npm');
  await create.getByLabel('Name', { exact: true }).fill('npm-publish');
  await create
    .getByRole('group', { name: 'Access' })
    .getByRole('radio', { name: 'Read and write' })
    .check();
  await create.getByRole('checkbox', { name: 'All packages' }).check();
  await create
    .getByRole('group', { name: 'Expires' })
    .getByRole('radio', { name: '30 days' })
    .check();
  await create.getByRole('button', { name: 'Create token' }).click();
  await expect(create.getByText('Waiting for you to confirm with npm…')).toBeVisible();
  await vendors.typeInPrompt(
    context,
    'Create an npm token',
    { [`npm password for ${LOGIN}`]: NPM_PASSWORD },
    'Create token',
  );
  const reveal = page.getByRole('dialog', { name: 'Token “npm-publish” created' });
  const first = await revealed(reveal);
  // Our service's Capawesome snippets are not offered for another vendor's token.
  await expect(reveal).not.toContainText('Capawesome');
  expect(await vendors.accepts('npm', first)).toBe(true);
  await sendToBothPlaces(reveal, 'npm-publish', 'NPM_TOKEN');
  await closeRevealed(reveal);
  // Verdaccio keeps no token names (npmjs.com does): the list names it by its id.
  const made = await newNpmToken(before);
  await expectBothPlacesHold(made.name, 'NPM_TOKEN', first);

  const confirm = await openRotate(made.name);
  await confirm
    .getByRole('radiogroup', { name: 'New expiry' })
    .getByRole('radio', { name: /^30 days/ })
    .check();
  await page.screenshot({ path: join(SCREENS, 'vendor-npm-rotate.png') });
  await confirm.getByRole('button', { name: 'Rotate and update 2 places' }).click();
  await vendors.typeInPrompt(
    context,
    'Replace an npm token',
    { [`npm password for ${LOGIN}`]: NPM_PASSWORD },
    'Create token',
  );
  const { reveal: rotated, fresh } = await rotatedValue();
  expect(fresh).not.toBe(first);
  expect(await vendors.accepts('npm', fresh)).toBe(true);
  // npm has no rotate call: the old token was deleted once both places had the new one.
  expect([401, 403]).toContain(await vendors.statusAt('npm', first));
  expect(await vendors.accepts('npm', first)).toBe(false);
  await page.screenshot({ path: join(SCREENS, 'vendor-npm.png') });
  await closeRevealed(rotated);
  // The replacement took the old token's places, and the old token left the list.
  const renewed = await newNpmToken(before);
  expect(renewed.id).not.toBe(made.id);
  await expect(page.getByRole('row', { name: new RegExp(escaped(made.name)) })).toHaveCount(0);
  await expectBothPlacesHold(renewed.name, 'NPM_TOKEN', fresh);
  expect(await vendors.secretsAtRest(page)).toEqual([]);
});

test('GitLab: a project access token, sent to GitHub and GitLab, rotated create-then-delete', async () => {
  const create = await newTokenFrom('gitlab');
  await create.getByLabel('Name', { exact: true }).fill('gitlab-release');
  await chooseContaining(create.getByLabel('Project or group'), PROJECT);
  await create.getByLabel('Role').selectOption({ label: 'Developer' });
  const scopes = create.getByRole('group', { name: 'Scopes' });
  await scopes.getByRole('checkbox', { name: /\(read_api\)$/ }).check();
  await scopes.getByRole('checkbox', { name: /\(read_repository\)$/ }).check();
  const expires = create.getByRole('group', { name: 'Expires' });
  await expect(expires.getByRole('radio', { name: 'No expiry' })).toHaveCount(0);
  await expires.getByRole('radio', { name: '30 days' }).check();
  await create.getByRole('button', { name: 'Create token' }).click();

  const reveal = page.getByRole('dialog', { name: 'Token “gitlab-release” created' });
  const first = await revealed(reveal);
  // Our service's Capawesome snippets are not offered for another vendor's token.
  await expect(reveal).not.toContainText('Capawesome');
  expect(vendors.gitlab.tokens.byValue(first)).toMatchObject({
    name: 'gitlab-release',
    scopes: ['read_api', 'read_repository'],
    owner: { kind: 'project' },
    revoked: false,
  });
  expect(await vendors.accepts('gitlab', first)).toBe(true);
  await sendToBothPlaces(reveal, 'gitlab-release', 'GITLAB_TOKEN');
  await closeRevealed(reveal);
  await expectBothPlacesHold('gitlab-release', 'GITLAB_TOKEN', first);

  const confirm = await openRotate('gitlab-release');
  // GitLab requires a new expiry.
  await confirm
    .getByRole('radiogroup', { name: 'New expiry' })
    .getByRole('radio', { name: /^30 days/ })
    .check();
  await page.screenshot({ path: join(SCREENS, 'vendor-gitlab-rotate.png') });
  await confirm.getByRole('button', { name: 'Rotate and update 2 places' }).click();
  const { reveal: rotated, fresh } = await rotatedValue('gitlab-release');
  expect(fresh).not.toBe(first);
  expect(vendors.gitlab.tokens.byValue(fresh)).toMatchObject({
    name: 'gitlab-release',
    scopes: ['read_api', 'read_repository'],
    revoked: false,
    expiresAt: inDays(30).slice(0, 10),
  });
  expect(await vendors.accepts('gitlab', fresh)).toBe(true);
  expect(await vendors.statusAt('gitlab', first)).toBe(401);
  await page.screenshot({ path: join(SCREENS, 'vendor-gitlab.png') });
  await closeRevealed(rotated);
  await expectBothPlacesHold('gitlab-release', 'GITLAB_TOKEN', fresh);
  expect(vendors.gitlab.tokens.offContract).toEqual([]);
  expect(await vendors.secretsAtRest(page)).toEqual([]);
});

test('Cloudflare: connect, create from permissions, send to GitHub and GitLab, rotate', async () => {
  const section = await connectedAccounts();
  await section.getByRole('button', { name: 'Connect Cloudflare…' }).click();
  const connect = page.getByRole('dialog', { name: 'Connect Cloudflare' });
  await connect.getByRole('textbox', { name: 'API token' }).fill(vendors.accounts.cloudflare.token);
  await connect.getByText('More options').click();
  const address = connect.getByRole('textbox', { name: 'API address' });
  await expect(address).toHaveValue('https://api.cloudflare.com/client/v4');
  await address.fill(vendors.accounts.cloudflare.apiBase);
  await connect.getByRole('button', { name: 'Connect' }).click();
  await expect(connect).toHaveCount(0);
  await expect(
    section.getByRole('button', { name: 'Disconnect Cloudflare ada@example.test' }),
  ).toBeVisible();
  await page.screenshot({ path: join(SCREENS, 'vendor-cloudflare-connected.png') });
  // The page never keeps the value it sent.
  expect(await page.content()).not.toContain(vendors.accounts.cloudflare.token);
  await page.getByRole('link', { name: 'Tokens' }).click();

  const create = await newTokenFrom('cloudflare');
  await create.getByLabel('Name', { exact: true }).fill('cf-dns-deploy');
  const permissions = create.getByRole('group', { name: 'Permissions' });
  await permissions.getByLabel('Filter permissions').fill('DNS');
  await permissions.getByRole('checkbox', { name: 'DNS Write' }).check();
  await permissions.getByLabel('Filter permissions').fill('Zone');
  await permissions.getByRole('checkbox', { name: 'Zone Read' }).check();
  await create.getByLabel('Applies to').selectOption({ label: 'All zones' });
  await create.getByRole('button', { name: 'Create token' }).click();

  const reveal = page.getByRole('dialog', { name: 'Token “cf-dns-deploy” created' });
  const first = await revealed(reveal);
  // Our service's Capawesome snippets are not offered for another vendor's token.
  await expect(reveal).not.toContainText('Capawesome');
  expect(await vendors.accepts('cloudflare', first)).toBe(true);
  const atCloudflare = [...vendors.cloudflare.tokens.values()].find((t) => t.value === first);
  expect(
    atCloudflare?.policies.flatMap((p) => p.permission_groups.map((g) => g.name)).sort(),
  ).toEqual(['DNS Write', 'Zone Read']);
  await sendToBothPlaces(reveal, 'cf-dns-deploy', 'CLOUDFLARE_API_TOKEN');
  await closeRevealed(reveal);
  await expectBothPlacesHold('cf-dns-deploy', 'CLOUDFLARE_API_TOKEN', first);

  const confirm = await openRotate('cf-dns-deploy');
  await expect(
    confirm.getByRole('radio', { name: 'Make a new token, then delete the old one' }),
  ).toBeChecked();
  await expect(
    confirm.getByRole('radio', { name: 'Roll the value now (the old one stops at once)' }),
  ).not.toBeChecked();
  await page.screenshot({ path: join(SCREENS, 'vendor-cloudflare-rotate.png') });
  await confirm.getByRole('button', { name: 'Rotate and update 2 places' }).click();
  const { reveal: rotated, fresh } = await rotatedValue('cf-dns-deploy');
  expect(fresh).not.toBe(first);
  expect(await vendors.accepts('cloudflare', fresh)).toBe(true);
  expect(await vendors.statusAt('cloudflare', first)).toBe(401);
  expect(vendors.cloudflare.accepts(first)).toBe(false);
  // The connection's own token was never touched.
  expect(vendors.cloudflare.accepts(vendors.accounts.cloudflare.token)).toBe(true);
  await page.screenshot({ path: join(SCREENS, 'vendor-cloudflare.png') });
  await closeRevealed(rotated);
  await expectBothPlacesHold('cf-dns-deploy', 'CLOUDFLARE_API_TOKEN', fresh);
  expect(vendors.cloudflare.offContract).toEqual([]);
  expect(await vendors.secretsAtRest(page)).toEqual([]);
});

test('GitHub: a token made on GitHub is tracked, sent, and rotated the guided way', async () => {
  const value = vendors.githubTokens.addToken({
    login: LOGIN,
    scopes: ['repo'],
    expiration: '2027-09-01 12:00:00 UTC',
  });
  vendors.issued(value);
  const track = await newTokenFrom('github');
  await expect(track).toHaveAccessibleName('Track a GitHub token');
  await track.getByLabel('Name', { exact: true }).fill('gh-ci-deploy');
  await track.getByRole('button', { name: 'Track token' }).click();
  await vendors.typeInPrompt(
    context,
    'Track a GitHub token',
    { 'Token value': value },
    'Check and track',
  );
  const reveal = page.getByRole('dialog', { name: 'Token “gh-ci-deploy” created' });
  expect(await revealed(reveal)).toBe(value);
  await sendToBothPlaces(reveal, 'gh-ci-deploy', 'GH_DEPLOY_TOKEN');
  await closeRevealed(reveal);
  await expectBothPlacesHold('gh-ci-deploy', 'GH_DEPLOY_TOKEN', value);

  await chooseRowAction(page, 'gh-ci-deploy', 'Rotate and update 2 places…');
  const guided = page.getByRole('alertdialog', { name: 'Rotate “gh-ci-deploy” on GitHub?' });
  await page.screenshot({ path: join(SCREENS, 'vendor-github-rotate.png') });
  const tokenPage = `${vendors.accounts.github.host}/settings/tokens`;
  expect(await vendors.desk.openedLinks()).not.toContain(tokenPage);
  await guided.getByRole('button', { name: 'Open GitHub and continue' }).click();
  await expect.poll(() => vendors.desk.openedLinks()).toContain(tokenPage);
  // On GitHub, the person clicks "Regenerate token" and copies the new value.
  const regenerated = vendors.githubTokens.regenerate(value, '2027-12-01 12:00:00 UTC');
  vendors.issued(regenerated);
  await vendors.typeInPrompt(
    context,
    'Rotate “gh-ci-deploy” on GitHub',
    { 'New value': regenerated },
    'Check and update',
  );
  const { reveal: rotated, fresh } = await rotatedValue('gh-ci-deploy');
  expect(fresh).toBe(regenerated);
  expect(await vendors.accepts('github', regenerated)).toBe(true);
  expect(await vendors.statusAt('github', value)).toBe(401);
  await page.screenshot({ path: join(SCREENS, 'vendor-github.png') });
  await closeRevealed(rotated);
  await expectBothPlacesHold('gh-ci-deploy', 'GH_DEPLOY_TOKEN', regenerated);
  expect(vendors.githubTokens.violations).toEqual([]);
  expect(await vendors.secretsAtRest(page)).toEqual([]);
});

test('nothing secret at rest: not in the settings, the service, the harness output or the page', async () => {
  // Every secret the run saw, and every credential main holds in the keychain.
  expect(vendors.secrets().length).toBeGreaterThanOrEqual(6);
  expect(await vendors.secretsAtRest(page)).toEqual([]);
  expect(await vendors.pendingPrompt()).toBeNull();
  expect(vendors.gitlab.tokens.offContract).toEqual([]);
  expect(vendors.cloudflare.offContract).toEqual([]);
  expect(vendors.githubTokens.violations).toEqual([]);
});
