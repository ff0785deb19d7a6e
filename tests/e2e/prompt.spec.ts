/**
 * Main's own prompt, through the harness: main asks (as the npm or GitHub issuer
 * will), the spec opens the real prompt page as its own page from
 * /__harness/prompts/pending, types there, and what was typed reaches the one that
 * asked (the harness records only field ids and lengths). Keyboard (Enter submits, Esc
 * cancels, focus on the first field), one prompt at a time, the app's page kept out,
 * axe in light and dark, and the page at its natural size and at 200 % zoom.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { layoutProblemsInPage } from './layout-probe.mjs';
import {
  startHarness,
  startTokenService,
  type Harness,
  type TokenService,
} from '../support/processes.js';

test.describe.configure({ mode: 'serial' });

const SCREENS = 'test-results/screens';
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
/** The prompt window's content width (src/main/prompt/prompt-window.ts) and its height bounds. */
const PROMPT_WIDTH = 460;
const PROMPT_HEIGHTS = { min: 200, max: 640 };

const NPM_SIGN_IN = {
  title: 'Sign in to npm',
  message:
    'Token Desk sends your npm password and one-time code to registry.npmjs.org to make the token, and keeps neither.',
  fields: [
    { id: 'password', label: 'Password', kind: 'password' },
    {
      id: 'otp',
      label: 'One-time code',
      kind: 'one-time-code',
      hint: 'The 6-digit code from your authenticator app.',
    },
  ],
  submitLabel: 'Sign in to npm',
};
const GITHUB_VALUE = {
  title: 'New value for ci-deploy',
  message: 'Paste the token GitHub showed you. It goes to the places you chose.',
  fields: [{ id: 'token', label: 'Token', kind: 'secret' }],
  submitLabel: 'Use this token',
};

type Outcome = { title: string; outcome: string; lengths?: Record<string, number>; code?: string };

let work: string;
let service: TokenService;
let harness: Harness;
let controlKey: string;
let context: BrowserContext;

const control = (path: string, init: RequestInit = {}) =>
  fetch(`${harness.origin}${path}`, {
    ...init,
    headers: {
      'x-harness-control-key': controlKey,
      'content-type': 'application/json',
      ...init.headers,
    },
  });

