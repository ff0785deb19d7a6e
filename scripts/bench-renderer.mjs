#!/usr/bin/env node
// `npm run bench:renderer`: how the token list behaves with 5,000 tokens compared
// with 50, in Debian Chromium through the e2e harness against a real service.
// Prints medians and ratios; asserts nothing (these machines are noisy).
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from '../out/harness/tests/e2e/chromium.js';
import { startHarness, startTokenService } from '../out/harness/tests/support/processes.js';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { median } from './lib/measure.mjs';
import { cleanUpOnExit } from './lib/process.mjs';
import { call, createTokens, signUp } from './lib/service-api.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const SIZES = [50, 5000];
const cleanup = cleanUpOnExit();
const work = cleanup.tempDir('token-desk-bench-renderer-');
const service = await startTokenService(join(work, 'service'));
cleanup.track(service.child);
const serviceUrl = service.url;

const browser = await chromium.launch(chromiumLaunchOptions);

const results = {};
for (const size of SIZES) {
  const email = `bench-${size}-${Date.now()}@example.test`;
  const password = 'benchmark password';
  const { token } = await signUp(serviceUrl, email, password);
  await createTokens(serviceUrl, token, size, (i) => ({
    name: `pipeline-${String(i).padStart(4, '0')}`,
    expiresAt: null,
  }));
  const settingsDir = mkdtempSync(join(work, 'settings-'));
  const harness = await startHarness(serviceUrl, settingsDir);
  cleanup.track(harness.child);
  const page = await browser.newPage({ viewport: { width: 1100, height: 720 } });
  await page.goto(harness.url);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByText(`${size.toLocaleString('en-US')} tokens`).waitFor();

  const refresh = [];
  const search = [];
  const sort = [];
  for (let run = 0; run < RUNS; run++) {
    // A token made behind the app's back: the refresh is done when the count shows it.
    await call(serviceUrl, 'POST', '/v1/users/me/tokens', {
      token,
      body: { name: `fresh-${run}`, expiresAt: null },
    });
    let t0 = performance.now();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page
      .getByText(`${(size + run + 1).toLocaleString('en-US')} tokens`, { exact: true })
      .waitFor();
    refresh.push(performance.now() - t0);

    t0 = performance.now();
    await page.getByLabel('Search tokens').fill(`pipeline-00${run % 5}`);
    await page.getByRole('row', { name: new RegExp(`pipeline-00${run % 5}0`) }).waitFor();
    search.push(performance.now() - t0);
    await page.getByLabel('Search tokens').fill('');

    t0 = performance.now();
    await page.getByLabel('Sort').selectOption(run % 2 ? 'created' : 'name');
    await page
      .getByRole('row', { name: run % 2 ? /pipeline-\d+9\b/ : /pipeline-0000/ })
      .first()
      .waitFor();
    sort.push(performance.now() - t0);
  }
  const rows = await page.getByRole('row').count();
  const heap = await page.evaluate(() =>
    performance.memory ? performance.memory.usedJSHeapSize : 0,
  );
  results[size] = {
    refresh: median(refresh),
    search: median(search),
    sort: median(sort),
    rows,
    heap,
  };
  console.log(
    `${String(size).padStart(5)} tokens: refresh ${results[size].refresh.toFixed(0)} ms, search ${results[size].search.toFixed(0)} ms, ` +
      `sort ${results[size].sort.toFixed(0)} ms (medians of ${RUNS}); ${rows} rows in the DOM; JS heap ${(heap / 1e6).toFixed(1)} MB`,
  );
  await page.close();
}
const [small, large] = SIZES.map((size) => results[size]);
console.log(
  `5000/50 ratios: refresh ${(large.refresh / small.refresh).toFixed(2)}x, search ${(large.search / small.search).toFixed(2)}x, ` +
    `sort ${(large.sort / small.sort).toFixed(2)}x, DOM rows ${(large.rows / small.rows).toFixed(2)}x`,
);
await browser.close();
process.exit(0);
