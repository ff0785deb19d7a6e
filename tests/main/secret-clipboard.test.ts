import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SecretClipboard } from '../../src/main/services/secret-clipboard.js';
import { MemoryClipboard } from '../../src/harness/stand-ins.js';
import { generateSecret } from '../../src/server/auth/secrets.js';
import type { Timers } from '../../src/main/ports.js';

class ManualTimers implements Timers {
  private next = 1;
  readonly pending = new Map<number, { at: number; callback: () => void }>();
  now = 0;
  setTimeout(callback: () => void, ms: number) {
    const id = this.next++;
    this.pending.set(id, { at: this.now + ms, callback });
    return id;
  }
  clearTimeout(handle: unknown) {
    this.pending.delete(handle as number);
  }
  async advance(ms: number) {
    this.now += ms;
    for (const [id, timer] of [...this.pending]) {
      if (timer.at <= this.now) {
        this.pending.delete(id);
        timer.callback();
      }
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('SecretClipboard', () => {
  it('writes the secret marked as concealed and clears it after the delay', async () => {
    const clipboard = new MemoryClipboard();
    const timers = new ManualTimers();
    const secrets = new SecretClipboard(clipboard, timers);
    await secrets.copySecret('ca_secret', 30);
    expect(clipboard.text).toBe('ca_secret');
    expect(clipboard.concealed).toBe(true);
    await timers.advance(29_999);
    expect(clipboard.text).toBe('ca_secret');
    await timers.advance(1);
    expect(clipboard.text).toBe('');
  });

  it('leaves the clipboard alone if the user copied something else meanwhile', async () => {
    const clipboard = new MemoryClipboard();
    const timers = new ManualTimers();
    const secrets = new SecretClipboard(clipboard, timers);
    await secrets.copySecret('ca_secret', 30);
    await clipboard.writeText('something the user copied');
    await timers.advance(30_000);
    expect(clipboard.text).toBe('something the user copied');
  });

  it('clears on quit only if it still holds our secret', async () => {
    const clipboard = new MemoryClipboard();
    const secrets = new SecretClipboard(clipboard, new ManualTimers());
    await secrets.copySecret('ca_secret', 30);
    expect(await secrets.clearIfStillOurs()).toBe(true);
    expect(clipboard.text).toBe('');

    await secrets.copySecret('ca_other', 30);
    await clipboard.writeText('user text');
    expect(await secrets.clearIfStillOurs()).toBe(false);
    expect(clipboard.text).toBe('user text');
  });

  it('restarts the countdown for a second copy and does not clear early', async () => {
    const clipboard = new MemoryClipboard();
    const timers = new ManualTimers();
    const secrets = new SecretClipboard(clipboard, timers);
    await secrets.copySecret('ca_first', 30);
    await timers.advance(20_000);
    await secrets.copySecret('ca_second', 30);
    await timers.advance(15_000);
    expect(clipboard.text).toBe('ca_second');
    expect(timers.pending.size).toBe(1);
    await timers.advance(15_000);
    expect(clipboard.text).toBe('');
  });

  it('keeps only a digest of the secret while it waits to clear it', async () => {
    const clipboard = new MemoryClipboard();
    const timers = new ManualTimers();
    const secrets = new SecretClipboard(clipboard, timers);
    const secret = generateSecret('api_token');
    await secrets.copySecret(secret, 30);
    // The user copies something else: now only main could still hold the secret.
    await clipboard.writeText('something the user copied');
    const state = inspect(secrets, { depth: Infinity, showHidden: true, maxStringLength: null });
    expect(state).not.toContain('digestOnly');
    expect(secrets.clearPending).toBe(true);
    await timers.advance(30_000);
    expect(clipboard.text).toBe('something the user copied');
  });

  it('does not clear text that differs from the secret only in its last character', async () => {
    const clipboard = new MemoryClipboard();
    const timers = new ManualTimers();
    const secrets = new SecretClipboard(clipboard, timers);
    await secrets.copySecret('ca_secretA', 30);
    await clipboard.writeText('ca_secretB');
    await timers.advance(30_000);
    expect(clipboard.text).toBe('ca_secretB');
    await clipboard.writeText('ca_secretA ');
    expect(await secrets.clearIfStillOurs()).toBe(false);
  });

  it('a snippet copied after the secret replaces it: no clear is pending any more', async () => {
    const clipboard = new MemoryClipboard();
    const timers = new ManualTimers();
    const secrets = new SecretClipboard(clipboard, timers);
    await secrets.copySecret('ca_secret', 30);
    expect(secrets.clearPending).toBe(true);
    await secrets.copyText('npx @capawesome/cli login --token "$CAPAWESOME_TOKEN"');
    expect(clipboard.text).toContain('npx');
    expect(clipboard.concealed).toBe(false);
    expect(secrets.clearPending).toBe(false);
    expect(timers.pending.size).toBe(0);
    // Nothing of ours is left to clear, on the timer or on quit.
    expect(await secrets.clearIfStillOurs()).toBe(false);
    expect(clipboard.text).toContain('npx');
  });

  it('keeps the pending clear if writing the snippet failed (the secret is still there)', async () => {
    const clipboard = new MemoryClipboard();
    const timers = new ManualTimers();
    const secrets = new SecretClipboard(clipboard, timers);
    await secrets.copySecret('ca_secret', 30);
    clipboard.writeText = () => Promise.reject(new Error('clipboard busy'));
    await expect(secrets.copyText('snippet')).rejects.toThrow('clipboard busy');
    expect(secrets.clearPending).toBe(true);
    await timers.advance(30_000);
    expect(clipboard.text).toBe('');
  });

  it('keeps clearing the first secret if writing a second one failed', async () => {
    const clipboard = new MemoryClipboard();
    const timers = new ManualTimers();
    const secrets = new SecretClipboard(clipboard, timers);
    await secrets.copySecret('ca_first', 30);
    clipboard.writeSecret = () => Promise.reject(new Error('clipboard busy'));
    await expect(secrets.copySecret('ca_second', 30)).rejects.toThrow('clipboard busy');
    expect(clipboard.text).toBe('ca_first');
    await timers.advance(30_000);
    expect(clipboard.text).toBe('');
  });
});
