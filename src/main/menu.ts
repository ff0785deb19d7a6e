/**
 * The application menu, built by a pure function so both builds can be tested
 * without Electron. A packaged app has no reload (it would drop a revealed secret
 * from the page while main still holds it) and no DevTools (a console in the
 * page can call every bridge function).
 *
 * The page owns its keyboard shortcuts (it knows when a dialog or a text field has
 * the keyboard). The menu lists each one without registering it, and choosing the
 * item sends the page a `ui:command` naming what to do, from a closed list
 * (UI_COMMANDS). It never presses keys in the page: a replayed key lands wherever
 * focus happens to be, and could meet an accelerator registered for the same keys.
 */
import type { BaseWindow, MenuItemConstructorOptions, WebContents } from 'electron';
import { RENDERER_EVENTS, type UiCommand } from '../shared/ipc-channels.js';

export interface MenuContext {
  platform: NodeJS.Platform;
  isPackaged: boolean;
}

/** A command the page runs: its menu label, its keys (Ctrl, or Cmd on macOS) and its name. */
interface PageShortcut {
  label: string;
  key: string;
  command: UiCommand;
  withCommandKey?: boolean;
  shift?: boolean;
}

export const PAGE_SHORTCUTS = {
  newToken: { label: 'New Token…', key: 'N', withCommandKey: true, command: 'new-token' },
  search: { label: 'Search Tokens', key: '/', command: 'search' },
  clearSelection: { label: 'Clear Selection', key: 'Escape', command: 'clear-selection' },
  accountMenu: {
    label: 'Account Menu',
    key: 'A',
    withCommandKey: true,
    shift: true,
    command: 'account-menu',
  },
  tokens: { label: 'Tokens', key: '1', withCommandKey: true, command: 'go-tokens' },
  activity: { label: 'Activity', key: '2', withCommandKey: true, command: 'go-activity' },
  settings: { label: 'Settings', key: ',', withCommandKey: true, command: 'go-settings' },
  commandPalette: {
    label: 'Command Palette…',
    key: 'K',
    withCommandKey: true,
    command: 'command-palette',
  },
} as const satisfies Record<string, PageShortcut>;

/**
 * Edit ▸ Select All off macOS. Its role would register Ctrl+A with the window, taking
 * the keys from the page, which gives them two meanings: the text of a field that has
 * focus, or every token shown in the list. As a page command the keys and the item do
 * the same, in both places. On macOS the role stays: Cmd+A reaches a text field only
 * through the menu there, and the page sees the keys first and keeps them when it
 * selects tokens.
 */
const SELECT_ALL: PageShortcut = {
  label: 'Select All',
  key: 'A',
  withCommandKey: true,
  command: 'select-all',
};

function pageShortcut({ label, key, withCommandKey, shift, command }: PageShortcut) {
  const accelerator = [withCommandKey && 'CmdOrCtrl', shift && 'Shift', key]
    .filter(Boolean)
    .join('+');
  return {
    label,
    accelerator,
    registerAccelerator: false,
    click: (_item, window) => {
      const page = (window as (BaseWindow & { webContents?: WebContents }) | undefined)
        ?.webContents;
      // The names are constants, but main sends nothing unchecked (as RendererEvents does).
      if (!page || !RENDERER_EVENTS['ui:command'](command)) return;
      page.focus();
      page.send('ui:command', command);
    },
  } satisfies MenuItemConstructorOptions;
}

export function applicationMenuTemplate({
  platform,
  isPackaged,
}: MenuContext): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const shortcut = (name: keyof typeof PAGE_SHORTCUTS) => pageShortcut(PAGE_SHORTCUTS[name]);
  const developer: MenuItemConstructorOptions[] = isPackaged
    ? []
    : [
        { role: 'reload' },
        { role: 'forceReload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
      ];
  return [
    ...(mac
      ? [
          {
            role: 'appMenu' as const,
            submenu: [
              { role: 'about' as const },
              { type: 'separator' as const },
              { ...shortcut('settings'), label: 'Settings…' },
              { type: 'separator' as const },
              { role: 'services' as const },
              { type: 'separator' as const },
              { role: 'hide' as const },
              { role: 'hideOthers' as const },
              { role: 'unhide' as const },
              { type: 'separator' as const },
              { role: 'quit' as const },
            ],
          },
        ]
      : []),
    {
      label: 'File',
      submenu: [
        shortcut('newToken'),
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        mac ? { role: 'selectAll' } : pageShortcut(SELECT_ALL),
        { type: 'separator' },
        shortcut('search'),
        shortcut('clearSelection'),
      ],
    },
    {
      label: 'View',
      submenu: [
        shortcut('tokens'),
        shortcut('activity'),
        shortcut('settings'),
        shortcut('accountMenu'),
        shortcut('commandPalette'),
        { type: 'separator' },
        ...developer,
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: 'Window',
      submenu: [{ role: 'minimize' }, ...(mac ? [{ role: 'zoom' as const }] : [])],
    },
  ];
}
