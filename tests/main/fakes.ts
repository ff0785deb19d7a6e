import type { ClipboardPort } from '../../src/main/ports.js';
import type { SessionState } from '../../src/shared/ipc-contract.js';

/** Stands in for Electron's clipboard, which cannot run here. */
export class MemoryClipboard implements ClipboardPort {
  text = '';
  concealed = false;
  async readText() {
    return this.text;
  }
  async writeText(text: string) {
    this.text = text;
    this.concealed = false;
  }
  async writeSecret(text: string) {
    this.text = text;
    this.concealed = true;
  }
  clear() {
    this.text = '';
    this.concealed = false;
  }
}

/** Where no account is signed in, token channels still need a connection to name. */
export const NO_CONNECTION = '00000000-0000-4000-8000-000000000000';

/** The active account's connection, as the page holds it from the session state main sends. */
export async function connectionOf(desk: {
  'session:get': (payload: null) => Promise<SessionState>;
}): Promise<string> {
  return (await desk['session:get'](null)).account?.connectionId ?? NO_CONNECTION;
}
