import { useCallback, useEffect, useState } from 'react';
import type { DeskToken, InventorySource } from '../../../../../shared/ipc-contract';
import { call, desk, DeskFailure, messageOf } from '../../../lib/bridge';
import { mergeInventory } from '../sources';
import { tokenKey } from '../view';

/** While the service is unreachable the list retries this often, so it recovers without a restart. */
const RETRY_MS = 3000;

/**
 * Failures that pass by themselves: the service is down or cut off, or it is up and
 * says its database is (503 `database_unavailable`, while PostgreSQL restarts). The
 * list retries these; anything else waits for the person.
 */
export function retriesByItself(error: { code: string } | null): boolean {
  return error?.code === 'unreachable' || error?.code === 'database_unavailable';
}
/** Whether the list asks again by itself after this source failed: only our own service's passing failures. */
export const retriesOnItsOwn = (source: InventorySource): boolean =>
  source.kind === 'token-desk' && retriesByItself(source.problem);

/** How often relative times ("Expires in…", "expired") are brought up to date. */
const CLOCK_MS = 60_000;

export interface TokenListState {
  /** Every connected source's tokens; null until the first answer. */
  tokens: DeskToken[] | null;
  /** The connections that issue tokens, as the last answer listed them (each with its problem, if any). */
  sources: InventorySource[] | null;
  /** The inventory itself could not be asked (main or the bridge failed). */
  loadError: DeskFailure | null;
  /** The instant relative times are computed from. */
  now: number;
  load(): Promise<void>;
  /** Optimistic updates after an action main has confirmed. */
  added(token: DeskToken): void;
  /** `oldKey`, `key`: the token's `tokenKey` (ids alone may repeat across sources). */
  replaced(oldKey: string, token: DeskToken): void;
  removed(key: string): void;
}

/** A problem that is the account's own session, not a source's: the app goes back to sign-in. */
const SESSION_LOST = new Set(['session_expired', 'signed_out']);

/**
 * Every connected issuer's tokens as the screen shows them (`tokens:inventory`):
 * fetched through main, retried while a source is unreachable, with a clock for
 * relative times. `onFailure` sees every failure first (a lost session sends the app
 * back to sign-in), the account's own source's included.
 */
export function useTokenList(onFailure: (error: unknown) => void): TokenListState {
  const [tokens, setTokens] = useState<DeskToken[] | null>(null);
  const [sources, setSources] = useState<InventorySource[] | null>(null);
  const [loadError, setLoadError] = useState<DeskFailure | null>(null);
  const [now, setNow] = useState(() => Date.now());

  const load = useCallback(
    () =>
      call(desk().tokensInventory()).then(
        (inventory) => {
          setTokens((before) => mergeInventory(before, inventory));
          setSources(inventory.sources);
          setLoadError(null);
          setNow(Date.now());
          for (const source of inventory.sources)
            if (
              source.problem &&
              source.kind === 'token-desk' &&
              SESSION_LOST.has(source.problem.code)
            )
              onFailure(new DeskFailure(source.problem.code, source.problem.message));
        },
        (error: unknown) => {
          onFailure(error);
          setLoadError(
            error instanceof DeskFailure ? error : new DeskFailure('unknown', messageOf(error)),
          );
        },
      ),
    [onFailure],
  );

  useEffect(() => {
    void load();
  }, [load]);

  // Keep retrying while our service or its database is away; stop once it is back. A
  // vendor that is away waits for Retry: asking every vendor every few seconds for as
  // long as one is down would spend the others' rate limits.
  const retrying = retriesByItself(loadError) || (sources ?? []).some(retriesOnItsOwn);
  useEffect(() => {
    if (!retrying) return;
    const timer = setInterval(() => void load(), RETRY_MS);
    return () => clearInterval(timer);
  }, [retrying, load]);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), CLOCK_MS);
    return () => clearInterval(timer);
  }, []);

  return {
    tokens,
    sources,
    loadError,
    now,
    load,
    added: (token) => setTokens((current) => [token, ...(current ?? [])]),
    replaced: (oldKey, token) =>
      setTokens((current) => [token, ...(current ?? []).filter((t) => tokenKey(t) !== oldKey)]),
    removed: (key) => setTokens((current) => current?.filter((t) => tokenKey(t) !== key) ?? null),
  };
}
