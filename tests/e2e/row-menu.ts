import { expect, type Page } from '@playwright/test';

/** A row's ⋯ menu, open. */
export async function openRowMenu(page: Page, token: string) {
  await page.getByRole('button', { name: `Actions for ${token}`, exact: true }).click();
  const menu = page.getByRole('menu', { name: `Actions for ${token}`, exact: true });
  await expect(menu).toBeVisible();
  return menu;
}

/** Chooses an action ("Revoke…", "Rotate…", "Send to CI…") from a row's ⋯ menu. */
export async function chooseRowAction(page: Page, token: string, action: string): Promise<void> {
  const menu = await openRowMenu(page, token);
  await menu.getByRole('menuitem', { name: action, exact: true }).click();
}
