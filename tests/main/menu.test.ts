import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { applicationMenuTemplate, PAGE_SHORTCUTS } from '../../src/main/menu.js';

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
      // What people use is still there.
      for (const role of ['copy', 'paste', 'selectall', 'undo', 'zoomin', 'resetzoom', 'quit'])
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

  it('leaves the keys to the page, and a click presses them there', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      const found = items(applicationMenuTemplate({ platform, isPackaged: true }));
      const settings = found.find((item) => item.label === 'Settings')!;
      const search = found.find((item) => item.label === 'Search Tokens')!;
      const account = found.find((item) => item.label === 'Account Menu')!;
      for (const item of [settings, search, account])
        expect(item.registerAccelerator, item.label).toBe(false);
      const sent: unknown[] = [];
      const window = {
        webContents: { focus: vi.fn(), sendInputEvent: (e: unknown) => sent.push(e) },
      };
      const click = (item: MenuItemConstructorOptions) =>
        (item.click as unknown as (item: unknown, window: unknown) => void)({}, window);
      click(settings);
      click(search);
      click(account);
      const command = platform === 'darwin' ? 'meta' : 'control';
      expect(sent).toEqual([
        { type: 'keyDown', keyCode: ',', modifiers: [command] },
        { type: 'keyUp', keyCode: ',', modifiers: [command] },
        { type: 'keyDown', keyCode: '/', modifiers: [] },
        { type: 'keyUp', keyCode: '/', modifiers: [] },
        { type: 'keyDown', keyCode: 'A', modifiers: [command, 'shift'] },
        { type: 'keyUp', keyCode: 'A', modifiers: [command, 'shift'] },
      ]);
      expect(window.webContents.focus).toHaveBeenCalled();
    }
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
