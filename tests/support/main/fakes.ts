/** Helpers main's tests share: a connection to name, and timers the test runs by hand. */
import type { Timers } from '../../../src/main/ports.js';
import type { SessionState } from '../../../src/shared/ipc-contract.js';

/** Where no account is signed in, token channels still need a connection to name. */
export const NO_CONNECTION = '00000000-0000-4000-8000-000000000000';

/** The active account's connection, as the page holds it from the session state main sends. */
export async function connectionOf(desk: {
  'session:get': (payload: null) => Promise<SessionState>;
}): Promise<string> {
  return (await desk['session:get'](null)).account?.connectionId ?? NO_CONNECTION;
}

/** Timers that run only when the test says so, and say how far ahead they were set. */
export class ManualTimers implements Timers {
  private next = 1;
  readonly pending = new Map<number, { callback: () => void; ms: number }>();
  setTimeout(callback: () => void, ms: number): unknown {
    const handle = this.next++;
    this.pending.set(handle, { callback, ms });
    return handle;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Runs every pending timer once (those set while running wait for the next call). */
  runPending(): void {
    const due = [...this.pending.entries()];
    for (const [handle, { callback }] of due) {
      this.pending.delete(handle);
      callback();
    }
  }
}
