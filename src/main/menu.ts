/**
 * The application menu, built by a pure function so both builds can be tested
 * without Electron. A packaged app has no reload (it would drop a revealed secret
 * from the page while main still holds it) and no DevTools (a console in the
 * page can call every bridge function).
 *
 * The page owns its keyboard shortcuts (it knows when a dialog or a text field has
 * the keyboard). The menu lists each one without registering it, and choosing the
 * item presses those keys in the page, so a shortcut and its menu item do the same.
 */
import type { BaseWindow, MenuItemConstructorOptions, WebContents } from 'electron';

export interface MenuContext {
  platform: NodeJS.Platform;
  isPackaged: boolean;
}

/** A shortcut the page handles: its menu label and its keys (Ctrl, or Cmd on macOS). */
interface PageShortcut {
  label: string;
  key: string;
  command?: boolean;
  shift?: boolean;
}

export const PAGE_SHORTCUTS = {
  newToken: { label: 'New Token…', key: 'N', command: true },
  search: { label: 'Search Tokens', key: '/' },
  clearSelection: { label: 'Clear Selection', key: 'Escape' },
  accountMenu: { label: 'Account Menu', key: 'A', command: true, shift: true },
  tokens: { label: 'Tokens', key: '1', command: true },
  activity: { label: 'Activity', key: '2', command: true },
  settings: { label: 'Settings', key: ',', command: true },
  commandPalette: { label: 'Command Palette…', key: 'K', command: true },
} as const satisfies Record<string, PageShortcut>;

function pageShortcut(
  { label, key, command, shift }: PageShortcut,
  mac: boolean,
): MenuItemConstructorOptions {
  const accelerator = [command && 'CmdOrCtrl', shift && 'Shift', key].filter(Boolean).join('+');
  const modifiers = [
    ...(command ? [mac ? 'meta' : 'control'] : []),
    ...(shift ? ['shift'] : []),
  ] as Array<'meta' | 'control' | 'shift'>;
  return {
    label,
    accelerator,
    registerAccelerator: false,
    click: (_item, window) => {
      const page = (window as (BaseWindow & { webContents?: WebContents }) | undefined)
        ?.webContents;
      if (!page) return;
      page.focus();
      page.sendInputEvent({ type: 'keyDown', keyCode: key, modifiers });
      page.sendInputEvent({ type: 'keyUp', keyCode: key, modifiers });
    },
  };
}

export function applicationMenuTemplate({
  platform,
  isPackaged,
}: MenuContext): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const shortcut = (name: keyof typeof PAGE_SHORTCUTS) => pageShortcut(PAGE_SHORTCUTS[name], mac);
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
        { role: 'selectAll' },
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
