/**
 * A person on a company network, in the harness: main's requests leave through a
 * real proxy that wants a sign-in (HTTPS_PROXY in the harness's environment) to
 * https://tokens.corp.test, whose certificate a CA made for this run signed. Sign-in
 * fails with the proxy's sentence; the banner opens Settings at Company network,
 * where the person signs in to the proxy; sign-in then fails on the certificate, the
 * person adds the run's CA through the (stand-in) native open dialog, and signs in,
 * seeing their token. Check a connection names the route and the certificate;
 * Remove is confirmed. The card is scanned with axe and laid out at every size.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startHarness,
  startTokenService,
  type Harness,
  type TokenService,
} from '../support/processes.js';
import { makeCorpPki, type CorpPki } from '../support/net/corp-pki.js';
import { startCorpProxy, tlsFront, type CorpProxy } from '../support/net/corp-network.js';
import { checkLayoutEverywhere, PASSWORD, SCREENS } from './desk-fixture.js';

test.describe.configure({ mode: 'serial' });

const TOKENS = 'https://tokens.corp.test';
const PROXY_USER = 'ada.proxy';
const PROXY_PASSWORD = 'e2e-proxy-pass-5d2a';
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let work: string;
let pki: CorpPki;
let service: TokenService;
let front: HttpsServer;
let proxy: CorpProxy;
let harness: Harness;
let controlKey: string;
let caFile: string;
let email: string;
let context: BrowserContext;
let page: Page;

test.beforeAll(async ({ browser }) => {
  mkdirSync(SCREENS, { recursive: true });
  work = mkdtempSync(join(tmpdir(), 'token-desk-company-network-'));
  pki = makeCorpPki();
  caFile = join(work, 'corp-root.pem');
  writeFileSync(caFile, pki.rootCa);
  service = await startTokenService(join(work, 'service'), 0, {
    TOKEN_DESK_ALLOWED_HOSTS: 'tokens.corp.test',
  });
  front = tlsFront(pki.site('tokens.corp.test'), service.url);
  proxy = await startCorpProxy({
    sites: new Map([['tokens.corp.test', front]]),
    auth: { username: PROXY_USER, password: PROXY_PASSWORD },
  });
  // The account and a token exist already; the person signs in to see them.
  email = `company-network-${Date.now()}@example.test`;
  const signedUp = await fetch(`${service.url}/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD, name: 'Ada' }),
  });
  expect(signedUp.status).toBe(201);
  const session = (await (
    await fetch(`${service.url}/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    })
  ).json()) as { token: string };
  const created = await fetch(`${service.url}/v1/users/me/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
    body: JSON.stringify({ name: 'ci-behind-the-proxy' }),
  });
  expect(created.status).toBe(201);

  controlKey = randomBytes(24).toString('hex');
  mkdirSync(join(work, 'settings'));
  harness = await startHarness(TOKENS, join(work, 'settings'), {
    HTTPS_PROXY: proxy.url,
    TOKEN_DESK_HARNESS_CONTROL_KEY: controlKey,
    TOKEN_DESK_EXPORT_DIR: join(work, 'exports'),
  });
  context = await browser.newContext();
  page = await context.newPage();
});

test.afterAll(async () => {
  // The proxy sign-in the page saved lives in the (throwaway) keyring: forget it.
  if (harness) {
    await fetch(`${harness.origin}/__harness/invoke/network:proxy-sign-out`, {
      method: 'POST',
      headers: { 'x-harness-key': harness.key, 'content-type': 'application/json' },
      body: JSON.stringify({ proxyOrigin: proxy.url }),
    }).catch(() => {});
  }
  await context?.close();
  await harness?.stop();
  await Promise.all([proxy?.close(), service?.stop()]);
  front?.close();
  pki?.remove();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The person's answer to main's next native question (here: whether to trust an authority). */
async function answerNextQuestion(yes: boolean): Promise<void> {
  const response = await fetch(`${harness.origin}/__harness/questions/next/${yes ? 'yes' : 'no'}`, {
    method: 'POST',
    headers: { 'x-harness-control-key': controlKey },
  });
  expect(response.status).toBe(200);
}

/** What main asked in native questions so far, in order. */
async function questionsAsked(): Promise<
  Array<{ title: string; message: string; detail: string }>
