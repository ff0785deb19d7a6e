/**
 * Copies secrets the way password managers do (KeePassXC, Bitwarden): marked as
 * concealed for clipboard managers where the platform allows, cleared after a
 * delay only if the clipboard still holds what we wrote, and cleared on quit.
 */
export interface ClipboardPort {
  readText(): Promise<string>;
  writeText(text: string): Promise<void>;
  /** Writes text flagged as a password for clipboard managers where the platform supports it. */
  writeSecret(text: string): Promise<void>;
  clear(): void;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class SecretClipboard {
  private pending: { secret: string; timer: unknown } | null = null;

  constructor(
    private readonly clipboard: ClipboardPort,
    private readonly timers: Timers,
  ) {}

  async copySecret(secret: string, clearAfterSeconds: number): Promise<void> {
    this.cancelTimer();
    await this.clipboard.writeSecret(secret);
    const timer = this.timers.setTimeout(
      () => void this.clearIfStillOurs(),
      clearAfterSeconds * 1000,
    );
    this.pending = { secret, timer };
  }

  async copyText(text: string): Promise<void> {
    await this.clipboard.writeText(text);
  }

  /** Clears the clipboard if it still holds the secret we wrote; leaves anything the user copied since. */
  async clearIfStillOurs(): Promise<boolean> {
    const pending = this.pending;
    this.cancelTimer();
    if (!pending) return false;
    if ((await this.clipboard.readText()) !== pending.secret) return false;
    this.clipboard.clear();
    return true;
  }

  private cancelTimer(): void {
    if (this.pending) this.timers.clearTimeout(this.pending.timer);
    this.pending = null;
  }
}
