import { useEffect, useRef, type ReactNode } from 'react';
import type { DeskToken, InventorySource } from '../../../../../shared/ipc-contract';
import { MAX_BULK_REVOKE } from '../../../../../shared/limits';
import { Banner } from '../../../components/Banner';
import { desk } from '../../../lib/bridge';
import { useScreen } from '../../../lib/use-screen';
import { HEALTH_FILTERS, SHOWN_WHEN_ANY } from '../health';
import { showsSources } from '../sources';
import { retriesByItself, retriesOnItsOwn, type TokenListState } from '../hooks/use-token-list';
import type { TokenView } from '../hooks/use-token-view';
import { tokenCount, type SortKey } from '../view';
import { TokenList } from './TokenList';

interface Props {
  /** The account menu (the accounts feature's, composed by the app). */
  accountMenu: ReactNode;
  banner: ReactNode;
  /** What the window has to say under the list's own error: action errors, status, unfinished rotations. */
  notices: ReactNode;
  list: TokenListState;
  view: TokenView;
  /** The open dialog, rendered by the window's popup host; the list's shortcuts are off meanwhile. */
  popup: ReactNode;
  popupOpen: boolean;
  /** A token's details beside the list (a wide window), or nothing. */
  detail: ReactNode;
  /** The token whose details are open, in either form. */
  /** The `tokenKey` of the token whose details are open. */
  openId: string | null;
  onNew: () => void;
  onRevoke: (token: DeskToken) => void;
  onRotate: (token: DeskToken) => void;
  onSend: (token: DeskToken) => void;
  onDetails: (token: DeskToken) => void;
  onReplace: (token: DeskToken) => void;
  onBulkRevoke: (tokens: DeskToken[]) => void;
  /** Settings at its Company network card: offered when the list fails on a proxy or certificate. */
  onOpenNetworkSettings: () => void;
}

/** Where a key types text: the list's shortcuts leave it alone there (a checkbox types nothing). */
const TEXT_FIELD =
  'input:not([type="checkbox"], [type="radio"], [type="button"], [type="submit"], [type="reset"]), textarea, select, [contenteditable="true"]';

/**
 * The token list as a page: toolbar, health counts, search and sort, selection, the
 * windowed table. It owns no dialog: every action asks the window to open one.
 */
