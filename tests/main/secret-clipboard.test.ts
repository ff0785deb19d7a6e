import { describe, expect, it } from 'vitest';
import { SecretClipboard, type Timers } from '../../src/main/services/secret-clipboard.js';
import { MemoryClipboard } from './fakes.js';

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
});
