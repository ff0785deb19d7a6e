/**
 * npm's two second-factor flows end to end through the issuer and the sign-in, against
 * the 2FA stand-in, with main's prompt and browser recorded: a typed one-time code
 * (and a wrong one, and Cancel), the browser approval (and an address that is not
 * https, a doneUrl on another host, the time limit, Cancel), npm's web login, and what
 * a created token carries (its settings in words, the Bypass 2FA warning) through a
 * rotation.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BYPASS_2FA_WARNING } from '../../../../src/shared/issuers/npm.js';
import { NpmIssuer } from '../../../../src/main/issuers/npm/npm-issuer.js';
import { signInToNpm } from '../../../../src/main/issuers/npm/npm-sign-in.js';
import { sessionFor, startNpm2fa, type Npm2fa } from '../../../support/issuers/npm/npm-2fa.js';
import {
  RecordingBrowser,
  RecordingPrompt,
  fastTimers,
  npmConnection,
  npmContext,
  virtualClock,
} from '../../../support/issuers/npm/ports.js';

const PASSWORD = 'correct-horse-battery-9';
let registry: Npm2fa;
let elsewhere: Npm2fa;
let credential: string;
let prompt: RecordingPrompt;

beforeEach(async () => {
  registry = await startNpm2fa({ password: PASSWORD, mode: 'otp' });
  elsewhere = await startNpm2fa({ password: PASSWORD });
  credential = sessionFor(registry);
  prompt = new RecordingPrompt();
});
afterEach(async () => {
  expect(registry.offContract).toEqual([]);
  expect(elsewhere.requests).toEqual([]);
  await registry.close();
  await elsewhere.close();
});

const writeOptions = (extra: Record<string, unknown> = {}) => ({
  permission: 'read-write',
  packages: ['left-pad'],
  allPackages: false,
  scopes: ['@ada'],
  orgs: [],
  orgsPermission: null,
  cidr: ['192.0.2.0/24'],
  bypass2fa: false,
  ...extra,
});
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const creates = () =>
  registry.requests.filter(
    (request) => request.method === 'POST' && request.path === '/-/npm/v1/tokens',
  );

async function failure(promise: Promise<unknown>): Promise<Error & { code: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code: string };
  }
  throw new Error('expected a failure');
}

function issuerWith(ports: Parameters<typeof npmContext>[1] = {}, limitMs?: number) {
  return new NpmIssuer(
    npmConnection(registry.url),
    npmContext(credential, { prompt, ...ports }),
    limitMs === undefined ? {} : { webApprovalLimitMs: limitMs },
  );
}

describe('a one-time code', () => {
  it('401 + www-authenticate: OTP → main’s prompt → the same request once more with npm-otp', async () => {
    prompt.answer({ password: PASSWORD }).answer({ otp: ` ${registry.otp} ` });
    const browser = new RecordingBrowser();
    const issued = await issuerWith({ externalLinks: browser }).create({
      name: 'ci-publish',
      expiresAt: inDays(30),
      options: writeOptions(),
    });
    expect(issued.secret).toMatch(/^npm_/);
    expect(prompt.asked.map((request) => request.fields.map((field) => field.kind))).toEqual([
      ['password'],
      ['one-time-code'],
    ]);
    expect(prompt.asked[1]!.message).toMatch(
      /sends it only to 127\.0\.0\.1:\d+, once, and does not keep it/,
    );
    expect(creates().map((request) => request.otp)).toEqual([null, registry.otp]);
    expect(creates()[1]!.body).toEqual({
      name: 'ci-publish',
      password: PASSWORD,
      expires: 30,
      packages: ['left-pad'],
      scopes: ['@ada'],
      packages_and_scopes_permission: 'read-write',
      cidr_whitelist: ['192.0.2.0/24'],
    });
    expect(browser.opened).toEqual([]);
  });

  it('a wrong code is said, not retried, and creates nothing', async () => {
    prompt.answer({ password: PASSWORD }).answer({ otp: '000000' });
    const error = await failure(
      issuerWith().create({ name: 'ci', expiresAt: inDays(7), options: writeOptions() }),
    );
    expect(error.code).toBe('npm_otp_refused');
    expect(error.message).toMatch(/did not accept the one-time code.*Nothing was changed/);
    expect(error.message).not.toContain(PASSWORD);
    expect(creates()).toHaveLength(2);
    expect(registry.tokens.size).toBe(0);
  });

  it('Cancel at the password sends nothing; Cancel at the code sends nothing more', async () => {
    prompt.answer(null);
    const first = await failure(
      issuerWith().create({ name: 'ci', expiresAt: inDays(7), options: writeOptions() }),
    );
    expect(first).toMatchObject({ code: 'npm_cancelled' });
    expect(first.message).toMatch(/nothing was sent to npm/);
    expect(registry.requests).toEqual([]);

    prompt.answer({ password: PASSWORD }).answer(null);
    const second = await failure(
      issuerWith().create({ name: 'ci', expiresAt: inDays(7), options: writeOptions() }),
    );
    expect(second).toMatchObject({ code: 'npm_cancelled' });
    expect(second.message).toMatch(/no one-time code was sent/);
    expect(creates().map((request) => request.otp)).toEqual([null]);
    expect(registry.tokens.size).toBe(0);
  });

  it('no prompt in this runtime: a sentence, nothing sent', async () => {
    const issuer = new NpmIssuer(npmConnection(registry.url), npmContext(credential));
    const error = await failure(
      issuer.create({ name: 'ci', expiresAt: inDays(7), options: writeOptions() }),
    );
    expect(error.code).toBe('npm_prompt_unavailable');
    expect(registry.requests).toEqual([]);
  });

  it('a delete the registry guards with 2FA asks for the code too', async () => {
    registry.secondFactorOnDelete = true;
    const token = registry.addToken({ name: 'old' });
    prompt.answer({ otp: registry.otp });
    await issuerWith().revoke(token.key);
    expect(registry.tokens.has(token.key)).toBe(false);
    expect(prompt.asked[0]!.message).toMatch(/to delete the npm token/);
  });
});

describe('the browser approval', () => {
  beforeEach(() => {
    registry.mode = 'web';
    registry.approveAfterPolls = null;
  });

  it('opens authUrl, polls doneUrl honouring Retry-After, then sends the code it gave', async () => {
    registry.retryAfterSeconds = '3';
    const clock = virtualClock();
    // The person approves after two polls.
    const browser = new RecordingBrowser();
    registry.approveAfterPolls = 2;
    prompt.answer({ password: PASSWORD });
    const started = clock.now();
    const issued = await issuerWith({
      externalLinks: browser,
      timers: clock.timers,
      now: clock.now,
    }).create({
      name: 'ci-web',
      expiresAt: null,
      options: writeOptions({ scopes: [], packages: [], cidr: [] }),
    });
    expect(issued.id).toBeTruthy();
    expect(browser.opened).toHaveLength(1);
    expect(browser.opened[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/auth\//);
    const polls = registry.requests.filter((request) => request.path.startsWith('/-/v1/done'));
    expect(polls).toHaveLength(3);
    // Each 202 waited the 3 seconds the registry asked for.
    expect(clock.now() - started).toBe(6000);
    // The poll carries the connection's credential (npm's webAuthCheckLogin sends the same options).
    expect(polls[0]!.authorization).toBe(`Bearer ${credential}`);
    expect(creates().map((request) => request.otp === null)).toEqual([true, false]);
    expect(prompt.asked).toHaveLength(1);
  });

  it.each([
    ['javascript:alert(1)'],
    ['file:///etc/passwd'],
    ['http://approve.example.com/auth/1'],
    ['https://user:pw@approve.example.com/'],
    ['not a url'],
  ])('an authUrl %s is refused and never opened', async (authUrl) => {
    registry.authUrlFor = () => authUrl;
    const browser = new RecordingBrowser();
    prompt.answer({ password: PASSWORD });
    const error = await failure(
      issuerWith({ externalLinks: browser }).create({
        name: 'ci',
        expiresAt: inDays(7),
        options: writeOptions(),
      }),
    );
    expect(error.message).toMatch(/neither https nor on this computer.*did not open it/);
    expect(browser.opened).toEqual([]);
    expect(registry.tokens.size).toBe(0);
    expect(registry.requests.filter((request) => request.path.startsWith('/-/v1/done'))).toEqual(
      [],
    );
  });

  it('a doneUrl on another host is refused: nothing opened, nothing sent there', async () => {
    registry.doneUrlFor = (id) => `${elsewhere.url}-/v1/done?authId=${id}`;
    const browser = new RecordingBrowser();
    prompt.answer({ password: PASSWORD });
    const error = await failure(
      issuerWith({ externalLinks: browser }).create({
        name: 'ci',
        expiresAt: inDays(7),
        options: writeOptions(),
      }),
    );
    expect(error.code).toBe('npm_foreign_host');
    expect(error.message).toContain(new URL(elsewhere.url).origin);
    expect(browser.opened).toEqual([]);
  });

  it('polling stops at the time limit with a sentence; nothing is created', async () => {
    registry.retryAfterSeconds = '10';
    const clock = virtualClock();
    const browser = new RecordingBrowser();
    prompt.answer({ password: PASSWORD });
    const error = await failure(
      issuerWith({ externalLinks: browser, timers: clock.timers, now: clock.now }, 60_000).create({
        name: 'ci',
        expiresAt: inDays(7),
        options: writeOptions(),
      }),
    );
    expect(error.code).toBe('npm_approval_timeout');
    expect(error.message).toMatch(/not finished within 1 minutes.*Nothing was changed/);
    const polls = registry.requests.filter((request) => request.path.startsWith('/-/v1/done'));
    expect(polls).toHaveLength(6);
    expect(creates()).toHaveLength(1);
    expect(registry.tokens.size).toBe(0);
  });

  it('a registry that says nothing about when to poll is polled every 2 seconds, not in a tight loop', async () => {
    registry.retryAfterSeconds = null;
    const clock = virtualClock();
    prompt.answer({ password: PASSWORD });
    const error = await failure(
      issuerWith(
        { externalLinks: new RecordingBrowser(), timers: clock.timers, now: clock.now },
        10_000,
      ).create({ name: 'ci', expiresAt: inDays(7), options: writeOptions() }),
    );
    expect(error.code).toBe('npm_approval_timeout');
    expect(
      registry.requests.filter((request) => request.path.startsWith('/-/v1/done')),
    ).toHaveLength(5);
  });

  it('Cancel stops the wait; nothing is created', async () => {
    const holder: { issuer?: NpmIssuer } = {};
    const browser = new RecordingBrowser(() => {
      setTimeout(() => holder.issuer!.cancelPending(), 50);
    });
    registry.retryAfterSeconds = '1';
    const issuer = issuerWith({ externalLinks: browser, timers: fastTimers(1) });
    holder.issuer = issuer;
    prompt.answer({ password: PASSWORD });
    const error = await failure(
      issuer.create({ name: 'ci', expiresAt: inDays(7), options: writeOptions() }),
    );
    expect(error.code).toBe('npm_cancelled');
    expect(error.message).toMatch(/stopped waiting for the browser approval/);
    expect(creates()).toHaveLength(1);
    expect(registry.tokens.size).toBe(0);
  });
});

describe('signing in', () => {
  it('uses npm’s web login where the registry offers it: no password asked', async () => {
    registry.webLogin = true;
    const browser = new RecordingBrowser();
    const signedIn = await signInToNpm(registry.url, {
      prompt,
      fetch,
      externalLinks: browser,
      timers: fastTimers(),
    });
    expect(signedIn.username).toBe('ada');
    expect(registry.sessions.get(signedIn.token)).toBe('ada');
    expect(browser.opened).toHaveLength(1);
    expect(prompt.asked).toEqual([]);
  });

  it('falls back to the couch login, with a one-time code when asked', async () => {
    prompt.answer({ username: 'ada', password: PASSWORD }).answer({ otp: registry.otp });
    const signedIn = await signInToNpm(registry.url, {
      prompt,
      fetch,
      externalLinks: null,
      timers: fastTimers(),
    });
    expect(signedIn.username).toBe('ada');
    expect(prompt.asked.map((request) => request.title)).toEqual([
      'Sign in to npm',
      'npm one-time code',
    ]);
    const puts = registry.requests.filter((request) => request.method === 'PUT');
    expect(puts.map((request) => request.otp)).toEqual([null, registry.otp]);
  });

  it('a wrong password: a sentence without it', async () => {
    prompt.answer({ username: 'ada', password: 'wrong-password-1234' });
    const error = await failure(
      signInToNpm(registry.url, { prompt, fetch, externalLinks: null, timers: fastTimers() }),
    );
    expect(error.code).toBe('npm_bad_credential');
    expect(error.message).not.toContain('wrong-password');
  });

  it('Cancel sends nothing but the web-login probe', async () => {
    prompt.answer(null);
    const error = await failure(
      signInToNpm(registry.url, { prompt, fetch, externalLinks: null, timers: fastTimers() }),
    );
    expect(error.code).toBe('npm_cancelled');
    expect(registry.requests.map((request) => request.path)).toEqual(['/-/v1/login']);
  });
});

describe('what a token carries, through a rotation', () => {
  beforeEach(() => {
    registry.mode = 'none';
  });

  it('Bypass 2FA: allowed for a write token, with a warning for the page and in words on the row', async () => {
    prompt.answer({ password: PASSWORD });
    const issued = await issuerWith().create({
      name: 'ci',
      expiresAt: inDays(7),
      options: writeOptions({ bypass2fa: true }),
    });
    expect(issued.warnings).toEqual([BYPASS_2FA_WARNING]);
    expect(creates()[0]!.body).toMatchObject({ bypass_2fa: true });
    const [listed] = await issuerWith().list();
    expect(listed!.facts?.scopes).toEqual([
      'Read and write · left-pad, @ada',
      'Only from 192.0.2.0/24',
      'Publishes without two-factor authentication',
    ]);
  });

  it('a rotation asks for the same name, packages, scopes, ranges and lifetime; the old stays until main deletes it', async () => {
    const old = registry.addToken({
      name: 'deploy',
      created: new Date(Date.now() - 10 * 86_400_000).toISOString(),
      expires: new Date(Date.now() + 20 * 86_400_000).toISOString(),
      packages: ['left-pad'],
      scopes: ['@ada'],
      cidr_whitelist: ['198.51.100.0/24'],
      bypass_2fa: true,
    });
    prompt.answer({ password: PASSWORD });
    const rotated = await issuerWith().rotate(old.key);
    expect(rotated.previous).toEqual({ id: old.key, graceEndsAt: null, revokeAfterPush: true });
    expect(rotated.name).toBe('deploy');
    expect(rotated.warnings).toEqual([BYPASS_2FA_WARNING]);
    expect(creates()[0]!.body).toEqual({
      name: 'deploy',
      password: PASSWORD,
      expires: 30,
      packages: ['left-pad'],
      scopes: ['@ada'],
      packages_and_scopes_permission: 'read-write',
      cidr_whitelist: ['198.51.100.0/24'],
      bypass_2fa: true,
    });
    expect(registry.tokens.has(old.key)).toBe(true);
    expect(prompt.asked[0]!.message).toMatch(
      /the old token keeps working until every place has the new one/,
    );
  });

  it('a rotation with a chosen expiry uses it, and refuses more than 90 days for a write token', async () => {
    const old = registry.addToken({ name: 'deploy' });
    prompt.answer({ password: PASSWORD });
    await issuerWith().rotate(old.key, { expiresAt: inDays(14) });
    expect(creates()[0]!.body).toMatchObject({ expires: 14 });
    const error = await failure(issuerWith().rotate(old.key, { expiresAt: inDays(200) }));
    expect(error.message).toMatch(/at most 90 days/);
    expect(creates()).toHaveLength(1);
  });

  it('rotating a token the registry no longer lists: token_not_found, nothing asked', async () => {
    const error = await failure(issuerWith().rotate('f'.repeat(64)));
    expect(error.code).toBe('token_not_found');
    expect(prompt.asked).toEqual([]);
  });
});
