import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { applicationMenuTemplate } from '../../src/main/menu.js';

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
