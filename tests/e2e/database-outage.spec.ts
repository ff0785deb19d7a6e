/**
 * When the service is up but its database is not (503 database_unavailable, while
 * PostgreSQL restarts) the list says so and retries by itself, as it does when the
 * service is unreachable; when the service lost its answer to a creation (503
 * database_outcome_unknown) the list catches up, so the person sees whether the token
 * was made before making another. Main passes the service's code and words on as they
 * are (tests/main covers that); here the bridge answers with them, as main would.
 */
import { expect, test, type Page, type Route } from '@playwright/test';
import { signIn, startDesk, type Desk } from './desk-fixture.js';

test.describe.configure({ mode: 'serial' });

let desk: Desk;
let page: Page;

test.beforeAll(async ({ browser }) => {
  desk = await startDesk('database-outage');
  page = await browser.newPage();
  await signIn(page, desk);
});

test.afterAll(async () => {
  await page?.close();
  await desk?.stop();
});

const invoked = (channel: string) => (url: URL) =>
  url.pathname === `/__harness/invoke/${encodeURIComponent(channel)}`;

const failure = (code: string, message: string) => ({
  status: 200,
  contentType: 'application/json',
  body: JSON.stringify({ ok: false, error: { code, message } }),
});

test('the database away: the list says so, retries by itself, and is back without a click', async () => {
  // Main asks every source at once and says, beside each, why it failed: here our
  // service's answer, as main passes it on, in place of its tokens. (Answered at once,
  // not after asking main, so no answer is still on its way when the route is removed.)
  const [answered] = await Promise.all([
    page.waitForResponse((r) => invoked('tokens:inventory')(new URL(r.url()))),
    page.getByRole('button', { name: 'Refresh', exact: true }).click(),
  ]);
  const { value } = (await answered.json()) as {
    value: { sources: Array<Record<string, unknown>> };
  };
  let refused = 0;
  const refuse = (route: Route) => {
    refused += 1;
    const sources = value.sources.map((source) => ({
      ...source,
      problem: {
        code: 'database_unavailable',
        message: 'The token service cannot reach its database right now (it may be restarting).',
      },
    }));
    return route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ ok: true, value: { sources, tokens: [] } }),
    });
  };
  const list = invoked('tokens:inventory');
  await page.route(list, refuse);
  await page.getByRole('button', { name: 'Refresh', exact: true }).click();
  const banner = page.getByText(/cannot reach its database right now.*Retrying every few seconds/);
  await expect(banner).toBeVisible();
  // It asks again on its own (every 3 s), more than once.
  await expect.poll(() => refused, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
  await page.unroute(list, refuse);
  await expect(banner).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByRole('heading', { name: 'No API tokens yet' })).toBeVisible();
});

test('a creation whose answer was lost: the dialog says so, and the list shows the token was made', async () => {
  const create = invoked('tokens:create');
  await page.route(create, async (route) => {
    // The service made it; its answer is what got lost.
    await route.fetch();
    await route.fulfill(
      failure(
        'database_outcome_unknown',
        'The connection to the database was lost while this change was being saved, so it may or may not have been made. Check before repeating it.',
      ),
    );
  });
  await page
    .getByRole('button', { name: /New token|Create your first token/ })
    .first()
    .click();
  const dialog = page.getByRole('dialog', { name: 'New API token' });
  await dialog.getByLabel('Name').fill('made-but-unanswered');
  await dialog.getByRole('button', { name: 'Create token' }).click();
  await expect(dialog.getByText(/may or may not have been made/)).toBeVisible();
  // No secret is shown (there was none in the answer); the list has caught up behind.
  await expect(page.getByTestId('secret')).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('row', { name: /made-but-unanswered/ })).toBeVisible();
  await page.unroute(create);
});
