/**
 * Forms check as the person types, next to the field, and send nothing invalid:
 * create account (password length, email), the service URL on sign-in and in
 * settings (https unless loopback), and the token count follows the search.
 */
import { expect, test, type Page } from '@playwright/test';
import { CreateUserBody } from '../../src/shared/api-schemas.js';
import { PASSWORD, signIn, startDesk, type Desk } from './desk-fixture.js';
import { signOutFromMenu } from './row-menu.js';

test.describe.configure({ mode: 'serial' });

let desk: Desk;
let page: Page;
/** Every bridge call the page makes, by channel. */
const calls: string[] = [];

test.beforeAll(async ({ browser }) => {
  desk = await startDesk('forms');
  page = await browser.newPage();
  page.on('request', (request) => {
    const match = /\/__harness\/invoke\/([^/?]+)$/.exec(request.url());
    if (match) calls.push(decodeURIComponent(match[1]!));
  });
  await page.goto(desk.harness.url);
});

test.afterAll(async () => {
  await page?.close();
  await desk?.stop();
});

/** The service's own rule; the form must say and check the same. */
const PASSWORD_MIN_LENGTH = (CreateUserBody.properties.password as { minLength?: number })
  .minLength!;

test('create account: a short password and a bad email are explained inline, and nothing is sent', async () => {
  await page.getByRole('button', { name: 'Create an account' }).click();
  await expect(page.getByText(`At least ${PASSWORD_MIN_LENGTH} characters.`)).toBeVisible();
  await page.getByLabel('Email').fill('new-person@example');
  await page.getByLabel('Password').fill('12345');
  await page.getByRole('button', { name: 'Create account' }).click();

  const emailError = page.getByText('Enter an email address like name@example.com.');
  const passwordError = page.getByText(
    `Use at least ${PASSWORD_MIN_LENGTH} characters (this one has 5).`,
  );
  await expect(emailError).toBeVisible();
  await expect(passwordError).toBeVisible();
  await expect(page.getByLabel('Email')).toBeFocused();
  await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Password')).toHaveAttribute('aria-describedby', /password-error/);
  await expect(page.getByText('The field')).toHaveCount(0); // never the validator's wording
  expect(calls).not.toContain('session:sign-up');

  // Fixing a field clears its message as the person types.
  await page.getByLabel('Password').fill('1234567');
  await expect(
    page.getByText(`Use at least ${PASSWORD_MIN_LENGTH} characters (this one has 7).`),
  ).toBeVisible();
  await page.getByLabel('Password').fill(PASSWORD);
  await expect(passwordError).toHaveCount(0);
  await expect(page.getByText(/this one has/)).toHaveCount(0);
  await page.getByLabel('Email').fill(`second-${desk.email}`);
  await expect(emailError).toHaveCount(0);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'No API tokens yet' })).toBeVisible();
  expect(calls.filter((c) => c === 'session:sign-up')).toHaveLength(1);
  await signOutFromMenu(page);
});

test('sign-in: http:// to another computer is refused inline, before any password is sent', async () => {
  await expect(page.getByRole('heading', { name: 'Sign in to Token Desk' })).toBeVisible();
  const url = page.getByLabel('Service URL');
  await url.fill('http://tokens.example.com');
  await page.getByLabel('Email').fill(desk.email);
  await expect(page.getByText(/^Use https:\/\/ for a service on another computer/)).toBeVisible();
  await expect(url).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(url).toBeFocused();
  expect(calls).not.toContain('session:sign-in');

  await url.fill('https://tokens.example.com');
  await expect(page.getByText(/^Use https:\/\//)).toHaveCount(0);
  await url.fill(desk.service.url); // loopback: http is fine
  await expect(url).not.toHaveAttribute('aria-invalid', 'true');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('button', { name: 'New token' })).toBeVisible();
});

test('settings: the service URL and the clipboard delay are checked inline, and never saved wrong', async () => {
  await page.getByRole('link', { name: 'Settings' }).click();
  const updates = () => calls.filter((c) => c === 'settings:update').length;
  const url = page.getByLabel('Service URL');
  await url.fill('http://tokens.example.com');
  await url.press('Enter');
  await expect(page.getByText(/^Use https:\/\/ for a service on another computer/)).toBeVisible();
  await expect(url).toBeFocused();
  await url.blur();
  expect(updates()).toBe(0);
  await url.fill(`${desk.service.url}/`);
  await url.blur();
  const service = page.getByRole('region', { name: 'Token service' });
  await expect(service.getByRole('status')).toHaveText('Saved');
  await expect(url).toHaveValue(desk.service.url);
  expect(updates()).toBe(1);
  const delay = page.getByLabel(/Clear a copied secret/);
  await delay.fill('700');
  await delay.blur();
  await expect(page.getByText('Clear the clipboard after 5 to 600 seconds.')).toBeVisible();
  expect(updates()).toBe(1);
  await delay.fill('40');
  await delay.press('Enter');
  await expect(page.getByRole('region', { name: 'Copied secrets' }).getByRole('status')).toHaveText(
    'Saved',
  );
  await expect(page.getByText('Clear the clipboard after 5 to 600 seconds.')).toHaveCount(0);
  expect(updates()).toBe(2);
  await page.getByRole('link', { name: 'Tokens' }).click();
});

test('the token count follows the search: "1 of 4 tokens"', async () => {
  await signOutFromMenu(page);
  await expect(page.getByRole('heading', { name: 'Sign in to Token Desk' })).toBeVisible();
  await signIn(page, desk);
  const session = await desk.apiSession();
  for (const name of ['ci-github', 'ci-gitlab', 'deploy-android', 'nightly']) {
    await fetch(`${desk.service.url}/v1/users/me/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` },
      body: JSON.stringify({ name, expiresAt: null }),
    });
  }
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByText('4 tokens', { exact: true })).toBeVisible();
  await page.getByLabel('Search tokens').fill('android');
  await expect(page.getByText('1 of 4 tokens', { exact: true })).toBeVisible();
  await page.getByLabel('Search tokens').fill('ci-');
  await expect(page.getByText('2 of 4 tokens', { exact: true })).toBeVisible();
  await page.getByLabel('Search tokens').fill('nothing like it');
  await expect(page.getByText('0 of 4 tokens', { exact: true })).toBeVisible();
  await page.getByLabel('Search tokens').fill('');
  await expect(page.getByText('4 tokens', { exact: true })).toBeVisible();
});
