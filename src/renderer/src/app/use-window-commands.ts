import { useEffect, useRef } from 'react';
import type { AccountSummary, DeskToken, SignedInAccount } from '../../../shared/ipc-contract';
import { canRotate } from '../features/tokens/sources';
import { withCommand, type Command } from './CommandPalette';

interface WindowActions {
  newToken: () => void;
  refresh: () => void;
  addAccount: () => void;
  switchTo: (entry: AccountSummary) => void;
  signOut: () => void;
  /** The token whose details are open (null when none, or when it is gone), and its actions. */
  openToken: DeskToken | null;
  send: (token: DeskToken) => void;
  rotate: (token: DeskToken) => void;
  revoke: (token: DeskToken) => void;
}

/**
 * The signed-in window's commands for the palette, registered while it is shown:
 * new token, refresh, the account actions, and what the open token's details offer.
 * Each runs the window's current action.
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
  const open = actions.openToken;
  const openId = open?.id ?? null;
  const openName = open?.name ?? '';
  // A token replaced by a rotation can still be revoked, not sent or rotated again;
  // what its source does not let Token Desk do is not offered.
  const openLive = open !== null && !open.replacedById && canRotate(open);
  const openRevocable = open !== null && open.facts.canRevoke;
  useEffect(() => {
    const token = () => latest.current.openToken;
    const forOpen = (run: (token: DeskToken) => void) => () => {
      const current = token();
      if (current) run(current);
    };
    register([
      ...(openId
        ? [
            ...(openLive
              ? [
                  {
                    id: 'send-open-token',
                    label: `Send “${openName}” to CI…`,
                    run: forOpen((t) => latest.current.send(t)),
                  },
                  {
                    id: 'rotate-open-token',
                    label: `Rotate “${openName}”…`,
                    run: forOpen((t) => latest.current.rotate(t)),
                  },
                ]
              : []),
            ...(openRevocable
              ? [
                  {
                    id: 'revoke-open-token',
                    label: `Revoke “${openName}”…`,
                    run: forOpen((t) => latest.current.revoke(t)),
                  },
                ]
              : []),
          ]
        : []),
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
  }, [register, accounts, account.email, openId, openName, openLive, openRevocable]);
}
