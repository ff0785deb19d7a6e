/** Finding an application menu item by its label, so the harness can click it as a person would. */

/** As much of Electron's MenuItemConstructorOptions as finding an item needs. */
interface MenuEntry {
  label?: string;
  submenu?: unknown;
}

export function menuItemLabelled<T extends MenuEntry>(
  template: readonly T[],
  label: string,
): T | undefined {
  for (const item of template) {
    if (item.label === label) return item;
    if (Array.isArray(item.submenu)) {
      const found = menuItemLabelled(item.submenu as T[], label);
      if (found) return found;
    }
  }
  return undefined;
}
