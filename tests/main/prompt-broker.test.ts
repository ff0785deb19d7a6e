/**
 * Main's prompt, apart from any window: what main may ask, what an answer from the
 * (untrusted) prompt page may be, one prompt at a time, and a nonce that only the
 * open prompt answers to. The Electron window and the harness both run on this.
 */
import { describe, expect, it } from 'vitest';
import type { PromptRequest } from '../../src/main/ports.js';
import { PromptBroker } from '../../src/main/prompt/prompt-broker.js';

const NPM_SIGN_IN: PromptRequest = {
  title: 'Sign in to npm',
  message: 'Your npm password and one-time code go to registry.npmjs.org, and nowhere else.',
  fields: [
    { id: 'password', label: 'Password', kind: 'password' },
    { id: 'otp', label: 'One-time code', kind: 'one-time-code', hint: 'From your authenticator' },
  ],
  submitLabel: 'Sign in',
};

function thrownBy(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  return 'nothing thrown';
}

const settledWithin = async <T>(promise: Promise<T>) =>
  Promise.race([promise.then((value) => ({ value })), Promise.resolve('pending' as const)]);

describe('PromptBroker', () => {
  it('answers the open prompt with exactly the fields asked for', async () => {
    const broker = new PromptBroker();
    const opened = broker.start(NPM_SIGN_IN);
    expect(opened.nonce).toMatch(/^[0-9a-f]{48}$/);
    expect(broker.view(opened.nonce)).toEqual(NPM_SIGN_IN);
    expect(broker.submit(opened.nonce, { password: 'pa ss\u00e9', otp: ' 123 456 ' })).toEqual({
      ok: true,
    });
    expect(await opened.answer).toEqual({ password: 'pa ss\u00e9', otp: '123456' });
    // Nothing of it is kept: the nonce no longer shows anything, and a new prompt may open.
    expect(broker.view(opened.nonce)).toBeNull();
    expect(broker.openNonce).toBeNull();
    expect(broker.start(NPM_SIGN_IN).nonce).not.toBe(opened.nonce);
  });

  it('a field marked optional may be left empty; a question may ask for nothing', async () => {
    const broker = new PromptBroker();
    const optional: PromptRequest = {
      ...NPM_SIGN_IN,
      fields: [{ id: 'value', label: 'Token value (optional)', kind: 'secret', optional: true }],
    };
    const opened = broker.start(optional);
    expect(broker.submit(opened.nonce, {})).toMatchObject({ ok: false });
    expect(broker.submit(opened.nonce, { value: '' })).toEqual({ ok: true });
    expect(await opened.answer).toEqual({ value: '' });
    const question = broker.start({ ...NPM_SIGN_IN, fields: [] });
    expect(broker.submit(question.nonce, { value: 'x' })).toMatchObject({ ok: false });
    expect(broker.submit(question.nonce, {})).toEqual({ ok: true });
    expect(await question.answer).toEqual({});
  });

  it('refuses answers that do not fit, and keeps the prompt open', async () => {
    const broker = new PromptBroker();
    const opened = broker.start(NPM_SIGN_IN);
    const refusals: Array<[unknown, RegExp]> = [
      [{ password: 'x', otp: '123456', extra: 'y' }, /did not ask for/],
      [JSON.parse('{"password":"x","otp":"123456","__proto__":{"admin":true}}'), /did not ask for/],
      [{ password: 'x' }, /Fill in One-time code/],
      [{ password: '', otp: '123456' }, /Fill in Password/],
      [{ password: 42, otp: '123456' }, /Fill in Password/],
      [{ password: 'x'.repeat(1025), otp: '123456' }, /longer than 1024/],
      [{ password: 'line\nbreak', otp: '123456' }, /control character/],
      [{ password: 'nul\0', otp: '123456' }, /control character/],
      [{ password: 'x', otp: '12345678901234567' }, /longer than 16/],
      [{ password: 'x', otp: '12;456' }, /letters and digits/],
      [['x', '123456'], /not a set of values/],
      [null, /not a set of values/],
      ['password=x', /not a set of values/],
      [new Map([['password', 'x']]), /not a set of values/],
    ];
    for (const [values, message] of refusals) {
      const result = broker.submit(opened.nonce, values);
      expect(result, JSON.stringify(values)).toMatchObject({ ok: false });
      expect(result.ok ? '' : result.message).toMatch(message);
    }
    expect(await settledWithin(opened.answer)).toBe('pending');
    expect(broker.view(opened.nonce)).not.toBeNull();
  });

  it('ignores a stale or a foreign nonce', async () => {
    const broker = new PromptBroker();
    const first = broker.start(NPM_SIGN_IN);
    broker.cancel(first.nonce);
    expect(await first.answer).toBeNull();
    const second = broker.start(NPM_SIGN_IN);
    const values = { password: 'x', otp: '123456' };
    for (const nonce of [first.nonce, 'f'.repeat(48), second.nonce.toUpperCase(), '', 7, null]) {
      expect(broker.view(nonce), String(nonce)).toBeNull();
      expect(broker.submit(nonce, values)).toMatchObject({ ok: false, message: /no longer open/ });
      expect(broker.cancel(nonce)).toBe(false);
    }
    expect(await settledWithin(second.answer)).toBe('pending');
    expect(broker.submit(second.nonce, values)).toEqual({ ok: true });
    expect(await second.answer).toEqual(values);
  });

  it('refuses a second prompt while one is open, in words', async () => {
    const broker = new PromptBroker();
    const open = broker.start(NPM_SIGN_IN);
    expect(thrownBy(() => broker.start(NPM_SIGN_IN))).toMatchObject({
      code: 'prompt_busy',
      message: expect.stringMatching(/Answer or cancel it/),
    });
    broker.cancelOpen();
    expect(await open.answer).toBeNull();
    expect(() => broker.start(NPM_SIGN_IN)).not.toThrow();
  });

  it('refuses to ask what main should never ask', () => {
    const broker = new PromptBroker();
    const field = NPM_SIGN_IN.fields[0]!;
    const bad: PromptRequest[] = [
      { ...NPM_SIGN_IN, title: ' ' },
      { ...NPM_SIGN_IN, message: 'm'.repeat(1001) },
      { ...NPM_SIGN_IN, submitLabel: '' },
      { ...NPM_SIGN_IN, fields: [field, field] },
      { ...NPM_SIGN_IN, fields: Array.from({ length: 5 }, (_, i) => ({ ...field, id: `f${i}` })) },
      { ...NPM_SIGN_IN, fields: [{ ...field, id: '__proto__' }] },
      { ...NPM_SIGN_IN, fields: [{ ...field, kind: 'file' as never }] },
      { ...NPM_SIGN_IN, fields: [{ ...field, label: '' }] },
    ];
    for (const request of bad) {
      expect(
        thrownBy(() => broker.start(request)),
        JSON.stringify(request),
      ).toMatchObject({
        code: 'invalid_prompt',
      });
    }
    expect(broker.openNonce).toBeNull();
  });
});
