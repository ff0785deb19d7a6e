import {
  useCallback,
  useDeferredValue,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import type { ApiToken } from '../../../../../shared/api-schemas';
import { MAX_BULK_REVOKE } from '../../../../../shared/api-schemas';
import type {
  AccountSummary,
  BulkRevokeReport,
  RevealedToken,
  RotationReport,
  RotationState,
  SessionState,
  SignedInAccount,
} from '../../../../../shared/ipc-contract';
import { call, desk, DeskFailure, messageOf } from '../../../lib/bridge';
import { useTokenList } from '../hooks/use-token-list';
import { AccountMenu } from '../../accounts/components/AccountMenu';
import { Banner } from '../../../components/Banner';
import { AddAccountDialog } from '../../accounts/components/AddAccountDialog';
import { PlacesToUpdate } from '../../rotation/components/PlacesToUpdate';
import { RotationPanel } from '../../rotation/components/RotationPanel';
import { TokenList } from './TokenList';
import {
  bulkRevokeSummary,
  tokenCount,
  toggleSelection,
  visibleTokens,
  type SortKey,
} from '../view';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { NewTokenDialog } from './NewTokenDialog';
import { RevealDialog, upsert } from '../../reveal/components/RevealDialog';
import { SendToCiDialog, type SendOutcome } from '../../send-to-ci/components/SendToCiDialog';
import { TokenDetailsDialog } from './TokenDetailsDialog';
import { BulkRevokeDialog } from './BulkRevokeDialog';
import { HEALTH_FILTERS, healthCounts, type HealthFilter } from '../health';
import { durationWords, placesWord } from '../../../lib/format';

interface Props {
  account: SignedInAccount;
  /** Every account on this computer, for the account menu. */
  accounts: AccountSummary[];
  banner: ReactNode;
  /** Settings' grace period for "rotate and update", to say how long the old token lasts. */
  graceSeconds: number;
  onSessionLost: (error: DeskFailure, email: string) => void;
  /** Signed out, switched or added an account: the app shows whatever is now active. */
  onSignedOut: (state: SessionState) => void;
  onOpenSettings: () => void;
  onOpenActivity: () => void;
  /** Open this token's details once the list has it (a clicked reminder). */
  openTokenId: string | null;
  onOpenedToken: () => void;
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
  | { kind: 'replace'; token: ApiToken }
  | { kind: 'bulk-revoke'; tokens: ApiToken[] }
  | { kind: 'add-account'; email?: string; serviceUrl?: string }
  | null;

export function TokensScreen({
  account,
  accounts,
  banner,
  graceSeconds,
  onSessionLost,
  onSignedOut,
  onOpenSettings,
  onOpenActivity,
  openTokenId,
  onOpenedToken,
}: Props) {
  const [actionError, setActionError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<SortKey>('attention');
  const [health, setHealth] = useState<HealthFilter | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  /** The last checkbox toggled, by token id: where a Shift+click range starts. */
  const anchor = useRef<string | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  /** Rotations whose places are not all updated: this session's and any left by an earlier run. */
  const [rotations, setRotations] = useState<RotationState[]>([]);
  const [sendOutcomes, setSendOutcomes] = useState<SendOutcome[]>([]);
  /** The places the open confirmation listed, for that token: a rotation updates only these. */
  const [shownPlaces, setShownPlaces] = useState<{ tokenId: string; ids: string[] | null } | null>(
    null,
  );
  const placesListed = useCallback(
    (tokenId: string, ids: string[] | null) => setShownPlaces({ tokenId, ids }),
    [],
  );
  const placesShownFor = (token: ApiToken): string[] | null =>
    token.destinationCount === 0 ? [] : shownPlaces?.tokenId === token.id ? shownPlaces.ids : null;
  /** A row's Send to CI… with no recorded place: end the old secret once the new one is sent. */
  const [endOldNow, setEndOldNow] = useState(false);
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

  /** Main's list is the truth after Finish, which replaces the unfinished rotation with a new one. */
  const reloadRotations = useCallback(
    () =>
      call(desk().rotationsList()).then(
        (pending) => setRotations(pending.filter((r) => !r.finished)),
        () => undefined, // the list's own error banner says what is wrong with the service
      ),
    [],
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
      } else if (
        (event.ctrlKey || event.metaKey) &&
        event.key.toLowerCase() === 'a' &&
        !typing &&
        visibleRef.current.length > 0
      ) {
        event.preventDefault();
        setSelected(new Set(visibleRef.current.map((t) => t.id)));
      } else if (event.key === 'Escape' && !typing && selectedCount.current > 0) {
        setSelected(new Set());
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [dialog]);

  const visibleRef = useRef<ApiToken[]>([]);
  const selectedCount = useRef(0);
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

  // A clicked reminder opens its token once the list has loaded (state adjusted while
  // rendering, as React recommends over an effect); the app then forgets the request.
  const [openedFor, setOpenedFor] = useState<string | null>(null);
  if (openTokenId && tokens && openedFor !== openTokenId) {
    setOpenedFor(openTokenId);
    const token = tokens.find((t) => t.id === openTokenId);
    if (token) setDialog({ kind: 'details', token });
    else
      setActionError('That token is no longer in the list (revoked, or replaced by a rotation).');
  }
  if (!openTokenId && openedFor !== null) setOpenedFor(null);
  useEffect(() => {
    if (openedFor) onOpenedToken();
  }, [openedFor, onOpenedToken]);

  useEffect(() => {
    visibleRef.current = visible;
    selectedCount.current = chosen.length;
  });

  function bulkRevoked(report: BulkRevokeReport | null) {
    setDialog(null);
    if (!report) return;
    for (const ref of [...report.revoked, ...report.notFound]) list.removed(ref.id);
    setSelected(new Set());
    setStatus(bulkRevokeSummary(report.revoked.length, report.notFound.length));
    void load();
  }

  async function signOut() {
    try {
      onSignedOut(await call(desk().sessionSignOut()));
    } catch (error) {
      setActionError(handleFailure(error));
    }
  }

  async function switchTo(entry: AccountSummary) {
    if (entry.active) return;
    if (!entry.signedIn) {
      setDialog({ kind: 'add-account', email: entry.email, serviceUrl: entry.serviceUrl });
      return;
    }
    try {
      onSignedOut(
        await call(desk().accountsSwitch({ serviceUrl: entry.serviceUrl, email: entry.email })),
      );
    } catch (error) {
      setActionError(messageOf(error));
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
        showRotation(
          await call(
            desk().tokensRotateAndUpdate({ id: token.id, placeIds: placesShownFor(token) ?? [] }),
          ),
        );
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
    void reloadRotations();
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
        <AccountMenu
          account={account}
          accounts={accounts}
          onSwitch={(entry) => void switchTo(entry)}
          onAdd={() => setDialog({ kind: 'add-account' })}
          onSignOut={() => void signOut()}
        />
        <div className="toolbar-actions">
          <button
            type="button"
            className="primary"
            onClick={() => setDialog({ kind: 'new' })}
            aria-keyshortcuts="Control+N Meta+N"
          >
            New token
          </button>
          <button type="button" className="secondary" onClick={onOpenActivity}>
            Activity
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

      {tokens && tokens.length > 0 && (
        <div className="health" role="group" aria-label="Needs attention">
          {HEALTH_FILTERS.map(([filter, label]) => (
            <button
              key={filter}
              type="button"
              className={`health-count health-${filter}`}
              aria-pressed={health === filter}
              onClick={() => setHealth((current) => (current === filter ? null : filter))}
            >
              <span className="health-number">{counts[filter].toLocaleString()}</span>{' '}
              <span className="health-label">{label}</span>
            </button>
          ))}
          {health && (
            <button type="button" className="link-button" onClick={() => setHealth(null)}>
              Show all
            </button>
          )}
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
          <option value="attention">Needs attention first</option>
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
            {tokenCount(visible.length, tokens.length, deferredQuery.trim() !== '' || !!health)}
          </span>
        )}
      </div>
      {chosen.length > 0 && (
        <div className="selection-bar" role="region" aria-label="Selection">
          <span role="status">{chosen.length.toLocaleString()} selected</span>
          <button
            type="button"
            className="danger small"
            disabled={chosen.length > MAX_BULK_REVOKE}
            onClick={() => setDialog({ kind: 'bulk-revoke', tokens: chosen })}
          >
            Revoke {chosen.length === 1 ? '1 token' : `${chosen.length.toLocaleString()} tokens`}
          </button>
          {chosen.length > MAX_BULK_REVOKE && (
            <span className="field-error">At most {MAX_BULK_REVOKE} at a time.</span>
          )}
          <button type="button" className="link-button" onClick={() => setSelected(new Set())}>
            Clear selection
          </button>
        </div>
      )}

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
            setEndOldNow(false);
            setDialog({ kind: 'send', token });
          }}
          onDetails={(token) => setDialog({ kind: 'details', token })}
          onReplace={(token) => setDialog({ kind: 'replace', token })}
          selected={selected}
          onSelect={select}
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
          confirmDisabled={placesShownFor(dialog.token) === null}
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
          <PlacesToUpdate
            tokenId={dialog.token.id}
            tokenName={dialog.token.name}
            onListed={placesListed}
          />
        </ConfirmDialog>
      )}
      {dialog?.kind === 'replace' && (
        <ConfirmDialog
          title={`Replace “${dialog.token.name}”?`}
          confirmLabel={
            dialog.token.destinationCount > 0
              ? `Replace and update ${placesWord(dialog.token.destinationCount)}`
              : 'Replace token'
          }
          confirmDisabled={placesShownFor(dialog.token) === null}
          onConfirm={() => rotate(dialog.token)}
          onCancel={() => setDialog(null)}
        >
          <p>
            <strong>{dialog.token.name}</strong> has expired. Token Desk issues a new secret under
            the same name, with the same lifetime counted from today
            {dialog.token.destinationCount > 0
              ? `, and puts it into the ${placesWord(dialog.token.destinationCount)} it is recorded in`
              : ''}
            . The new secret is shown once.
          </p>
          {dialog.token.destinationCount > 0 && (
            <PlacesToUpdate
              tokenId={dialog.token.id}
              tokenName={dialog.token.name}
              onListed={placesListed}
            />
          )}
        </ConfirmDialog>
      )}
      {dialog?.kind === 'add-account' && (
        <AddAccountDialog
          defaultServiceUrl={dialog.serviceUrl ?? account.serviceUrl}
          email={dialog.email}
          onAdded={(state) => {
            setDialog(null);
            onSignedOut(state);
          }}
          onCancel={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'bulk-revoke' && (
        <BulkRevokeDialog tokens={dialog.tokens} onDone={bulkRevoked} onFailure={handleFailure} />
      )}
      {dialog?.kind === 'details' && (
        <TokenDetailsDialog
          token={dialog.token}
          now={now}
          onClose={() => setDialog(null)}
          onSend={() => {
            setSendOutcomes([]);
            setEndOldNow(false);
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
              . The new secret is then shown once.
            </>
          }
          notice={
            dialog.token.destinationCount > 0 ? (
              <div className="banner banner-warning old-secret-choice">
                <p>
                  The current secret <code>{dialog.token.prefix}…</code> keeps working until every
                  place has the new one, at most {durationWords(graceSeconds)}. The new one also
                  goes to:
                </p>
                <PlacesToUpdate
                  tokenId={dialog.token.id}
                  tokenName={dialog.token.name}
                  onListed={placesListed}
                />
              </div>
            ) : (
              <div className="banner banner-warning old-secret-choice">
                <p>
                  The current secret <code>{dialog.token.prefix}…</code> may be in use where Token
                  Desk cannot see. It keeps working for {durationWords(graceSeconds)} after the new
                  one is sent (Settings › grace period), then stops.
                </p>
                <label className="choice">
                  <input
                    type="checkbox"
                    checked={endOldNow}
                    onChange={(e) => setEndOldNow(e.target.checked)}
                  />
                  Stop the current secret as soon as the new one is sent: nothing else uses it
                </label>
              </div>
            )
          }
          sendLabel="Rotate and send"
          ready={placesShownFor(dialog.token) !== null}
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
            const old = dialog.token;
            const report = await call(
              desk().tokensRotateAndUpdate({ id: old.id, placeIds: placesShownFor(old) ?? [] }),
            );
            rowRotation.current = report;
            if (!report.revealed) throw new Error('The rotation gave no new secret.');
            const sent = await call(
              desk().destinationsSend({
                revealId: report.revealed.revealId,
                accountId: choice.accountId,
                target: choice.target,
                name: choice.name,
                overwrite,
                ...(choice.masked === undefined ? {} : { masked: choice.masked }),
                ...(choice.protected === undefined ? {} : { protected: choice.protected }),
                ...(choice.selectedRepositoryIds
                  ? { selectedRepositoryIds: choice.selectedRepositoryIds }
                  : {}),
              }),
            );
            // Only once the new secret is in place, and only when the person chose it.
            if (endOldNow && old.destinationCount === 0 && !report.rotation.oldRevoked) {
              try {
                await call(desk().tokensRevoke({ id: old.id }));
                rowRotation.current = {
                  ...report,
                  rotation: { ...report.rotation, oldRevoked: true, graceEndsAt: null },
                };
              } catch (failure) {
                setStatus(
                  `The new secret was sent, but the old one could not be stopped: ${messageOf(failure)} It stops by itself when its grace period ends.`,
                );
              }
            }
            return sent;
          }}
        />
      )}
    </main>
  );
}
