/**
 * Send to CI end to end: the app in Chromium through the harness, the real token
 * service, and local GitHub (Enterprise, /api/v3) and GitLab fakes on 127.0.0.1.
 * A new token goes to a GitHub repository and a GitLab project without the
 * clipboard (the GitHub fake decrypts what arrives), the list and the details
 * say where it lives, rotate-and-update keeps the old secret alive until both
 * places acknowledged, and every provider error reaches the user in words.
 */
import { expect, test, type Page } from '@playwright/test';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeGitHub, type FakeGitHub } from '../support/ci-providers/github/fake-github.js';
import { startFakeGitLab, type FakeGitLab } from '../support/ci-providers/gitlab/fake-gitlab.js';
import { pageStorage } from './in-page.mjs';
import { closeReveal, createToken, SCREENS, signIn, startDesk, type Desk } from './desk-fixture.js';
import { chooseRowAction } from './row-menu.js';
import { tokenDetails } from './token-details.js';

test.describe.configure({ mode: 'serial' });

const GH_TOKEN = 'ghp_e2eHandoffToken0000000000000000000001';
const GH_WRONG = 'ghp_e2eHandoffWrongToken000000000000001';
const GL_TOKEN = 'glpat-e2eHandoffToken0000001';
const MAINTAINER = 40;

let desk: Desk;
let page: Page;
let github: FakeGitHub;
let gitlab: FakeGitLab;
/** Every token secret the run saw, to look for afterwards. */
const secrets: string[] = [];

async function status(secret: string): Promise<number> {
  const response = await fetch(`${desk.service.url}/v1/users/me`, {
    headers: { authorization: `Bearer ${secret}` },
  });
  return response.status;
}

const ghSecret = () => github.secret('ada/app', 'CAPAWESOME_TOKEN');
const glVariable = () => gitlab.variable('project', 'acme/app', 'CAPAWESOME_TOKEN');

test.beforeAll(async ({ browser }) => {
  desk = await startDesk('ci');
  github = await startFakeGitHub({ enterprise: true });
  gitlab = await startFakeGitLab();
  github.addAccount(GH_TOKEN, 'ada');
  github.addRepository('ada', 'app', { environments: ['production'] });
  gitlab.addUser(GL_TOKEN, 'ada');
  gitlab.addProject('acme/app', { ada: MAINTAINER });
  page = await browser.newPage();
  await signIn(page, desk);
});

test.afterAll(async () => {
  await page?.close();
  await desk?.stop();
  await github?.close();
  await gitlab?.close();
});

const githubHost = () => new URL(github.apiBaseUrl).origin;
/** Neither is github.com nor gitlab.com: every place label on them names host and port. */
const on = (provider: 'github' | 'gitlab') =>
  ` on ${new URL(provider === 'github' ? github.apiBaseUrl : gitlab.url).host}`;

async function addAccount(provider: 'GitHub' | 'GitLab', host: string, token: string) {
  const form = page.getByRole('form', { name: 'Add a CI provider account' });
  await form.getByLabel(provider, { exact: true }).check();
  await form.getByLabel(`${provider} address`).fill(host);
  await form.getByLabel('Personal access token').fill(token);
  await form.getByRole('button', { name: `Add ${provider} account` }).click();
  await expect(form.getByRole('button', { name: `Add ${provider} account` })).toBeEnabled();
  // Cleared whatever the outcome, and never filled again.
  await expect(form.getByLabel('Personal access token')).toHaveValue('');
}

