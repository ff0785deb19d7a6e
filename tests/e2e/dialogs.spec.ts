/**
 * Dialogs answer Esc however often it is pressed (Chromium stops honouring
 * preventDefault on repeated `cancel` events and would close a <dialog> behind
 * React's back), the reveal dialog forgets its secret however it goes away, and
 * its copy status only ever says what the clipboard really holds.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import keytar from 'keytar';
import { KEYCHAIN_SERVICE, keychainAccount } from '../../src/main/connections/vault.js';
import type { TokenDeskBridge } from '../../src/shared/ipc-contract.js';
import { snippetText } from '../../src/shared/snippets.js';
import {
  closeReveal,
  createToken,
  nextRevealId,
  recordForgets,
  signIn,
  startDesk,
  type Desk,
} from './desk-fixture.js';
import { chooseRowAction } from './row-menu.js';

test.describe.configure({ mode: 'serial' });

/** The page's globals, for bridge calls a person cannot make from the UI (the specs have no DOM types). */
type PageGlobals = { tokenDesk: TokenDeskBridge };

let desk: Desk;
let page: Page;

test.beforeAll(async ({ browser }) => {
  desk = await startDesk('dialogs');
  page = await browser.newPage();
  await signIn(page, desk);
});

test.afterAll(async () => {
  await page?.close();
  await desk?.stop();
});

async function ensureToken(name: string) {
  if ((await page.getByRole('row', { name: new RegExp(name) }).count()) === 0) {
    await createToken(page, name);
    await closeReveal(page);
  }
}

async function pressEscapeSixTimes() {
  for (let i = 0; i < 6; i++) await page.keyboard.press('Escape');
}

/** No dialog left anywhere (open or closed), and both shortcuts still work. */
async function expectShortcutsWork() {
  await expect(page.locator('dialog')).toHaveCount(0);
  await page.locator('h1').click(); // focus out of any field, as a person would
  await page.keyboard.press('/');
  await expect(page.getByLabel('Search tokens')).toBeFocused();
  await page.keyboard.press('Tab'); // '/' only works outside a text field
  await page.keyboard.press('Control+n');
  await expect(page.getByRole('dialog', { name: 'New API token' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.locator('dialog')).toHaveCount(0);
}

test('the reveal dialog’s one-time warning is a warning banner, and still the dialog’s description', async () => {
  await createToken(page, 'warned-reveal');
  const reveal = page.getByRole('dialog', { name: 'Token “warned-reveal” created' });
  const warning = reveal.locator('.banner-warning');
  await expect(warning).toHaveText(
    'Copy the secret now and store it in your CI secret store. It will not be shown again.',
  );
  // A screen reader hears it with the title when the dialog opens.
  await expect(reveal).toHaveAccessibleDescription(
    'Copy the secret now and store it in your CI secret store. It will not be shown again.',
  );
  // It stands out: not the grey description text it used to be.
  type Styles = { getComputedStyle(el: unknown): Record<string, string> };
  const background = (locator: Locator) =>
    locator.evaluate(
      (element) => (globalThis as unknown as Styles).getComputedStyle(element).backgroundColor,
    );
  const [warningColour, bodyColour] = [await background(warning), await background(reveal)];
  expect(warningColour).not.toBe(bodyColour);
  await expect(reveal.locator('.dialog-description')).toHaveCount(0);
  // Not a live region too: the description already says it once on opening.
  await expect(warning).not.toHaveAttribute('role', /.*/);
  await closeReveal(page);
});

test('six Esc presses on the reveal dialog: it stays open on its close confirmation; closing forgets the secret', async () => {
  const forgotten = recordForgets(page);
  let secret = '';
  const revealId = await nextRevealId(page, async () => {
    secret = await createToken(page, 'esc-reveal');
  });
  const reveal = page.getByRole('dialog', { name: 'Token “esc-reveal” created' });

  await pressEscapeSixTimes();
  await expect(reveal).toBeVisible();
  await expect(page.locator('dialog[open]')).toHaveCount(1);
  await expect(reveal.getByText('Once closed it cannot be shown again')).toBeVisible();
  await expect(reveal.getByTestId('secret')).toHaveText(secret);
  expect(forgotten).toEqual([]);

  // Go back, and six more: the confirmation again, still open.
  await reveal.getByRole('button', { name: 'Go back' }).click();
  await pressEscapeSixTimes();
  await expect(reveal.getByText('Once closed it cannot be shown again')).toBeVisible();
  await expect(page.locator('dialog[open]')).toHaveCount(1);

  await reveal.getByRole('button', { name: 'Close and forget the secret' }).click();
  await expect(page.locator('dialog')).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);
  await expect.poll(() => forgotten).toEqual([revealId]);
  const copy = await page.evaluate(
    (id) => (globalThis as unknown as PageGlobals).tokenDesk.secretCopy({ revealId: id }),
    revealId,
  );
  expect(copy).toMatchObject({ ok: false, error: { code: 'secret_gone' } });
  await expectShortcutsWork();
});

test('six Esc presses on the new-token dialog close it once and leave the shortcuts working', async () => {
  await page.keyboard.press('Control+n');
  const dialog = page.getByRole('dialog', { name: 'New API token' });
  await dialog.getByLabel('Name').fill('half-typed');
  await pressEscapeSixTimes();
  await expect(page.locator('dialog')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'New token' })).toBeVisible();
  await expectShortcutsWork();
});

