#!/usr/bin/env node
// `npm run bench:renderer`: how the token list behaves with 5,000 tokens compared
// with 50, in Debian Chromium through the e2e harness against a real service.
// Prints medians and ratios; asserts nothing (these machines are noisy).
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from '../out/harness/tests/e2e/chromium.js';
import { startHarness, startTokenService } from '../out/harness/tests/processes.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const SIZES = [50, 5000];
const work = mkdtempSync(join(tmpdir(), 'token-desk-bench-renderer-'));
const running = [];
process.on('exit', () => {
  for (const child of running) child.child.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
});

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const service = await startTokenService(join(work, 'service'));
running.push(service);
const serviceUrl = service.url;

async function api(method, path, token, body) {
  const response = await fetch(serviceUrl + path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body && JSON.stringify(body),
  });
  return response.json();
}

const browser = await chromium.launch(chromiumLaunchOptions);

const results = {};
for (const size of SIZES) {
  const email = `bench-${size}-${Date.now()}@example.test`;
  const password = 'benchmark password';
  await api('POST', '/v1/users', null, { email, password });
  const { token } = await api('POST', '/v1/sessions', null, { email, password });
  for (let i = 0; i < size; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, size - i) }, (_, j) =>
        api('POST', '/v1/users/me/tokens', token, {
          name: `pipeline-${String(i + j).padStart(4, '0')}`,
          expiresAt: null,
        }),
      ),
    );
  }
  const settingsDir = mkdtempSync(join(work, 'settings-'));
  const harness = await startHarness(serviceUrl, settingsDir);
  running.push(harness);
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
    await api('POST', '/v1/users/me/tokens', token, { name: `fresh-${run}`, expiresAt: null });
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