test('Settings: CI provider accounts are checked on entry, errors in words, the token field emptied', async () => {
  await page.getByRole('link', { name: 'Settings' }).click();
  const section = page.getByRole('region', { name: 'CI provider accounts' });
  await expect(section.getByText('No accounts yet.')).toBeVisible();
  const form = section.getByRole('form', { name: 'Add a CI provider account' });
  await expect(form.getByLabel('GitHub address')).toHaveValue('https://github.com');
  await form.getByLabel('GitLab', { exact: true }).check();
  await expect(form.getByLabel('GitLab address')).toHaveValue('https://gitlab.com');
  await expect(form.getByLabel('Personal access token')).toHaveAttribute('type', 'password');

  // Inline: a remote http address and an empty token never leave the page.
  await form.getByLabel('GitHub', { exact: true }).check();
  await form.getByLabel('GitHub address').fill('http://ghe.example.com');
  await form.getByRole('button', { name: 'Add GitHub account' }).click();
  await expect(form.getByRole('alert').first()).toContainText('Enter the GitHub address');
  await form.getByLabel('GitHub address').fill(githubHost());
  await form.getByRole('button', { name: 'Add GitHub account' }).click();
  await expect(form.getByText('Paste the personal access token.')).toBeVisible();

  // A wrong token: bad credential, in words.
  await addAccount('GitHub', githubHost(), GH_WRONG);
  await expect(section.getByRole('alert')).toContainText('GitHub refused the access token');
  // Nothing answering: unreachable, in words.
  await addAccount('GitLab', 'http://127.0.0.1:9', GL_TOKEN);
  await expect(section.getByRole('alert')).toContainText('could not reach GitLab');
  await page.screenshot({ path: join(SCREENS, 'ci-settings-error.png'), fullPage: true });

  // A host never used before: main asks in a native dialog, which the page cannot answer.
  // Refused there, nothing is added and the token goes nowhere.
  const gitlabRequests = gitlab.requests.length;
  await desk.answerNextQuestion(false);
  await addAccount('GitLab', gitlab.url, GL_TOKEN);
  await expect(section.getByRole('alert')).toContainText('was not confirmed');
  expect(gitlab.requests.length).toBe(gitlabRequests);
  const questions = await desk.questions();
  expect(questions.at(-1)?.message).toContain(new URL(gitlab.url).host);

  await addAccount('GitHub', githubHost(), GH_TOKEN);
  await addAccount('GitLab', gitlab.url, GL_TOKEN);
  expect((await desk.questions()).at(-1)?.message).toContain(new URL(gitlab.url).host);
  const list = section.getByRole('list', { name: 'CI provider accounts' });
  await expect(list.getByRole('listitem')).toHaveCount(2);
  await expect(list.getByRole('listitem').nth(0)).toContainText('GitHub');
  await expect(list.getByRole('listitem').nth(0)).toContainText('ada');
  await expect(list.getByRole('listitem').nth(0)).toContainText(`${githubHost()}/api/v3`);
  await expect(list.getByRole('listitem').nth(1)).toContainText('GitLab');
  await expect(section.getByRole('alert')).toHaveCount(0);
  // The page holds no provider token anywhere.
  expect(await page.content()).not.toContain(GH_TOKEN);
  expect(await page.content()).not.toContain(GL_TOKEN);
  await page.screenshot({ path: join(SCREENS, 'ci-settings.png'), fullPage: true });
  await page.getByRole('link', { name: 'Tokens' }).click();
});