for (const action of ['Revoke', 'Rotate'] as const) {
  test(`six Esc presses on the ${action.toLowerCase()} confirmation cancel it and leave the token alone`, async () => {
    await ensureToken('esc-target');
    const prefix = await page
      .getByRole('row', { name: /esc-target/ })
      .locator('code')
      .textContent();
    await chooseRowAction(page, 'esc-target', `${action}…`);
    await expect(page.getByRole('alertdialog', { name: `${action} “esc-target”?` })).toBeVisible();
    await pressEscapeSixTimes();
    await expect(page.locator('dialog')).toHaveCount(0);
    await expect(page.getByRole('row', { name: /esc-target/ }).locator('code')).toHaveText(prefix!);
    await expectShortcutsWork();
  });
}

test('six Esc presses on a rotated secret: the dialog stays, and closing forgets it', async () => {
  await ensureToken('esc-target');
  const forgotten = recordForgets(page);
  await chooseRowAction(page, 'esc-target', 'Rotate…');
  const revealId = await nextRevealId(page, () =>
    page.getByRole('button', { name: 'Rotate token' }).click(),
  );
  const reveal = page.getByRole('dialog', { name: 'New secret for “esc-target”' });
  const secret = (await reveal.getByTestId('secret').textContent())!;
  await pressEscapeSixTimes();
  await expect(reveal.getByText('the old secret has already stopped working')).toBeVisible();
  await expect(page.locator('dialog[open]')).toHaveCount(1);
  await reveal.getByRole('button', { name: 'Close and forget the secret' }).click();
  await expect.poll(() => forgotten).toEqual([revealId]);
  expect(await page.content()).not.toContain(secret);
  await expectShortcutsWork();
});

test('a dialog the browser closes on its own (not through React) is put back in step', async () => {
  const forgotten = recordForgets(page);
  const revealId = await nextRevealId(page, () => createToken(page, 'closed-natively'));
  const reveal = page.getByRole('dialog', { name: 'Token “closed-natively” created' });
  await page.evaluate("document.querySelector('dialog').close()");
  await expect(reveal).toBeVisible();
  await expect(page.locator('dialog[open]')).toHaveCount(1);
  await expect(reveal.getByText('Once closed it cannot be shown again')).toBeVisible();
  expect(forgotten).toEqual([]);
  await reveal.getByRole('button', { name: 'Close and forget the secret' }).click();
  await expect.poll(() => forgotten).toEqual([revealId]);

  await page.keyboard.press('Control+n');
  await expect(page.getByRole('dialog', { name: 'New API token' })).toBeVisible();
  await page.evaluate("document.querySelector('dialog').close()");
  await expectShortcutsWork();
});

test('reloading the page with a secret on screen makes main forget it', async () => {
  const revealId = await nextRevealId(page, () => createToken(page, 'reloaded'));
  await page.reload();
  await expect(page.getByRole('row', { name: /reloaded/ })).toBeVisible();
  await expect(page.locator('dialog')).toHaveCount(0);
  const copy = await page.evaluate(
    (id) => (globalThis as unknown as PageGlobals).tokenDesk.secretCopy({ revealId: id }),
    revealId,
  );
  expect(copy).toMatchObject({ ok: false, error: { code: 'secret_gone' } });
});

