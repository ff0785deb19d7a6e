/**
 * A recording stand-in for the `electron` module, for booting the built main
 * process under plain Node (tests/main/electron-boot.test.ts). It covers what
 * src/main/index.ts and electron-store use, each member checked against Electron
 * 45's own type definitions (the `implements Pick<Electron.X, …>` clauses), and it
 * keeps Electron's ordering rules that a first launch would trip over: what must
 * happen before `ready`, what only works after it, one handler per IPC channel.
 *
 * The test drives it over the fork IPC channel (./protocol.ts). Nothing here is a
 * substitute for the real app; it catches a crash on first launch.
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  ChildMessage,
  FakeState,
  FetchResult,
  ParentMessage,
  SenderKind,
  SessionProbe,
  WebContentsProbe,
  WindowState,
} from './protocol.js';

type AppPathName = Parameters<Electron.App['getPath']>[0];
type PermissionRequestHandler = Parameters<Electron.Session['setPermissionRequestHandler']>[0];
type PermissionCheckHandler = Parameters<Electron.Session['setPermissionCheckHandler']>[0];
type HeadersListener = (
  details: Electron.OnHeadersReceivedListenerDetails,
  callback: (response: Electron.HeadersReceivedResponse) => void,
) => void;
// Electron's own listener type; the stand-in passes a FakeInvokeEvent, which has what index.ts reads.
type InvokeListener = Parameters<Electron.IpcMain['handle']>[1];

function send(message: ChildMessage, then?: () => void): void {
  if (process.send) process.send(message, undefined, {}, () => then?.());
  else then?.();
}

function journal(api: string, detail?: unknown): void {
  send({ type: 'journal', api, detail });
}

class ElectronRuleError extends Error {}

/** An Electron event: `preventDefault()` and `defaultPrevented`. */
function electronEvent<T extends object>(params: T = {} as T) {
  const event = {
    ...params,
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
  };
  return event;
}

// ---------------------------------------------------------------- app

class FakeApp
  extends EventEmitter
  implements
    Pick<
      Electron.App,
      | 'requestSingleInstanceLock'
      | 'quit'
      | 'exit'
      | 'enableSandbox'
      | 'whenReady'
      | 'isReady'
      | 'getPath'
      | 'getVersion'
      | 'getName'
      | 'isPackaged'
    >
{
  ready = false;
  sandboxEnabled = false;
  lockRequested = false;
  private quitting = false;
  private readonly readyPromise: Promise<void>;
  private markReady!: () => void;
  private readonly userData = process.env.FAKE_ELECTRON_USER_DATA ?? '';

  constructor() {
    super();
    this.readyPromise = new Promise((resolve) => (this.markReady = resolve));
  }

  get isPackaged(): boolean {
    return process.env.FAKE_ELECTRON_PACKAGED === '1';
  }

  /** Electron becomes ready after the main script's first synchronous run. */
  becomeReady(): void {
    this.ready = true;
    journal('app.ready');
    this.emit('ready', electronEvent(), {});
    this.markReady();
  }

  requestSingleInstanceLock(): boolean {
    this.lockRequested = true;
    return process.env.FAKE_ELECTRON_LOCK !== 'taken';
  }

  enableSandbox(): void {
    if (this.ready) throw new ElectronRuleError('app.enableSandbox() must be called before ready');
    this.sandboxEnabled = true;
  }

  whenReady(): Promise<void> {
    return this.readyPromise;
  }

  isReady(): boolean {
    return this.ready;
  }

  getPath(name: AppPathName): string {
    if (name === 'userData') {
      if (!this.userData) throw new Error('FAKE_ELECTRON_USER_DATA is not set');
      return this.userData;
    }
    return join(tmpdir(), `fake-electron-${name}`);
  }

  getVersion(): string {
    return '0.1.0';
  }

  getName(): string {
    return 'token-desk';
  }

  /** Electron's order: before-quit, close every window, will-quit, quit, exit. */
  quit(): void {
    journal('app.quit');
    if (this.quitting) return;
    this.quitting = true;
    setImmediate(() => {
      const beforeQuit = electronEvent();
      this.emit('before-quit', beforeQuit);
      if (beforeQuit.defaultPrevented) {
        this.quitting = false;
        journal('app.quit-cancelled');
        return;
      }
      for (const window of FakeBrowserWindow.all()) {
        if (!window.close()) {
          this.quitting = false;
          return;
        }
      }
      const willQuit = electronEvent();
      this.emit('will-quit', willQuit);
      if (willQuit.defaultPrevented) {
        this.quitting = false;
        return;
      }
      this.emit('quit', electronEvent(), 0);
      this.exit(0);
    });
  }

  exit(exitCode = 0): void {
    journal('app.exit', exitCode);
    send({ type: 'exit', code: exitCode, state: snapshot() }, () => process.exit(exitCode));
  }
}

