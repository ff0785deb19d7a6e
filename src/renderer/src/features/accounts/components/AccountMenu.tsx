import { useEffect, useRef, useState } from 'react';
import type { AccountSummary, SignedInAccount } from '../../../../../shared/ipc-contract';
import { Menu, type MenuItem } from '../../../components/Menu';
import { desk } from '../../../lib/bridge';

interface Props {
  account: SignedInAccount;
  accounts: AccountSummary[];
  onSwitch: (account: AccountSummary) => void;
  onAdd: () => void;
  onSignOut: () => void;
}

/** Ctrl/Cmd+Shift+A opens the menu from anywhere on the token screen. */
export const ACCOUNT_MENU_SHORTCUT = 'Control+Shift+A Meta+Shift+A';

/**
 * The header's account menu: every account on this computer, the active one marked;
 * choose one to switch, add another, or sign out of this one. It is the shared popup
 * menu, so its keys are the token rows' ⋯ menu's: arrows, Home and End move, Enter
 * chooses, Esc closes and gives focus back to the button, Tab closes.
 */
export function AccountMenu({ account, accounts, onSwitch, onAdd, onSignOut }: Props) {
  /** The open menu: where it sits, under its button, which takes focus back; null while closed. */
  const [opened, setOpened] = useState<{ at: { x: number; y: number }; from: HTMLElement } | null>(
    null,
  );
  const button = useRef<HTMLButtonElement>(null);

  const open = () => {
    const from = button.current;
    if (!from) return;
    const box = from.getBoundingClientRect();
    setOpened({ at: { x: box.left, y: box.bottom + 4 }, from });
  };
  const opener = useRef(open);
  useEffect(() => {
    opener.current = open;
  });

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (
        (event.ctrlKey || event.metaKey) &&
        event.shiftKey &&
        event.key.toLowerCase() === 'a' &&
        !document.querySelector('dialog[open]')
      ) {
        event.preventDefault();
        opener.current();
      }
    };
    window.addEventListener('keydown', onKey);
    // The application menu's Account Menu item, the same as its keys.
    const stopCommands = desk().onUiCommand?.((command) => {
      if (command === 'account-menu' && !document.querySelector('dialog[open]')) opener.current();
    });
    return () => {
      window.removeEventListener('keydown', onKey);
      stopCommands?.();
    };
  }, []);

  const items: MenuItem[] = [
    ...accounts.map((entry) => ({
      label: entry.email,
      current: entry.active,
      onSelect: () => onSwitch(entry),
      content: (
        <span className="account-item">
          <span className="account-check" aria-hidden="true">
            {entry.active ? '✓' : ''}
          </span>
          <span className="account-item-text">
            <span className="account-email">{entry.email}</span>
            <span className="muted account-item-service">
              {entry.serviceUrl}
              {entry.signedIn ? '' : ' · signed out, sign in again'}
            </span>
          </span>
        </span>
      ),
    })),
    {
      label: 'Add another account…',
      separated: accounts.length > 0,
      onSelect: onAdd,
      content: (
        <span className="account-item">
          <span className="account-check" aria-hidden="true">
            +
          </span>
          Add another account…
        </span>
      ),
    },
    {
      label: `Sign out of ${account.email}`,
      onSelect: onSignOut,
      content: (
        <span className="account-item">
          <span className="account-check" aria-hidden="true" />
          <span className="account-item-text">
            <span>Sign out of {account.email}</span>
          </span>
        </span>
      ),
    },
  ];

  return (
    <div className="account-menu">
      <button
        ref={button}
        type="button"
        className="account-button"
        aria-haspopup="menu"
        aria-expanded={opened !== null}
        aria-keyshortcuts={ACCOUNT_MENU_SHORTCUT}
        title={`${account.email} · ${account.serviceUrl} (Ctrl+Shift+A)`}
        onClick={() => (opened ? setOpened(null) : open())}
      >
        <span className="account-email">{account.email}</span>
        <span className="account-service muted">{new URL(account.serviceUrl).host}</span>
        <span aria-hidden="true">▾</span>
      </button>
      {opened && (
        <Menu
          label="Accounts"
          className="account-popup"
          items={items}
          at={opened.at}
          returnFocus={opened.from}
          onClose={() => setOpened(null)}
        />
      )}
    </div>
  );
}
