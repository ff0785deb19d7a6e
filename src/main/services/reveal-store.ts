/**
 * Owns the lifetime of revealed secrets in main. A new token's secret stays here
 * only so that Copy works without the renderer sending it back; it goes when the
 * dialog forgets it, when the page reloads or goes away (forgetAll), on quit, or
 * after REVEAL_LIFETIME_MS, whichever comes first.
 */
import { randomUUID } from 'node:crypto';
import type { ApiToken, IssuedApiToken } from '../../shared/api-schemas.js';
import type { RevealedToken } from '../../shared/ipc-contract.js';
import { DeskError } from '../desk-error.js';
import type { Timers } from './secret-clipboard.js';

/** A revealed secret is dropped from main's memory after this, even if the dialog never says so. */
export const REVEAL_LIFETIME_MS = 15 * 60 * 1000;

export class RevealStore {
  private readonly entries = new Map<string, { secret: string; timer: unknown }>();

  constructor(private readonly timers: Timers) {}

  /** How many secrets main holds right now. */
  get size(): number {
    return this.entries.size;
  }

  reveal(issued: IssuedApiToken): RevealedToken {
    const { secret, ...token } = issued;
    const revealId = randomUUID();
    const timer = this.timers.setTimeout(() => this.forget(revealId), REVEAL_LIFETIME_MS);
    this.entries.set(revealId, { secret, timer });
    return { token: token satisfies ApiToken, secret, revealId };
  }

  secret(revealId: string): string {
    const entry = this.entries.get(revealId);
    if (!entry) {
      throw new DeskError(
        'secret_gone',
        'This secret is no longer available. If you did not store it, rotate the token to get a new one.',
      );
    }
    return entry.secret;
  }

  forget(revealId: string): void {
    const entry = this.entries.get(revealId);
    if (!entry) return;
    this.timers.clearTimeout(entry.timer);
    this.entries.delete(revealId);
  }

  forgetAll(): void {
    for (const entry of this.entries.values()) this.timers.clearTimeout(entry.timer);
    this.entries.clear();
  }
}
