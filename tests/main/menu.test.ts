import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { applicationMenuTemplate, PAGE_SHORTCUTS } from '../../src/main/menu.js';
import { RENDERER_EVENTS } from '../../src/shared/ipc-channels.js';

/** A window whose page records what main sends it, and any key presses (there should be none). */
function fakeWindow() {
  const sent: unknown[][] = [];
  return {
    sent,
    webContents: {
      focus: vi.fn(),
      sendInputEvent: vi.fn(),
      send: (...args: unknown[]) => sent.push(args),
    },
  };
}

const click = (item: MenuItemConstructorOptions, window: unknown) =>
  (item.click as unknown as (item: unknown, window: unknown) => void)({}, window);

/** Every role in the template, submenus included. */
function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [
    ...(item.role ? [item.role.toLowerCase()] : []),
    ...(Array.isArray(item.submenu) ? roles(item.submenu) : []),
  ]);
}

const devOnly = ['reload', 'forcereload', 'toggledevtools', 'viewmenu'];

describe('applicationMenuTemplate', () => {
  it('a packaged build has no DevTools and no reload, on every platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const found = roles(applicationMenuTemplate({ platform, isPackaged: true }));
      for (const role of devOnly) expect(found, `${platform}: ${role}`).not.toContain(role);
      // What people use is still there (Select All off macOS is a page command: below).
      for (const role of ['copy', 'paste', 'undo', 'zoomin', 'resetzoom', 'quit'])
        expect(found, `${platform}: ${role}`).toContain(role);
    }
  });

  it('a development run keeps reload and DevTools', () => {
    const found = roles(applicationMenuTemplate({ platform: 'linux', isPackaged: false }));
    expect(found).toEqual(expect.arrayContaining(['reload', 'forcereload', 'toggledevtools']));
  });

  it('macOS gets its app menu', () => {
    expect(roles(applicationMenuTemplate({ platform: 'darwin', isPackaged: true }))).toContain(
      'appmenu',
    );
    expect(roles(applicationMenuTemplate({ platform: 'linux', isPackaged: true }))).not.toContain(
      'appmenu',
    );
  });
});

/** Every item with a label, submenus included. */
function items(list: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return list.flatMap((item) => [
    ...(item.label ? [item] : []),
    ...(Array.isArray(item.submenu) ? items(item.submenu) : []),
  ]);
}

describe('the page’s shortcuts in the menu', () => {
  it('lists every one of them with its keys, Ctrl+, for Settings among them', () => {
    const found = items(applicationMenuTemplate({ platform: 'linux', isPackaged: true }));
    const shown = Object.fromEntries(found.map((item) => [item.label, item.accelerator]));
    expect(shown).toMatchObject({
      'New Token…': 'CmdOrCtrl+N',
      'Search Tokens': '/',
      'Clear Selection': 'Escape',
      'Account Menu': 'CmdOrCtrl+Shift+A',
      Tokens: 'CmdOrCtrl+1',
      Activity: 'CmdOrCtrl+2',
      Settings: 'CmdOrCtrl+,',
      'Command Palette…': 'CmdOrCtrl+K',
    });
    for (const { label } of Object.values(PAGE_SHORTCUTS))
      expect(shown, label).toHaveProperty([label]);
  });

  it('macOS puts Settings… in the app menu', () => {
    const [appMenu] = applicationMenuTemplate({ platform: 'darwin', isPackaged: true });
    expect(items([appMenu!]).find((item) => item.label === 'Settings…')?.accelerator).toBe(
      'CmdOrCtrl+,',
    );
  });

  it('leaves the keys to the page, and a click sends it the command, never key presses', () => {
    const expected = {
      'New Token…': 'new-token',
      'Search Tokens': 'search',
      'Clear Selection': 'clear-selection',
      'Account Menu': 'account-menu',
      Tokens: 'go-tokens',
      Activity: 'go-activity',
      Settings: 'go-settings',
      'Command Palette…': 'command-palette',
    };
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const found = items(applicationMenuTemplate({ platform, isPackaged: true }));
      for (const [label, command] of Object.entries(expected)) {
        const item = found.find((entry) => entry.label === label)!;
        expect(item.registerAccelerator, `${platform}: ${label}`).toBe(false);
        const window = fakeWindow();
        click(item, window);
        expect(window.sent, `${platform}: ${label}`).toEqual([['ui:command', command]]);
        expect(window.webContents.sendInputEvent).not.toHaveBeenCalled();
        expect(window.webContents.focus).toHaveBeenCalled();
        // What it sends passes the check the preload applies before the page sees it.
        expect(RENDERER_EVENTS['ui:command'](command), command).toBe(true);
      }
    }
  });

  it('macOS Settings… in the app menu sends the same command', () => {
    const [appMenu] = applicationMenuTemplate({ platform: 'darwin', isPackaged: true });
    const window = fakeWindow();
    click(
      items([appMenu!]).find((item) => item.label === 'Settings…')!,
      window,
    );
    expect(window.sent).toEqual([['ui:command', 'go-settings']]);
  });

  it('Select All: a page command with Ctrl+A left to the page off macOS, the text role on macOS', () => {
    for (const platform of ['linux', 'win32'] as const) {
      const template = applicationMenuTemplate({ platform, isPackaged: true });
      const edit = template.find((menu) => menu.label === 'Edit')!;
      const selectAll = items([edit]).find((item) => item.label === 'Select All')!;
      expect(selectAll.role, platform).toBeUndefined();
      expect(selectAll).toMatchObject({ accelerator: 'CmdOrCtrl+A', registerAccelerator: false });
      const window = fakeWindow();
      click(selectAll, window);
      expect(window.sent).toEqual([['ui:command', 'select-all']]);
      expect(window.webContents.sendInputEvent).not.toHaveBeenCalled();
      // No other item claims Ctrl+A for the window either.
      const registered = (list: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
        list.flatMap((item) => [
          item,
          ...(Array.isArray(item.submenu) ? registered(item.submenu) : []),
        ]);
      expect(
        registered(template).filter(
          (item) =>
            item.registerAccelerator !== false &&
            (item.role?.toLowerCase() === 'selectall' || item.accelerator === 'CmdOrCtrl+A'),
        ),
        platform,
      ).toEqual([]);
    }
    expect(roles(applicationMenuTemplate({ platform: 'darwin', isPackaged: true }))).toContain(
      'selectall',
    );
  });

  it('a click with no window does nothing', () => {
    const found = items(applicationMenuTemplate({ platform: 'linux', isPackaged: true }));
    const click = found.find((item) => item.label === 'Tokens')!.click as unknown as (
      item: unknown,
      window: unknown,
    ) => void;
    expect(() => click({}, undefined)).not.toThrow();
  });
});
