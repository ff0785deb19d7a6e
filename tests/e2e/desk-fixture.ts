import { randomBytes } from 'node:crypto';
/**
 * A real token service and harness for one spec file, an account on it, and the
 * few steps several specs share. token-desk.spec.ts keeps its own story; the
 * focused specs (dialogs, layout, forms) start from here.
 */
import { expect, type Page } from '@playwright/test';
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

export const SCREENS = 'test-results/screens';

/** The minimum window, a narrow one, the default, and full HD. */
export const LAYOUT_SIZES = [
  // The default window (1100×720) at 200 % zoom, which the View menu offers: its CSS size.
  { width: 550, height: 360 },
  { width: 720, height: 480 },
  { width: 900, height: 720 },
  { width: 1100, height: 720 },
  { width: 1920, height: 1080 },
] as const;

/**
 * Shows a screen at every size in LAYOUT_SIZES, light and dark: saves a screenshot for
 * a person to look at (test-results/screens/layout-<screen>-<w>x<h>-<theme>.png) and
 * expects no layout problem. Leaves the page at the default 1100×720.
 */
export async function checkLayoutEverywhere(
  page: Page,
  screen: string,
  show: () => Promise<void>,
): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    for (const size of LAYOUT_SIZES) {
      await page.setViewportSize(size);
      await show();
      await page.evaluate('document.fonts.ready.then(() => true)');
      await page.screenshot({
        path: join(SCREENS, `layout-${screen}-${size.width}x${size.height}-${theme}.png`),
      });
      expect(
        await page.evaluate(layoutProblemsInPage),
        `${screen} at ${size.width}×${size.height}, ${theme}`,
      ).toEqual([]);
    }
  }
  await page.setViewportSize({ width: 1100, height: 720 });
}
export const PASSWORD = 'correct horse battery';

export interface Desk {
  service: TokenService;
  harness: Harness;
  email: string;
  /** The harness's settings folder and the folder its stand-in save dialog writes to. */
  settingsDir: string;
  exportDir(): string;
  /** Stops the harness and starts it again on the same settings and keychain (a restart). */
  restartHarness(): Promise<void>;
  /** What the harness's stand-in notifier would have shown, in order. */
  notifications(): Promise<Array<{ title: string; body: string }>>;
  clickNotification(index: number): Promise<void>;
  /** Every page the harness's stand-in for shell.openExternal was asked to open, in order. */
  openedLinks(): Promise<string[]>;
  /** The questions main asked in a native dialog, and the answer to its next one. */
  questions(): Promise<Array<{ title: string; message: string; detail: string }>>;
  answerNextQuestion(yes: boolean): Promise<void>;
  /** Clicks the application menu's item with this label, as Linux builds the menu. */
  clickMenu(label: string): Promise<void>;
  /** Puts an event on the page's stream without main's check: what else might reach the page. */
  sendUncheckedEvent(event: string, payload: unknown): Promise<void>;
  /** The key for the harness's control routes (main's prompt answers, native questions); never the page's. */
  controlKey: string;
  /** A session of the same account straight on the service, for seeding and checking. */
  apiSession(): Promise<string>;
  /** Stops the service; the returned function starts it again on the same port and data. */
  stopService(): Promise<() => Promise<void>>;
  stop(): Promise<void>;
}

