import {
  Fragment,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';

export interface MenuItem {
  label: string;
  onSelect: () => void;
  /** The key that does the same from where the menu was opened, shown beside the label. */
  shortcut?: { label: string; aria: string };
  /** Red text: the item leads to a confirmation of something that cannot be undone. */
  danger?: boolean;
  /** Shown in place of the label when one line of text is not enough; its text is the item's name. */
  content?: ReactNode;
  /** What is in use now (the active account): marked for assistive technology, and focused on opening. */
  current?: boolean;
  /** A line above the item, between groups. */
  separated?: boolean;
}

interface Props {
  label: string;
  items: MenuItem[];
  /** Where the menu's top left corner goes, in window coordinates; it stays in the window. */
  at: { x: number; y: number };
  /** Takes focus back when the menu closes by key or by a choice. */
  returnFocus: HTMLElement | null;
  onClose: () => void;
  /** Extra class names for the menu's box (its width, say). */
  className?: string;
}

/**
 * A popup menu (the WAI-ARIA menu pattern): the current item, or else the first,
 * takes focus; arrows, Home and End move, Enter or Space chooses, Esc or Tab closes
 * and focus goes back to what opened it; a press outside closes it, except on what
 * opened it, whose own click decides (a toggle closes it, it does not reopen).
 */
export function Menu({ label, items, at, returnFocus, onClose, className }: Props) {
  const menu = useRef<HTMLDivElement>(null);
  const [place, setPlace] = useState(at);
  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  });

  // Kept inside the window, also when it is resized: opened near the right or bottom
  // edge, it opens leftwards or upwards.
  useLayoutEffect(() => {
    const fit = () => {
      const box = menu.current!.getBoundingClientRect();
      setPlace({
        x: Math.max(4, Math.min(at.x, innerWidth - box.width - 4)),
        y: at.y + box.height > innerHeight - 4 ? Math.max(4, at.y - box.height) : at.y,
      });
    };
    fit();
    (
      menu.current!.querySelector<HTMLElement>('[role="menuitem"][aria-current="true"]') ??
      menu.current!.querySelector<HTMLElement>('[role="menuitem"]')
    )?.focus();
    window.addEventListener('resize', fit);
    return () => window.removeEventListener('resize', fit);
  }, [at]);

  useEffect(() => {
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (menu.current?.contains(target) || returnFocus?.contains(target)) return;
      close.current();
    };
    window.addEventListener('pointerdown', onPointer, true);
    return () => window.removeEventListener('pointerdown', onPointer, true);
  }, [returnFocus]);

  const dismiss = () => {
    close.current();
    returnFocus?.focus();
  };

  function onKeyDown(event: KeyboardEvent) {
    const list = [...menu.current!.querySelectorAll<HTMLElement>('[role="menuitem"]')];
    const at = list.indexOf(document.activeElement as HTMLElement);
    const to = {
      ArrowDown: (at + 1) % list.length,
      ArrowUp: (at - 1 + list.length) % list.length,
      Home: 0,
      End: list.length - 1,
    }[event.key];
    if (to !== undefined) list[to]?.focus();
    else if (event.key !== 'Escape' && event.key !== 'Tab') return;
    else dismiss();
    event.preventDefault();
    event.stopPropagation();
  }

  return (
    <div
      ref={menu}
      role="menu"
      aria-label={label}
      className={className ? `popup-menu ${className}` : 'popup-menu'}
      style={{ left: place.x, top: place.y }}
      onKeyDown={onKeyDown}
    >
      {items.map((item, index) => (
        <Fragment key={`${index} ${item.label}`}>
          {item.separated && <hr className="menu-separator" />}
          <button
            type="button"
            role="menuitem"
            tabIndex={-1}
            className={item.danger ? 'menu-item menu-item-danger' : 'menu-item'}
            aria-keyshortcuts={item.shortcut?.aria}
            aria-current={item.current ? 'true' : undefined}
            onClick={() => {
              // Focus goes back first: a dialog the item opens returns focus there on close.
              dismiss();
              item.onSelect();
            }}
          >
            {item.content ?? <span>{item.label}</span>}
            {item.shortcut && (
              <kbd className="menu-shortcut" aria-hidden="true">
                {item.shortcut.label}
              </kbd>
            )}
          </button>
        </Fragment>
      ))}
    </div>
  );
}