test('a new token goes to a GitHub repository and a GitLab project from the reveal dialog', async () => {
  const secret = await createToken(page, 'ci-pipeline');
  secrets.push(secret);
  const reveal = page.getByRole('dialog', { name: 'Token “ci-pipeline” created' });
  await reveal.getByRole('button', { name: 'Send to CI…' }).click();
  const send = page.getByRole('dialog', { name: 'Send “ci-pipeline” to CI' });
  await expect(send.getByLabel('Account')).toBeFocused();
  const repos = send.getByRole('radiogroup', { name: 'Repositories' });
  await expect(repos.getByRole('radio', { name: /ada\/app/ })).toBeVisible();
  await send.getByLabel('Search repositories').fill('ada/');
  await expect(repos.getByRole('radio')).toHaveCount(1);
  await repos.getByRole('radio', { name: /ada\/app/ }).check();

  // The name follows GitHub's rules inline.
  const name = send.getByLabel('Secret name');
  await expect(name).toHaveValue('CAPAWESOME_TOKEN');
  await name.fill('GITHUB_TOKEN');
  await expect(send.getByText('must not start with GITHUB_')).toBeVisible();
  await name.fill('1TOKEN');
  await expect(send.getByText('must not start with a digit')).toBeVisible();
  await name.fill('CAPAWESOME_TOKEN');
  await expect(send.getByRole('alert')).toHaveCount(0);
  await page.screenshot({ path: join(SCREENS, 'ci-send.png') });

  await send.getByRole('button', { name: 'Send', exact: true }).click();
  const outcomes = send.getByRole('list', { name: 'Sent to CI' });
  await expect(outcomes).toContainText(`Created CAPAWESOME_TOKEN in ada/app${on('github')}.`);
  // The fake decrypted the sealed box: exactly the secret arrived.
  expect(ghSecret()).toBe(secret);

  // GitLab: a project, masked by default.
  await send.getByLabel('Account').selectOption({ index: 1 });
  const projects = send.getByRole('radiogroup', { name: 'Projects' });
  await projects.getByRole('radio', { name: /acme\/app/ }).check();
  await expect(send.getByLabel(/^Masked/)).toBeChecked();
  await expect(send.getByLabel(/^Protected/)).not.toBeChecked();
  await send.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(outcomes).toContainText(`Created CAPAWESOME_TOKEN in acme/app${on('gitlab')}.`);
  expect(glVariable()).toMatchObject({ value: secret, masked: true, protected: false });

  // Sending again to a place that has the name asks before overwriting.
  await send.getByLabel('Account').selectOption({ index: 0 });
  await send.getByRole('radio', { name: /ada\/app/ }).check();
  await send.getByRole('button', { name: 'Send', exact: true }).click();
  const ask = send.getByText('CAPAWESOME_TOKEN already exists there. Replace it');
  await expect(ask).toBeVisible();
  await page.screenshot({ path: join(SCREENS, 'ci-send-overwrite.png') });
  await send.getByRole('button', { name: 'Keep the existing one' }).click();
  await expect(ask).toHaveCount(0);
  await send.getByRole('button', { name: 'Send', exact: true }).click();
  await send.getByRole('button', { name: 'Replace it' }).click();
  await expect(outcomes).toContainText(`Updated CAPAWESOME_TOKEN in ada/app${on('github')}.`);
  await send.getByRole('button', { name: 'Done' }).click();

  // The reveal lists what went where; the secret stays whole.
  await expect(reveal.getByRole('list', { name: 'Sent to CI' }).getByRole('listitem')).toHaveCount(
    3,
  );
  await reveal.getByRole('button', { name: 'Done' }).click();
  await reveal.getByRole('button', { name: 'Close and forget the secret' }).click();
  await expect(page.locator('dialog')).toHaveCount(0);

  const row = page.getByRole('row', { name: /ci-pipeline/ });
  await expect(row).toContainText('Used in 2 places');
});

test('the details show each place with its last push and a link to its settings page', async () => {
  await page.getByRole('button', { name: 'Details of ci-pipeline' }).click();
  const details = tokenDetails(page, 'ci-pipeline');
  const places = details.getByRole('list', { name: 'Where ci-pipeline is used' });
  await expect(places.getByRole('listitem')).toHaveCount(2);
  await expect(places).toContainText(`CAPAWESOME_TOKEN in ada/app${on('github')}`);
  await expect(places).toContainText(`CAPAWESOME_TOKEN in acme/app${on('gitlab')}`);
  await expect(places).toContainText('Last pushed');
  await expect(
    details.getByRole('textbox', { name: 'Settings page of CAPAWESOME_TOKEN in ada/app' }),
  ).toHaveValue(`${githubHost()}/ada/app/settings/secrets/actions`);
  await expect(
    details.getByRole('textbox', { name: 'Settings page of CAPAWESOME_TOKEN in acme/app' }),
  ).toHaveValue(`${gitlab.url}/acme/app/-/settings/ci_cd#js-cicd-variables-settings`);
  // Opening a settings page: main opens exactly the page it built from the record.
  expect(await desk.openedLinks()).toEqual([]);
  await details
    .getByRole('button', { name: 'Open settings page of CAPAWESOME_TOKEN in acme/app' })
    .click();
  await expect
    .poll(() => desk.openedLinks())
    .toEqual([`${gitlab.url}/acme/app/-/settings/ci_cd#js-cicd-variables-settings`]);
  await details
    .getByRole('button', { name: 'Open settings page of CAPAWESOME_TOKEN in ada/app' })
    .click();
  await expect
    .poll(() => desk.openedLinks())
    .toEqual([
      `${gitlab.url}/acme/app/-/settings/ci_cd#js-cicd-variables-settings`,
      `${githubHost()}/ada/app/settings/secrets/actions`,
    ]);
  await expect(details.getByRole('alert')).toHaveCount(0);
  await expect(details.getByText('Never used')).toBeVisible();
  await expect(details.getByRole('button', { name: 'Rotate and update 2 places' })).toBeVisible();
  await page.screenshot({ path: join(SCREENS, 'ci-details.png') });
  await page.keyboard.press('Escape');
  await expect(details).toHaveCount(0);
});

