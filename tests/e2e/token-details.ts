import type { Page } from '@playwright/test';

/**
 * A token's details, whichever form the window's width gives them: the pane beside
 * the list (900 px and wider) or the dialog (narrower). Both are named by the token.
 */
export const tokenDetails = (page: Page, name: string) =>
  page
    .getByRole('region', { name, exact: true })
    .or(page.getByRole('dialog', { name, exact: true }));
