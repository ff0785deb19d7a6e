import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './tests/e2e/chromium.js';

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results/playwright',
  globalSetup: './tests/e2e/global-setup.ts',
  // Two spec files at a time: much of a spec's time is spent waiting (a process starting,
  // a page settling, a stand-in answering), and each file starts its own service, harness
  // and stand-ins on ports of their own, so files never see each other's state. Tests
  // within a file keep running in order on one worker.
  workers: 2,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    // A failed test keeps its trace with the page's DOM at every step; the screencast
    // (a frame at every change, encoded and recorded for every test, passed or not) is
    // left out: it cost 8 % of two specs' CPU, and the failure's own screenshot is kept.
    trace: { mode: 'retain-on-failure', screenshots: false },
    screenshot: 'only-on-failure',
    viewport: { width: 1100, height: 720 },
  },
  projects: [
    {
      name: 'renderer-in-chromium',
      testMatch: /\.spec\.ts$/,
      testIgnore: /electron-app\.spec\.ts$/,
      use: {
        browserName: 'chromium',
        launchOptions: chromiumLaunchOptions,
      },
    },
    { name: 'electron-app', testMatch: /electron-app\.spec\.ts/ },
  ],
});
