/**
 * The token list as a WAI-ARIA data grid: one Tab stop, and keys that move it from
 * cell to cell. Pure, so the moves are tested without a browser.
 */

/**
 * The grid's columns, left to right. The source column is there only once the list
 * holds more than our own service's tokens; the keys skip a column that is not shown.
 */
export const COLUMN = {
  select: 0,
  name: 1,
  source: 2,
  prefix: 3,
  created: 4,
  used: 5,
  expires: 6,
  places: 7,
  actions: 8,
} as const;
const LAST_COLUMN = COLUMN.actions;

/** A cell: `row` -1 is the header row, 0 the first token. */
export interface Cell {
  row: number;
  col: number;
}

/**
 * Where a key moves the active cell (the APG grid's keys): arrows by one, Page Up and
 * Page Down by `page` rows, Home and End to the row's ends, Ctrl+Home and Ctrl+End to
 * the first and last token. Null when the key does not move.
 */
export function moveFor(
  key: string,
  ctrl: boolean,
  at: Cell,
  rows: number,
  page: number,
): Cell | null {
  const row = (to: number) => ({ row: Math.max(-1, Math.min(rows - 1, to)), col: at.col });
  const col = (to: number) => ({ row: at.row, col: Math.max(0, Math.min(LAST_COLUMN, to)) });
  switch (key) {
    case 'ArrowDown':
      return row(at.row + 1);
    case 'ArrowUp':
      return row(at.row - 1);
    case 'PageDown':
      return row(Math.max(at.row, 0) + page);
    case 'PageUp':
      return row(Math.max(at.row - page, 0));
    case 'ArrowRight':
      return col(at.col + 1);
    case 'ArrowLeft':
      return col(at.col - 1);
    case 'Home':
      return ctrl ? row(0) : col(0);
    case 'End':
      return ctrl ? row(rows - 1) : col(LAST_COLUMN);
    default:
      return null;
  }
}
