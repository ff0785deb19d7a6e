import { useCallback, useEffect, useState } from 'react';
import type { ApiToken } from '../../../../../shared/api-schemas';
import { call, desk, DeskFailure, messageOf } from '../../../lib/bridge';

/** While the service is unreachable the list retries this often, so it recovers without a restart. */
const RETRY_MS = 3000;

/**
 * Failures that pass by themselves: the service is down or cut off, or it is up and
 * says its database is (503 `database_unavailable`, while PostgreSQL restarts). The
 * list retries these; anything else waits for the person.
 */
export function retriesByItself(error: DeskFailure | null): boolean {
  return error?.code === 'unreachable' || error?.code === 'database_unavailable';
}
/** How often relative times ("Expires in…", "expired") are brought up to date. */
const CLOCK_MS = 60_000;

export interface TokenListState {
  /** Null until the first answer. */
  tokens: ApiToken[] | null;
  loadError: DeskFailure | null;
  /** The instant relative times are computed from. */
  now: number;
  load(): Promise<void>;
  /** Optimistic updates after an action main has confirmed. */
  added(token: ApiToken): void;
  replaced(oldId: string, token: ApiToken): void;
  removed(id: string): void;
}

/**
 * The account's tokens as the screen shows them: fetched through main, retried while
 * the service is unreachable, with a clock for relative times. `onFailure` sees every
 * failure first (a lost session sends the app back to sign-in).
 */
export function useTokenList(
  connectionId: string,
  onFailure: (error: unknown) => void,
): TokenListState {
  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [loadError, setLoadError] = useState<DeskFailure | null>(null);
  const [now, setNow] = useState(() => Date.now());

  const load = useCallback(
    () =>
      call(desk().tokensList({ connectionId })).then(
        (list) => {
          setTokens(list);
          setLoadError(null);
          setNow(Date.now());
        },
        (error: unknown) => {
          onFailure(error);
          setLoadError(
            error instanceof DeskFailure ? error : new DeskFailure('unknown', messageOf(error)),
          );
        },
      ),
    [connectionId, onFailure],
  );

  useEffect(() => {
    void load();
  }, [load]);

  // Keep retrying while the service or its database is away; stop once the list is back.
  useEffect(() => {
    if (!retriesByItself(loadError)) return;
    const timer = setInterval(() => void load(), RETRY_MS);
    return () => clearInterval(timer);
  }, [loadError, load]);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), CLOCK_MS);
    return () => clearInterval(timer);
  }, []);

  return {
    tokens,
    loadError,
    now,
    load,
    added: (token) => setTokens((current) => [token, ...(current ?? [])]),
    replaced: (oldId, token) =>
      setTokens((current) => [token, ...(current ?? []).filter((t) => t.id !== oldId)]),
    removed: (id) => setTokens((current) => current?.filter((t) => t.id !== id) ?? null),
  };
}
