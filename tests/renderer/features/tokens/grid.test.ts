import { describe, expect, it } from 'vitest';
import { COLUMN, moveFor } from '../../../../src/renderer/src/features/tokens/grid';

const at = { row: 5, col: COLUMN.name };

describe('moveFor', () => {
  it('moves by one row or cell with the arrows, stopping at the edges', () => {
    expect(moveFor('ArrowDown', false, at, 10, 4)).toEqual({ row: 6, col: COLUMN.name });
    expect(moveFor('ArrowUp', false, at, 10, 4)).toEqual({ row: 4, col: COLUMN.name });
    expect(moveFor('ArrowRight', false, at, 10, 4)).toEqual({ row: 5, col: COLUMN.source });
    expect(moveFor('ArrowLeft', false, at, 10, 4)).toEqual({ row: 5, col: COLUMN.select });
    expect(moveFor('ArrowDown', false, { row: 9, col: 1 }, 10, 4)).toEqual({ row: 9, col: 1 });
    // Up from the first token: the header row; no further.
    expect(moveFor('ArrowUp', false, { row: 0, col: 1 }, 10, 4)).toEqual({ row: -1, col: 1 });
    expect(moveFor('ArrowUp', false, { row: -1, col: 1 }, 10, 4)).toEqual({ row: -1, col: 1 });
    expect(moveFor('ArrowLeft', false, { row: 0, col: 0 }, 10, 4)).toEqual({ row: 0, col: 0 });
  });

  it('moves a page of rows with Page Up and Page Down, never onto the header', () => {
    expect(moveFor('PageDown', false, at, 10, 4)).toEqual({ row: 9, col: COLUMN.name });
    expect(moveFor('PageUp', false, at, 10, 4)).toEqual({ row: 1, col: COLUMN.name });
    expect(moveFor('PageUp', false, { row: 2, col: 1 }, 10, 4)).toEqual({ row: 0, col: 1 });
    expect(moveFor('PageDown', false, { row: -1, col: 1 }, 10, 4)).toEqual({ row: 4, col: 1 });
  });

  it('goes to the row’s ends with Home and End, to the first and last token with Ctrl', () => {
    expect(moveFor('Home', false, at, 10, 4)).toEqual({ row: 5, col: COLUMN.select });
    expect(moveFor('End', false, at, 10, 4)).toEqual({ row: 5, col: COLUMN.actions });
    expect(moveFor('Home', true, at, 10, 4)).toEqual({ row: 0, col: COLUMN.name });
    expect(moveFor('End', true, at, 10, 4)).toEqual({ row: 9, col: COLUMN.name });
  });

  it('leaves other keys alone', () => {
    expect(moveFor('Enter', false, at, 10, 4)).toBeNull();
    expect(moveFor(' ', false, at, 10, 4)).toBeNull();
  });
});
