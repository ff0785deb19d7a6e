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
import type {
  RevealedToken,
  RotationReport,
  RotationState,
  SessionState,
  SignedInAccount,
} from '../../../shared/ipc-contract';
import { call, desk, DeskFailure, messageOf } from '../bridge';
import { useTokenList } from '../hooks/use-token-list';
import { Banner } from '../components/Banner';
import { RotationPanel } from '../components/RotationPanel';
import { TokenList, visibleTokens, type SortKey } from '../components/TokenList';
import { ConfirmDialog } from '../dialogs/ConfirmDialog';
import { NewTokenDialog } from '../dialogs/NewTokenDialog';
import { RevealDialog, upsert } from '../dialogs/RevealDialog';
import { SendToCiDialog, type SendOutcome } from '../dialogs/SendToCiDialog';
import { TokenDetailsDialog } from '../dialogs/TokenDetailsDialog';
import { durationWords } from '../format';

interface Props {
  account: SignedInAccount;
  banner: ReactNode;
  /** Settings' grace period for "rotate and update", to say how long the old token lasts. */
  graceSeconds: number;
  onSessionLost: (error: DeskFailure, email: string) => void;
  onSignedOut: (state: SessionState) => void;
  onOpenSettings: () => void;
}

type Dialog =
  | { kind: 'new' }
  | {
      kind: 'reveal';
      revealed: RevealedToken;
      rotated: boolean;
      rotation?: RotationState;
      outcomes?: SendOutcome[];
    }
  | { kind: 'revoke'; token: ApiToken }
  | { kind: 'rotate'; token: ApiToken }
  | { kind: 'details'; token: ApiToken }
  | { kind: 'send'; token: ApiToken }
  | null;

function placesWord(count: number): string {
  return count === 1 ? '1 place' : `${count.toLocaleString()} places`;
}

/** "4 tokens", or "1 of 4 tokens" while a search hides some. */
function tokenCount(shown: number, total: number, searching: boolean): string {
  const all = total === 1 ? '1 token' : `${total.toLocaleString()} tokens`;
  return searching ? `${shown.toLocaleString()} of ${all}` : all;
}