/** Asks main's prompt port as an issuer would; the answer is recorded as ids and lengths. */
async function ask(request: object): Promise<number> {
  const response = await control('/__harness/prompt/ask', {
    method: 'POST',
    body: JSON.stringify(request),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { index: number }).index;
}

async function outcome(index: number): Promise<Outcome> {
  const outcomes = (await (await control('/__harness/prompt/outcomes')).json()) as Outcome[];
  return outcomes[index]!;
}

/** The pending prompt's page, opened as a page of its own, at the window's natural size. */
async function openPending(on: BrowserContext = context): Promise<Page> {
  const { pending } = (await (await control('/__harness/prompts/pending')).json()) as {
    pending: { url: string; title: string } | null;
  };
  expect(pending).not.toBeNull();
  const page = await on.newPage();
  await page.setViewportSize({ width: PROMPT_WIDTH, height: PROMPT_HEIGHTS.max });
  await page.goto(`${harness.origin}${pending!.url}`);
  await expect(page.locator('form')).toBeVisible();
  return page;
}

/** What main does with the page's preferred size: the window fits its height, within bounds. */
async function fitToContent(page: Page): Promise<{ width: number; height: number }> {
  await page.evaluate('document.fonts.ready.then(() => true)');
  // The content's own height (the document's would be the viewport's at least).
  const wanted = await page.evaluate(
    "Math.ceil(document.querySelector('main').getBoundingClientRect().height)",
  );
  const height = Math.min(PROMPT_HEIGHTS.max, Math.max(PROMPT_HEIGHTS.min, Number(wanted)));
  await page.setViewportSize({ width: PROMPT_WIDTH, height });
  return { width: PROMPT_WIDTH, height };
}

test.beforeAll(async ({ browser }) => {
  mkdirSync(SCREENS, { recursive: true });
  work = mkdtempSync(join(tmpdir(), 'token-desk-prompt-'));
  mkdirSync(join(work, 'settings'));
  service = await startTokenService(join(work, 'service'));
  controlKey = randomBytes(24).toString('hex');
  harness = await startHarness(service.url, join(work, 'settings'), {
    TOKEN_DESK_HARNESS_CONTROL_KEY: controlKey,
  });
  // axe's analyze() opens a page of its own, which browser.newPage()'s own context refuses.
  context = await browser.newContext();
});

test.afterAll(async () => {
  await context?.close();
  await harness?.stop();
  await service?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('a password and a code typed in the prompt reach the one that asked; Enter submits', async () => {
  const index = await ask(NPM_SIGN_IN);
  const page = await openPending();
  await expect(page).toHaveTitle('Sign in to npm');
  await expect(page.getByRole('heading', { name: 'Sign in to npm' })).toBeVisible();
  const form = page.getByRole('form', { name: 'Sign in to npm' });
  await expect(form).toHaveAccessibleDescription(NPM_SIGN_IN.message);
  const password = form.getByLabel('Password');
  const code = form.getByLabel('One-time code');
  await expect(password).toBeFocused();
  await expect(password).toHaveAttribute('type', 'password');
  await expect(password).toHaveAttribute('autocomplete', 'current-password');
  await expect(code).toHaveAttribute('autocomplete', 'one-time-code');
  await expect(code).toHaveAttribute('inputmode', 'numeric');
  await expect(code).toHaveAccessibleDescription('The 6-digit code from your authenticator app.');

  // Empty: the page says what is missing and sends nothing.
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toHaveText('Fill in Password.');
  expect((await outcome(index)).outcome).toBe('pending');

  await password.fill('correct horse battery staple');
  await code.fill('123 456');
  await code.press('Enter');
  await expect(page.getByRole('heading', { name: 'Sent' })).toBeVisible();
  // The form, and what was typed in it, is gone from the page.
  await expect(page.locator('input')).toHaveCount(0);
  await expect
    .poll(async () => outcome(index))
    .toEqual({
      title: 'Sign in to npm',
      outcome: 'answered',
      lengths: { password: 28, otp: 6 },
    });
  // Answered: the page's nonce no longer shows anything, and nothing is pending.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Nothing to answer' })).toBeVisible();
  expect(await (await control('/__harness/prompts/pending')).json()).toEqual({ pending: null });
  await page.close();
});

test('Esc cancels, and the one that asked hears Cancel', async () => {
  const index = await ask(GITHUB_VALUE);
  const page = await openPending();
  await page.getByLabel('Token').fill('github_pat_not_sent');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('heading', { name: 'Cancelled' })).toBeVisible();
  await expect.poll(async () => (await outcome(index)).outcome).toBe('cancelled');
  await page.close();
});

test('the Cancel button cancels too', async () => {
  const index = await ask(GITHUB_VALUE);
  const page = await openPending();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect.poll(async () => (await outcome(index)).outcome).toBe('cancelled');
  await page.close();
});

test('one prompt at a time: a second ask is refused in words while the first is open', async () => {
  const first = await ask(GITHUB_VALUE);
  const second = await ask(NPM_SIGN_IN);
  await expect.poll(async () => (await outcome(second)).outcome).toBe('refused');
  expect(await outcome(second)).toMatchObject({ code: 'prompt_busy' });
  const page = await openPending();
  await expect(page.getByRole('heading', { name: 'New value for ci-deploy' })).toBeVisible();
  await page.getByLabel('Token').fill('github_pat_11AAAA0000');
  await page.getByRole('button', { name: 'Use this token' }).click();
  await expect
    .poll(async () => outcome(first))
    .toMatchObject({
      outcome: 'answered',
      lengths: { token: 21 },
    });
  await page.close();
});

test("the app's page cannot find, read or answer the prompt", async ({ browser }) => {
  const index = await ask(GITHUB_VALUE);
  const app = await browser.newPage();
  await app.goto(harness.url);
  // The app's page has the harness key, never the control key, nor the prompt's nonce.
  const tried = (await app.evaluate(`(async () => {
    const key = sessionStorage.getItem('harness-key');
    const pending = await fetch('/__harness/prompts/pending', { headers: { 'x-harness-key': key } });
    const guessed = await fetch('/__harness/prompt-page/request', { headers: { 'x-prompt-nonce': 'a'.repeat(48) } });
    const submitted = await fetch('/__harness/prompt-page/submit', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-prompt-nonce': 'a'.repeat(48) },
      body: JSON.stringify({ values: { token: 'from the page' } }),
    });
    return { pending: pending.status, guessed: await guessed.json(), submitted: await submitted.json() };
  })()`)) as { pending: number; guessed: unknown; submitted: { ok: boolean } };
  expect(tried.pending).toBe(403);
  expect(tried.guessed).toEqual({ view: null });
  expect(tried.submitted.ok).toBe(false);
  // The prompt page at a made-up nonce shows nothing of the open prompt.
  const stranger = await context.newPage();
  await stranger.goto(`${harness.origin}/prompt.html#prompt=${'b'.repeat(48)}`);
  await expect(stranger.getByRole('heading', { name: 'Nothing to answer' })).toBeVisible();
  await expect(stranger.getByText('ci-deploy')).toHaveCount(0);
  expect((await outcome(index)).outcome).toBe('pending');
  await stranger.close();
  await app.close();
  const page = await openPending();
  await page.keyboard.press('Escape');
  await expect.poll(async () => (await outcome(index)).outcome).toBe('cancelled');
  await page.close();
});

test('a refused answer is shown on the page, and the prompt stays open', async () => {
  const index = await ask(NPM_SIGN_IN);
  const page = await openPending();
  await page.getByLabel('Password').fill('x');
  await page.getByLabel('One-time code').fill('12;456');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toHaveText('One-time code takes letters and digits only.');
  expect((await outcome(index)).outcome).toBe('pending');
  await page.getByLabel('One-time code').fill('654321');
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await outcome(index)).outcome).toBe('answered');
  await page.close();
});

