/**
 * Every interface the runtime injects into main's services: Electron's glue
 * (index.ts) passes the real ones, tests and the e2e harness pass fakes. Services
 * import these from here, never from each other.
 */
import type { ExportFormat } from '../shared/ipc-contract.js';

/** The part of keytar we use; injected so tests can pass a broken one. */
export interface Keychain {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/** The subset of electron-store / conf that the local store and settings need. */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

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

export type Fetch = typeof fetch;

/** A proxy's sign-in, kept in the keychain (see ConnectionVault). */
export interface ProxyCredential {
  username: string;
  password: string;
}

/** The outbound layer reads saved proxy sign-ins by proxy origin (`http://proxy.corp:3128`); it never writes them. */
export interface ProxyCredentialSource {
  proxyCredential(proxyOrigin: string): Promise<ProxyCredential | null>;
}

/** Asks the user where to save a file; null when they cancel. */
export interface SaveDialogPort {
  askSavePath(request: {
    title: string;
    defaultFileName: string;
    format: ExportFormat;
  }): Promise<string | null>;
}

/**
 * Asks the user which file to open; null when they cancel. Main reads the file
 * itself: the page never names a path nor sends a file's contents.
 */
export interface OpenDialogPort {
  askOpenPath(request: {
    title: string;
    /** What the files are called in the dialog's filter, and their extensions (no dot). */
    filter: { name: string; extensions: string[] };
  }): Promise<string | null>;
}

export interface DesktopNotification {
  title: string;
  body: string;
  onClick: () => void;
}

/** Desktop notifications: Electron's Notification in the app. */
export interface NotifierPort {
  show(notification: DesktopNotification): void;
}

/**
 * Opening a page in the user's browser (Electron's shell.openExternal in the app).
 * Main decides every URL handed to it; the renderer only names a recorded place.
 */
export interface ExternalLinksPort {
  open(url: string): Promise<void>;
}

/**
 * A question main asks the person itself, in a native dialog the page cannot draw,
 * answer or dismiss (Electron's dialog.showMessageBox in the app). Used where a
 * compromised page could otherwise decide for the person: trusting a new GitHub or
 * GitLab host, keeping credentials after a sign-out.
 */
export interface ConfirmQuestion {
  title: string;
  message: string;
  detail: string;
  /** The button that says yes; the other is "Cancel", which is also what Esc and closing mean. */
  confirmLabel: string;
  cancelLabel?: string;
}

export interface ConfirmPort {
  /** True only when the person chose `confirmLabel`. */
  confirm(question: ConfirmQuestion): Promise<boolean>;
}

/**
 * A field main asks the person to type in its own prompt: a password, a one-time code,
 * or a token's new value. The page never sees the prompt or what is typed.
 */
export interface PromptField {
  id: string;
  label: string;
  kind: 'password' | 'one-time-code' | 'secret' | 'text';
  /** A line under the field (what to type, where to find it). */
  hint?: string;
  /** May be left empty (answered as ''); say so in the label. */
  optional?: boolean;
}

export interface PromptRequest {
  title: string;
  /** Why it is asked and where the values go, said in the prompt itself. */
  message: string;
  fields: PromptField[];
  submitLabel: string;
}

/**
 * A prompt main owns (a window of its own in the app, outside the page), for values
 * that go from the person straight to a vendor: an npm password and one-time code,
 * a GitHub token's new value. What is typed is answered once, never stored or logged.
 */
export interface PromptPort {
  /** The values by field id, or null when the person cancelled. */
  ask(request: PromptRequest): Promise<Record<string, string> | null>;
}

/** Where main reports what it cannot show the user (the console in the app). */
export interface Log {
  error(message: string, detail: unknown): void;
}
