/**
 * Electron glue, kept thin: window, lifecycle, security policy and IPC wiring.
 * Everything the app does lives in handlers/ and services/, which run (and
 * are tested) without Electron; the decisions made here live in pure modules
 * (app-protocol, trusted-sender, window-options, menu, startup-failure), and
 * tests/main/electron-boot.test.ts runs this file's build against a stand-in Electron.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
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
  type WebContents,
} from 'electron';
import Store from 'electron-store';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  appProtocolHandler,
} from './app-protocol.js';
import { composeDesk } from './compose.js';
import { registerHandlers } from './ipc/register-handlers.js';
import { isTrustedSender, type OurWindow } from './ipc/trusted-sender.js';
import { applicationMenuTemplate } from './menu.js';
import { ElectronPrompt } from './prompt/prompt-window.js';
import { loadKeytar } from './services/keychain-loader.js';
import type {
  ClipboardPort,
  ConfirmPort,
  ExternalLinksPort,
  NotifierPort,
  OpenDialogPort,
  SaveDialogPort,
} from './ports.js';
import { SettingsError } from './services/settings.js';
import { reportStartupFailure, StartupError } from './startup-failure.js';
import { mainWindowOptions, withContentSecurityPolicy } from './window-options.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const rendererRoot = join(here, '../renderer');
// `electron-vite dev` serves the page itself; a packaged app never takes its page from the environment.
const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL || undefined;
const pageUrl = devServerUrl ?? APP_ENTRY_URL;
const log = {
  error: (message: string, detail: unknown) => console.error(`[token-desk] ${message}`, detail),
};

// Formats clipboard managers read as "this is a password": KDE/KeePassXC, macOS
// (nspasteboard.org), Windows clipboard history. Written atomically with the text.
const osFormat = (name: string) => `electron application/osclipboard;format="${name}"`;
const electronClipboard: ClipboardPort = {
  readText: () => clipboard.readText(),
  writeText: (text) => clipboard.writeText(text),
  async writeSecret(text) {
    try {
      await clipboard.write([
        new ClipboardItem({
          'text/plain': text,
          [osFormat('x-kde-passwordManagerHint')]: 'secret',
          [osFormat('org.nspasteboard.ConcealedType')]: '',
          [osFormat('ExcludeClipboardContentFromMonitorProcessing')]: '',
        }),
      ]);
    } catch {
      await clipboard.writeText(text); // a platform that refuses the extra formats still gets the text
    }
  },
  clear: () => clipboard.clear(),
};

let mainWindow: BrowserWindow | null = null;

// Held until closed or clicked: a notification that is garbage-collected loses its click handler.
const shownNotifications = new Set<Notification>();
const electronNotifier: NotifierPort = {
  show({ title, body, onClick }) {
    if (!Notification.isSupported()) return;
    const notification = new Notification({ title, body });
    shownNotifications.add(notification);
    notification.on('click', () => {
      shownNotifications.delete(notification);
      if (mainWindow && !mainWindow.isDestroyed()) {
        if (mainWindow.isMinimized()) mainWindow.restore();
        mainWindow.focus();
      }
      onClick();
    });
    notification.on('close', () => shownNotifications.delete(notification));
    notification.show();
  },
};

// The user picks the path in the OS dialog; the page never names one.
const electronSaveDialog: SaveDialogPort = {
  async askSavePath({ title, defaultFileName, format }) {
    const options: Electron.SaveDialogOptions = {
      title,
      defaultPath: join(app.getPath('downloads'), defaultFileName),
      filters: [
        format === 'csv'
          ? { name: 'CSV', extensions: ['csv'] }
          : { name: 'JSON', extensions: ['json'] },
      ],
      properties: ['createDirectory', 'showOverwriteConfirmation'],
    };
    const answer =
      mainWindow && !mainWindow.isDestroyed()
        ? await dialog.showSaveDialog(mainWindow, options)
        : await dialog.showSaveDialog(options);
    return answer.canceled || !answer.filePath ? null : answer.filePath;
  },
};

// The person picks the CA file in the OS dialog; main reads it, the page never names it.
const electronOpenDialog: OpenDialogPort = {
  async askOpenPath({ title, filter }) {
    const options: Electron.OpenDialogOptions = {
      title,
      filters: [filter, { name: 'All files', extensions: ['*'] }],
      properties: ['openFile'],
    };
    const answer =
      mainWindow && !mainWindow.isDestroyed()
        ? await dialog.showOpenDialog(mainWindow, options)
        : await dialog.showOpenDialog(options);
    return answer.canceled || !answer.filePaths[0] ? null : answer.filePaths[0];
  },
};

// A question only main may ask: the page cannot draw, answer or dismiss a native message box.
const electronConfirm: ConfirmPort = {
  async confirm({ title, message, detail, confirmLabel, cancelLabel = 'Cancel' }) {
    const options: Electron.MessageBoxOptions = {
      type: 'warning',
      title,
      message,
      detail,
      buttons: [cancelLabel, confirmLabel],
      defaultId: 0,
      cancelId: 0,
      noLink: true,
    };
    const answer =
      mainWindow && !mainWindow.isDestroyed()
        ? await dialog.showMessageBox(mainWindow, options)
        : await dialog.showMessageBox(options);
    return answer.response === 1;
  },
};

// Passwords, one-time codes and new token values, typed in a window of main's own
// beside the page (which never sees them): a modal child of the main window.
const electronPrompt = new ElectronPrompt({
  createWindow: (options) => new BrowserWindow(options),
  parent: () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow : null),
  preloadPath: join(here, '../preload/prompt.cjs'),
  pageUrl: new URL('prompt.html', pageUrl).href,
  isPackaged: app.isPackaged,
  log,
});

// The user's browser, for a provider's settings page; DestinationService checked the URL.
const electronExternalLinks: ExternalLinksPort = {
  open: (url) => shell.openExternal(url),
};

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // Both must happen before the app is ready.
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
  app.enableSandbox();
  app.on('second-instance', () => {
    if (!mainWindow || mainWindow.isDestroyed()) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  start().catch((error: unknown) =>
    reportStartupFailure(error, {
      whenReady: () => app.whenReady(),
      showErrorBox: (title, message) => {
        if (mainWindow && !mainWindow.isDestroyed()) mainWindow.destroy();
        dialog.showErrorBox(title, message);
      },
      exit: (code) => app.exit(code),
      log: log.error,
    }),
  );
}

/** Our window as the IPC trust check needs it, read when a message arrives. */
function ourWindow(): OurWindow | null {
  if (!mainWindow || mainWindow.isDestroyed()) return null;
  const { id, mainFrame } = mainWindow.webContents;
  return {
    webContentsId: id,
    mainFrame: { processId: mainFrame.processId, routingId: mainFrame.routingId },
    pageUrl,
  };
}

