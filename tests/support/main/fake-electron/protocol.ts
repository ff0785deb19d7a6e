/**
 * Messages between the boot test (parent) and the stand-in Electron running in
 * the child process with the built main. Types only: both sides import this.
 */

/** Who an IPC message claims to come from. */
export type SenderKind = 'our-main-frame' | 'our-subframe' | 'other-web-contents' | 'no-frame';

export type ControlRequest =
  | { op: 'snapshot' }
  | { op: 'invoke'; channel: string; payload: unknown; from: SenderKind }
  | { op: 'set-main-frame-url'; url: string }
  | { op: 'probe-web-contents'; target: 'our-window' | 'other' }
  | { op: 'probe-session' }
  | { op: 'fetch-app'; url: string; method?: string }
  | { op: 'second-instance' }
  | { op: 'minimize' }
  | { op: 'reload' }
  | { op: 'render-process-gone' }
  | { op: 'user-copies'; text: string }
  | { op: 'quit' };

export interface WindowState {
  id: number;
  webContentsId: number;
  options: Record<string, unknown>;
  loadedUrls: string[];
  pageStatus: number | null;
  visible: boolean;
  focusCount: number;
  restoreCount: number;
  minimized: boolean;
  destroyed: boolean;
  hasWindowOpenHandler: boolean;
  listenerCounts: Record<string, number>;
}

export interface FakeState {
  ready: boolean;
  sandboxEnabled: boolean;
  lockRequested: boolean;
  handledChannels: string[];
  listenedChannels: string[];
  privilegedSchemes: Array<{ scheme: string; privileges: Record<string, unknown> }>;
  handledSchemes: string[];
  permissionRequestHandler: boolean;
  permissionCheckHandler: boolean;
  headersReceivedListener: boolean;
  menu: unknown[] | null;
  windows: WindowState[];
  errorBoxes: Array<{ title: string; content: string }>;
  clipboard: { text: string; types: string[]; clears: number };
  themeSource: string;
  appListeners: Record<string, number>;
}

export interface WebContentsProbe {
  willNavigatePrevented: boolean;
  willRedirectPrevented: boolean;
  willAttachWebviewPrevented: boolean;
  windowOpen: unknown;
}

export interface SessionProbe {
  permissionsGranted: Record<string, boolean | null>;
  permissionsChecked: Record<string, boolean>;
  headers: Record<string, string | string[]> | null;
}

export interface FetchResult {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type ChildMessage =
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: string }
  | { type: 'journal'; api: string; detail?: unknown }
  | { type: 'exit'; code: number; state: FakeState };

export type ParentMessage = ControlRequest & { id: number };
