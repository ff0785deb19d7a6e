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

/** Signs the active account out from the account menu (the window's one Sign out). */
export async function signOutFromMenu(page: Page): Promise<void> {
  await page.locator('.account-button').click();
  await page.getByRole('menuitem', { name: /^Sign out of / }).click();
}
