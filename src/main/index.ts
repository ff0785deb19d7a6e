/**
 * Electron glue, kept thin: window, lifecycle, security policy and IPC wiring.
 * Everything the app does lives in desk-handlers.ts and services/, which run (and
 * are tested) without Electron.
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  app,
  BrowserWindow,
  clipboard,
  ClipboardItem,
  ipcMain,
  Menu,
  nativeTheme,
  screen,
  session,
  type MenuItemConstructorOptions,
} from 'electron';
import Store from 'electron-store';
import { composeDesk } from './compose.js';
import { registerHandlers, type IpcMainLike } from './ipc/register-handlers.js';
import { isTrustedSender } from './ipc/trusted-sender.js';
import { loadKeytar } from './services/keychain-loader.js';
import type { ClipboardPort } from './services/secret-clipboard.js';
import { CONTENT_SECURITY_POLICY, mainWindowOptions } from './window-options.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const rendererUrl =
  process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(here, '../renderer/index.html')).href;

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

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.enableSandbox();
  void start();
}

async function start(): Promise<void> {
  const store = new Store({ name: 'settings', clearInvalidConfig: true });
  const { keychain, problem: keychainProblem } = await loadKeytar();
  if (keychainProblem) console.warn(`[token-desk] no keychain: ${keychainProblem}`);
  const { handlers, settings } = composeDesk({
    keychain,
    keychainProblem,
    store,
    clipboard: electronClipboard,
  });
  // `npm start` points the app at the service it started (or found).
  if (process.env.TOKEN_DESK_SERVICE_URL)
    settings.update({ serviceUrl: process.env.TOKEN_DESK_SERVICE_URL });
  nativeTheme.themeSource = settings.get().theme;

  const updateSettings = handlers['settings:update'];
  handlers['settings:update'] = async (patch) => {
    const next = await updateSettings(patch);
    nativeTheme.themeSource = next.theme;
    return next;
  };
  registerHandlers(
    ipcMain as unknown as IpcMainLike,
    handlers,
    (frame) => isTrustedSender(frame, rendererUrl),
    {
      error: (message, detail) => console.error(`[token-desk] ${message}`, detail),
    },
  );

  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

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
  ses.webRequest.onHeadersReceived((details, callback) =>
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    }),
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate()));

  const saved = settings.windowBounds();
  const visible = saved && screen.getDisplayMatching(saved).workArea;
  const onScreen =
    saved &&
    visible &&
    saved.x >= visible.x - 50 &&
    saved.y >= visible.y - 50 &&
    saved.width <= visible.width + 100;
  const window = new BrowserWindow(
    mainWindowOptions(join(here, '../preload/index.cjs'), onScreen ? saved : null),
  );
  if (onScreen && saved.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  window.on('close', () =>
    settings.saveWindowBounds({ ...window.getNormalBounds(), maximized: window.isMaximized() }),
  );
  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  await window.loadURL(rendererUrl);
}

function menuTemplate(): MenuItemConstructorOptions[] {
  const mac = process.platform === 'darwin';
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
}
