import { useEffect, useRef } from 'react';
import type { AccountSummary, SignedInAccount } from '../../../shared/ipc-contract';
import { withCommand, type Command } from './CommandPalette';

interface WindowActions {
  newToken: () => void;
  refresh: () => void;
  addAccount: () => void;
  switchTo: (entry: AccountSummary) => void;
  signOut: () => void;
}

/**
 * The signed-in window's commands for the palette, registered while it is shown:
 * new token, refresh, the account actions. Each runs the window's current action.
 */
export function useWindowCommands(
  register: (commands: readonly Command[]) => void,
  account: SignedInAccount,
  accounts: AccountSummary[],
  actions: WindowActions,
) {
  const latest = useRef(actions);
  useEffect(() => {
    latest.current = actions;
  });
  useEffect(() => {
    register([
      {
        id: 'new-token',
        label: 'New token…',
        keys: withCommand('N'),
        run: () => latest.current.newToken(),
      },
      { id: 'refresh', label: 'Refresh the token list', run: () => latest.current.refresh() },
      { id: 'add-account', label: 'Add another account…', run: () => latest.current.addAccount() },
      ...accounts
        .filter((entry) => !entry.active)
        .map((entry) => ({
          id: `switch-${entry.serviceUrl} ${entry.email}`,
          label: `Switch to ${entry.email}`,
          run: () => latest.current.switchTo(entry),
        })),
      {
        id: 'sign-out',
        label: `Sign out of ${account.email}`,
        run: () => latest.current.signOut(),
      },
    ]);
    return () => register([]);
  }, [register, accounts, account.email]);
}