export const app = new FakeApp();

// ---------------------------------------------------------------- ipcMain

interface FakeInvokeEvent {
  type: 'frame';
  sender: FakeWebContents;
  senderFrame: FakeFrame | null;
  processId: number;
  frameId: number;
  defaultPrevented: boolean;
  preventDefault(): void;
}

class FakeIpcMain
  extends EventEmitter
  implements Pick<Electron.IpcMain, 'handle' | 'removeHandler'>
{
  readonly handlers = new Map<string, InvokeListener>();

  handle(channel: string, listener: InvokeListener): void {
    if (this.handlers.has(channel)) {
      throw new ElectronRuleError(`Attempted to register a second handler for '${channel}'`);
    }
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}

export const ipcMain = new FakeIpcMain();

// ---------------------------------------------------------------- protocol

type ProtocolHandler = (request: Request) => Response | Promise<Response>;

class FakeProtocol implements Pick<
  Electron.Protocol,
  'registerSchemesAsPrivileged' | 'handle' | 'isProtocolHandled'
> {
  privileged: Electron.CustomScheme[] = [];
  readonly handlers = new Map<string, ProtocolHandler>();

  registerSchemesAsPrivileged(customSchemes: Electron.CustomScheme[]): void {
    if (app.ready) {
      throw new ElectronRuleError(
        'protocol.registerSchemesAsPrivileged must be called before ready',
      );
    }
    this.privileged = customSchemes;
  }

  handle(scheme: string, handler: ProtocolHandler): void {
    if (!app.ready) throw new ElectronRuleError('protocol.handle can only be used after ready');
    if (this.handlers.has(scheme)) throw new ElectronRuleError(`${scheme} is already handled`);
    this.handlers.set(scheme, handler);
  }

  isProtocolHandled(scheme: string): boolean {
    return this.handlers.has(scheme);
  }
}

export const protocol = new FakeProtocol();

// ---------------------------------------------------------------- session

class FakeWebRequest implements Pick<Electron.WebRequest, 'onHeadersReceived'> {
  listener: HeadersListener | null = null;

  onHeadersReceived(
    filterOrListener: Electron.WebRequestFilter | HeadersListener | null,
    maybeListener?: HeadersListener | null,
  ): void {
    this.listener =
      typeof filterOrListener === 'function' ? filterOrListener : (maybeListener ?? null);
  }
}

class FakeSession
  extends EventEmitter
  implements
    Pick<
      Electron.Session,
      'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'resolveProxy'
    >
{
  readonly webRequest = new FakeWebRequest();
  permissionRequestHandler: PermissionRequestHandler = null;
  permissionCheckHandler: PermissionCheckHandler = null;

  setPermissionRequestHandler(handler: PermissionRequestHandler): void {
    this.permissionRequestHandler = handler;
  }

  setPermissionCheckHandler(handler: PermissionCheckHandler): void {
    this.permissionCheckHandler = handler;
  }

  /** What Chromium's proxy resolution answers, in PAC form: FAKE_ELECTRON_PROXY, else DIRECT. */
  async resolveProxy(url: string): Promise<string> {
    journal('session.resolveProxy', { url });
    return process.env.FAKE_ELECTRON_PROXY ?? 'DIRECT';
  }
}

const defaultSession = new FakeSession();

export const session = {
  get defaultSession(): FakeSession {
    if (!app.ready) throw new ElectronRuleError('Session can only be received when app is ready');
    return defaultSession;
  },
};

// ---------------------------------------------------------------- clipboard

export class ClipboardItem implements Pick<Electron.ClipboardItem, 'types'> {
  constructor(readonly items: Record<string, unknown>) {}

  get types(): string[] {
    return Object.keys(this.items);
  }
}

const clipboardState = { text: '', types: [] as string[], clears: 0 };

class FakeClipboard implements Pick<
  Electron.Clipboard,
  'readText' | 'writeText' | 'write' | 'clear'
> {
  async readText(): Promise<string> {
    return clipboardState.text;
  }

  async writeText(text: string): Promise<void> {
    clipboardState.text = text;
    clipboardState.types = ['text/plain'];
  }

  async write(data: Electron.ClipboardItem[]): Promise<void> {
    const [item] = data;
    if (!(item instanceof ClipboardItem))
      throw new TypeError('write() takes ClipboardItem objects');
    const text = item.items['text/plain'];
    clipboardState.text = typeof text === 'string' ? text : '';
    clipboardState.types = item.types;
  }

  clear(): void {
    clipboardState.text = '';
    clipboardState.types = [];
    clipboardState.clears += 1;
    journal('clipboard.clear');
  }
}

export const clipboard = new FakeClipboard();

// ---------------------------------------------------------------- menu, theme, screen, dialog

class FakeMenu {
  constructor(readonly template: Parameters<(typeof Electron.Menu)['buildFromTemplate']>[0]) {}
}

let applicationMenu: FakeMenu | null = null;

// Menu's statics take Electron's own template type; the Menu they return is the stand-in's.
export const Menu = {
  buildFromTemplate(
    template: Parameters<(typeof Electron.Menu)['buildFromTemplate']>[0],
  ): FakeMenu {
    return new FakeMenu(template);
  },
  setApplicationMenu(menu: FakeMenu | null): void {
    applicationMenu = menu;
  },
} satisfies Record<'buildFromTemplate' | 'setApplicationMenu', unknown>;

class FakeNativeTheme extends EventEmitter implements Pick<Electron.NativeTheme, 'themeSource'> {
  private source: Electron.NativeTheme['themeSource'] = 'system';

  get themeSource(): Electron.NativeTheme['themeSource'] {
    return this.source;
  }

  set themeSource(value: Electron.NativeTheme['themeSource']) {
    if (!['system', 'light', 'dark'].includes(value))
      throw new TypeError(`bad themeSource ${value}`);
    this.source = value;
  }
}

export const nativeTheme = new FakeNativeTheme();

const primaryDisplay = {
  id: 1,
  bounds: { x: 0, y: 0, width: 1920, height: 1080 },
  workArea: { x: 0, y: 0, width: 1920, height: 1040 },
  scaleFactor: 1,
};

class FakeScreen extends EventEmitter implements Pick<Electron.Screen, 'getDisplayMatching'> {
  getDisplayMatching(_rect: Electron.Rectangle): Electron.Display {
    if (!app.ready) throw new ElectronRuleError('screen cannot be used before the app is ready');
    return primaryDisplay as unknown as Electron.Display;
  }
}

export const screen = new FakeScreen();

const errorBoxes: Array<{ title: string; content: string }> = [];

export const dialog = {
  showErrorBox(title: string, content: string): void {
    errorBoxes.push({ title, content });
    journal('dialog.showErrorBox', { title, content });
  },
  /** Records the request and answers as a user who cancels. */
  async showSaveDialog(
    windowOrOptions: Electron.BaseWindow | Electron.SaveDialogOptions,
    maybeOptions?: Electron.SaveDialogOptions,
  ): Promise<Electron.SaveDialogReturnValue> {
    if (!app.ready) throw new ElectronRuleError('dialogs cannot be shown before the app is ready');
    const options = maybeOptions ?? (windowOrOptions as Electron.SaveDialogOptions);
    journal('dialog.showSaveDialog', options);
    return { canceled: true, filePath: '' };
  },
  /** Records the question and answers as a user who chooses the cancel button. */
  async showMessageBox(
    windowOrOptions: Electron.BaseWindow | Electron.MessageBoxOptions,
    maybeOptions?: Electron.MessageBoxOptions,
  ): Promise<Electron.MessageBoxReturnValue> {
    if (!app.ready) throw new ElectronRuleError('dialogs cannot be shown before the app is ready');
    const options = maybeOptions ?? (windowOrOptions as Electron.MessageBoxOptions);
    journal('dialog.showMessageBox', options);
    return { response: options.cancelId ?? 0, checkboxChecked: false };
  },
} satisfies Pick<Electron.Dialog, 'showErrorBox' | 'showSaveDialog' | 'showMessageBox'>;

/** Desktop notifications: recorded, never shown. */
export class Notification extends EventEmitter implements Pick<Electron.Notification, 'show'> {
  static isSupported(): boolean {
    return true;
  }

  constructor(readonly options: Electron.NotificationConstructorOptions) {
    super();
    if (!app.ready) throw new ElectronRuleError('Notification cannot be used before ready');
  }

  show(): void {
    journal('notification.show', { title: this.options.title, body: this.options.body });
  }
}

/** The user's browser: recorded, never opened. */
export const shell = {
  async openExternal(url: string): Promise<void> {
    if (!app.ready) throw new ElectronRuleError('shell.openExternal before the app is ready');
    journal('shell.openExternal', { url });
  },
} satisfies Pick<Electron.Shell, 'openExternal'>;

// ---------------------------------------------------------------- webContents, frames, windows

let nextProcessId = 100;

class FakeFrame {
  constructor(
    public url: string,
    readonly parent: FakeFrame | null,
    readonly processId: number,
    readonly routingId: number,
  ) {}
}

type WindowOpenHandler = Parameters<Electron.WebContents['setWindowOpenHandler']>[0];

class FakeWebContents
  extends EventEmitter
  implements Pick<Electron.WebContents, 'id' | 'setWindowOpenHandler' | 'isDestroyed' | 'reload'>
{
  private static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  readonly session = defaultSession;
  mainFrame: FakeFrame = new FakeFrame('', null, nextProcessId++, 1);
  windowOpenHandler: WindowOpenHandler | null = null;
  loadedUrls: string[] = [];
  pageStatus: number | null = null;
  destroyed = false;

  constructor() {
    super();
    // As in Electron, every new webContents is announced before anyone can load into it.
    app.emit('web-contents-created', electronEvent(), this);
  }

  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  private startNavigation(url: string): void {
    this.emit(
      'did-start-navigation',
      electronEvent({ url, isMainFrame: true, isSameDocument: false, frame: this.mainFrame }),
    );
  }

  /** Fetches the page the way Chromium would: through the scheme's handler, or from disk. */
  async loadURL(url: string): Promise<void> {
    journal('webContents.loadURL', url);
    this.loadedUrls.push(url);
    this.startNavigation(url);
    const parsed = new URL(url);
    const scheme = parsed.protocol.slice(0, -1);
    const handler = protocol.handlers.get(scheme);
    if (handler) {
      const response = await handler(new Request(url));
      this.pageStatus = response.status;
    } else if (scheme === 'file') {
      if (!existsSync(parsed.pathname)) throw new Error(`ERR_FILE_NOT_FOUND (-6) loading '${url}'`);
      this.pageStatus = 200;
    } else {
      throw new Error(`ERR_UNKNOWN_URL_SCHEME (-302) loading '${url}'`);
    }
    this.mainFrame.url = url;
    this.emit('did-finish-load', electronEvent());
    journal('webContents.did-finish-load', url);
  }

  reload(): void {
    const url = this.mainFrame.url;
    this.startNavigation(url);
  }
}

class FakeBrowserWindow
  extends EventEmitter
  implements
    Pick<
      Electron.BrowserWindow,
      | 'show'
      | 'focus'
      | 'restore'
      | 'minimize'
      | 'maximize'
      | 'isMinimized'
      | 'isMaximized'
      | 'isDestroyed'
      | 'destroy'
      | 'getNormalBounds'
      | 'loadURL'
    >
{
  private static nextId = 1;
  /** Every window ever created, destroyed ones included. */
  static readonly created: FakeBrowserWindow[] = [];
  readonly id = FakeBrowserWindow.nextId++;
  readonly webContents: FakeWebContents;
  visible = false;
  focusCount = 0;
  restoreCount = 0;
  minimized = false;
  maximized = false;
  destroyed = false;

  static all(): FakeBrowserWindow[] {
    return FakeBrowserWindow.created.filter((window) => !window.destroyed);
  }

  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.all();
  }

  constructor(readonly options: Electron.BrowserWindowConstructorOptions = {}) {
    super();
    if (!app.ready) throw new ElectronRuleError('Cannot create BrowserWindow before app is ready');
    this.webContents = new FakeWebContents();
    this.visible = options.show !== false;
    FakeBrowserWindow.created.push(this);
    journal('BrowserWindow.new', this.id);
  }

  show(): void {
    this.visible = true;
  }

  focus(): void {
    this.focusCount += 1;
    this.minimized = false;
  }

  restore(): void {
    this.restoreCount += 1;
    this.minimized = false;
  }

  minimize(): void {
    this.minimized = true;
  }

  maximize(): void {
    this.maximized = true;
  }

  isMinimized(): boolean {
    return this.minimized;
  }

  isMaximized(): boolean {
    return this.maximized;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  getNormalBounds(): Electron.Rectangle {
    return {
      x: this.options.x ?? 100,
      y: this.options.y ?? 100,
      width: this.options.width ?? 800,
      height: this.options.height ?? 600,
    };
  }

  async loadURL(url: string): Promise<void> {
    await this.webContents.loadURL(url);
    this.emit('ready-to-show', electronEvent());
  }

  /** Returns false when a 'close' listener kept the window open. */
  close(): boolean {
    if (this.destroyed) return true;
    const event = electronEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return false;
    this.destroy();
    return true;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }

  state(): WindowState {
    const contents = this.webContents;
    const events = [
      'will-navigate',
      'will-redirect',
      'will-attach-webview',
      'did-start-navigation',
      'render-process-gone',
    ];
    return {
      id: this.id,
      webContentsId: contents.id,
      options: JSON.parse(JSON.stringify(this.options)) as Record<string, unknown>,
      loadedUrls: [...contents.loadedUrls],
      pageStatus: contents.pageStatus,
      visible: this.visible,
      focusCount: this.focusCount,
      restoreCount: this.restoreCount,
      minimized: this.minimized,
      destroyed: this.destroyed,
      hasWindowOpenHandler: contents.windowOpenHandler !== null,
      listenerCounts: Object.fromEntries(
        events.map((name) => [name, contents.listenerCount(name)]),
      ),
    };
  }
}

export { FakeBrowserWindow as BrowserWindow };

// ---------------------------------------------------------------- the default export

/** electron-store does `import electron from 'electron'`, the app uses named imports. */
export default {
  app,
  BrowserWindow: FakeBrowserWindow,
  clipboard,
  ClipboardItem,
  dialog,
  ipcMain,
  Menu,
  nativeTheme,
  Notification,
  protocol,
  screen,
  session,
  shell,
};

// ---------------------------------------------------------------- control, for the test

function snapshot(): FakeState {
  return {
    ready: app.ready,
    sandboxEnabled: app.sandboxEnabled,
    lockRequested: app.lockRequested,
    handledChannels: [...ipcMain.handlers.keys()],
    listenedChannels: ipcMain.eventNames().map(String),
    privilegedSchemes: protocol.privileged.map(({ scheme, privileges }) => ({
      scheme,
      privileges: { ...privileges },
    })),
    handledSchemes: [...protocol.handlers.keys()],
    permissionRequestHandler: defaultSession.permissionRequestHandler !== null,
    permissionCheckHandler: defaultSession.permissionCheckHandler !== null,
    headersReceivedListener: defaultSession.webRequest.listener !== null,
    menu: applicationMenu
      ? (JSON.parse(JSON.stringify(applicationMenu.template)) as unknown[])
      : null,
    windows: FakeBrowserWindow.created.map((window) => window.state()),
    errorBoxes: [...errorBoxes],
    clipboard: { ...clipboardState, types: [...clipboardState.types] },
    themeSource: nativeTheme.themeSource,
    appListeners: Object.fromEntries(
      app.eventNames().map((name) => [String(name), app.listenerCount(name)]),
    ),
  };
}

function ourWindow(): FakeBrowserWindow {
  const [window] = FakeBrowserWindow.all();
  if (!window) throw new Error('no window');
  return window;
}

let strangerContents: FakeWebContents | null = null;

function sender(from: SenderKind): { contents: FakeWebContents; frame: FakeFrame | null } {
  const contents = ourWindow().webContents;
  switch (from) {
    case 'our-main-frame':
      return { contents, frame: contents.mainFrame };
    case 'our-subframe':
      return {
        contents,
        frame: new FakeFrame(
          contents.mainFrame.url,
          contents.mainFrame,
          contents.mainFrame.processId,
          2,
        ),
      };
    case 'other-web-contents': {
      // Another webContents (a devtools page, a future second window) showing our very page.
      strangerContents ??= new FakeWebContents();
      strangerContents.mainFrame.url = contents.mainFrame.url;
      return { contents: strangerContents, frame: strangerContents.mainFrame };
    }
    case 'no-frame':
      return { contents, frame: null };
  }
}

async function invoke(channel: string, payload: unknown, from: SenderKind): Promise<unknown> {
  const listener = ipcMain.handlers.get(channel);
  if (!listener) throw new Error(`No handler registered for '${channel}'`);
  const { contents, frame } = sender(from);
  const event: FakeInvokeEvent = {
    ...electronEvent(),
    type: 'frame',
    sender: contents,
    senderFrame: frame,
    processId: frame?.processId ?? contents.mainFrame.processId,
    frameId: frame?.routingId ?? 1,
  };
  return listener(event as unknown as Electron.IpcMainInvokeEvent, payload);
}

function probeWebContents(target: 'our-window' | 'other'): WebContentsProbe {
  const contents = target === 'our-window' ? ourWindow().webContents : new FakeWebContents();
  const fire = (name: string) => {
    const event = electronEvent({ url: 'https://evil.example/', isMainFrame: true });
    contents.emit(name, event, {}, {});
    return event.defaultPrevented;
  };
  return {
    willNavigatePrevented: fire('will-navigate'),
    willRedirectPrevented: fire('will-redirect'),
    willAttachWebviewPrevented: fire('will-attach-webview'),
    windowOpen:
      contents.windowOpenHandler?.({
        url: 'https://evil.example/',
        frameName: '',
        features: '',
        disposition: 'new-window',
        referrer: { url: '', policy: 'default' },
        postBody: undefined,
      } as unknown as Electron.HandlerDetails) ?? null,
  };
}

const PERMISSIONS = [
  'media',
  'geolocation',
  'notifications',
  'clipboard-read',
  'openExternal',
] as const;

async function probeSession(): Promise<SessionProbe> {
  const contents = ourWindow().webContents as unknown as Electron.WebContents;
  const granted: Record<string, boolean | null> = {};
  for (const permission of PERMISSIONS) {
    granted[permission] = await new Promise<boolean | null>((resolve) => {
      const handler = defaultSession.permissionRequestHandler;
      if (!handler) return resolve(null);
      handler(contents, permission, resolve, {} as Electron.PermissionRequest);
      setImmediate(() => resolve(null)); // a handler that never answers leaves the request hanging
    });
  }
  const checked: Record<string, boolean> = {};
  for (const permission of PERMISSIONS) {
    checked[permission] =
      defaultSession.permissionCheckHandler?.(
        contents,
        permission,
        'app://token-desk',
        {} as Electron.PermissionCheckHandlerHandlerDetails,
      ) ?? true;
  }
  let headers: Record<string, string | string[]> | null = null;
  // What the dev server's page would look like on its way in, carrying a weaker policy of its own.
  const details: Electron.OnHeadersReceivedListenerDetails = {
    id: 1,
    url: 'http://localhost:5173/',
    method: 'GET',
    resourceType: 'mainFrame',
    referrer: '',
    timestamp: 0,
    statusLine: 'HTTP/1.1 200 OK',
    statusCode: 200,
    responseHeaders: { 'content-security-policy': ["script-src * 'unsafe-eval'"] },
  };
  defaultSession.webRequest.listener?.(details, (response) => {
    headers = response.responseHeaders ?? null;
  });
  return { permissionsGranted: granted, permissionsChecked: checked, headers };
}

async function fetchApp(url: string, method = 'GET'): Promise<FetchResult> {
  const handler = protocol.handlers.get(new URL(url).protocol.slice(0, -1));
  if (!handler) throw new Error(`no handler for ${url}`);
  const response = await handler(new Request(url, { method }));
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers.entries()),
    body: (await response.text()).slice(0, 2000),
  };
}

