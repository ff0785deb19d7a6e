/**
 * Password guessing is throttled before any hash runs, however many requests arrive at
 * once; password hashes are bounded; sign-up checks the email before it hashes and is
 * limited per address. Every window moves on the injected clock; nothing sleeps.
 */
import { describe, expect, it, vi } from 'vitest';
import { clientKey } from '../../src/server/auth/client-key.js';
import { HashGate } from '../../src/server/auth/hash-gate.js';
import {
  pipeline,
  signUpAndIn,
  serviceForEachTest,
  type RunningService,
} from '../support/server/service-harness.js';

let service: RunningService | undefined;
const start = serviceForEachTest();

/** A slot in the gate held by the test, as a long hash would hold it. */
function holdSlot(gate: HashGate): () => Promise<void> {
  let release!: () => void;
  const held = gate.run(() => new Promise<void>((resolve) => (release = resolve)));
  return async () => {
    release();
    await held;
  };
}

const FIFTEEN_MINUTES = 15 * 60_000;

describe('sign-in throttling under concurrency', () => {
  it('refuses the right password sent in the same burst as 40 wrong ones once the limit is reached', async () => {
    service = await start({
      signInFailureLimit: { maxFailures: 10, windowMs: FIFTEEN_MINUTES },
      // Room for every admitted attempt, so only the rate window decides here.
      hashGate: new HashGate({ maxRunning: 4, maxQueued: 64 }),
    });
    const { email, password } = await signUpAndIn(service);
    const wrong = Array.from({ length: 40 }, (_, i) => ({
      method: 'POST',
      path: '/v1/sessions',
      body: { email, password: `wrong password ${i}` },
    }));
    const right = { method: 'POST', path: '/v1/sessions', body: { email, password } };

    // One connection, one write: all 41 arrive together, the right one last.
    const responses = await pipeline(service.baseUrl, [...wrong, right]);
    const statuses = responses.map((r) => r.status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual(Array(31).fill(429));
    const last = responses.at(-1)!;
    expect(last.body.code).toBe('too_many_requests');
    expect(last.headers['retry-after']).toBe('900');
    expect(last.body.message).toBe(
      'Too many failed sign-in attempts from this address. Try again in 15 minutes.',
    );
    expect(responses.some((r) => r.status === 201)).toBe(false);
  });

  it('admits no more attempts than the limit when 41 requests race on separate connections', async () => {
    service = await start({
      signInFailureLimit: { maxFailures: 10, windowMs: FIFTEEN_MINUTES },
      hashGate: new HashGate({ maxRunning: 4, maxQueued: 64 }),
    });
    const { email, password } = await signUpAndIn(service);
    const attempts = Array.from({ length: 41 }, (_, i) =>
      service!.request('POST', '/v1/sessions', {
        body: { email, password: i === 20 ? password : `wrong password ${i}` },
      }),
    );
    const statuses = (await Promise.all(attempts)).map((r) => r.status);
    expect(statuses.filter((s) => s !== 429)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(31);
    // Whichever was admitted, the limit holds afterwards too, even for the right password.
    const after = await service.request('POST', '/v1/sessions', { body: { email, password } });
    expect(after.status).toBe(429);
  });

  it('gives an attempt back when the password is right, so sign-ins that succeed never lock anyone out', async () => {
    service = await start({
      signInFailureLimit: { maxFailures: 2, windowMs: FIFTEEN_MINUTES },
    });
    const { email, password } = await signUpAndIn(service);
    const signIn = (pw: string) =>
      service!.request('POST', '/v1/sessions', { body: { email, password: pw } });
    expect((await signIn('wrong password')).status).toBe(401);
    for (let i = 0; i < 5; i++) expect((await signIn(password)).status).toBe(201);
    expect((await signIn('wrong password')).status).toBe(401);
    expect((await signIn(password)).status).toBe(429);
    service.clock.advance(FIFTEEN_MINUTES);
    expect((await signIn(password)).status).toBe(201);
  });

  it('keeps a window per account as well, so guesses spread over many addresses still stop', async () => {
    service = await start({
      trustProxy: true, // lets the test speak from several addresses through X-Forwarded-For
      signInFailureLimit: { maxFailures: 10, windowMs: FIFTEEN_MINUTES },
      signInAccountLimit: { maxFailures: 3, windowMs: FIFTEEN_MINUTES },
    });
    const target = await signUpAndIn(service);
    const bystander = await signUpAndIn(service);
    const from = (address: string, email: string, password: string) =>
      service!.request('POST', '/v1/sessions', {
        body: { email, password },
        headers: { 'x-forwarded-for': address },
      });

    for (let i = 1; i <= 3; i++) {
      expect((await from(`203.0.113.${i}`, target.email, 'wrong password')).status).toBe(401);
    }
    // A fresh address, the right password, the same account (in another case): refused.
    const refused = await from('203.0.113.99', target.email.toUpperCase(), target.password);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('too_many_requests');
    expect(refused.body.message).toBe(
      'Too many failed sign-in attempts for this account. Try again in 15 minutes.',
    );
    expect(refused.headers.get('retry-after')).toBe('900');
    // Other accounts, from the very same addresses, are unaffected.
    expect((await from('203.0.113.1', bystander.email, bystander.password)).status).toBe(201);

    service.clock.advance(FIFTEEN_MINUTES);
    expect((await from('203.0.113.99', target.email, target.password)).status).toBe(201);
  });
});

describe('the bound on concurrent password hashes', () => {
  it('answers 503 service_busy with Retry-After past the bound, never queueing without limit, and costs no attempt', async () => {
    const gate = new HashGate({ maxRunning: 1, maxQueued: 0 });
    service = await start({
      hashGate: gate,
      signInFailureLimit: { maxFailures: 1, windowMs: FIFTEEN_MINUTES },
    });
    const { email, password } = await signUpAndIn(service);

    const release = holdSlot(gate);
    const busy = await service.request('POST', '/v1/sessions', { body: { email, password } });
    expect(busy.status).toBe(503);
    expect(busy.body.code).toBe('service_busy');
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(busy.body.message).toMatch(/too many passwords at once\. Try again/);
    const busySignUp = await service.request('POST', '/v1/users', {
      body: { email: 'busy@example.test', password: 'long enough' },
    });
    expect(busySignUp.status).toBe(503);
    expect(busySignUp.body.code).toBe('service_busy');
    expect(gate.queued).toBe(0);
    await release();

    // The refused attempts were given back: with a limit of 1, a wrong and then a right
    // password would otherwise be over it.
    expect(
      (await service.request('POST', '/v1/sessions', { body: { email, password: 'wrong one!' } }))
        .status,
    ).toBe(401);
    service.clock.advance(FIFTEEN_MINUTES);
    expect(
      (await service.request('POST', '/v1/sessions', { body: { email, password } })).status,
    ).toBe(201);
    expect(
      (
        await service.request('POST', '/v1/users', {
          body: { email: 'busy@example.test', password: 'long enough' },
        })
      ).status,
    ).toBe(201);
  });

  it('lets a bounded queue wait for a slot and refuses the one past it', async () => {
    const gate = new HashGate({ maxRunning: 1, maxQueued: 1 });
    service = await start({ hashGate: gate });
    const { email, password } = await signUpAndIn(service);

    const release = holdSlot(gate);
    const waiting = service.request('POST', '/v1/sessions', { body: { email, password } });
    await vi.waitFor(() => expect(gate.queued).toBe(1));
    const refused = await service.request('POST', '/v1/sessions', { body: { email, password } });
    expect(refused.status).toBe(503);
    await release();
    expect((await waiting).status).toBe(201);
    expect(gate.running).toBe(0);
  });
});

describe('sign-up', () => {
  it('answers 409 for a taken email without hashing (even with every hash slot busy)', async () => {
    const gate = new HashGate({ maxRunning: 1, maxQueued: 0 });
    service = await start({ hashGate: gate });
    const { email } = await signUpAndIn(service);
    const release = holdSlot(gate);
    const taken = await service.request('POST', '/v1/users', {
      body: { email: email.toUpperCase(), password: 'another password' },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('email_taken');
    const fresh = await service.request('POST', '/v1/users', {
      body: { email: 'fresh@example.test', password: 'another password' },
    });
    expect(fresh.status).toBe(503);
    await release();
  });

  it('limits sign-up attempts per address (taken emails count too), until the window passes', async () => {
    service = await start({ signUpLimit: { maxFailures: 3, windowMs: 60 * 60_000 } });
    const signUp = (email: string) =>
      service!.request('POST', '/v1/users', { body: { email, password: 'long enough' } });
    expect((await signUp('one@example.test')).status).toBe(201);
    expect((await signUp('one@example.test')).status).toBe(409);
    expect((await signUp('two@example.test')).status).toBe(201);
    const limited = await signUp('three@example.test');
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('too_many_requests');
    expect(limited.headers.get('retry-after')).toBe('3600');
    expect(limited.body.message).toBe(
      'Too many sign-ups from this address. Try again in 60 minutes.',
    );
    // Signing in to an existing account is a different window.
    expect(
      (
        await service.request('POST', '/v1/sessions', {
          body: { email: 'one@example.test', password: 'long enough' },
        })
      ).status,
    ).toBe(201);
    service.clock.advance(60 * 60_000);
    expect((await signUp('three@example.test')).status).toBe(201);
  });

  it('runs every sign-up hash through the bound: a burst of 40 never has more than the bound in flight', async () => {
    const gate = new HashGate({ maxRunning: 2, maxQueued: 3 });
    let peak = 0;
    let hashes = 0;
    const run = gate.run.bind(gate);
    gate.run = (work) =>
      run(() => {
        hashes++;
        peak = Math.max(peak, gate.running);
        return work();
      });
    service = await start({
      hashGate: gate,
      signUpLimit: { maxFailures: 100, windowMs: 60 * 60_000 },
    });
    const burst = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        service!.request('POST', '/v1/users', {
          body: { email: `burst${i}@example.test`, password: 'long enough' },
        }),
      ),
    );
    const statuses = burst.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 503)).toBe(true);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(5);
    expect(hashes).toBe(statuses.filter((s) => s === 201).length);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(2);
  });
});

describe('clientKey (what one client address is)', () => {
  it('counts IPv4 addresses one by one and an IPv6 host by its /64', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});
