/**
 * Builds the main process's services and handlers from what the runtime provides.
 * Electron's glue (index.ts) passes keytar, electron-store and Electron's clipboard;
 * the e2e harness passes keytar, `conf` and an in-memory clipboard. Same code either way.
 */
import { createDeskHandlers } from './desk-handlers.js';
import { ApiClient, type Fetch } from './services/api-client.js';
import { RevealStore } from './services/reveal-store.js';
import {
  SecretClipboard,
  realTimers,
  type ClipboardPort,
  type Timers,
} from './services/secret-clipboard.js';
import { SessionService } from './services/session-service.js';
import { SessionVault, type Keychain } from './services/session-vault.js';
import { SettingsService, type KeyValueStore } from './services/settings.js';

export interface Runtime {
  keychain: Keychain | null;
  /** Why `keychain` is null, for the user (from loadKeytar). */
  keychainProblem?: string | null;
  store: KeyValueStore;
  clipboard: ClipboardPort;
  fetch?: Fetch;
  timers?: Timers;
}

export function composeDesk(runtime: Runtime) {
  const timers = runtime.timers ?? realTimers;
  const settings = new SettingsService(runtime.store);
  const api = new ApiClient({ fetch: runtime.fetch ?? fetch });
  const vault = new SessionVault(runtime.keychain, runtime.keychainProblem ?? null);
  const sessions = new SessionService({ api, vault, settings });
  const reveals = new RevealStore(timers);
  const clipboard = new SecretClipboard(runtime.clipboard, timers);
  const handlers = createDeskHandlers({ api, sessions, reveals, settings, clipboard });
  // The services go out too, so tests can look at the state they own.
  return { handlers, settings, sessions, reveals, clipboard };
}
