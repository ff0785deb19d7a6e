/**
 * The person's preferences (the `settings` key), on electron-store in the app and on
 * `conf` (the library electron-store wraps) in tests. Values are checked on the way
 * in and on the way out, so a hand-edited or corrupt file falls back to defaults
 * instead of crashing. Never holds a secret. What services keep about accounts,
 * reminders and rotations is in local-store.ts.
 */
import { Compile } from 'typebox/compile';
import {
  CLIPBOARD_CLEAR_SECONDS,
  ROTATION_GRACE_SECONDS,
  Settings,
  type Theme,
} from '../../shared/ipc-contract.js';
import { DEFAULT_SERVICE_URL, normalizeServiceUrl } from '../../shared/service-url.js';
import type { KeyValueStore } from '../ports.js';

export const DEFAULT_SETTINGS: Settings = {
  serviceUrl: DEFAULT_SERVICE_URL,
  clipboardClearSeconds: CLIPBOARD_CLEAR_SECONDS.default,
  theme: 'system' satisfies Theme,
  rotationGraceSeconds: ROTATION_GRACE_SECONDS.default,
  expiryReminders: true,
};

const settingsCheck = Compile(Settings);

export class SettingsError extends Error {
  readonly code = 'invalid_settings';
}

function checkedServiceUrl(raw: string): string {
  const url = normalizeServiceUrl(raw);
  if (!url.ok) throw new SettingsError(url.message);
  return url.url;
}

/** Settings that apply to this run only, on top of the saved ones, and are never saved. */
export type RunOverrides = Partial<Pick<Settings, 'serviceUrl'>>;

export class SettingsService {
  private overrides: RunOverrides = {};
  private readonly listeners = new Set<(settings: Settings) => void>();

  constructor(private readonly store: KeyValueStore) {}

  get(): Settings {
    return { ...this.saved(), ...this.overrides };
  }

  update(patch: Partial<Settings>): Settings {
    const saved = { ...this.saved(), ...patch };
    if (patch.serviceUrl !== undefined) {
      saved.serviceUrl = checkedServiceUrl(patch.serviceUrl);
      // The user's own choice this run replaces the run's default.
      delete this.overrides.serviceUrl;
    }
    if (!settingsCheck.Check(saved)) {
      const [first] = settingsCheck.Errors(saved);
      const messages: Record<string, string> = {
        '/rotationGraceSeconds': `The rotation grace period must be a whole number of seconds from ${ROTATION_GRACE_SECONDS.min} (5 minutes) to ${ROTATION_GRACE_SECONDS.max} (7 days).`,
        '/expiryReminders': 'Expiry reminders are either on or off.',
      };
      throw new SettingsError(
        messages[first?.instancePath ?? ''] ??
          `The clipboard delay must be a whole number of seconds from ${CLIPBOARD_CLEAR_SECONDS.min} to ${CLIPBOARD_CLEAR_SECONDS.max}.`,
      );
    }
    this.store.set('settings', saved);
    const next = this.get();
    for (const listener of this.listeners) listener(next);
    return next;
  }

  /**
   * `npm start` points the app at the service it started: that URL is a default
   * for this run, so `get()` reflects it but the user's saved settings never hold it.
   * `source` names where the value came from in the error a bad one gets.
   */
  overrideForThisRun(overrides: RunOverrides, source = 'The service URL'): void {
    if (overrides.serviceUrl === undefined) return;
    const url = normalizeServiceUrl(overrides.serviceUrl);
    if (!url.ok) throw new SettingsError(`${source} is not usable: ${url.message}`);
    this.overrides = { ...this.overrides, serviceUrl: url.url };
  }

  /** Calls `listener` after every successful update; returns the unsubscribe function. */
  onChange(listener: (settings: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private saved(): Settings {
    const stored = { ...DEFAULT_SETTINGS, ...(this.store.get('settings') as object | undefined) };
    return settingsCheck.Check(stored) ? stored : { ...DEFAULT_SETTINGS };
  }
}
