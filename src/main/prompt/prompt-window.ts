/**
 * Main's prompt as a window of its own: a small modal child of the main window, with
 * its own sandboxed preload and page (prompt.html, from app:// like the main page).
 * The main window's page never sees the prompt or what is typed: the prompt's IPC is
 * handled on the prompt window's own webContents, only from its main frame showing
 * prompt.html, and only with the nonce this prompt was opened with. Closing the
 * window is Cancel. Electron is passed in (index.ts), so tests can pass a stand-in.
 */
import { DeskError } from '../desk-error.js';
import { isTrustedSender, type IpcSenderEvent } from '../ipc/trusted-sender.js';
import type { Log, PromptPort, PromptRequest } from '../ports.js';
import { mainWindowOptions } from '../window-options.js';
import { PROMPT_CHANNELS, PROMPT_NONCE_SWITCH } from '../../shared/prompt-contract.js';
import { PromptBroker } from './prompt-broker.js';

export const PROMPT_WIDTH = 460;
const MIN_HEIGHT = 200;
const MAX_HEIGHT = 640;

/** The prompt window's options; the web preferences are the main window's, plus the nonce. */
export function promptWindowOptions<Parent extends object>(
  preloadPath: string,
  parent: Parent | null,
  nonce: string,
  { isPackaged }: { isPackaged: boolean },
) {
  const { webPreferences } = mainWindowOptions(preloadPath, null, { isPackaged });
  return {
    ...(parent ? { parent, modal: true } : { modal: false }),
    width: PROMPT_WIDTH,
    height: 320,
    useContentSize: true,
    // Room for 200 % zoom and long messages, but never a full-screen form.
    minWidth: 360,
    minHeight: MIN_HEIGHT,
    maxWidth: 720,
    maxHeight: MAX_HEIGHT + 80,
    resizable: true,
    minimizable: false,
    maximizable: false,
    fullscreenable: false,
    autoHideMenuBar: true,
    show: false,
    title: 'Token Desk',
    backgroundColor: '#1b1d23',
    webPreferences: {
      ...webPreferences,
      // Reports the page's height, so the window fits its fields.
      enablePreferredSizeMode: true,
      // The sandboxed preload reads it from process.argv; the page never sees it.
      additionalArguments: [`${PROMPT_NONCE_SWITCH}${nonce}`],
    },
  };
}

export type PromptWindowOptions<Parent extends object> = ReturnType<
  typeof promptWindowOptions<Parent>
>;

type InvokeListener = (event: IpcSenderEvent, ...args: unknown[]) => unknown;

/** What the glue uses of Electron's BrowserWindow (index.ts passes real ones). */
export interface PromptWindow {
  readonly webContents: {
    readonly id: number;
    readonly mainFrame: { processId: number; routingId: number };
    readonly ipc: {
      handle(channel: string, listener: InvokeListener): void;
      removeHandler(channel: string): void;
    };
    on(
      event: 'preferred-size-changed',
      listener: (event: unknown, size: { width: number; height: number }) => void,
    ): unknown;
    on(event: 'render-process-gone', listener: () => void): unknown;
  };
  loadURL(url: string): Promise<void>;
  show(): void;
  destroy(): void;
  isDestroyed(): boolean;
  setContentSize(width: number, height: number): void;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
}

/** `Parent` is the main window's type: the glue only passes it on as the prompt's parent. */
export interface ElectronPromptDeps<Parent extends object> {
  createWindow(options: PromptWindowOptions<Parent>): PromptWindow;
  /** The main window, when there is one to sit on. */
  parent(): Parent | null;
  preloadPath: string;
  /** app://token-desk/prompt.html (or the dev server's prompt.html). */
  pageUrl: string;
  isPackaged: boolean;
  log: Log;
  broker?: PromptBroker;
}

const NOT_SHOWN = new DeskError(
  'prompt_unavailable',
  'Token Desk could not show its prompt window. Try again; if it keeps failing, restart Token Desk.',
);

export class ElectronPrompt<Parent extends object> implements PromptPort {
  readonly broker: PromptBroker;

  constructor(private readonly deps: ElectronPromptDeps<Parent>) {
    this.broker = deps.broker ?? new PromptBroker();
  }

  async ask(request: PromptRequest): Promise<Record<string, string> | null> {
    const { broker, deps } = this;
    const opened = broker.start(request);
    let window: PromptWindow;
    try {
      window = deps.createWindow(
        promptWindowOptions(deps.preloadPath, deps.parent(), opened.nonce, deps),
      );
    } catch (error) {
      broker.cancel(opened.nonce);
      deps.log.error('the prompt window could not be created', error);
      throw NOT_SHOWN;
    }
    const page = new URL(deps.pageUrl);
    // Read at once, as Electron nulls senderFrame when the frame navigates away.
    const fromOurPage = (event: IpcSenderEvent) => {
      const ours = isTrustedSender(event, {
        webContentsId: window.webContents.id,
        mainFrame: window.webContents.mainFrame,
        pageUrl: deps.pageUrl,
      });
      return ours && new URL(event.senderFrame!.url).pathname === page.pathname;
    };
    const { ipc } = window.webContents;
    ipc.handle(PROMPT_CHANNELS.request, (event, nonce) =>
      fromOurPage(event) ? broker.view(nonce) : null,
    );
    ipc.handle(PROMPT_CHANNELS.submit, (event, nonce, values) =>
      fromOurPage(event)
        ? broker.submit(nonce, values)
        : { ok: false, message: 'This window cannot answer Token Desk’s prompt.' },
    );
    ipc.handle(PROMPT_CHANNELS.cancel, (event, nonce) => {
      if (fromOurPage(event)) broker.cancel(nonce);
    });
    window.on('closed', () => broker.cancel(opened.nonce));
    window.webContents.on('render-process-gone', () => broker.cancel(opened.nonce));
    window.webContents.on('preferred-size-changed', (_event, size) => {
      if (window.isDestroyed()) return;
      const height = Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, Math.ceil(size.height)));
      window.setContentSize(PROMPT_WIDTH, height);
    });
    window.once('ready-to-show', () => {
      if (!window.isDestroyed()) window.show();
    });
    let failed = false;
    window.loadURL(deps.pageUrl).catch((error: unknown) => {
      failed = true;
      deps.log.error('the prompt page did not load', error);
      broker.cancel(opened.nonce);
    });
    try {
      const answer = await opened.answer;
      if (failed) throw NOT_SHOWN;
      return answer;
    } finally {
      for (const channel of Object.values(PROMPT_CHANNELS)) ipc.removeHandler(channel);
      if (!window.isDestroyed()) window.destroy();
    }
  }
}
