/**
 * Owns the lifetime of revealed secrets in main. A new token's secret stays here
 * only so that Copy works without the renderer sending it back; it goes when the
 * dialog forgets it, when the page reloads or goes away (forgetAll), when the
 * account changes, on quit, or after REVEAL_LIFETIME_MS, whichever comes first.
 */
import { randomUUID } from 'node:crypto';
import { toDeskToken } from '../issuers/desk-token.js';
import type { RotatedToken } from '../issuers/token-issuer.js';
import type { DeskToken, RevealedToken, TokenIssuerRef } from '../../shared/ipc-contract.js';
import { DeskError } from '../desk-error.js';
import type { Timers } from '../ports.js';
import type { AccountChanges } from './session-service.js';

/** A revealed secret is dropped from main's memory after this, even if the dialog never says so. */
export const REVEAL_LIFETIME_MS = 15 * 60 * 1000;

export class RevealStore {
  private readonly entries = new Map<
    string,
    { secret: string; token: DeskToken; timer: unknown }
  >();

  /**
   * A secret belongs to the account that revealed it: whatever changes the account
   * (a sign-in, a switch, a reminder's click), none may be copied or sent under another.
   */
  constructor(
    private readonly timers: Timers,
    accountChanges: AccountChanges,
  ) {
    accountChanges.onChange(() => this.forgetAll());
  }

  /** How many secrets main holds right now. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * `issuer`: the connection that issued it, which the token says to the page. A new
   * value of the connection's own credential is not kept here at all: the page gets
   * words instead, and a reveal id main holds nothing under, so no copy or send by it
   * can reach that value.
   */
  reveal(issued: RotatedToken, issuer: TokenIssuerRef): RevealedToken {
    const { secret, connectionCredential, warnings: _warnings, ...fields } = issued;
    const token: DeskToken = toDeskToken(fields, issuer);
    const revealId = randomUUID();
    if (connectionCredential)
      return {
        token,
        secret: '',
        revealId,
        connectionCredential: { saved: connectionCredential.saved, places: 0 },
      };
    const timer = this.timers.setTimeout(() => this.forget(revealId), REVEAL_LIFETIME_MS);
    this.entries.set(revealId, { secret, token, timer });
    // What the issuer said beside the new value reaches the reveal dialog, never dropped.
    const warning = (issued.warnings ?? []).join(' ');
    return { token, secret, revealId, ...(warning ? { warning } : {}) };
  }

  secret(revealId: string): string {
    return this.entry(revealId).secret;
  }

  /** Which token a revealed secret belongs to (to record where it was sent). */
  token(revealId: string): DeskToken {
    return this.entry(revealId).token;
  }

  has(revealId: string): boolean {
    return this.entries.has(revealId);
  }

  private entry(revealId: string) {
    const entry = this.entries.get(revealId);
    if (!entry) {
      throw new DeskError(
        'secret_gone',
        'This secret is no longer available. If you did not store it, rotate the token to get a new one.',
      );
    }
    return entry;
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