test('rotate and update: a failing place keeps the old secret alive and says why; Retry updates it and ends the old one', async () => {
  const old = secrets[0]!;
  expect(await status(old)).toBe(200);
  gitlab.failNext('/variables', { status: 403, body: { message: '403 Forbidden' } });
  await chooseRowAction(page, 'ci-pipeline', 'Rotate and update 2 places…');
  const confirm = page.getByRole('alertdialog', {
    name: 'Rotate “ci-pipeline” and update 2 places?',
  });
  await expect(confirm).toContainText('keeps working for 1 hour');
  // Every place the new secret will go to, with its host: a look-alike server stands out.
  const toUpdate = confirm.getByRole('list', { name: 'Places that get the new ci-pipeline' });
  await expect(toUpdate.getByRole('listitem')).toHaveCount(2);
  await expect(toUpdate).toContainText(`GitHub CAPAWESOME_TOKEN in ada/app${on('github')}`);
  await expect(toUpdate).toContainText(`GitLab CAPAWESOME_TOKEN in acme/app${on('gitlab')}`);
  await page.screenshot({ path: join(SCREENS, 'ci-rotate-confirm.png') });
  await confirm.getByRole('button', { name: 'Rotate and update 2 places' }).click();

  const reveal = page.getByRole('dialog', { name: 'New secret for “ci-pipeline”' });
  const fresh = (await reveal.getByTestId('secret').textContent())!;
  secrets.push(fresh);
  const rotation = reveal.getByRole('region', { name: 'Rotation of ci-pipeline' });
  await expect(rotation).toContainText('1 of 2 places updated; 1 failed.');
  await expect(rotation).toContainText('GitLab did not allow Token Desk');
  await expect(rotation).toContainText('The old token keeps working until');
  const revokeOld = rotation.getByRole('button', { name: 'Revoke the old token now anyway' });
  await expect(revokeOld).toBeVisible();
  // Styled as the danger it is, like every other revoke before its confirmation.
  await expect(revokeOld).toHaveClass(/danger-quiet/);
  // GitHub has the new secret; GitLab still the old; the old secret still works.
  expect(ghSecret()).toBe(fresh);
  expect(glVariable()?.value).toBe(old);
  expect(await status(old)).toBe(200);
  expect(await status(fresh)).toBe(200);
  await page.screenshot({ path: join(SCREENS, 'ci-rotation-failed.png') });

  await rotation.getByRole('button', { name: 'Retry' }).click();
  await expect(rotation).toContainText('All 2 places have the new token; the old one is revoked.');
  expect(glVariable()?.value).toBe(fresh);
  expect(await status(old)).toBe(401);
  expect(await status(fresh)).toBe(200);
  await page.screenshot({ path: join(SCREENS, 'ci-rotation-done.png') });
  await reveal.getByRole('button', { name: 'Done' }).click();
  await reveal.getByRole('button', { name: 'Close and forget the secret' }).click();
  await expect(page.locator('dialog')).toHaveCount(0);
  await expect(page.getByRole('row', { name: /ci-pipeline/ })).toHaveCount(1);
});

test('Send to CI… from a row issues a replacement for the new place and every recorded one', async () => {
  const before = secrets.at(-1)!;
  await chooseRowAction(page, 'ci-pipeline', 'Send to CI…');
  const send = page.getByRole('dialog', { name: 'Send “ci-pipeline” to CI' });
  await expect(send).toContainText('issues a replacement');
  await expect(send).toContainText('the 2 places it is already used in');
  await send.getByLabel('Environment of a repository').check();
  await send.getByRole('radio', { name: /ada\/app/ }).check();
  await expect(send.getByLabel('Environment', { exact: true })).toHaveValue('production');
  await page.screenshot({ path: join(SCREENS, 'ci-row-send.png') });
  await send.getByRole('button', { name: 'Rotate and send' }).click();

  const reveal = page.getByRole('dialog', { name: 'New secret for “ci-pipeline”' });
  const fresh = (await reveal.getByTestId('secret').textContent())!;
  secrets.push(fresh);
  await expect(reveal.getByRole('list', { name: 'Sent to CI' })).toContainText(
    `Created CAPAWESOME_TOKEN in ada/app · production${on('github')}.`,
  );
  await expect(reveal.getByRole('region', { name: 'Rotation of ci-pipeline' })).toContainText(
    'the old one is revoked',
  );
  expect(github.secret('ada/app:production', 'CAPAWESOME_TOKEN')).toBe(fresh);
  expect(ghSecret()).toBe(fresh);
  expect(glVariable()?.value).toBe(fresh);
  expect(await status(before)).toBe(401);
  await reveal.getByRole('button', { name: 'Done' }).click();
  await reveal.getByRole('button', { name: 'Close and forget the secret' }).click();
  await expect(page.getByRole('row', { name: /ci-pipeline/ })).toContainText('Used in 3 places');
});

