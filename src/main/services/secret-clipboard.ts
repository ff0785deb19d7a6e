/**
 * Copies secrets the way password managers do (KeePassXC, Bitwarden): marked as
 * concealed for clipboard managers where the platform allows, cleared after a
 * delay only if the clipboard still holds what we wrote, and cleared on quit.
 * While it waits it keeps a SHA-256 digest of the secret, never the secret itself.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ClipboardPort, Timers } from '../ports.js';

function digestOf(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export class SecretClipboard {
  private pending: { digest: Buffer; timer: unknown } | null = null;

  constructor(
    private readonly clipboard: ClipboardPort,
    private readonly timers: Timers,
  ) {}

  /** Whether a secret we wrote may still be on the clipboard, waiting to be cleared. */
  get clearPending(): boolean {
    return this.pending !== null;
  }

  async copySecret(secret: string, clearAfterSeconds: number): Promise<void> {
    // Written first: if that fails, an earlier secret is still there and still ours to clear.
    await this.clipboard.writeSecret(secret);
    this.cancelTimer();
    const timer = this.timers.setTimeout(
      () => void this.clearIfStillOurs(),
      clearAfterSeconds * 1000,
    );
    this.pending = { digest: digestOf(secret), timer };
  }

  /** Copies ordinary text (a snippet). It replaces our secret, so nothing of ours is left to clear. */
  async copyText(text: string): Promise<void> {
    await this.clipboard.writeText(text);
    this.cancelTimer();
  }

  /** Clears the clipboard if it still holds the secret we wrote; leaves anything the user copied since. */
  async clearIfStillOurs(): Promise<boolean> {
    const pending = this.pending;
    this.cancelTimer();
    if (!pending) return false;
    // Equal-length digests, compared in constant time: the clipboard's text never meets the secret.
    if (!timingSafeEqual(digestOf(await this.clipboard.readText()), pending.digest)) return false;
    this.clipboard.clear();
    return true;
  }

  private cancelTimer(): void {
    if (this.pending) this.timers.clearTimeout(this.pending.timer);
    this.pending = null;
  }
}
