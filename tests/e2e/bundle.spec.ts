/**
 * The JavaScript the window loads before its first screen, gzipped: at most 110 KiB,
 * signed out (sign-in) and signed in (the token list). Sizes come from the built
 * files in out/renderer, for each script the page fetched from there; the test prints
 * them, next to what loading every chunk at start would cost.
 */
import { expect, test, type Page } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { signIn, startDesk, type Desk } from './desk-fixture.js';

const BUDGET = 110 * 1024;
const ASSETS = 'out/renderer/assets';

const gzipped = (file: string) => gzipSync(readFileSync(join(ASSETS, file))).length;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

let desk: Desk;

test.beforeAll(async () => {
  desk = await startDesk('bundle');
});

test.afterAll(async () => {
  await desk?.stop();
});

/** The built scripts the page fetches while `show` brings up a screen. */
async function scriptsLoaded(page: Page, show: () => Promise<void>): Promise<string[]> {
  const loaded = new Set<string>();
  const record = (response: { url(): string }) => {
    const path = new URL(response.url()).pathname;
    if (path.includes('/assets/') && path.endsWith('.js')) loaded.add(basename(path));
  };
  page.on('response', record);
  await show();
  page.off('response', record);
  return [...loaded].sort();
}

test('at most 110 KiB of gzipped JavaScript loads before the first screen', async ({ browser }) => {
  const page = await browser.newPage();
  const signedOut = await scriptsLoaded(page, async () => {
    await page.goto(desk.harness.url);
    await expect(page.getByRole('heading', { name: 'Sign in to Token Desk' })).toBeVisible();
  });
  await signIn(page, desk);
  const signedIn = await scriptsLoaded(page, async () => {
    await page.reload();
    await expect(page.getByRole('button', { name: 'New token' })).toBeVisible();
  });
  await page.close();

  const total = (files: string[]) => files.reduce((sum, file) => sum + gzipped(file), 0);
  const everything = readdirSync(ASSETS).filter((file) => file.endsWith('.js'));
  console.log(
    [
      `JavaScript at start, gzipped (budget ${kib(BUDGET)}):`,
      `  sign-in:    ${kib(total(signedOut))} in ${signedOut.length} files`,
      `  token list: ${kib(total(signedIn))} in ${signedIn.length} files`,
      `  every chunk, were all loaded at start: ${kib(total(everything))} in ${everything.length} files`,
    ].join('\n'),
  );
  expect(signedIn.length).toBeGreaterThan(0);
  expect(total(signedOut)).toBeLessThanOrEqual(BUDGET);
  expect(total(signedIn)).toBeLessThanOrEqual(BUDGET);
});