test('Send to CI… from a row with no recorded place keeps the old secret for its grace period unless told to stop it', async () => {
  for (const stopNow of [false, true]) {
    const name = stopNow ? 'row-send-stop' : 'row-send-keep';
    const old = await createToken(page, name);
    secrets.push(old);
    await closeReveal(page);
    await chooseRowAction(page, name, 'Send to CI…');
    const send = page.getByRole('dialog', { name: `Send “${name}” to CI` });
    // Said plainly, in a warning, not in the grey introduction.
    const warning = send.locator('.banner-warning');
    await expect(warning).toContainText('may be in use where Token Desk cannot see');
    await expect(warning).toContainText('keeps working for 1 hour');
    const choice = send.getByLabel(/Stop the current secret as soon as the new one is sent/);
    await expect(choice).not.toBeChecked();
    if (stopNow) await choice.check();
    else await page.screenshot({ path: join(SCREENS, 'ci-row-send-unrecorded.png') });
    await send.getByRole('radio', { name: /ada\/app/ }).check();
    await send.getByLabel('Secret name').fill(stopNow ? 'ROW_SEND_STOP' : 'ROW_SEND_KEEP');
    await send.getByRole('button', { name: 'Rotate and send' }).click();
    const reveal = page.getByRole('dialog', { name: `New secret for “${name}”` });
    const fresh = (await reveal.getByTestId('secret').textContent())!;
    secrets.push(fresh);
    expect(github.secret('ada/app', stopNow ? 'ROW_SEND_STOP' : 'ROW_SEND_KEEP')).toBe(fresh);
    expect(await status(fresh)).toBe(200);
    if (stopNow) {
      expect(await status(old)).toBe(401);
    } else {
      expect(await status(old)).toBe(200);
      await expect(reveal.getByRole('region', { name: `Rotation of ${name}` })).toContainText(
        'the old secret keeps working until',
      );
    }
    await reveal.getByRole('button', { name: 'Done' }).click();
    await reveal.getByRole('button', { name: 'Close and forget the secret' }).click();
    await expect(page.locator('dialog')).toHaveCount(0);
  }
});

