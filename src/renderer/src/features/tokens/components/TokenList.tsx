import {
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type UIEvent,
} from 'react';
import type { DeskToken } from '../../../../../shared/ipc-contract';
import { Menu, type MenuItem } from '../../../components/Menu';
import { placesWord } from '../../../lib/format';
import { COLUMN, moveFor, type Cell } from '../grid';
import { tokenExpiryState } from '../health';
import { canRotate } from '../sources';
import { tokenKey } from '../view';
import { TokenRow } from './TokenRow';

const ROW_HEIGHT = 52;
const OVERSCAN = 8;
/** The header row's id in the active cell. */
const HEADER = '';

interface Props {
  /** Already searched and sorted (`visibleTokens`); the screen counts them too. */
  visible: DeskToken[];
  query: string;
  now: number;
  /** Each token's source in a column of its own (more than our own service's tokens can be listed). */
  withSources: boolean;
  onRevoke: (token: DeskToken) => void;
  onRotate: (token: DeskToken) => void;
  onSend: (token: DeskToken) => void;
  onDetails: (token: DeskToken) => void;
  /** Delete with checkboxes ticked: ask to revoke those, not the focused token. */
  onRevokeSelection: () => void;
  /** The token whose details are open beside the list (its `tokenKey`): its row is marked and kept rendered. */
  openId: string | null;
  /** Replace an expired token: a rotation with a new lifetime. */
  onReplace: (token: DeskToken) => void;
  /** Token keys (`tokenKey`). */
  selected: ReadonlySet<string>;
  /** A checkbox was toggled; `range` with Shift: everything from the last one toggled. */
  onSelect: (token: DeskToken, index: number, range: boolean) => void;
  onSelectAll: () => void;
  onClearSelection: () => void;
}

/**
 * Gives a token's row focus (its cell in the Tab order, else its name), as closing its
 * details does; with no id, or when the row is not in the list, the list's Tab stop.
 * False when there is no list at all.
 */
export function focusTokenRow(key: string | null): boolean {
  const grid = document.querySelector<HTMLElement>('.token-table[role="grid"]');
  if (!grid) return false;
  const row =
    key === null
      ? undefined
      : [...grid.querySelectorAll<HTMLElement>('[role="row"][data-token-key]')].find(
          (r) => r.dataset.tokenKey === key,
        );
  const target =
    row?.querySelector<HTMLElement>('[tabindex="0"]') ??
    row?.querySelector<HTMLElement>('.name-button') ??
    grid.querySelector<HTMLElement>('[tabindex="0"]');
  target?.focus();
  return target !== null && target !== undefined;
}

/**
 * What a row's ⋯ menu (and a right-click, Shift+F10 or the menu key) offers: what the
 * token's source lets Token Desk do (a guided rotation too, made on the vendor's site
 * with Token Desk's help; Send to CI… is a rotation as well).
 */
function rowMenu(token: DeskToken, now: number, props: Props, ticked: number): MenuItem[] {
  const items: MenuItem[] = [
    {
      label: 'Details',
      shortcut: { label: 'Enter', aria: 'Enter' },
      onSelect: () => props.onDetails(token),
    },
  ];
  if (!token.replacedById && canRotate(token)) {
    if (tokenExpiryState(token, now) === 'expired')
      items.push({ label: 'Replace…', onSelect: () => props.onReplace(token) });
    else
      items.push(
        { label: 'Send to CI…', onSelect: () => props.onSend(token) },
        {
          label:
            token.destinationCount > 0
              ? `Rotate and update ${placesWord(token.destinationCount)}…`
              : 'Rotate…',
          onSelect: () => props.onRotate(token),
        },
      );
  }
  if (token.facts.canRevoke)
    items.push({
      label: 'Revoke…',
      danger: true,
      // With tokens ticked, Delete asks about those instead.
      ...(ticked === 0 ? { shortcut: { label: 'Del', aria: 'Delete' } } : {}),
      onSelect: () => props.onRevoke(token),
    });
  return items;
}

/**
 * The token list as a data grid, windowed: only the rows in view (plus a few, and the
 * active one) are in the DOM, so thousands of tokens scroll and filter as fast as ten.
 * It is one Tab stop: arrows move between cells, Enter opens a token's details, Space
 * selects it, Delete asks to revoke it (or the ticked tokens, when some are), and
 * Shift+F10 opens its menu.
 */