> {
  const response = await fetch(`${harness.origin}/__harness/questions`, {
    headers: { 'x-harness-key': harness.key },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Array<{ title: string; message: string; detail: string }>;
}

/** The file the stand-in open dialog answers with, as the person picking it would. */
async function pickInOpenDialog(path: string | null): Promise<void> {
  const response = await fetch(`${harness.origin}/__harness/open-dialog/next`, {
    method: 'POST',
    headers: { 'x-harness-control-key': controlKey, 'content-type': 'application/json' },
    body: JSON.stringify({ path }),
  });
  expect(response.status).toBe(200);
}

const card = () => page.getByRole('region', { name: 'Company network' });

async function signInThroughForm(): Promise<void> {
  await page.getByLabel('Service URL').fill(TOKENS);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

test('the page cannot answer the open dialog itself', async () => {
  const response = await fetch(`${harness.origin}/__harness/open-dialog/next`, {
    method: 'POST',
    headers: { 'x-harness-key': harness.key, 'content-type': 'application/json' },
    body: JSON.stringify({ path: caFile }),
  });
  expect(response.status).toBe(403);
});

test('the proxy wants a sign-in: the banner leads to Settings, where the person signs in to it', async () => {
  await page.goto(harness.url);
  await signInThroughForm();
  const banner = page.getByRole('alert').filter({ hasText: 'asks for a user name and password' });
  await expect(banner).toContainText(
    `The proxy ${proxy.url} (from HTTPS_PROXY) asks for a user name and password, and none is saved for it, so tokens.corp.test was not reached.`,
  );
  await page.screenshot({ path: join(SCREENS, 'company-network-sign-in-banner.png') });
  await banner.getByRole('button', { name: 'Company network settings' }).click();

  await expect(card().getByRole('heading', { name: 'Company network' })).toBeFocused();
  await expect(card()).toContainText(`Through the proxy ${proxy.url} (from HTTPS_PROXY)`);
  const signInForm = card().getByRole('form', { name: `Sign in to the proxy ${proxy.url}` });
  await expect(signInForm).toContainText('not signed in');
  await signInForm.getByLabel('User name').fill(PROXY_USER);
  await signInForm.getByLabel('Password').fill(PROXY_PASSWORD);
  await signInForm.getByRole('button', { name: 'Save' }).click();
  await expect(signInForm.getByRole('status')).toHaveText('Saved');
  await expect(signInForm).toContainText(/: signed in/);
  await expect(signInForm.getByLabel('Password')).toHaveValue('');
  await expect(signInForm.getByRole('button', { name: 'Forget' })).toBeVisible();
});

test('then the certificate is not trusted: the person adds the run’s CA through the open dialog and signs in', async () => {
  await page.getByRole('link', { name: 'Sign in' }).click();
  await signInThroughForm();
  const banner = page.getByRole('alert').filter({ hasText: 'unknown authority' });
  await expect(banner).toContainText("Token Desk's trusted authorities");
  await banner.getByRole('button', { name: 'Company network settings' }).click();
  await expect(card().getByRole('heading', { name: 'Company network' })).toBeFocused();

  await expect(card()).toContainText('None added.');
  // Cancel in the dialog adds nothing.
  await pickInOpenDialog(null);
  await card().getByRole('button', { name: 'Add authority…' }).click();
  await expect(card()).toContainText('None added.');

  // Main asks in its own native question, naming the authority and the scope; No adds nothing.
  await pickInOpenDialog(caFile);
  await card().getByRole('radio', { name: 'Every host' }).check();
  await answerNextQuestion(false);
  await card().getByRole('button', { name: 'Add authority…' }).click();
  await expect
    .poll(async () => (await questionsAsked()).at(-1)?.message)
    .toBe('Trust “CN=Corp Test Root CA” for every host?');
  await expect(card()).toContainText('None added.');

  await pickInOpenDialog(caFile);
  await answerNextQuestion(true);
  await card().getByRole('button', { name: 'Add authority…' }).click();
  const list = card().getByRole('list', { name: 'Trusted authorities' });
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(list).toContainText('CN=Corp Test Root CA');
  await expect(list).toContainText('Every host');
  await expect(card().getByRole('status').filter({ hasText: 'Added' })).toHaveText(
    'Added CN=Corp Test Root CA for every host.',
  );

  const tunnelsBefore = proxy.tunnels.length;
  await page.getByRole('link', { name: 'Sign in' }).click();
  await signInThroughForm();
  await expect(page.getByRole('button', { name: 'New token' })).toBeVisible();
  await expect(page.getByText('ci-behind-the-proxy').first()).toBeVisible();
  expect(proxy.tunnels.slice(tunnelsBefore)).toContain('tokens.corp.test:443');
});

test('Check a connection names the route and the certificate', async () => {
  await page.getByRole('link', { name: 'Settings' }).click();
  await card().getByLabel('Address').fill(`${TOKENS}/v1/health`);
  await card().getByRole('button', { name: 'Check' }).click();
  const result = card().locator('.network-check-result');
  await expect(result).toContainText(
    `tokens.corp.test answered 200, through the proxy ${proxy.url} (from HTTPS_PROXY).`,
  );
  await expect(result).toContainText(
    'Certificate: CN=tokens.corp.test, issued by CN=Corp Test Root CA, valid until',
  );

  // A hostile address is refused before anything is sent.
  const tunnelsBefore = proxy.tunnels.length;
  await card().getByLabel('Address').fill('http://tokens.corp.test/');
  await card().getByRole('button', { name: 'Check' }).click();
  await expect(card().getByRole('alert')).toHaveText(
    'Check an https:// address: Token Desk uses http:// only for this computer.',
  );
  await expect(card().getByLabel('Address')).toHaveAttribute('aria-invalid', 'true');
  expect(proxy.tunnels.length).toBe(tunnelsBefore);
});

test('the Company network card passes axe, light and dark, narrow and wide', async () => {
  await card().getByLabel('Address').fill(`${TOKENS}/v1/health`);
  await card().getByRole('button', { name: 'Check' }).click();
  await expect(card().locator('.network-check-result')).toContainText('answered 200');
  await card().locator('details.fingerprint summary').click();
  const found: string[] = [];
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
        .include('#settings-network')
        .withTags(WCAG_21_AA)
        .options({ rules: { 'label-content-name-mismatch': { enabled: true } } })
        .analyze();
      for (const violation of violations) {
        if (violation.impact === 'serious' || violation.impact === 'critical')
          found.push(
            `${colorScheme} ${size.width}: ${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
          );
      }
    }
  }
  expect(found).toEqual([]);
});

test('the card lays out at every size', async () => {
  // Its start (routes, proxy sign-in) and its end (authorities, the check's result).
  await checkLayoutEverywhere(page, 'company-network-start', async () => {
    await card().evaluate((element) => element.scrollIntoView({ block: 'start' }));
  });
  await checkLayoutEverywhere(page, 'company-network-end', async () => {
    await card().evaluate((element) => element.scrollIntoView({ block: 'end' }));
  });
});

test('Remove asks first; removed, the host is untrusted again', async () => {
  const list = card().getByRole('list', { name: 'Trusted authorities' });
  await list.getByRole('button', { name: 'Remove CN=Corp Test Root CA (Every host)' }).click();
  const confirm = list.getByRole('group', { name: 'Remove CN=Corp Test Root CA?' });
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(confirm).toHaveCount(0);
  await expect(
    list.getByRole('button', { name: 'Remove CN=Corp Test Root CA (Every host)' }),
  ).toBeFocused();
  await expect(list.getByRole('listitem')).toHaveCount(1);

  await list.getByRole('button', { name: 'Remove CN=Corp Test Root CA (Every host)' }).click();
  await confirm.getByRole('button', { name: 'Remove' }).click();
  await expect(card()).toContainText('None added.');
  await expect(card().getByRole('button', { name: 'Add authority…' })).toBeFocused();

  await card().getByLabel('Address').fill(`${TOKENS}/v1/health`);
  await card().getByRole('button', { name: 'Check' }).click();
  await expect(card().locator('.network-check-result')).toContainText(
    'signed by an authority this computer does not trust',
  );
});

test('signed in, a list that fails on the certificate offers the Company network settings too', async () => {
  await page.getByRole('link', { name: 'Tokens' }).click();
  const banner = page.getByRole('alert').filter({ hasText: 'unknown authority' });
  await expect(banner).toContainText("Token Desk's trusted authorities");
  await expect(banner.getByRole('button', { name: 'Retry now' })).toBeVisible();
  await banner.getByRole('button', { name: 'Company network settings' }).click();
  await expect(card().getByRole('heading', { name: 'Company network' })).toBeFocused();
});
