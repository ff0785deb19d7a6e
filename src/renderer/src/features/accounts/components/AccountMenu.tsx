import { useEffect, useRef, useState } from 'react';
import type { AccountSummary, SignedInAccount } from '../../../../../shared/ipc-contract';

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
 * choose one to switch (arrow keys move, Enter chooses, Esc closes), add another,
 * or sign out of this one.
 */
export function AccountMenu({ account, accounts, onSwitch, onAdd, onSignOut }: Props) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (
        (event.ctrlKey || event.metaKey) &&
        event.shiftKey &&
        event.key.toLowerCase() === 'a' &&
        !document.querySelector('dialog[open]')
      ) {
        event.preventDefault();
        setOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    if (!open) return;
    const items = () => [
      ...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []),
    ];
    (items().find((item) => item.getAttribute('aria-current') === 'true') ?? items()[0])?.focus();
    const onKey = (event: KeyboardEvent) => {
      const list = items();
      const at = list.indexOf(document.activeElement as HTMLElement);
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        setOpen(false);
        button.current?.focus();
      } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        list[(at + step + list.length) % list.length]?.focus();
      } else if (event.key === 'Tab') {
        setOpen(false);
      }
    };
    const onPointer = (event: PointerEvent) => {
      if (!menu.current?.contains(event.target as Node) && event.target !== button.current)
        setOpen(false);
    };
    window.addEventListener('keydown', onKey, true);
    window.addEventListener('pointerdown', onPointer);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      window.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);

  // The button takes focus back first: a dialog the action opens returns focus to it.
  const choose = (action: () => void) => {
    setOpen(false);
    button.current?.focus();
    action();
  };

  return (
    <div className="account-menu">
      <button
        ref={button}
        type="button"
        className="account-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-keyshortcuts={ACCOUNT_MENU_SHORTCUT}
        title={`${account.email} · ${account.serviceUrl} (Ctrl+Shift+A)`}
        onClick={() => setOpen((was) => !was)}
      >
        <span className="account-email">{account.email}</span>
        <span className="account-service muted">{new URL(account.serviceUrl).host}</span>
        <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div ref={menu} className="account-popup" role="menu" aria-label="Accounts">
          {accounts.map((entry) => (
            <button
              key={`${entry.serviceUrl} ${entry.email}`}
              type="button"
              role="menuitem"
              className="account-item"
              aria-current={entry.active ? 'true' : undefined}
              onClick={() => choose(() => onSwitch(entry))}
            >
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
            </button>
          ))}
          <hr />
          <button
            type="button"
            role="menuitem"
            className="account-item"
            onClick={() => choose(onAdd)}
          >
            <span className="account-check" aria-hidden="true">
              +
            </span>
            Add another account…
          </button>
          <button
            type="button"
            role="menuitem"
            className="account-item"
            onClick={() => choose(onSignOut)}
          >
            <span className="account-check" aria-hidden="true" />
            Sign out of {account.email}
          </button>
        </div>
      )}
    </div>
  );
}