export function TokenList(props: Props) {
  const { visible, query, now, selected, onSelect, onDetails, onRevoke, openId } = props;
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  /**
   * The one cell in the Tab order, by token id, so it follows its token through a
   * re-sort; `row` is where it was, for when its token leaves the list.
   */
  const [active, setActive] = useState<{ id: string | null; row: number; col: number }>({
    id: null,
    row: 0,
    col: COLUMN.name,
  });
  const [menu, setMenu] = useState<{
    token: DeskToken;
    at: { x: number; y: number };
    button: HTMLElement;
  } | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const grid = useRef<HTMLDivElement>(null);
  const focusActive = useRef(false);
  const selectAll = useRef<HTMLInputElement>(null);

  const chosen = useMemo(
    () => visible.filter((t) => selected.has(tokenKey(t))).length,
    [visible, selected],
  );
  const allChosen = chosen > 0 && chosen === visible.length;
  useEffect(() => {
    if (selectAll.current) selectAll.current.indeterminate = chosen > 0 && !allChosen;
  });

  // A token gone from the list (revoked, filtered out) leaves the Tab stop on its neighbour.
  const found = active.id === HEADER ? -1 : visible.findIndex((t) => tokenKey(t) === active.id);
  const activeRow =
    active.id === HEADER ? -1 : found !== -1 ? found : Math.min(active.row, visible.length - 1);
  const gone = active.id !== null && active.id !== HEADER && found === -1;
  useEffect(() => {
    // Its dialog gave focus back to a row that is no more: the neighbour takes it.
    if (gone && document.activeElement === document.body)
      grid.current?.querySelector<HTMLElement>('[tabindex="0"]')?.focus();
  }, [gone]);

  useLayoutEffect(() => {
    if (!focusActive.current) return;
    focusActive.current = false;
    grid.current?.querySelector<HTMLElement>('[tabindex="0"]')?.focus();
  });

  const onScroll = (event: UIEvent<HTMLDivElement>) => {
    setScrollTop(event.currentTarget.scrollTop);
    setViewport(event.currentTarget.clientHeight);
    setMenu(null);
  };

  // Made anew each render, never memoised: a callback kept from an earlier render keeps
  // that render's props alive, and through them the window's state of then (a secret
  // being revealed, say) long after it is gone.
  const openMenu = (token: DeskToken, button: HTMLElement, at?: { x: number; y: number }) => {
    const box = button.getBoundingClientRect();
    setMenu({ token, button, at: at ?? { x: box.right, y: box.bottom + 2 } });
  };

  if (visible.length === 0) {
    return (
      <p className="muted empty-search" role="status">
        {query.trim() ? `No token matches “${query}”.` : 'No token needs attention here.'}
      </p>
    );
  }

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(visible.length, Math.ceil((scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);
  const shown = visible.slice(first, last).map((token, i) => ({ token, index: first + i }));
  // The active row stays in the DOM when scrolled away, so Tab still finds the list.
  if (activeRow >= 0 && (activeRow < first || activeRow >= last))
    shown.push({ token: visible[activeRow]!, index: activeRow });
  // So is the open token's, so closing its details can give its row focus.
  const openRow = openId === null ? -1 : visible.findIndex((t) => tokenKey(t) === openId);
  if (openRow >= 0 && openRow !== activeRow && (openRow < first || openRow >= last))
    shown.push({ token: visible[openRow]!, index: openRow });

  /** Moves the Tab stop to a cell, scrolls its row into view and focuses it. */
  function moveTo(cell: Cell) {
    setActive({
      id: cell.row === -1 ? HEADER : tokenKey(visible[cell.row]!),
      row: cell.row,
      col: cell.col,
    });
    focusActive.current = true;
    const box = scroller.current;
    if (!box || cell.row < 0) return;
    const top = cell.row * ROW_HEIGHT;
    if (top < box.scrollTop) box.scrollTop = top;
    else if (top + ROW_HEIGHT > box.scrollTop + box.clientHeight)
      box.scrollTop = top + ROW_HEIGHT - box.clientHeight;
  }

  /** Whether a column shows in the active row (a narrow window hides the creation time). */
  const shows = (col: number) =>
    (grid.current?.querySelector(`[tabindex="0"]`)?.closest('[role="row"]') ?? grid.current)
      ?.querySelector(`[data-col="${col}"]`)
      ?.getClientRects().length !== 0;

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const target = event.target as HTMLElement;
    const token = activeRow >= 0 ? visible[activeRow] : undefined;
    const onMenuButton = target.classList.contains('row-menu-button');
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 0) / ROW_HEIGHT) - 1);
    let to = moveFor(
      event.key,
      event.ctrlKey || event.metaKey,
      { row: activeRow, col: active.col },
      visible.length,
      page,
    );
    if (to && to.col !== active.col && !shows(to.col))
      to = moveFor(event.key, false, to, visible.length, page) ?? to;
    if (to) {
      moveTo(to);
    } else if (event.key === ' ' && !onMenuButton) {
      if (token) onSelect(token, activeRow, event.shiftKey);
      else if (allChosen) props.onClearSelection();
      else props.onSelectAll();
    } else if (event.key === 'Enter' && token && !onMenuButton) {
      onDetails(token);
    } else if (event.key === 'Delete' && chosen > 0) {
      props.onRevokeSelection();
    } else if (event.key === 'Delete' && token && token.facts.canRevoke) {
      onRevoke(token);
    } else if ((event.key === 'F10' && event.shiftKey) || event.key === 'ContextMenu') {
      const row = target.closest('[role="row"]');
      const button = row?.querySelector<HTMLElement>('.row-menu-button');
      if (token && button) openMenu(token, button);
    } else return;
    event.preventDefault();
  }

  return (
    <>
      <div
        ref={grid}
        className={`token-table${props.withSources ? ' with-sources' : ''}`}
        role="grid"
        aria-label="API tokens"
        aria-multiselectable="true"
        aria-rowcount={visible.length + 1}
        onKeyDown={onKeyDown}
        onFocus={(event) => {
          const cell = (event.target as HTMLElement).closest<HTMLElement>('[data-col]');
          const row = cell?.closest<HTMLElement>('[role="row"]');
          if (cell && row)
            setActive({
              id: row.dataset.tokenKey ?? HEADER,
              row: Number(row.getAttribute('aria-rowindex')) - 2,
              col: Number(cell.dataset.col),
            });
        }}
      >
        <div className="token-row token-head" role="row" aria-rowindex={1}>
          <span role="columnheader" className="cell-select" data-col={COLUMN.select}>
            <input
              ref={selectAll}
              type="checkbox"
              className="row-select"
              tabIndex={activeRow === -1 && active.col === COLUMN.select ? 0 : -1}
              checked={allChosen}
              aria-label="Select all tokens"
              aria-keyshortcuts="Control+A Meta+A"
              title="Select all (Ctrl+A)"
              onChange={() => (allChosen ? props.onClearSelection() : props.onSelectAll())}
            />
          </span>
          {(
            [
              [COLUMN.name, 'cell-name', 'Name'],
              [COLUMN.source, 'cell-source', 'Source'],
              [COLUMN.prefix, 'cell-prefix', 'Prefix'],
              [COLUMN.created, 'cell-created', 'Created'],
              [COLUMN.used, 'cell-used', 'Last used'],
              [COLUMN.expires, 'cell-expires', 'Expires'],
              [COLUMN.places, 'cell-places', 'Used in'],
            ] as const
          ).map(([col, className, label]) => (
            <span
              key={col}
              role="columnheader"
              className={className}
              data-col={col}
              tabIndex={activeRow === -1 && active.col === col ? 0 : -1}
            >
              {label}
            </span>
          ))}
          <span
            role="columnheader"
            className="cell-actions"
            data-col={COLUMN.actions}
            tabIndex={activeRow === -1 && active.col === COLUMN.actions ? 0 : -1}
          >
            <span className="visually-hidden">Actions</span>
          </span>
        </div>
        <div className="token-scroller" ref={scroller} onScroll={onScroll} role="rowgroup">
          <div className="token-spacer" style={{ height: visible.length * ROW_HEIGHT }}>
            {shown.map(({ token, index }) => (
              <TokenRow
                key={tokenKey(token)}
                token={token}
                index={index}
                top={index * ROW_HEIGHT}
                now={now}
                selected={selected.has(tokenKey(token))}
                open={tokenKey(token) === openId}
                activeColumn={index === activeRow ? active.col : null}
                menuOpen={menu !== null && tokenKey(menu.token) === tokenKey(token)}
                onSelect={onSelect}
                onDetails={onDetails}
                onMenu={openMenu}
              />
            ))}
          </div>
        </div>
      </div>
      {menu && (
        <Menu
          label={`Actions for ${menu.token.name}`}
          items={rowMenu(menu.token, now, props, chosen)}
          at={menu.at}
          returnFocus={menu.button}
          onClose={() => setMenu(null)}
        />
      )}
    </>
  );
}