/** axe, a screenshot and the layout probe for one theme at the current size. */
async function lookAt(page: Page, name: string): Promise<string[]> {
  const found: string[] = [];
  // axe.run() in the page (legacy mode), not finished in a blank page of its own:
  // the same run while the window has no frame.
  expect(page.frames()).toHaveLength(1);
  const { violations } = await new AxeBuilder({ page })
    .setLegacyMode()
    .withTags(WCAG_21_AA)
    .options({ rules: { 'label-content-name-mismatch': { enabled: true } } })
    .analyze();
  for (const violation of violations)
    found.push(
      `${name}: ${violation.id} (${violation.impact}) at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
  await page.screenshot({ path: join(SCREENS, `prompt-${name}.png`), fullPage: true });
  for (const problem of (await page.evaluate(layoutProblemsInPage)) as string[])
    found.push(`${name}: ${problem}`);
  return found;
}

test('the prompt passes axe in light and dark, at its natural size and at 200 % zoom', async ({
  browser,
}) => {
  const found: string[] = [];
  const index = await ask(NPM_SIGN_IN);
  const page = await openPending();
  // A refusal on screen too, so the alert's colours are checked.
  await page.getByLabel('Password').fill('x');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toHaveText('Fill in One-time code.');
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const size = await fitToContent(page);
    found.push(...(await lookAt(page, `natural-${size.width}x${size.height}-${colorScheme}`)));
  }
  // 200 % zoom: the same window, half the CSS pixels, each drawn twice as large.
  const zoomed = await zoomedContext(browser);
  const big = await openPending(zoomed);
  for (const colorScheme of ['light', 'dark'] as const) {
    await big.emulateMedia({ colorScheme });
    await big.setViewportSize({ width: PROMPT_WIDTH / 2, height: PROMPT_HEIGHTS.max / 2 });
    found.push(...(await lookAt(big, `zoom200-${colorScheme}`)));
  }
  // Everything still reachable: the buttons scroll into view and work.
  await big.getByLabel('Password').fill('correct horse battery staple');
  await big.getByLabel('One-time code').fill('123456');
  await big.getByRole('button', { name: 'Sign in to npm' }).click();
  await expect.poll(async () => (await outcome(index)).outcome).toBe('answered');
  await zoomed.close();
  await page.close();
  expect(found).toEqual([]);
});

async function zoomedContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: PROMPT_WIDTH / 2, height: PROMPT_HEIGHTS.max / 2 },
    deviceScaleFactor: 2,
  });
}

test('screenshots in a browser window at 720, 1100 and 1920 wide, light and dark', async () => {
  const index = await ask(GITHUB_VALUE);
  const page = await openPending();
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    for (const [width, height] of [
      [720, 480],
      [1100, 720],
      [1920, 1080],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.evaluate('document.fonts.ready.then(() => true)');
      await page.screenshot({
        path: join(SCREENS, `prompt-${width}x${height}-${colorScheme}.png`),
      });
      found.push(...((await page.evaluate(layoutProblemsInPage)) as string[]));
    }
  }
  expect(found).toEqual([]);
  await page.keyboard.press('Escape');
  await expect.poll(async () => (await outcome(index)).outcome).toBe('cancelled');
  await page.close();
});

test('the prompt routes answer bad requests with a 4xx sentence, never a reset or a 500', async () => {
  const nonce = { 'x-prompt-nonce': 'd'.repeat(48) };
  const cases: Array<[string, RequestInit, number, string]> = [
    [
      '/__harness/prompts/pending',
      { headers: { 'x-harness-control-key': 'x'.repeat(48) } },
      403,
      'harness_control_key',
    ],
    [
      '/__harness/prompt/ask',
      { method: 'POST', body: '{"title":', headers: {} },
      403,
      'harness_control_key',
    ],
    [
      '/__harness/prompt-page/request',
      { method: 'POST', headers: nonce },
      405,
      'method_not_allowed',
    ],
    [
      '/__harness/prompt-page/submit',
      { method: 'POST', headers: nonce, body: '{' },
      400,
      'bad_json',
    ],
    [
      '/__harness/prompt-page/submit',
      { method: 'POST', headers: nonce, body: `{"values":"${'v'.repeat(70_000)}"}` },
      413,
      'body_too_large',
    ],
    ['/__harness/prompt-page/answer', { headers: nonce }, 404, 'not_found'],
  ];
  for (const [path, init, status, code] of cases) {
    const response = await fetch(`${harness.origin}${path}`, init);
    expect(response.status, path).toBe(status);
    expect(((await response.json()) as { error: { code: string } }).error.code, path).toBe(code);
  }
  for (const [path, init, status, code] of [
    ['/__harness/prompts/pending', { method: 'POST', body: '{}' }, 405, 'method_not_allowed'],
    ['/__harness/prompt/ask', { method: 'POST', body: '[1]' }, 400, 'bad_request'],
    ['/__harness/prompt/ask', { method: 'POST', body: 'null' }, 400, 'bad_request'],
    ['/__harness/prompt/next', { method: 'POST', body: '{"values":"x"}' }, 400, 'bad_values'],
    ['/__harness/prompt/next', { method: 'POST', body: 'nope' }, 400, 'bad_json'],
  ] as const) {
    const response = await control(path, init);
    expect(response.status, path).toBe(status);
    expect(((await response.json()) as { error: { code: string } }).error.code, path).toBe(code);
  }
  // Main's own checks refuse a prompt it should never show.
  const index = await ask({ ...GITHUB_VALUE, submitLabel: '' });
  await expect
    .poll(async () => outcome(index))
    .toMatchObject({
      outcome: 'refused',
      code: 'invalid_prompt',
    });
});

test('a queued answer answers the next prompt without its page', async () => {
  const queued = await control('/__harness/prompt/next', {
    method: 'POST',
    body: JSON.stringify({ values: { token: 'github_pat_queued' } }),
  });
  expect(queued.status).toBe(200);
  const answered = await ask(GITHUB_VALUE);
  await expect
    .poll(async () => outcome(answered))
    .toMatchObject({
      outcome: 'answered',
      lengths: { token: 17 },
    });
  await control('/__harness/prompt/next', { method: 'POST', body: '{"values":null}' });
  const cancelled = await ask(GITHUB_VALUE);
  await expect.poll(async () => (await outcome(cancelled)).outcome).toBe('cancelled');
  // A queued answer that does not fit the prompt is refused, not passed on.
  await control('/__harness/prompt/next', {
    method: 'POST',
    body: JSON.stringify({ values: { token: 'x', extra: 'y' } }),
  });
  const refused = await ask(GITHUB_VALUE);
  await expect
    .poll(async () => outcome(refused))
    .toMatchObject({
      outcome: 'refused',
      code: 'prompt_unavailable',
    });
  expect(await (await control('/__harness/prompts/pending')).json()).toEqual({ pending: null });
});
