/**
 * Once the page forgets a secret, main holds no copy of it:
 * not the reveal store, not the clipboard guard (which keeps a digest to compare
 * the clipboard with). Checked on the real heap: V8 writes a snapshot of every
 * reachable object after a full collection, and the secret's text must not be in it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { RevealStore } from '../../src/main/services/reveal-store.js';
import { SecretClipboard } from '../../src/main/services/secret-clipboard.js';
import type { IssuedApiToken } from '../../src/shared/api-schemas.js';
import { MemoryClipboard } from '../../src/harness/stand-ins.js';
import type { Timers } from '../../src/main/ports.js';

const scratch = mkdtempSync(join(tmpdir(), 'token-desk-heap-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Timers that never fire on their own: the 15-minute and clipboard deadlines stay pending. */
class HeldTimers implements Timers {
  readonly pending = new Map<number, () => void>();
  private next = 1;
  setTimeout(callback: () => void) {
    this.pending.set(this.next, callback);
    return this.next++;
  }
  clearTimeout(handle: unknown) {
    this.pending.delete(handle as number);
  }
}

/**
 * Reveals a fresh secret the way main receives one (parsed from the service's JSON)
 * and returns only what cannot rebuild it without the prefix: the test itself must
 * hold no reference to the secret's text, or the heap would always contain it.
 */
function revealFreshSecret(store: RevealStore): { revealId: string; tail: string } {
  const tail = randomBytes(24).toString('hex');
  const issued = JSON.parse(
    `{"id":"t1","name":"ci","prefix":"ca_x","createdAt":"2026-01-01T00:00:00.000Z","expiresAt":null,"lastUsedAt":null,"secret":"ca_${tail}"}`,
  ) as IssuedApiToken;
  return {
    revealId: store.reveal(issued, { connectionId: 'c1', kind: 'token-desk' }).revealId,
    tail,
  };
}

let snapshots = 0;
/** Whether the heap holds `ca_<tail>`; the needle is built only after the snapshot is written. */
function heapHoldsSecret(tail: string): boolean {
  snapshots += 1;
  const file = writeHeapSnapshot(join(scratch, `heap-${snapshots}.heapsnapshot`));
  const text = readFileSync(file, 'utf8');
  rmSync(file);
  return text.includes('ca_' + tail);
}

/** No account changes in these tests, but the one below. */
const noAccountChanges = { onChange: () => () => {} };

describe('a forgotten secret is gone from main', () => {
  it('is on the heap while revealed (the check can see it)', () => {
    const store = new RevealStore(new HeldTimers(), noAccountChanges);
    const { revealId, tail } = revealFreshSecret(store);
    expect(heapHoldsSecret(tail)).toBe(true);
    store.forget(revealId);
  });

  it('is gone after secret:forget, although the clipboard clear is still pending', async () => {
    const timers = new HeldTimers();
    const store = new RevealStore(timers, noAccountChanges);
    const clipboard = new MemoryClipboard();
    const guard = new SecretClipboard(clipboard, timers);
    const { revealId, tail } = revealFreshSecret(store);
    await guard.copySecret(store.secret(revealId), 30);
    // The user copies something else, so the OS clipboard no longer holds it either.
    await clipboard.writeText('something else');

    store.forget(revealId);

    expect(store.size).toBe(0);
    expect(guard.clearPending).toBe(true);
    expect(heapHoldsSecret(tail)).toBe(false);
    expect(await guard.clearIfStillOurs()).toBe(false);
    expect(clipboard.text).toBe('something else');
  });

  it('still clears the clipboard by digest after the secret is forgotten', async () => {
    const timers = new HeldTimers();
    const store = new RevealStore(timers, noAccountChanges);
    const clipboard = new MemoryClipboard();
    const guard = new SecretClipboard(clipboard, timers);
    const { revealId } = revealFreshSecret(store);
    await guard.copySecret(store.secret(revealId), 30);
    store.forget(revealId);

    const [clear] = [...timers.pending.values()];
    clear!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(clipboard.text).toBe('');
  });

  it('a change of account drops every secret by itself, with its deadline', () => {
    const timers = new HeldTimers();
    const listeners: Array<() => void> = [];
    const store = new RevealStore(timers, {
      onChange: (listener) => {
        listeners.push(listener);
        return () => {};
      },
    });
    const { revealId, tail } = revealFreshSecret(store);
    expect(listeners).toHaveLength(1);

    listeners[0]!();

    expect(store.size).toBe(0);
    expect(timers.pending.size).toBe(0);
    expect(heapHoldsSecret(tail)).toBe(false);
    expect(() => store.secret(revealId)).toThrow(expect.objectContaining({ code: 'secret_gone' }));
  });

  it('forgetAll (reload, renderer gone) drops every secret and its deadline', () => {
    const timers = new HeldTimers();
    const store = new RevealStore(timers, noAccountChanges);
    const first = revealFreshSecret(store);
    const second = revealFreshSecret(store);
    expect(timers.pending.size).toBe(2);

    store.forgetAll();

    expect(store.size).toBe(0);
    expect(timers.pending.size).toBe(0);
    expect(heapHoldsSecret(first.tail)).toBe(false);
    expect(heapHoldsSecret(second.tail)).toBe(false);
    expect(() => store.secret(first.revealId)).toThrow(
      expect.objectContaining({ code: 'secret_gone' }),
    );
  });
});