/** Every webContents, ours or any other: no new windows, no navigation, no webviews. */
function lockDown(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

async function start(): Promise<void> {
  if (!devServerUrl && !existsSync(join(rendererRoot, 'index.html'))) {
    throw new StartupError(
      'renderer_missing',
      `The app's page is missing: there is no ${join(rendererRoot, 'index.html')}. ` +
        'Build it with `npm run build`, or reinstall Token Desk.',
    );
  }
  const store = new Store({ name: 'settings', clearInvalidConfig: true });
  // electron-store answers any renderer's sendSync with our data folder; our page never asks.
  ipcMain.removeAllListeners('electron-store-get-data');
  const { keychain, problem: keychainProblem } = await loadKeytar();
  if (keychainProblem) console.warn(`[token-desk] no keychain: ${keychainProblem}`);
  const { handlers, settings, windowBounds, rendererEvents, reminders } = composeDesk({
    keychain,
    keychainProblem,
    store,
    clipboard: electronClipboard,
    saveDialog: electronSaveDialog,
    openDialog: electronOpenDialog,
    notifier: electronNotifier,
    externalLinks: electronExternalLinks,
    confirm: electronConfirm,
    prompt: electronPrompt,
    // The proxy Chromium would use (system settings, PAC); asked per request, after ready.
    systemProxy: (url) => session.defaultSession.resolveProxy(url),
    log,
  });
  // Main → renderer events go to our window only, and only once its page is ours.
  rendererEvents.subscribe((event, payload) => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(event, payload);
  });
  // `npm start` points the app at the service it started (or found), for this run only.
  const runServiceUrl = process.env.TOKEN_DESK_SERVICE_URL;
  if (runServiceUrl) {
    try {
      settings.overrideForThisRun({ serviceUrl: runServiceUrl }, 'TOKEN_DESK_SERVICE_URL');
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error;
      throw new StartupError(
        'invalid_service_url',
        `${error.message} Fix or unset TOKEN_DESK_SERVICE_URL and start Token Desk again.`,
      );
    }
  }
  nativeTheme.themeSource = settings.get().theme;
  settings.onChange((next) => {
    nativeTheme.themeSource = next.theme;
  });

  registerHandlers(ipcMain, handlers, (event) => isTrustedSender(event, ourWindow()), log);
  app.on('web-contents-created', (_event, contents) => lockDown(contents));

  let disposed = false;
  app.on('before-quit', (event) => {
    if (disposed) return;
    event.preventDefault();
    void handlers.dispose().finally(() => {
      disposed = true;
      app.quit();
    });
  });
  app.on('window-all-closed', () => app.quit());

  await app.whenReady();
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // The app:// handler sends the policy itself; this covers the dev server and anything else.
  ses.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) }),
  );
  protocol.handle(APP_SCHEME, appProtocolHandler(rendererRoot, log));
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      applicationMenuTemplate({ platform: process.platform, isPackaged: app.isPackaged }),
    ),
  );

  const saved = windowBounds.read();
  const visible = saved && screen.getDisplayMatching(saved).workArea;
  const onScreen =
    saved &&
    visible &&
    saved.x >= visible.x - 50 &&
    saved.y >= visible.y - 50 &&
    saved.width <= visible.width + 100;
  const window = new BrowserWindow(
    mainWindowOptions(join(here, '../preload/index.cjs'), onScreen ? saved : null, {
      isPackaged: app.isPackaged,
    }),
  );
  mainWindow = window;
  if (onScreen && saved.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  window.on('close', () =>
    windowBounds.write({ ...window.getNormalBounds(), maximized: window.isMaximized() }),
  );
  window.on('closed', () => {
    mainWindow = null;
  });
  // A page that reloads or crashes can no longer say "forget": main forgets for it.
  window.webContents.on('did-start-navigation', (details) => {
    if (details.isMainFrame && !details.isSameDocument) handlers.forgetReveals();
  });
  window.webContents.on('render-process-gone', () => handlers.forgetReveals());
  try {
    await window.loadURL(pageUrl);
  } catch (error) {
    throw new StartupError(
      'page_load_failed',
      `The app's page did not load from ${pageUrl} (${error instanceof Error ? error.message : String(error)}). ` +
        'Rebuild it with `npm run build`, or reinstall Token Desk.',
    );
  }
  // Expiry reminders: now and hourly (a failed check is logged and tried again next hour).
  void reminders?.start();
}
