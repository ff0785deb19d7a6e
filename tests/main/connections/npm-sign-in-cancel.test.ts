/**
 * Stopping an npm sign-in from the window (connections:cancel-sign-in), through main's
 * handlers against the npm 2FA stand-in (npm's web login and its couch login, as npm's
 * own client speaks them). A browser approval is no longer waited for; a password typed
 * after the stop is never sent; nothing is connected; and a stop with no sign-in under
 * way says so without harm.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeChannel } from '../../../src/main/ipc/invoke-channel.js';
import type { PromptPort, PromptRequest } from '../../../src/main/ports.js';
import { signUp, startCiWorld, type CiWorld } from '../../support/main/ci-desk.js';
import { startNpm2fa, type Npm2fa } from '../../support/issuers/npm/npm-2fa.js';
import { RecordingBrowser } from '../../support/issuers/npm/ports.js';

const PASSWORD = 'npm-cancel-correct-horse-4';
const silent = { error: () => {} };
type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

/** A prompt the test answers when it chooses, as a person who is slow to type. */
class HeldPrompt implements PromptPort {
  readonly asked: PromptRequest[] = [];
  private release: ((values: Record<string, string> | null) => void) | null = null;
  ask(request: PromptRequest): Promise<Record<string, string> | null> {
    this.asked.push(request);
    return new Promise((resolve) => (this.release = resolve));
  }
  answer(values: Record<string, string> | null): void {
    this.release?.(values);
    this.release = null;
  }
}

let world: CiWorld;
let registry: Npm2fa;
let main: ReturnType<CiWorld['launch']>;
const prompt = new HeldPrompt();
const browser = new RecordingBrowser();

const call = async <T = any>(channel: string, payload: unknown) =>
  (await invokeChannel(main.handlers, channel, payload, silent)) as Result<T>;
const bearer = (request: { authorization: string | null }) =>
  (request.authorization ?? '').replace(/^Bearer /, '');

/** The couch login's requests (the password travels in them). */
const couchRequests = () =>
  registry.requests.filter((r) => r.path.includes('org.couchdb.user')).length;
const npmConnections = async () => {
  const listed = await call<Array<{ kind: string }>>('connections:list', null);
  return listed.ok ? listed.value.filter((c) => c.kind === 'npm') : [];
};

beforeAll(async () => {
  [world, registry] = await Promise.all([
    startCiWorld(),
    startNpm2fa({ username: 'ada', password: PASSWORD, mode: 'none' }),
  ]);
  main = world.launch({ prompt, externalLinks: browser });
  await signUp(main.handlers, world, `npm-cancel-${Date.now()}@example.test`);
}, 120_000);
afterAll(async () => {
  await main?.handlers.dispose();
  await Promise.all([world?.close(), registry?.close()]);
});

