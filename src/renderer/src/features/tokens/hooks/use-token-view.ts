import { useDeferredValue, useMemo, useRef, useState } from 'react';
import type { ApiToken } from '../../../../../shared/api-schemas';
import { healthCounts, type HealthFilter } from '../health';
import { toggleSelection, visibleTokens, type SortKey } from '../view';

/**
 * What the list shows and what is selected: the search (deferred, so typing stays
 * quick with thousands of tokens), the sort, the health filter and the checkboxes.
 */
export function useTokenView(tokens: ApiToken[] | null, now: number) {
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<SortKey>('attention');
  const [health, setHealth] = useState<HealthFilter | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  /** The last checkbox toggled, by token id: where a Shift+click range starts. */
  const anchor = useRef<string | null>(null);
  const deferredQuery = useDeferredValue(query);

  const names = useMemo(() => new Set((tokens ?? []).map((t) => t.name.toLowerCase())), [tokens]);
  const visible = useMemo(
    () => (tokens ? visibleTokens(tokens, deferredQuery, sort, now, health) : []),
    [tokens, deferredQuery, sort, now, health],
  );
  const counts = useMemo(() => healthCounts(tokens ?? [], now), [tokens, now]);
  // Only what is in the list can stay selected (after a revoke, a refresh, a filter).
  const chosen = useMemo(() => visible.filter((t) => selected.has(t.id)), [visible, selected]);

  function select(token: ApiToken, index: number, range: boolean) {
    const from = range && anchor.current ? visible.findIndex((t) => t.id === anchor.current) : -1;
    const start = anchor.current;
    setSelected((before) => toggleSelection(before, visible, token, index, start, range));
    if (from === -1) anchor.current = token.id;
  }

  return {
    query,
    setQuery,
    deferredQuery,
    sort,
    setSort,
    health,
    setHealth,
    /** A health count clicked: filter by it, or stop filtering by it. */
    toggleHealth: (filter: HealthFilter) =>
      setHealth((current) => (current === filter ? null : filter)),
    names,
    visible,
    counts,
    selected,
    chosen,
    select,
    selectAll: (list: ApiToken[]) => setSelected(new Set(list.map((t) => t.id))),
    clearSelection: () => setSelected(new Set()),
  };
}

export type TokenView = ReturnType<typeof useTokenView>;
