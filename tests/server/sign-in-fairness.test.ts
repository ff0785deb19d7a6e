/**
 * Found by a security review of the sign-in limits: they must not let one client
 * lock others out. One account holder signing in to their own account in a loop
 * filled the hash gate (everyone else got 503); a stranger's ~20 wrong passwords
 * from a few addresses locked the owner out of sign-in for 15 minutes. X-Forwarded-For
 * from loopback is believed here, so each test chooses its client addresses.
 */
import { describe, expect, it } from 'vitest';
import { HashGate } from '../../src/server/auth/hash-gate.js';
import { serviceForEachTest, type RunningService } from '../support/server/service-harness.js';

let service: RunningService | undefined;
const start = serviceForEachTest();

const from = (address: string) => ({ 'x-forwarded-for': address });

async function account(svc: RunningService, email: string, address: string) {
  const password = 'correct horse battery';
  const created = await svc.request('POST', '/v1/users', {
    body: { email, password },
    headers: from(address),
  });
  expect(created.status).toBe(201);
  return { email, password };
}

/** Holds the gate's slot for `client`, as a long hash would. */
function hold(gate: HashGate, client: string): () => Promise<void> {
  let release!: () => void;
  const held = gate.run(() => new Promise<void>((resolve) => (release = resolve)), client);
  return async () => {
    release();
    await held;
  };
}

describe('one client cannot fill the password-hash gate', () => {
  it('is one hash at a time per address by default', async () => {
    const { DEFAULTS } = await import('../../src/server/options.js');
    expect(DEFAULTS.hashing.maxPerClient).toBe(1);
    expect(DEFAULTS.signInSuccessLimit.maxFailures).toBeLessThanOrEqual(100);
  });

  it('a second hash from the same address at once gets 429; another address still signs in', async () => {
    const gate = new HashGate({ maxRunning: 2, maxQueued: 8, maxPerClient: 1 });
    service = await start({ trustProxy: ['127.0.0.1'], hashGate: gate });
    const mallory = await account(service, 'mallory@example.test', '203.0.113.7');
    const bob = await account(service, 'bob@example.test', '198.51.100.20');

    const release = hold(gate, '203.0.113.7'); // Mallory's sign-in in flight
    const second = await service.request('POST', '/v1/sessions', {
      body: mallory,
      headers: from('203.0.113.7'),
    });
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(second.body.message).toMatch(/already being checked/);
    const victim = await service.request('POST', '/v1/sessions', {
      body: bob,
      headers: from('198.51.100.20'),
    });
    expect(victim.status).toBe(201);
    await release();
  });

  it('sign-up holds to the same one-at-a-time rule', async () => {
    const gate = new HashGate({ maxRunning: 2, maxQueued: 8, maxPerClient: 1 });
    service = await start({ trustProxy: ['127.0.0.1'], hashGate: gate });
    const release = hold(gate, '203.0.113.7');
    const signUp = await service.request('POST', '/v1/users', {
      body: { email: 'new@example.test', password: 'correct horse battery' },
      headers: from('203.0.113.7'),
    });
    expect(signUp.status).toBe(429);
    await release();
    const again = await service.request('POST', '/v1/users', {
      body: { email: 'new@example.test', password: 'correct horse battery' },
      headers: from('203.0.113.7'),
    });
    expect(again.status).toBe(201);
  });

  it('counts successful sign-ins per address: the one past the limit in the window gets 429', async () => {
    service = await start({
      trustProxy: ['127.0.0.1'],
      signInSuccessLimit: { maxFailures: 30, windowMs: 15 * 60_000 },
    });
    const mallory = await account(service, 'mallory@example.test', '203.0.113.7');
    for (let i = 0; i < 30; i++) {
      const ok = await service.request('POST', '/v1/sessions', {
        body: mallory,
        headers: from('203.0.113.7'),
      });
      expect(ok.status).toBe(201);
    }
    const over = await service.request('POST', '/v1/sessions', {
      body: mallory,
      headers: from('203.0.113.7'),
    });
    expect(over.status).toBe(429);
    expect(over.body.message).toMatch(/Too many sign-ins from this address/);
    service.clock.advance(15 * 60_000);
    const later = await service.request('POST', '/v1/sessions', {
      body: mallory,
      headers: from('203.0.113.7'),
    });
    expect(later.status).toBe(201);
  });
});

describe("strangers' guesses do not lock the owner out", () => {
  it('an address the owner signed in from recently still signs in; a new address is held to the window', async () => {
    service = await start({ trustProxy: ['127.0.0.1'] });
    const alice = await account(service, 'alice@example.test', '198.51.100.20');
    const home = await service.request('POST', '/v1/sessions', {
      body: alice,
      headers: from('198.51.100.20'),
    });
    expect(home.status).toBe(201);
    // 20 wrong passwords spread over two addresses trip the account window.
    for (const address of ['203.0.113.5', '203.0.113.6']) {
      for (let i = 0; i < 10; i++) {
        await service.request('POST', '/v1/sessions', {
          body: { email: alice.email, password: `guess ${i}` },
          headers: from(address),
        });
      }
    }
    const stranger = await service.request('POST', '/v1/sessions', {
      body: alice,
      headers: from('192.0.2.77'),
    });
    expect(stranger.status).toBe(429);
    expect(stranger.body.message).toMatch(/for this account/);
    const owner = await service.request('POST', '/v1/sessions', {
      body: alice,
      headers: from('198.51.100.20'),
    });
    expect(owner.status).toBe(201);
  });
});