export function TokensScreen({
  account,
  banner,
  graceSeconds,
  onSessionLost,
  onSignedOut,
  onOpenSettings,
}: Props) {
  const [actionError, setActionError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<SortKey>('created');
  const [dialog, setDialog] = useState<Dialog>(null);
  /** Rotations whose places are not all updated: this session's and any left by an earlier run. */
  const [rotations, setRotations] = useState<RotationState[]>([]);
  const [sendOutcomes, setSendOutcomes] = useState<SendOutcome[]>([]);
  const rowRotation = useRef<RotationReport | null>(null);
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
    call(desk().rotationsList()).then(
      (pending) => setRotations(pending.filter((r) => !r.finished)),
      (error: unknown) => setActionError(handleFailure(error)),
    );
  }, [handleFailure]);

  const rotationChanged = useCallback(
    (next: RotationState) => {
      setRotations((before) => {
        const others = before.filter((r) => r.id !== next.id);
        return next.finished ? others : [...others, next];
      });
      setDialog((open) =>
        open?.kind === 'reveal' && open.rotation?.id === next.id
          ? { ...open, rotation: next }
          : open,
      );
      if (next.finished) void load();
    },
    [load],
  );

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
      if (token.destinationCount > 0) {
        showRotation(await call(desk().tokensRotateAndUpdate({ id: token.id })));
        return;
      }
      const revealed = await call(desk().tokensRotate({ id: token.id }));
      list.replaced(token.id, revealed.token);
      setDialog({ kind: 'reveal', revealed, rotated: true });
    } catch (error) {
      actionFailed(error);
    }
  }

  /** After rotate-and-update (or Finish): the new secret once, with how each place went. */
  function showRotation(report: RotationReport, outcomes?: SendOutcome[]) {
    rotationChanged(report.rotation);
    void load();
    if (report.revealed) {
      setDialog({
        kind: 'reveal',
        revealed: report.revealed,
        rotated: true,
        rotation: report.rotation,
        outcomes,
      });
    } else setDialog(null);
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
      {rotations.length > 0 && dialog?.kind !== 'reveal' && (
        <div className="pending-rotations" aria-label="Unfinished rotations" role="region">
          {rotations.map((rotation) => (
            <RotationPanel
              key={rotation.id}
              rotation={rotation}
              headingLevel={2}
              onChange={rotationChanged}
              onRevealed={(revealed, next) => showRotation({ rotation: next, revealed })}
            />
          ))}
        </div>
      )}

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
          onSend={(token) => {
            setSendOutcomes([]);
            setDialog({ kind: 'send', token });
          }}
          onDetails={(token) => setDialog({ kind: 'details', token })}
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
          rotation={dialog.rotation ?? null}
          onRotationChange={rotationChanged}
          onRevealedAgain={(revealed, next) => showRotation({ rotation: next, revealed })}
          initialOutcomes={dialog.outcomes}
          onSent={() => void load()}
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
      {dialog?.kind === 'rotate' && dialog.token.destinationCount === 0 && (
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
      {dialog?.kind === 'rotate' && dialog.token.destinationCount > 0 && (
        <ConfirmDialog
          title={`Rotate “${dialog.token.name}” and update ${placesWord(dialog.token.destinationCount)}?`}
          confirmLabel={`Rotate and update ${placesWord(dialog.token.destinationCount)}`}
          onConfirm={() => rotate(dialog.token)}
          onCancel={() => setDialog(null)}
        >
          <p>
            A new secret replaces <code>{dialog.token.prefix}…</code>, with the same name and
            lifetime, and Token Desk puts it into each of the{' '}
            {placesWord(dialog.token.destinationCount)} <strong>{dialog.token.name}</strong> is
            recorded in. The old secret is revoked as soon as every place has the new one; if a
            place fails, it keeps working for {durationWords(graceSeconds)} so no pipeline breaks
            meanwhile.
          </p>
        </ConfirmDialog>
      )}
      {dialog?.kind === 'details' && (
        <TokenDetailsDialog
          token={dialog.token}
          now={now}
          onClose={() => setDialog(null)}
          onSend={() => {
            setSendOutcomes([]);
            setDialog({ kind: 'send', token: dialog.token });
          }}
          onRotate={() => setDialog({ kind: 'rotate', token: dialog.token })}
          onRevoke={() => setDialog({ kind: 'revoke', token: dialog.token })}
          onChanged={() => void load()}
          onFailure={handleFailure}
        />
      )}
      {dialog?.kind === 'send' && (
        <SendToCiDialog
          title={`Send “${dialog.token.name}” to CI`}
          intro={
            <>
              Token Desk keeps no secret of an existing token, so sending issues a replacement (a
              rotation) and puts it into the place you choose
              {dialog.token.destinationCount > 0
                ? ` and into the ${placesWord(dialog.token.destinationCount)} it is already used in`
                : ''}
              . The current secret <code>{dialog.token.prefix}…</code>{' '}
              {dialog.token.destinationCount > 0
                ? `keeps working until every place has the new one, at most ${durationWords(graceSeconds)}.`
                : 'stops working at once: it is not recorded anywhere else.'}{' '}
              The new secret is then shown once.
            </>
          }
          sendLabel="Rotate and send"
          repeatable={false}
          outcomes={sendOutcomes}
          onOutcome={(outcome) => {
            setSendOutcomes((before) => upsert(before, outcome));
            const report = rowRotation.current;
            if (outcome.state !== 'sending' && report) {
              rowRotation.current = null;
              showRotation(report, [outcome]);
            }
          }}
          onClose={() => setDialog(null)}
          deliver={async (choice, overwrite) => {
            const report = await call(desk().tokensRotateAndUpdate({ id: dialog.token.id }));
            rowRotation.current = report;
            if (!report.revealed) throw new Error('The rotation gave no new secret.');
            return call(
              desk().destinationsSend({
                revealId: report.revealed.revealId,
                accountId: choice.accountId,
                target: choice.target,
                name: choice.name,
                overwrite,
                ...(choice.masked === undefined ? {} : { masked: choice.masked }),
                ...(choice.protected === undefined ? {} : { protected: choice.protected }),
              }),
            );
          }}
        />
      )}
    </main>
  );
}
