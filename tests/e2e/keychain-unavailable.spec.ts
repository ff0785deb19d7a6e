/**
 * With no Secret Service to talk to (no D-Bus session, as on a bare Linux box),
 * keytar fails; the app must say so once, keep working, and write no session anywhere.
 */
import { expect, test } from '@playwright/test';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, startTokenService } from '../support/processes.js';

test('without a keychain: a plain warning, a working session in memory only, and sign-in again after a restart', async ({
  page,
}) => {
  const work = mkdtempSync(join(tmpdir(), 'token-desk-no-keychain-'));
  const settingsDir = join(work, 'settings');
  const service = await startTokenService(join(work, 'service'));
  const noBus = { DBUS_SESSION_BUS_ADDRESS: '', DISPLAY: '' };
  let harness = await startHarness(service.url, settingsDir, noBus);
  try {
    await page.goto(harness.url);
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByLabel('Email').fill(`nokeychain-${Date.now()}@example.test`);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create account' }).click();

    const warning = page.getByRole('status').filter({ hasText: 'No system keychain is available' });
    await expect(warning).toBeVisible();
    await expect(warning).toContainText('memory only');
    await expect(page.getByRole('heading', { name: 'No API tokens yet' })).toBeVisible();
    await page.screenshot({ path: 'test-results/screens/14-no-keychain.png' });
    await warning.getByRole('button', { name: 'Dismiss' }).click();
    await expect(warning).toHaveCount(0);

    const written = readdirSync(settingsDir).map((file) =>
      readFileSync(join(settingsDir, file), 'utf8'),
    );
    expect(written.join('\n')).not.toMatch(/ses_[0-9A-Za-z]{36}/);

    await harness.stop();
    harness = await startHarness(service.url, settingsDir, noBus);
    await page.goto(harness.url);
    await expect(page.getByRole('heading', { name: 'Sign in to Token Desk' })).toBeVisible();
  } finally {
    await harness.stop();
    await service.stop();
    rmSync(work, { recursive: true, force: true });
  }
});