test('every provider error reaches the user in words', async () => {
  const secret = await createToken(page, 'errors-in-words');
  secrets.push(secret);
  const reveal = page.getByRole('dialog', { name: 'Token “errors-in-words” created' });
  await reveal.getByRole('button', { name: 'Send to CI…' }).click();
  const send = page.getByRole('dialog', { name: 'Send “errors-in-words” to CI' });
  const outcomes = send.getByRole('list', { name: 'Sent to CI' });
  const attempt = async (name: string, expected: string | RegExp) => {
    await send.getByLabel(/^(Secret name|Variable key)$/).fill(name);
    await send.getByRole('button', { name: 'Send', exact: true }).click();
    // The check before sending meets the failure first; it is shown above the form.
    await expect(send.getByRole('alert')).toContainText(expected);
  };

  await send.getByRole('radio', { name: /ada\/app/ }).check();
  github.failNext('/public-key', {
    status: 429,
    body: { message: 'rate limited', documentation_url: 'https://docs.github.com/rest' },
    headers: { 'retry-after': '120' },
  });
  await attempt(
    'RATE_LIMITED',
    /GitHub is rate-limiting this account.*Try again after .* UTC \(in 2 min\)/,
  );
  github.failNext('/public-key', {
    status: 401,
    body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' },
  });
  await attempt('BAD_CREDENTIAL', 'GitHub refused the access token (bad credentials)');
  github.failNext('/public-key', {
    status: 404,
    body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
  });
  await attempt('NOT_FOUND', 'GitHub could not find what Token Desk needed');
  github.failNext('/public-key', {
    status: 503,
    body: { message: 'unavailable', documentation_url: 'https://docs.github.com/rest' },
  });
  await attempt('UNREACHABLE', /GitHub answered 503|could not reach GitHub/);

  // A token without the permission: the permission named, as GitHub names it.
  github.failNext('/public-key', {
    status: 403,
    body: {
      message: 'Resource not accessible by personal access token',
      documentation_url: 'https://docs.github.com/rest',
    },
    headers: { 'x-accepted-github-permissions': 'secrets=write' },
  });
  await attempt('NO_PERMISSION', 'GitHub did not allow Token Desk');
  await expect(send.getByRole('alert')).toContainText('secrets: write');
  // A failure in the push itself (after the check) shows in the list of sends: the
  // check reads "not there" (as GitHub would say), then the write fails.
  github.failNext('/actions/secrets/PUSH_FAILS', {
    status: 404,
    body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
  });
  github.failNext('/actions/secrets/PUSH_FAILS', {
    status: 503,
    body: { message: 'unavailable', documentation_url: 'https://docs.github.com/rest' },
  });
  await send.getByLabel('Secret name').fill('PUSH_FAILS');
  await send.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(outcomes.getByRole('listitem').last()).toContainText(/GitHub answered 503/);

  // GitLab refusing a key: its own reason.
  await send.getByLabel('Account').selectOption({ index: 1 });
  await send.getByRole('radio', { name: /acme\/app/ }).check();
  gitlab.failNext('/variables', {
    status: 400,
    body: { message: { key: ['is invalid'] } },
  });
  await attempt('BAD_KEY', 'GitLab refused the request');
  await page.screenshot({ path: join(SCREENS, 'ci-errors.png') });
  // Nothing reached the stores under those names.
  for (const name of ['RATE_LIMITED', 'BAD_CREDENTIAL', 'NOT_FOUND', 'UNREACHABLE'])
    expect(github.secret('ada/app', name)).toBeUndefined();
  // Esc closes the innermost dialog only: the reveal (and its secret) stays.
  await page.keyboard.press('Escape');
  await expect(send).toHaveCount(0);
  await expect(reveal).toBeVisible();
  await expect(reveal.getByRole('button', { name: 'Send to CI…' })).toBeFocused();
  await reveal.getByRole('button', { name: 'Done' }).click();
  await reveal.getByRole('button', { name: 'Close and forget the secret' }).click();
  await expect(page.locator('dialog')).toHaveCount(0);
});

test('an unfinished rotation survives a restart: the list offers Finish, which updates every place', async () => {
  const before = secrets[2]!; // the row send's secret, live now
  expect(await status(before)).toBe(200);
  gitlab.failNext('/variables', { status: 403, body: { message: '403 Forbidden' } });
  await page.getByLabel('Search tokens').fill('ci-pipeline');
  await chooseRowAction(page, 'ci-pipeline', 'Rotate and update 3 places…');
  await page.getByRole('button', { name: 'Rotate and update 3 places' }).click();
  const reveal = page.getByRole('dialog', { name: 'New secret for “ci-pipeline”' });
  const abandoned = (await reveal.getByTestId('secret').textContent())!;
  secrets.push(abandoned);
  await expect(reveal).toContainText('2 of 3 places updated; 1 failed.');
  await reveal.getByRole('button', { name: 'Done' }).click();
  await reveal.getByRole('button', { name: 'Close and forget the secret' }).click();
  expect(await status(before)).toBe(200); // still valid: GitLab holds it

  // The app quits half-way; on the next launch the rotation is still there.
  await desk.restartHarness();
  await signIn(page, desk);
  const pending = page.getByRole('region', { name: 'Unfinished rotations' });
  await expect(pending).toContainText('The rotation of “ci-pipeline” is not finished');
  await expect(pending).toContainText('Token Desk no longer holds the new secret');
  await expect(pending).toContainText('GitLab did not allow Token Desk');
  await page.screenshot({ path: join(SCREENS, 'ci-unfinished-after-restart.png') });
  await pending.getByRole('button', { name: 'Finish' }).click();

  const again = page.getByRole('dialog', { name: 'New secret for “ci-pipeline”' });
  const fresh = (await again.getByTestId('secret').textContent())!;
  secrets.push(fresh);
  await expect(again.getByRole('region', { name: 'Rotation of ci-pipeline' })).toContainText(
    'All 3 places have the new token; the old one is revoked.',
  );
  expect(ghSecret()).toBe(fresh);
  expect(github.secret('ada/app:production', 'CAPAWESOME_TOKEN')).toBe(fresh);
  expect(glVariable()?.value).toBe(fresh);
  expect(await status(fresh)).toBe(200);
  expect(await status(abandoned)).toBe(401);
  expect(await status(before)).toBe(401);
  await again.getByRole('button', { name: 'Done' }).click();
  await again.getByRole('button', { name: 'Close and forget the secret' }).click();
  await expect(pending).toHaveCount(0);
  await page.getByLabel('Search tokens').fill('');
});

