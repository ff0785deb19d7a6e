/**
 * npm caps only tokens that can write at 90 days; a read-only token may last longer.
 * A rotation's expiry goes the way tokens:rotate sends it (main's check of the page's
 * choice, then the issuer) against the npm stand-in: a read-only token gets the expiry
 * asked for, even past 90 days or none at all; a write token past 90 days, or made to
 * last forever, is refused in words before the password is asked or anything created.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NpmIssuer } from '../../../../src/main/issuers/npm/npm-issuer.js';
import { checkRotationRequest } from '../../../../src/main/services/rotation-options.js';
import { sessionFor, startNpm2fa, type Npm2fa } from '../../../support/issuers/npm/npm-2fa.js';
import { RecordingPrompt, npmConnection, npmContext } from '../../../support/issuers/npm/ports.js';

const PASSWORD = 'correct-horse-battery-9';
const DAY = 86_400_000;
let registry: Npm2fa;
let prompt: RecordingPrompt;

beforeEach(async () => {
  registry = await startNpm2fa({ password: PASSWORD, mode: 'none' });
  prompt = new RecordingPrompt();
});
afterEach(async () => {
  expect(registry.offContract).toEqual([]);
  await registry.close();
});

const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();
const creates = () =>
  registry.requests.filter(
    (request) => request.method === 'POST' && request.path === '/-/npm/v1/tokens',
  );
const issuer = () =>
  new NpmIssuer(npmConnection(registry.url), npmContext(sessionFor(registry), { prompt }));

/** What tokens:rotate does with the page's choice: main's check, then the issuer. */
async function rotate(id: string, request: { expiresAt?: string | null }) {
  const npm = issuer();
  return npm.rotate(id, checkRotationRequest(npm, request, Date.now()));
}

async function refusal(promise: Promise<unknown>): Promise<Error & { code: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code: string };
  }
  throw new Error('not refused');
}

const readOnly = () =>
  registry.addToken({
    name: 'mirror',
    readonly: true,
    packages_and_scopes_permission: 'read-only',
    scopes: ['@ada'],
  });
const writer = () =>
  registry.addToken({
    name: 'publish',
    packages_and_scopes_permission: 'read-write',
    scopes: ['@ada'],
  });

describe('a rotation’s expiry, by what the npm token may do', () => {
  it('a read-only token: 200 days, as asked', async () => {
    const old = readOnly();
    prompt.answer({ password: PASSWORD });
    const rotated = await rotate(old.key, { expiresAt: inDays(200) });
    expect(creates()).toHaveLength(1);
    expect(creates()[0]!.body).toMatchObject({
      expires: 200,
      packages_and_scopes_permission: 'read-only',
    });
    expect(Date.parse(rotated.expiresAt!)).toBeGreaterThan(Date.now() + 199 * DAY);
  });

  it('a read-only token with no expiry chosen: none sent, npm’s own rule applies', async () => {
    const old = readOnly();
    prompt.answer({ password: PASSWORD });
    await rotate(old.key, { expiresAt: null });
    expect(creates()).toHaveLength(1);
    expect(creates()[0]!.body).not.toHaveProperty('expires');
  });

  it('a write token: at most 90 days; 91 refused before the password is asked', async () => {
    const old = writer();
    const refused = await refusal(rotate(old.key, { expiresAt: inDays(91) }));
    expect(refused.code).toBe('invalid_expiry');
    expect(refused.message).toMatch(/at most 90 days/);
    expect(refused.message).toMatch(/Nothing was rotated/);
    expect(prompt.asked).toEqual([]);
    expect(creates()).toEqual([]);
    prompt.answer({ password: PASSWORD });
    await rotate(old.key, { expiresAt: inDays(90) });
    expect(creates()[0]!.body).toMatchObject({ expires: 90 });
  });

  it('a write token may not be made to last forever: refused in words, nothing asked or sent', async () => {
    const old = writer();
    const refused = await refusal(rotate(old.key, { expiresAt: null }));
    expect(refused.code).toBe('invalid_expiry');
    expect(refused.message).toMatch(/at most 90 days/);
    expect(refused.message).toMatch(/Nothing was rotated/);
    expect(prompt.asked).toEqual([]);
    expect(creates()).toEqual([]);
    expect(registry.tokens.has(old.key)).toBe(true);
  });

  it('an expiry that is not a date, or has passed, is still refused for any token', async () => {
    const old = readOnly();
    for (const expiresAt of ['next year', inDays(-1)]) {
      const refused = await refusal(rotate(old.key, { expiresAt }));
      expect(refused.code).toBe('invalid_expiry');
    }
    expect(creates()).toEqual([]);
  });
});