test('losing the session while a secret is on screen unmounts the dialog, and main forgets the secret', async ({
  browser,
}) => {
  // The list's retry timer is what notices the lost session; this page's clock runs it on cue.
  const timed = await browser.newPage();
  try {
    await timed.clock.install();
    await signIn(timed, desk);
    // The New token dialog loads when first opened, and React reveals a loaded dialog on
    // its own timers: opened once while the clock still runs, it is there at once below.
    await timed.getByRole('button', { name: 'New token' }).click();
    await expect(timed.getByRole('dialog', { name: 'New API token' })).toBeVisible();
    await timed.getByRole('button', { name: 'Cancel' }).click();
    await expect(timed.locator('dialog')).toHaveCount(0);
    await timed.clock.pauseAt(Date.now() + 1000);
    const forgotten = recordForgets(timed);
    // With the clock paused, React's own timers wait too: nudge them along in small
    // steps that together stay well short of the list's 3 s retry.
    const settle = async (locator: Locator) =>
      expect
        .poll(async () => {
          await timed.clock.runFor(10);
          return locator.count();
        })
        .toBe(1);

    // The service goes away: the list says so and will retry every 3 s.
    const startService = await desk.stopService();
    await timed.getByRole('button', { name: 'Refresh' }).click();
    await settle(timed.getByText("Can't reach the token service"));
    await startService();

    // Before the retry, a token is created; then the app's session ends behind its back.
    await timed.getByRole('button', { name: 'New token' }).click();
    await settle(timed.getByRole('dialog', { name: 'New API token' }));
    await timed.getByLabel('Name').fill('session-lost');
    const revealId = await nextRevealId(timed, () =>
      timed.getByRole('button', { name: 'Create token' }).click(),
    );
    await settle(timed.locator('dialog[open]').getByTestId('secret'));
    const stored = JSON.parse(
      (await keytar.getPassword(KEYCHAIN_SERVICE, keychainAccount(desk.service.url, desk.email)))!,
    ) as { token: string; sessionId: string };
    const signedOut = await fetch(`${desk.service.url}/v1/sessions/${stored.sessionId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${stored.token}` },
    });
    expect(signedOut.status).toBe(204);

    await timed.clock.runFor(3_000); // the retry finds the session gone
    await settle(timed.getByRole('heading', { name: 'Sign in to Token Desk' }));
    await expect(timed.locator('dialog')).toHaveCount(0);
    await expect
      .poll(async () => {
        await timed.clock.runFor(10);
        return forgotten;
      })
      .toEqual([revealId]);
    const copy = await timed.evaluate(
      (id) => (globalThis as unknown as PageGlobals).tokenDesk.secretCopy({ revealId: id }),
      revealId,
    );
    expect(copy).toMatchObject({ ok: false, error: { code: 'secret_gone' } });
  } finally {
    await timed.close();
  }
  await signIn(page, desk); // the shared page's session went too
});

test('the copy status tells the truth: a snippet replaces the secret, and the end of the countdown says it is gone', async ({
  browser,
}) => {
  // A page whose clock the test moves, so its countdown ends when main has really cleared.
  const timed = await browser.newPage();
  try {
    await timed.clock.install();
    await signIn(timed, desk);
    const delay = await timed.evaluate(() =>
      (globalThis as unknown as PageGlobals).tokenDesk.settingsUpdate({ clipboardClearSeconds: 5 }),
    );
    expect(delay).toMatchObject({ ok: true });
    const secret = await createToken(timed, 'copy-status');
    const reveal = timed.getByRole('dialog', { name: 'Token “copy-status” created' });
    const status = reveal.getByRole('status');

    await reveal.getByRole('button', { name: 'Copy secret' }).click();
    await expect(status).toHaveText(
      /^Copied\. The secret will be cleared from the clipboard in [45] s\.$/,
    );
    expect(await desk.harness.clipboard()).toEqual({ text: secret, concealed: true });

    await reveal.getByRole('button', { name: 'Copy the curl snippet' }).click();
    await expect(status).toHaveText('Snippet copied. The secret is no longer on the clipboard.');
    const snippet = await desk.harness.clipboard();
    expect(snippet.text).toBe(snippetText('curl', desk.service.url));
    expect(snippet.text).not.toContain(secret);

    // Copy the secret again; main clears it after 5 s (real time), then the page's
    // clock passes the delay too, and the status says what is now true.
    await reveal.getByRole('button', { name: 'Copy secret' }).click();
    await expect(status).toContainText('will be cleared from the clipboard in');
    await expect
      .poll(() => desk.harness.clipboard(), { timeout: 15_000 })
      .toEqual({
        text: '',
        concealed: false,
      });
    await timed.clock.fastForward(6_000);
    await expect(status).toHaveText('The secret is no longer on the clipboard.');
    await closeReveal(timed);
  } finally {
    await timed.close();
  }
});