describe('stopping an npm sign-in from the window', () => {
  it('says there was nothing to stop when no sign-in is under way', async () => {
    expect(await call('connections:cancel-sign-in', null)).toEqual({
      ok: true,
      value: { cancelled: false },
    });
    // The channel takes nothing: a page cannot name what to stop.
    expect(await call('connections:cancel-sign-in', { connectionId: 'x' })).toMatchObject({
      ok: false,
    });
  });

  it('stops waiting for a browser approval at once; nothing is connected', async () => {
    registry.webLogin = true;
    registry.approveAfterPolls = null;
    try {
      const signingIn = call('connections:add', { kind: 'npm', host: registry.url });
      await expect.poll(() => browser.opened.length, { timeout: 15_000 }).toBe(1);
      // Asked while it waits, a second sign-in is refused rather than opening another page.
      expect(await call('connections:add', { kind: 'npm', host: registry.url })).toMatchObject({
        ok: false,
        error: { code: 'sign_in_busy' },
      });
      expect(await call('connections:cancel-sign-in', null)).toEqual({
        ok: true,
        value: { cancelled: true },
      });
      expect(await signingIn).toMatchObject({ ok: false, error: { code: 'npm_cancelled' } });
      expect(await npmConnections()).toEqual([]);
      expect(browser.opened).toHaveLength(1);
    } finally {
      registry.webLogin = false;
    }
  });

  it('never sends a password typed after the stop', async () => {
    const couchBefore = couchRequests();
    const signingIn = call('connections:add', { kind: 'npm', host: registry.url });
    await expect.poll(() => prompt.asked.length, { timeout: 15_000 }).toBe(1);
    expect(prompt.asked[0]?.title).toBe('Sign in to npm');
    expect(await call('connections:cancel-sign-in', null)).toEqual({
      ok: true,
      value: { cancelled: true },
    });
    prompt.answer({ username: 'ada', password: PASSWORD });
    const stopped = await signingIn;
    expect(stopped).toMatchObject({ ok: false, error: { code: 'npm_cancelled' } });
    if (!stopped.ok) expect(stopped.error.message).not.toContain(PASSWORD);
    expect(couchRequests()).toBe(couchBefore);
    expect(await npmConnections()).toEqual([]);
  });

  it('asks and sends nothing more after a stop during the one-time code prompt', async () => {
    registry.mode = 'otp';
    try {
      const sessions = registry.sessions.size;
      const signingIn = call('connections:add', { kind: 'npm', host: registry.url });
      await expect.poll(() => prompt.asked.length, { timeout: 15_000 }).toBe(2);
      prompt.answer({ username: 'ada', password: PASSWORD });
      await expect.poll(() => prompt.asked.length, { timeout: 15_000 }).toBe(3);
      expect(prompt.asked[2]?.title).toBe('npm one-time code');
      const withCode = registry.requests.filter((r) => r.otp !== null).length;
      expect((await call('connections:cancel-sign-in', null)).ok).toBe(true);
      prompt.answer({ otp: registry.otp });
      const stopped = await signingIn;
      expect(stopped).toMatchObject({ ok: false, error: { code: 'npm_cancelled' } });
      if (!stopped.ok) expect(stopped.error.message).not.toContain(PASSWORD);
      // Neither the code nor the password went again: no session was made.
      expect(registry.requests.filter((r) => r.otp !== null).length).toBe(withCode);
      expect(registry.sessions.size).toBe(sessions);
      expect(await npmConnections()).toEqual([]);
    } finally {
      registry.mode = 'none';
    }
  });

  it('signs a session out again when the stop comes after the registry made it: nothing kept, and said', async () => {
    const sessions = new Set(registry.sessions.keys());
    registry.next('whoami', (request) => {
      // The person stops while the registry says whose the new session is.
      void call('connections:cancel-sign-in', null);
      return { status: 200, body: { username: registry.sessions.get(bearer(request)) ?? 'ada' } };
    });
    const signingIn = call('connections:add', { kind: 'npm', host: registry.url });
    await expect.poll(() => prompt.asked.length, { timeout: 15_000 }).toBe(4);
    prompt.answer({ username: 'ada', password: PASSWORD });
    const stopped = await signingIn;
    expect(stopped).toMatchObject({
      ok: false,
      error: {
        code: 'npm_cancelled',
        message: expect.stringContaining('signed that session out again'),
      },
    });
    const made = registry.requests.filter(
      (r) => r.method === 'DELETE' && r.path.startsWith('/-/user/token/'),
    );
    expect(made).toHaveLength(1);
    // Every session the registry holds now was there before: the new one is gone.
    expect([...registry.sessions.keys()].filter((key) => !sessions.has(key))).toEqual([]);
    expect(registry.offContract).toEqual([]);
    expect(await npmConnections()).toEqual([]);
  });

  it('signs in again afterwards: the stop does not outlive its sign-in', async () => {
    const couchBefore = couchRequests();
    const signingIn = call('connections:add', { kind: 'npm', host: registry.url });
    await expect.poll(() => prompt.asked.length, { timeout: 15_000 }).toBe(5);
    prompt.answer({ username: 'ada', password: PASSWORD });
    expect(await signingIn).toMatchObject({ ok: true, value: { kind: 'npm', login: 'ada' } });
    expect(await npmConnections()).toHaveLength(1);
    // The count above sees a couch login when one is sent.
    expect(couchRequests()).toBeGreaterThan(couchBefore);
  });
});