test('an organization secret shared with selected repositories: GitHub gets exactly the chosen ids', async () => {
  github.addOrganization('acme', ['ada']);
  const apiId = github.addRepository('acme', 'api', { admins: ['ada'] });
  github.addRepository('acme', 'site', { admins: ['ada'] });
  const webId = github.addRepository('acme', 'web', { admins: ['ada'] });
  // Earlier tests made the fake answer off-contract on purpose (503s); only this one's count.
  const violationsBefore = github.violations.length;
  const secret = await createToken(page, 'org-selected');
  secrets.push(secret);
  const reveal = page.getByRole('dialog', { name: 'Token “org-selected” created' });
  await reveal.getByRole('button', { name: 'Send to CI…' }).click();
  const send = page.getByRole('dialog', { name: 'Send “org-selected” to CI' });
  await send.getByLabel('Organization', { exact: true }).check();
  await send
    .getByRole('radiogroup', { name: 'Organizations' })
    .getByRole('radio', { name: 'acme' })
    .check();
  await send.getByLabel('Repositories that can use it').selectOption('selected');
  const shared = send.getByRole('group', { name: 'Selected repositories' });
  // Only the organization's repositories: GitHub shares an organization secret with no others.
  await expect(shared.getByRole('checkbox')).toHaveCount(3);
  await expect(shared).not.toContainText('ada/app');

  // None chosen: said in words, nothing sent.
  const puts = () => github.requests.filter((r) => r.method === 'PUT').length;
  const before = puts();
  await send.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(
    send.getByText('Choose at least one repository that can use the secret.'),
  ).toBeVisible();
  expect(puts()).toBe(before);

  // The search narrows the list; what was ticked stays ticked.
  const search = send.getByLabel('Search the organization’s repositories');
  await search.fill('api');
  await expect(shared.getByRole('checkbox')).toHaveCount(1);
  await shared.getByRole('checkbox', { name: /acme\/api/ }).check();
  await search.fill('we');
  await shared.getByRole('checkbox', { name: /acme\/web/ }).check();
  await search.fill('');
  await expect(shared.getByRole('checkbox', { name: /acme\/api/ })).toBeChecked();
  await expect(shared.getByRole('checkbox', { name: /acme\/site/ })).not.toBeChecked();
  await expect(send.getByText('2 repositories chosen.')).toBeVisible();
  await page.screenshot({ path: join(SCREENS, 'ci-send-org-selected.png') });

  await send.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(send.getByRole('list', { name: 'Sent to CI' })).toContainText(
    `Created CAPAWESOME_TOKEN in acme (organization, selected)${on('github')}.`,
  );
  expect(github.selectedRepositories('acme', 'CAPAWESOME_TOKEN')).toEqual([apiId, webId]);
  expect(github.secret('org:acme', 'CAPAWESOME_TOKEN')).toBe(secret);
  expect(github.violations.slice(violationsBefore)).toEqual([]);
  await send.getByRole('button', { name: 'Done' }).click();
  await reveal.getByRole('button', { name: 'Done' }).click();
  await reveal.getByRole('button', { name: 'Close and forget the secret' }).click();
  await expect(page.locator('dialog')).toHaveCount(0);
});

test('no provider credential and no secret in the settings directory, the harness output or the page storage', async () => {
  const output = desk.harness.output.join('');
  const settingsDir = (JSON.parse(/^\{"url".*$/m.exec(output)![0]) as { settingsDir: string })
    .settingsDir;
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? walk(path) : [readFileSync(path, 'utf8')];
    });
  const settingsText = walk(settingsDir).join('\n');
  expect(settingsText).toContain('ada'); // the accounts are there, without their tokens
  const storage = await page.evaluate(pageStorage);
  expect(JSON.parse(storage).databases).toEqual([]);
  for (const needle of [GH_TOKEN, GH_WRONG, GL_TOKEN, ...secrets]) {
    expect(settingsText).not.toContain(needle);
    expect(output).not.toContain(needle);
    expect(storage).not.toContain(needle);
  }
  expect(secrets.length).toBeGreaterThanOrEqual(4);
});