async function control(message: ParentMessage): Promise<unknown> {
  switch (message.op) {
    case 'snapshot':
      return snapshot();
    case 'invoke':
      return invoke(message.channel, message.payload, message.from);
    case 'set-main-frame-url':
      ourWindow().webContents.mainFrame.url = message.url;
      return null;
    case 'probe-web-contents':
      return probeWebContents(message.target);
    case 'probe-session':
      return probeSession();
    case 'fetch-app':
      return fetchApp(message.url, message.method);
    case 'second-instance':
      app.emit('second-instance', electronEvent(), ['token-desk'], process.cwd(), {});
      return null;
    case 'minimize':
      ourWindow().minimize();
      return null;
    case 'reload':
      ourWindow().webContents.reload();
      return null;
    case 'render-process-gone':
      ourWindow().webContents.emit('render-process-gone', electronEvent(), {
        reason: 'crashed',
        exitCode: 1,
      });
      return null;
    case 'user-copies':
      await clipboard.writeText(message.text);
      return null;
    case 'quit':
      app.quit();
      return null;
  }
}

process.on('message', (raw) => {
  const message = raw as ParentMessage;
  control(message).then(
    (value) => send({ type: 'reply', id: message.id, ok: true, value: value ?? null }),
    (error: unknown) =>
      send({
        type: 'reply',
        id: message.id,
        ok: false,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      }),
  );
});

// Ready comes once the main script's first synchronous run is over, as in Electron.
setImmediate(() => app.becomeReady());