export function TokensScreen({
  accountMenu,
  banner,
  notices,
  list,
  view,
  popup,
  popupOpen,
  detail,
  openId,
  onNew,
  onRevoke,
  onRotate,
  onSend,
  onDetails,
  onReplace,
  onBulkRevoke,
  onOpenNetworkSettings,
}: Props) {
  const { tokens, sources, loadError, now, load } = list;
  const { chosen, revocable } = view;
  const withSources = showsSources(sources);
  // A vendor's tokens kept on our service (GitHub's tracked ones) fail with it, in the same
  // words: one banner says it, not one per source.
  const failing = (sources ?? []).filter((s) => s.problem !== null);
  const ownProblem = failing.find((s) => s.kind === 'token-desk')?.problem ?? null;
  const failed = failing.filter(
    (s) => s.kind === 'token-desk' || s.problem!.message !== ownProblem?.message,
  );
  const heading = useScreen('Tokens');
  const searchRef = useRef<HTMLInputElement>(null);
  const visibleRef = useRef<DeskToken[]>([]);
  const selectedCount = useRef(0);
  const shortcuts = useRef({ onNew, selectAll: view.selectAll, clear: view.clearSelection });

  useEffect(() => {
    visibleRef.current = view.visible;
    selectedCount.current = chosen.length;
    shortcuts.current = { onNew, selectAll: view.selectAll, clear: view.clearSelection };
  });

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      // A key something else answered (Esc closing the details pane) is not a shortcut.
      if (popupOpen || event.defaultPrevented) return;
      const typing = (event.target as HTMLElement).closest(TEXT_FIELD);
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'n') {
        event.preventDefault();
        shortcuts.current.onNew();
      } else if (event.key === '/' && !typing) {
        event.preventDefault();
        searchRef.current?.focus();
      } else if (
        (event.ctrlKey || event.metaKey) &&
        !event.shiftKey &&
        event.key.toLowerCase() === 'a' &&
        !typing &&
        visibleRef.current.length > 0
      ) {
        event.preventDefault();
        shortcuts.current.selectAll(visibleRef.current);
      } else if (event.key === 'Escape' && !typing && selectedCount.current > 0) {
        shortcuts.current.clear();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [popupOpen]);

  // The application menu's Search, Clear Selection and (off macOS) Select All: what
  // their keys do here, and nothing while a dialog has the keyboard.
  useEffect(
    () =>
      desk().onUiCommand?.((command) => {
        if (popupOpen || document.querySelector('dialog[open]')) return;
        if (command === 'search') searchRef.current?.focus();
        else if (command === 'clear-selection') shortcuts.current.clear();
        else if (
          command === 'select-all' &&
          !document.activeElement?.closest(TEXT_FIELD) &&
          visibleRef.current.length > 0
        )
          shortcuts.current.selectAll(visibleRef.current);
      }),
    [popupOpen],
  );

  // With no token yet, nothing to search, sort or count: the empty state speaks instead.
  const hasTokens = tokens !== null && tokens.length > 0;
  const unrevocable = chosen.length - revocable.length;
  return (
    <main className="page page-fill">
      <header className="toolbar">
        <h1 ref={heading} tabIndex={-1}>
          Token Desk
        </h1>
        {accountMenu}
        <div className="toolbar-actions">
          <button
            type="button"
            className="primary"
            onClick={onNew}
            aria-keyshortcuts="Control+N Meta+N"
          >
            New token
          </button>
        </div>
      </header>

      {banner}
      {loadError && (
        <LoadProblem
          problem={loadError}
          retrying={retriesByItself(loadError)}
          onRetry={() => void load()}
          onOpenNetworkSettings={onOpenNetworkSettings}
        />
      )}
      {failed.map((source) => (
        <LoadProblem
          key={source.connectionId}
          problem={source.problem!}
          retrying={retriesOnItsOwn(source)}
          source={withSources ? source : null}
          kept={view.bySource.find((o) => o.connectionId === source.connectionId)?.count ?? 0}
          onRetry={() => void load()}
          onOpenNetworkSettings={onOpenNetworkSettings}
        />
      ))}
      {notices}

      {hasTokens && (
        <div className="health" role="group" aria-label="Needs attention">
          {HEALTH_FILTERS.filter(
            ([filter]) =>
              !SHOWN_WHEN_ANY.has(filter) || view.counts[filter] > 0 || view.health === filter,
          ).map(([filter, label]) => (
            <button
              key={filter}
              type="button"
              className={`health-count health-${filter}`}
              aria-pressed={view.health === filter}
              onClick={() => view.toggleHealth(filter)}
            >
              <span className="health-number">{view.counts[filter].toLocaleString()}</span>{' '}
              <span className="health-label">{label}</span>
            </button>
          ))}
          {view.health && (
            <button type="button" className="link-button" onClick={() => view.setHealth(null)}>
              Show all
            </button>
          )}
        </div>
      )}

      {hasTokens && (
        <div className={`list-controls${withSources ? ' with-sources' : ''}`}>
          <label htmlFor="search" className="visually-hidden">
            Search tokens
          </label>
          <input
            id="search"
            ref={searchRef}
            type="search"
            placeholder="Search name or prefix (/)"
            value={view.query}
            onChange={(e) => view.setQuery(e.target.value)}
            aria-keyshortcuts="/"
          />
          <span className="control-pair">
            <label htmlFor="sort">Sort</label>
            <select
              id="sort"
              value={view.sort}
              onChange={(e) => view.setSort(e.target.value as SortKey)}
            >
              <option value="attention">Needs attention first</option>
              <option value="created">Newest first</option>
              <option value="name">Name</option>
              <option value="lastUsed">Recently used</option>
              <option value="expires">Expiring soonest</option>
            </select>
          </span>
          {withSources && (
            <span className="control-pair">
              <label htmlFor="source-filter">Source</label>
              <select
                id="source-filter"
                className="source-filter"
                value={view.source ?? ''}
                onChange={(e) => view.setSource(e.target.value || null)}
              >
                <option value="">All ({tokens.length.toLocaleString()})</option>
                {view.bySource.map((option) => (
                  <option key={option.connectionId} value={option.connectionId}>
                    {option.label} ({option.count.toLocaleString()})
                  </option>
                ))}
              </select>
            </span>
          )}
          <button type="button" className="secondary" onClick={() => void load()}>
            Refresh
          </button>
          <span className="muted count" role="status">
            {tokenCount(
              view.visible.length,
              tokens.length,
              view.deferredQuery.trim() !== '' || !!view.health || !!view.source,
            )}
          </span>
        </div>
      )}
      {chosen.length > 0 && (
        <div className="selection-bar" role="region" aria-label="Selection">
          <span role="status">{chosen.length.toLocaleString()} selected</span>
          <button
            type="button"
            className="secondary small danger-quiet"
            disabled={revocable.length === 0 || revocable.length > MAX_BULK_REVOKE}
            onClick={() => onBulkRevoke(revocable)}
          >
            Revoke{' '}
            {revocable.length === 1 ? '1 token' : `${revocable.length.toLocaleString()} tokens`}
          </button>
          {revocable.length > MAX_BULK_REVOKE && (
            <span className="field-error">At most {MAX_BULK_REVOKE} at a time.</span>
          )}
          {unrevocable > 0 && (
            <span className="selection-note">
              {unrevocable === 1
                ? '1 selected token cannot be revoked from Token Desk (its source does not allow it): it is left out.'
                : `${unrevocable.toLocaleString()} selected tokens cannot be revoked from Token Desk (their source does not allow it): they are left out.`}
            </span>
          )}
          <button type="button" className="link-button" onClick={view.clearSelection}>
            Clear selection
          </button>
        </div>
      )}

      {tokens === null && !loadError && (
        <p className="muted loading" aria-busy="true">
          Loading tokens…
        </p>
      )}
      {tokens && tokens.length === 0 && failed.length === 0 && (
        <section className="empty-state" aria-labelledby="empty-title">
          <h2 id="empty-title">No API tokens yet</h2>
          <p>
            An API token lets a CI pipeline or script act as you, without an interactive login: the
            Capawesome CLI reads it from <code>CAPAWESOME_TOKEN</code>, the API from{' '}
            <code>Authorization: Bearer …</code>.
          </p>
          <p>
            Create one token per pipeline, so that revoking one breaks only that place. Its secret
            is shown once.
          </p>
          <button type="button" className="primary" onClick={onNew}>
            Create your first token
          </button>
          <p className="muted">
            Made one elsewhere, with the CLI or on another computer?{' '}
            <button type="button" className="link-button" onClick={() => void load()}>
              Refresh
            </button>
          </p>
        </section>
      )}
      {(hasTokens || detail) && (
        <div className="list-and-detail">
          {hasTokens && (
            <TokenList
              visible={view.visible}
              query={view.deferredQuery}
              now={now}
              withSources={withSources}
              onRevoke={onRevoke}
              onRotate={onRotate}
              onSend={onSend}
              onDetails={onDetails}
              onReplace={onReplace}
              onRevokeSelection={() => revocable.length > 0 && onBulkRevoke(revocable)}
              openId={openId}
              selected={view.selected}
              onSelect={view.select}
              onSelectAll={() => view.selectAll(view.visible)}
              onClearSelection={view.clearSelection}
            />
          )}
          {detail}
        </div>
      )}
      {popup}
    </main>
  );
}

