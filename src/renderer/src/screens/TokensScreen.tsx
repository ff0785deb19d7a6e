import {
  useCallback,
  useDeferredValue,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import type { ApiToken } from '../../../shared/api-schemas';
import type { RevealedToken, SessionState, SignedInAccount } from '../../../shared/ipc-contract';
import { call, desk, DeskFailure, messageOf } from '../bridge';
import { useTokenList } from '../hooks/use-token-list';
import { Banner } from '../components/Banner';
import { TokenList, visibleTokens, type SortKey } from '../components/TokenList';
import { ConfirmDialog } from '../dialogs/ConfirmDialog';
import { NewTokenDialog } from '../dialogs/NewTokenDialog';
import { RevealDialog } from '../dialogs/RevealDialog';

interface Props {
  account: SignedInAccount;
  banner: ReactNode;
  onSessionLost: (error: DeskFailure, email: string) => void;
  onSignedOut: (state: SessionState) => void;
  onOpenSettings: () => void;
}

type Dialog =
  | { kind: 'new' }
  | { kind: 'reveal'; revealed: RevealedToken; rotated: boolean }
  | { kind: 'revoke'; token: ApiToken }
  | { kind: 'rotate'; token: ApiToken }
  | null;

/** "4 tokens", or "1 of 4 tokens" while a search hides some. */
function tokenCount(shown: number, total: number, searching: boolean): string {
  const all = total === 1 ? '1 token' : `${total.toLocaleString()} tokens`;
  return searching ? `${shown.toLocaleString()} of ${all}` : all;
}

export function TokensScreen({
  account,
  banner,
  onSessionLost,
  onSignedOut,
  onOpenSettings,
}: Props) {
  const [actionError, setActionError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<SortKey>('created');
  const [dialog, setDialog] = useState<Dialog>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const deferredQuery = useDeferredValue(query);

  const handleFailure = useCallback(
    (error: unknown): string => {
      if (
        error instanceof DeskFailure &&
        (error.code === 'session_expired' || error.code === 'signed_out')
      ) {
        onSessionLost(error, account.email);
      }
      return messageOf(error);
    },
    [onSessionLost, account.email],
  );
  const list = useTokenList(handleFailure);
  const { tokens, loadError, now, load } = list;

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (dialog) return;
      const target = event.target as HTMLElement;
      const typing = target.closest('input, textarea, select, [contenteditable="true"]');
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'n') {
        event.preventDefault();
        setDialog({ kind: 'new' });
      } else if (event.key === '/' && !typing) {
        event.preventDefault();
        searchRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [dialog]);

  const names = useMemo(() => new Set((tokens ?? []).map((t) => t.name.toLowerCase())), [tokens]);
  const visible = useMemo(
    () => (tokens ? visibleTokens(tokens, deferredQuery, sort) : []),
    [tokens, deferredQuery, sort],
  );

  async function signOut() {
    try {
      onSignedOut(await call(desk().sessionSignOut()));
    } catch (error) {
      setActionError(handleFailure(error));
    }
  }

  async function revoke(token: ApiToken) {
    try {
      await call(desk().tokensRevoke({ id: token.id }));
      setDialog(null);
      setStatus(`Revoked “${token.name}”.`);
      list.removed(token.id);
    } catch (error) {
      actionFailed(error);
    }
  }

  async function rotate(token: ApiToken) {
    try {
      const revealed = await call(desk().tokensRotate({ id: token.id }));
      list.replaced(token.id, revealed.token);
      setDialog({ kind: 'reveal', revealed, rotated: true });
    } catch (error) {
      actionFailed(error);
    }
  }

  /** Shows why a revoke or rotate failed; if the token is gone already (another window, the CLI), the list catches up. */
  function actionFailed(error: unknown) {
    setDialog(null);
    setActionError(handleFailure(error));
    if (error instanceof DeskFailure && error.code === 'token_not_found') void load();
  }

  function created(revealed: RevealedToken) {
    list.added(revealed.token);
    setDialog({ kind: 'reveal', revealed, rotated: false });
  }

  const unreachable = loadError?.code === 'unreachable';
  return (
    <main className="page page-fill">
      <header className="toolbar">
        <h1>Token Desk</h1>
        <span className="muted account" title={account.serviceUrl}>
          {account.email} · {account.serviceUrl}
        </span>
        <div className="toolbar-actions">
          <button
            type="button"
            className="primary"
            onClick={() => setDialog({ kind: 'new' })}
            aria-keyshortcuts="Control+N Meta+N"
          >
            New token
          </button>
          <button type="button" className="secondary" onClick={onOpenSettings}>
            Settings
          </button>
          <button type="button" className="secondary" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>

      {banner}
      {loadError && (
        <Banner
          tone="error"
          action={
            <button type="button" className="secondary" onClick={() => void load()}>
              Retry now
            </button>
          }
        >
          {loadError.message}
          {unreachable && ' Retrying every few seconds…'}
        </Banner>
      )}
      {actionError && (
        <Banner
          tone="error"
          action={
            <button type="button" className="link-button" onClick={() => setActionError(null)}>
              Dismiss
            </button>
          }
        >
          {actionError}
        </Banner>
      )}
      <p className="visually-hidden" role="status" aria-live="polite">
        {status}
      </p>

      <div className="list-controls">
        <label htmlFor="search" className="visually-hidden">
          Search tokens
        </label>
        <input
          id="search"
          ref={searchRef}
          type="search"
          placeholder="Search by name or prefix  (press /)"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          aria-keyshortcuts="/"
        />
        <label htmlFor="sort">Sort</label>
        <select id="sort" value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
          <option value="created">Newest first</option>
          <option value="name">Name</option>
          <option value="lastUsed">Recently used</option>
          <option value="expires">Expiring soonest</option>
        </select>
        <button type="button" className="secondary" onClick={() => void load()}>
          Refresh
        </button>
        {tokens && (
          <span className="muted count" role="status">
            {tokenCount(visible.length, tokens.length, deferredQuery.trim() !== '')}
          </span>
        )}
      </div>

      {tokens === null && !loadError && (
        <p className="muted loading" aria-busy="true">
          Loading tokens…
        </p>
      )}
      {tokens && tokens.length === 0 && (
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
          <button type="button" className="primary" onClick={() => setDialog({ kind: 'new' })}>
            Create your first token
          </button>
        </section>
      )}
      {tokens && tokens.length > 0 && (
        <TokenList
          visible={visible}
          query={deferredQuery}
          now={now}
          onRevoke={(token) => setDialog({ kind: 'revoke', token })}
          onRotate={(token) => setDialog({ kind: 'rotate', token })}
        />
      )}

      {dialog?.kind === 'new' && (
        <NewTokenDialog
          existingNames={names}
          onCreated={created}
          onCancel={() => setDialog(null)}
          onFailure={handleFailure}
        />
      )}
      {dialog?.kind === 'reveal' && (
        <RevealDialog
          revealed={dialog.revealed}
          rotated={dialog.rotated}
          serviceUrl={account.serviceUrl}
          onClosed={() => {
            setStatus(`“${dialog.revealed.token.name}” is ready. Its secret is no longer shown.`);
            setDialog(null);
          }}
        />
      )}
      {dialog?.kind === 'revoke' && (
        <ConfirmDialog
          title={`Revoke “${dialog.token.name}”?`}
          confirmLabel="Revoke token"
          danger
          onConfirm={() => revoke(dialog.token)}
          onCancel={() => setDialog(null)}
        >
          <p>
            Every pipeline or script still using <strong>{dialog.token.name}</strong> (
            <code>{dialog.token.prefix}…</code>) will get <strong>401 errors</strong> on its very
            next request. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
      {dialog?.kind === 'rotate' && (
        <ConfirmDialog
          title={`Rotate “${dialog.token.name}”?`}
          confirmLabel="Rotate token"
          onConfirm={() => rotate(dialog.token)}
          onCancel={() => setDialog(null)}
        >
          <p>
            A new secret replaces <code>{dialog.token.prefix}…</code>, with the same name and
            lifetime. The old secret stops working immediately: update it wherever{' '}
            <strong>{dialog.token.name}</strong> is used.
          </p>
        </ConfirmDialog>
      )}
    </main>
  );
}