export async function startDesk(label: string): Promise<Desk> {
  mkdirSync(SCREENS, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), `token-desk-${label}-`));
  mkdirSync(join(work, 'settings'));
  let service = await startTokenService(join(work, 'service'));
  const settingsDir = join(work, 'settings');
  const exportDir = join(work, 'exports');
  // The specs answer main's native questions: yes by default (as a person adding the
  // local GitHub would), a queued no through a key the page never sees.
  const controlKey = randomBytes(24).toString('hex');
  const harnessEnv = {
    TOKEN_DESK_EXPORT_DIR: exportDir,
    TOKEN_DESK_HARNESS_ANSWER: 'yes',
    TOKEN_DESK_HARNESS_CONTROL_KEY: controlKey,
  };
  let harness = await startHarness(service.url, settingsDir, harnessEnv);
  const keyed = (path: string, init: RequestInit = {}) =>
    fetch(`${harness.origin}${path}`, {
      ...init,
      headers: { 'x-harness-key': harness.key },
    });
  const email = `${label}-${Date.now()}@example.test`;
  const created = await fetch(`${service.url}/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD, name: 'Layout Person' }),
  });
  expect(created.status).toBe(201);
  let session: string | null = null;
  return {
    get service() {
      return service;
    },
    get harness() {
      return harness;
    },
    email,
    controlKey,
    settingsDir,
    exportDir: () => exportDir,
    async restartHarness() {
      await harness.stop();
      harness = await startHarness(service.url, settingsDir, harnessEnv);
    },
    async notifications() {
      return (await (await keyed('/__harness/notifications')).json()) as Array<{
        title: string;
        body: string;
      }>;
    },
    /** The questions main asked in a native dialog (a new provider host, CI accounts after a sign-out). */
    async questions() {
      return (await (await keyed('/__harness/questions')).json()) as Array<{
        title: string;
        message: string;
        detail: string;
      }>;
    },
    /** The person's answer to main's next native question (yes when none is queued). */
    async answerNextQuestion(yes: boolean) {
      const response = await fetch(
        `${harness.origin}/__harness/questions/next/${yes ? 'yes' : 'no'}`,
        { method: 'POST', headers: { 'x-harness-control-key': controlKey } },
      );
      expect(response.status).toBe(200);
    },
    async clickMenu(label: string) {
      // 409 until a page has opened its event stream (nothing was sent): ask again.
      await expect
        .poll(
          async () =>
            (
              await fetch(`${harness.origin}/__harness/menu/${encodeURIComponent(label)}`, {
                method: 'POST',
                headers: { 'x-harness-control-key': controlKey },
              })
            ).status,
          { message: label },
        )
        .toBe(200);
    },
    async sendUncheckedEvent(event: string, payload: unknown) {
      await expect
        .poll(
          async () =>
            (
              await fetch(`${harness.origin}/__harness/unchecked-event`, {
                method: 'POST',
                headers: {
                  'x-harness-control-key': controlKey,
                  'content-type': 'application/json',
                },
                body: JSON.stringify({ event, payload }),
              })
            ).status,
        )
        .toBe(200);
    },
    async openedLinks() {
      return (await (await keyed('/__harness/opened-links')).json()) as string[];
    },
    async clickNotification(index: number) {
      const response = await keyed(`/__harness/notifications/${index}/click`, { method: 'POST' });
      expect(response.status).toBe(200);
    },
    async stopService() {
      const port = service.port;
      await service.stop();
      return async () => {
        service = await startTokenService(join(work, 'service'), port);
      };
    },
    async apiSession() {
      if (session) return session;
      const response = await fetch(`${service.url}/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      session = ((await response.json()) as { token: string }).token;
      return session;
    },
    async stop() {
      await harness.stop();
      await service.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Opens the app, signing in unless the harness's session is live already. */
export async function signIn(page: Page, desk: Desk): Promise<void> {
  // From the app's own page, a URL differing only in its #fragment would not reload it.
  await page.goto('about:blank');
  await page.goto(desk.harness.url);
  const signInHeading = page.getByRole('heading', { name: 'Sign in to Token Desk' });
  const newToken = page.getByRole('button', { name: 'New token' });
  await expect(signInHeading.or(newToken)).toBeVisible();
  if (await newToken.isVisible()) return;
  await page.getByLabel('Email').fill(desk.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('button', { name: 'New token' })).toBeVisible();
}

/** Creates a token through the app and returns its secret, leaving the reveal dialog open. */
export async function createToken(page: Page, name: string): Promise<string> {
  await page.getByRole('button', { name: 'New token' }).click();
  const dialog = page.getByRole('dialog', { name: 'New API token' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByRole('button', { name: 'Create token' }).click();
  const secret = page.getByTestId('secret');
  await expect(secret).toHaveText(/^ca_/);
  return (await secret.textContent())!;
}

export async function closeReveal(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('button', { name: 'Close and forget the secret' }).click();
  await expect(page.locator('dialog')).toHaveCount(0);
}

/** The reveal ids the page asked main to forget, as they cross the bridge. */
export function recordForgets(page: Page): string[] {
  const forgotten: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/__harness/invoke/secret%3Aforget')) {
      forgotten.push((request.postDataJSON() as { revealId: string }).revealId);
    }
  });
  return forgotten;
}

/** The reveal id main sent with the next created or rotated token. */
export async function nextRevealId(page: Page, action: () => Promise<unknown>): Promise<string> {
  const [response] = await Promise.all([
    page.waitForResponse(
      (r) => /\/__harness\/invoke\/tokens%3A(create|rotate)$/.test(r.url()) && r.status() === 200,
    ),
    action(),
  ]);
  const result = (await response.json()) as
    | { ok: true; value: { revealId: string } }
    | { ok: false; error: { code: string; message: string } };
  if (!result.ok) throw new Error(`main refused: ${result.error.code}: ${result.error.message}`);
  return result.value.revealId;
}
