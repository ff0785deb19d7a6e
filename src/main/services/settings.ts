/**
 * The app's settings, on electron-store in the app and on `conf` (the library
 * electron-store wraps) in tests. Values are checked on the way in and on the way
 * out, so a hand-edited or corrupt file falls back to defaults instead of crashing.
 * Never holds a secret.
 */
import { EMAIL_MAX_LENGTH, URL_MAX_LENGTH } from '../../shared/limits.js';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import {
  CLIPBOARD_CLEAR_SECONDS,
  ROTATION_GRACE_SECONDS,
  Settings,
  type Theme,
} from '../../shared/ipc-contract.js';
import {
  ConfirmedHostRecord,
  PendingRotationRecord,
  ProviderAccountRecord,
  type PendingRotationRecord as PendingRotation,
  type ProviderAccountRecord as ProviderAccount,
} from './ci-records.js';
import { DEFAULT_SERVICE_URL, normalizeServiceUrl } from '../../shared/service-url.js';

/** The subset of electron-store / conf that settings need. */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

export interface WindowBounds {
  x: number;
  y: number;
  width: number;
  height: number;
  maximized: boolean;
}

/** The active account, so the next launch opens on it. Not a secret. */
export interface LastAccount {
  serviceUrl: string;
  email: string;
}

/** An account signed in on this computer (who and where, never the session): the account menu. */
export const KnownAccountRecord = Type.Object(
  {
    serviceUrl: Type.String({ minLength: 1, maxLength: URL_MAX_LENGTH }),
    email: Type.String({ minLength: 1, maxLength: EMAIL_MAX_LENGTH }),
    name: Type.Union([Type.String({ maxLength: 1000 }), Type.Null()]),
  },
  { additionalProperties: false },
);
export type KnownAccountRecord = Static<typeof KnownAccountRecord>;

/** An expiry reminder already shown: once per token per threshold, per account. */
export const ShownReminderRecord = Type.Object(
  {
    serviceUrl: Type.String({ minLength: 1, maxLength: URL_MAX_LENGTH }),
    email: Type.String({ minLength: 1, maxLength: EMAIL_MAX_LENGTH }),
    tokenId: Type.String({ minLength: 1, maxLength: 100 }),
    threshold: Type.Union([Type.Literal('7d'), Type.Literal('1d'), Type.Literal('expired')]),
  },
  { additionalProperties: false },
);
export type ShownReminderRecord = Static<typeof ShownReminderRecord>;

export const DEFAULT_SETTINGS: Settings = {
  serviceUrl: DEFAULT_SERVICE_URL,
  clipboardClearSeconds: CLIPBOARD_CLEAR_SECONDS.default,
  theme: 'system' satisfies Theme,
  rotationGraceSeconds: ROTATION_GRACE_SECONDS.default,
  expiryReminders: true,
};

const settingsCheck = Compile(Settings);
const accountCheck = Compile(ProviderAccountRecord);
const confirmedHostCheck = Compile(ConfirmedHostRecord);
const rotationCheck = Compile(PendingRotationRecord);
const knownAccountCheck = Compile(KnownAccountRecord);
const reminderCheck = Compile(ShownReminderRecord);

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

  windowBounds(): WindowBounds | null {
    const value = this.store.get('windowBounds') as Partial<WindowBounds> | undefined;
    const numbers = [value?.x, value?.y, value?.width, value?.height];
    if (!value || !numbers.every((n) => typeof n === 'number' && Number.isFinite(n))) return null;
    return value as WindowBounds;
  }

  saveWindowBounds(bounds: WindowBounds): void {
    this.store.set('windowBounds', bounds);
  }

  lastAccount(): LastAccount | null {
    const value = this.store.get('lastAccount') as Partial<LastAccount> | undefined;
    return typeof value?.serviceUrl === 'string' && typeof value.email === 'string'
      ? { serviceUrl: value.serviceUrl, email: value.email }
      : null;
  }

  saveLastAccount(account: LastAccount | null): void {
    if (account) this.store.set('lastAccount', account);
    else this.store.delete('lastAccount');
  }

  /** Every account signed in on this computer, in the order they were added. */
  knownAccounts(): KnownAccountRecord[] {
    return this.checkedList('knownAccounts', knownAccountCheck);
  }

  saveKnownAccounts(accounts: KnownAccountRecord[]): void {
    this.saveList('knownAccounts', accounts, knownAccountCheck);
  }

  /** Expiry reminders already shown, so a restart does not show them again. */
  shownReminders(): ShownReminderRecord[] {
    return this.checkedList('shownReminders', reminderCheck);
  }

  saveShownReminders(reminders: ShownReminderRecord[]): void {
    this.saveList('shownReminders', reminders, reminderCheck);
  }

  /** CI provider accounts (who, where; never the credential, which is in the keychain). */
  providerAccounts(): ProviderAccount[] {
    return this.checkedList('providerAccounts', accountCheck);
  }

  saveProviderAccounts(accounts: ProviderAccount[]): void {
    this.saveList('providerAccounts', accounts, accountCheck);
  }

  /** Provider hosts the person confirmed in a native dialog (GitHub Enterprise, self-managed GitLab). */
  confirmedProviderHosts(): ConfirmedHostRecord[] {
    return this.checkedList('confirmedProviderHosts', confirmedHostCheck);
  }

  saveConfirmedProviderHosts(hosts: ConfirmedHostRecord[]): void {
    this.saveList('confirmedProviderHosts', hosts, confirmedHostCheck);
  }

  /** Rotations whose pushes are not all done, so the next launch can offer to finish them. */
  pendingRotations(): PendingRotation[] {
    return this.checkedList('pendingRotations', rotationCheck);
  }

  savePendingRotations(rotations: PendingRotation[]): void {
    this.saveList('pendingRotations', rotations, rotationCheck);
  }

  /** Entries that fail their schema (hand-edited, older format) are dropped, not trusted. */
  private checkedList<T>(key: string, check: { Check(value: unknown): value is T }): T[] {
    const value = this.store.get(key);
    return Array.isArray(value) ? value.filter((entry): entry is T => check.Check(entry)) : [];
  }

  private saveList<T>(key: string, entries: T[], check: { Check(value: unknown): boolean }): void {
    // The schemas allow no extra properties: whatever a caller passes, nothing else is written.
    if (!entries.every((entry) => check.Check(entry)))
      throw new Error(`refusing to save ${key} that do not match their schema`);
    if (entries.length === 0) this.store.delete(key);
    else this.store.set(key, entries);
  }
}
