import { useDeferredValue, useMemo, useRef, useState } from 'react';
import type { DeskToken, InventorySource } from '../../../../../shared/ipc-contract';
import { healthCounts, type HealthFilter } from '../health';
import { sourceOptions } from '../sources';
import { tokenKey, toggleSelection, visibleTokens, type SortKey } from '../view';

/**
 * What the list shows and what is selected: the search (deferred, so typing stays
 * quick with thousands of tokens), the sort, the health and source filters and the
 * checkboxes.
 */
export function useTokenView(
  tokens: DeskToken[] | null,
  now: number,
  sources: InventorySource[] | null = null,
) {
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<SortKey>('attention');
  const [health, setHealth] = useState<HealthFilter | null>(null);
  const [chosenSource, setSource] = useState<string | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  /** The last checkbox toggled, by token key: where a Shift+click range starts. */
  const anchor = useRef<string | null>(null);
  const deferredQuery = useDeferredValue(query);

  // A source no longer connected filters nothing (its option is gone with it).
  const source =
    chosenSource && sources?.some((s) => s.connectionId === chosenSource) ? chosenSource : null;
  const names = useMemo(() => new Set((tokens ?? []).map((t) => t.name.toLowerCase())), [tokens]);
  const visible = useMemo(
    () => (tokens ? visibleTokens(tokens, deferredQuery, sort, now, health, source) : []),
    [tokens, deferredQuery, sort, now, health, source],
  );
  const counts = useMemo(() => healthCounts(tokens ?? [], now), [tokens, now]);
  const bySource = useMemo(
    () => (sources ? sourceOptions(sources, tokens ?? []) : []),
    [sources, tokens],
  );
  // Only what is in the list can stay selected (after a revoke, a refresh, a filter).
  const chosen = useMemo(
    () => visible.filter((t) => selected.has(tokenKey(t))),
    [visible, selected],
  );
  const revocable = useMemo(() => chosen.filter((t) => t.facts.canRevoke), [chosen]);

  function select(token: DeskToken, index: number, range: boolean) {
    const from =
      range && anchor.current ? visible.findIndex((t) => tokenKey(t) === anchor.current) : -1;
    const start = anchor.current;
    setSelected((before) => toggleSelection(before, visible, token, index, start, range));
    if (from === -1) anchor.current = tokenKey(token);
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
    /** The connection whose tokens alone are shown; null: every source's. */
    source,
    setSource,
    /** The source filter's choices, with their counts. */
    bySource,
    names,
    visible,
    counts,
    selected,
    chosen,
    /** The chosen tokens a bulk revoke takes: those their source lets Token Desk revoke. */
    revocable,
    select,
    selectAll: (list: DeskToken[]) => setSelected(new Set(list.map(tokenKey))),
    clearSelection: () => setSelected(new Set()),
  };
}

export type TokenView = ReturnType<typeof useTokenView>;