/**
 * Why the list, or one source's part of it, could not be fetched: the words main gave,
 * Retry (which asks every source again), and Company network settings when a proxy or
 * a certificate is in the way. With other sources beside ours it names the source, and
 * the tokens of it still listed are those from before.
 */
function LoadProblem({
  problem,
  retrying,
  source = null,
  kept = 0,
  onRetry,
  onOpenNetworkSettings,
}: {
  problem: { code: string; message: string };
  /** The list asks again by itself every few seconds. */
  retrying: boolean;
  source?: InventorySource | null;
  /** How many of its tokens the list still shows, as they were before. */
  kept?: number;
  onRetry: () => void;
  onOpenNetworkSettings: () => void;
}) {
  return (
    <Banner
      tone={source && source.kind !== 'token-desk' ? 'warning' : 'error'}
      action={
        <span className="banner-actions">
          {/^(proxy_auth_failed|certificate_)/.test(problem.code) && (
            <button type="button" className="secondary" onClick={onOpenNetworkSettings}>
              Company network settings
            </button>
          )}
          <button
            type="button"
            className="secondary"
            onClick={onRetry}
            aria-label={source ? `Retry ${source.label}` : undefined}
          >
            Retry now
          </button>
        </span>
      }
    >
      {source && <strong className="problem-source">{source.label}: </strong>}
      {problem.message}
      {retrying && ' Retrying every few seconds…'}
      {source &&
        kept > 0 &&
        ` Its ${kept === 1 ? 'token' : `${kept.toLocaleString()} tokens`} in the list ${kept === 1 ? 'is' : 'are'} as last seen.`}
    </Banner>
  );
}
