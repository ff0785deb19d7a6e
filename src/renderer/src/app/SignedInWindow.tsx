import { Suspense, useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type {
  AccountSummary,
  BulkRevokeReport,
  DeskToken,
  RevealedToken,
  RotationReport,
  RotationState,
  SessionState,
  SignedInAccount,
} from '../../../shared/ipc-contract';
import { opensToken, type OpenTokenEvent } from '../../../shared/ipc-channels';
import { Banner } from '../components/Banner';
import { Loading } from '../components/Lazy';
import { switchAccount, signOut } from '../features/accounts/api';
import { AccountMenu } from '../features/accounts/components/AccountMenu';
import { rotateAndUpdate } from '../features/rotation/api';
import { RotationPanel } from '../features/rotation/components/RotationPanel';
import { usePlacesShown } from '../features/rotation/hooks/use-places-shown';
import { useRotations } from '../features/rotation/hooks/use-rotations';
import { rotateAndSend } from '../features/send-to-ci/api';
import { upsert, type SendOutcome } from '../features/send-to-ci/outcomes';
import { revokeToken, rotateToken } from '../features/tokens/api';
import { focusTokenRow } from '../features/tokens/components/TokenList';
import { TokensScreen } from '../features/tokens/components/TokensScreen';
import { useTokenList } from '../features/tokens/hooks/use-token-list';
import { useTokenView } from '../features/tokens/hooks/use-token-view';
import { useWideWindow } from '../features/tokens/hooks/use-wide-window';
import { bulkRevokeSummary, tokenKey } from '../features/tokens/view';
import {
  initialPick,
  rotationChoice,
  type RotationChoice,
} from '../features/rotation/vendor-rotation';
import { DeskFailure, messageOf } from '../lib/bridge';
import type { Command } from './CommandPalette';
import { PopupHost, TokenDetailsHost, type PopupActions } from './PopupHost';
import { sendPopup, type Popup } from './popups';
import { useWindowCommands } from './use-window-commands';

interface Props {
  account: SignedInAccount;
  /** Every account on this computer, for the account menu. */
  accounts: AccountSummary[];
  banner: ReactNode;
  /** Settings' grace period for "rotate and update", to say how long the old token lasts. */
  graceSeconds: number;
  onSessionLost: (error: DeskFailure, email: string) => void;
  /** Signed out, switched or added an account: the app shows whatever is now active. */
  onSessionChanged: (state: SessionState) => void;
  /** Open this token's details once the list has it (a clicked reminder): its connection and id. */
  openToken: Pick<OpenTokenEvent, 'connectionId' | 'tokenId'> | null;
  onOpenedToken: () => void;
  /** What this window offers the command palette while it is shown. */
  onCommands: (commands: readonly Command[]) => void;
  onOpenNetworkSettings: () => void;
}

/**
 * The token whose details are open: its key (connection and id), the token as the list last had it (shown,
 * so never older than the list), whether it has left the list, and a counter that
 * changes each time a person opens details, to bring focus to them.
 */
interface OpenDetails {
  key: string;
  token: DeskToken;
  gone: boolean;
  focusRequest: number;
}

/**
 * The signed-in window: the account's token list, the token whose details are open,
 * its unfinished rotations, the one open popup, and the workflows that run between
 * them (GitHub Desktop's app store and popup host, at the size of this app). Features
 * meet here and nowhere else.
 */
export function SignedInWindow({
  account,
  accounts,
  banner,
  graceSeconds,
  onSessionLost,
  onSessionChanged,
  openToken,
  onOpenedToken,
  onCommands,
  onOpenNetworkSettings,
}: Props) {
  const [popup, setPopup] = useState<Popup | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const places = usePlacesShown();
  /** The rotation behind a row's Send to CI…, shown once the send ends. */
  const rowRotation = useRef<RotationReport | null>(null);

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
  const { tokens, sources, now, load } = list;
  const view = useTokenView(tokens, now, sources);
  const wide = useWideWindow();

  const [details, setDetails] = useState<OpenDetails | null>(null);
  /**
   * Where focus goes once the details have closed: the token's row (Esc, Close), or
   * the list's own Tab stop when the token went with them (a revoke).
   */
  const [refocus, setRefocus] = useState<{ row: string | null } | null>(null);
  const openDetails = (token: DeskToken) =>
    setDetails((open) => ({
      key: tokenKey(token),
      token,
      gone: false,
      focusRequest: (open?.focusRequest ?? 0) + 1,
    }));
  const closeDetails = (focusRow: boolean) => {
    if (!details) return;
    setDetails(null);
    setRefocus({ row: focusRow ? details.key : null });
  };

  // The details follow the list (state adjusted while rendering, so no frame shows the
  // old facts): fresh facts when it changes; the new token when a rotation that replaced
  // this one has finished; otherwise a note that it is gone (revoked elsewhere).
  if (details && tokens) {
    const current = tokens.find((t) => tokenKey(t) === details.key);
    const successor =
      !current && details.token.replacedById
        ? tokens.find(
            (t) =>
              t.id === details.token.replacedById &&
              t.issuer.connectionId === details.token.issuer.connectionId,
          )
        : undefined;
    if (current) {
      if (current !== details.token || details.gone)
        setDetails({ ...details, token: current, gone: false });
    } else if (successor) {
      setDetails({ ...details, key: tokenKey(successor), token: successor, gone: false });
      setStatus(
        `“${details.token.name}” was replaced by a rotation: its details show the new token.`,
      );
    } else if (!details.gone) {
      setDetails({ ...details, gone: true });
    }
  }

  useEffect(() => {
    if (!refocus) return;
    const focused = document.activeElement;
    // After a revoke, only if focus was left nowhere: the list has usually given it
    // to the neighbour already.
    if (refocus.row || !focused || focused === document.body) focusTokenRow(refocus.row);
  }, [refocus]);

  // Across the width where the details change form, the old form is gone before the
  // new one (loaded on first use) takes focus: the row holds it meanwhile.
  const openId = details?.key ?? null;
  useEffect(() => {
    const focused = document.activeElement;
    if (openId && (!focused || focused === document.body)) focusTokenRow(openId);
  }, [wide, openId]);
  const rotationsFailed = useCallback(
    (error: unknown) => setActionError(handleFailure(error)),
    [handleFailure],
  );
  const pending = useRotations(rotationsFailed);
  const { changed: pendingChanged } = pending;

  const rotationChanged = useCallback(
    (next: RotationState) => {
      pendingChanged(next);
      setPopup((open) =>
        open?.kind === 'reveal' && open.rotation?.id === next.id
          ? { ...open, rotation: next }
          : open,
      );
      if (next.finished) void load();
    },
    [pendingChanged, load],
  );

  // A clicked reminder opens its token once the list has loaded (state adjusted while
  // rendering, as React recommends over an effect); the app then forgets the request.
  const [openedFor, setOpenedFor] = useState<typeof openToken>(null);
  if (openToken && tokens && openedFor !== openToken) {
    setOpenedFor(openToken);
    const token = tokens.find((t) => opensToken(openToken, t));
    if (token) openDetails(token);
    else
      setActionError('That token is no longer in the list (revoked, or replaced by a rotation).');
  }
  if (!openToken && openedFor !== null) setOpenedFor(null);
  useEffect(() => {
    if (openedFor) onOpenedToken();
  }, [openedFor, onOpenedToken]);

  /** After rotate-and-update (or Finish): the new secret once, with how each place went. */
  function showRotation(report: RotationReport, outcomes?: SendOutcome[]) {
    rotationChanged(report.rotation);
    void pending.reload();
    void load();
    if (report.revealed) {
      setPopup({
        kind: 'reveal',
        revealed: report.revealed,
        rotated: true,
        rotation: report.rotation,
        outcomes,
      });
    } else setPopup(null);
  }

  /** Shows why a revoke or rotate failed; if the token is gone already (another window, the CLI), the list catches up. */
  function actionFailed(error: unknown) {
    setPopup(null);
    setActionError(handleFailure(error));
    if (
      error instanceof DeskFailure &&
      (error.code === 'token_not_found' || error.code === 'database_outcome_unknown')
    )
      void load();
  }

  async function leave(next: Promise<SessionState>, failed: (error: unknown) => string) {
    try {
      onSessionChanged(await next);
    } catch (error) {
      setActionError(failed(error));
    }
  }

  function switchTo(entry: AccountSummary) {
    if (entry.active) return;
    if (!entry.signedIn) {
      setPopup({ kind: 'add-account', email: entry.email, serviceUrl: entry.serviceUrl });
      return;
    }
    void leave(switchAccount(entry), messageOf);
  }

  const actions: PopupActions = {
    open: setPopup,
    close: () => setPopup(null),
    handleFailure(error: unknown) {
      // The service lost its answer to a change it may have made (503
      // database_outcome_unknown): the list catches up, so the person sees whether it was.
      if (error instanceof DeskFailure && error.code === 'database_outcome_unknown') void load();
      return handleFailure(error);
    },
    reloadList: () => void load(),
    created(revealed: RevealedToken) {
      list.added(revealed.token);
      setPopup({ kind: 'reveal', revealed, rotated: false });
    },
    async revoke(token: DeskToken) {
      try {
        await revokeToken(token.issuer.connectionId, token.id);
        setPopup(null);
        setStatus(`Revoked “${token.name}”.`);
        list.removed(tokenKey(token));
        // Its details close with it; focus goes to the list, not the page.
        if (details?.key === tokenKey(token)) {
          setDetails(null);
          setRefocus({ row: null });
        }
      } catch (error) {
        actionFailed(error);
      }
    },
    async rotate(token: DeskToken, choice?: RotationChoice) {
      try {
        if (token.destinationCount > 0) {
          showRotation(
            await rotateAndUpdate(
              token.issuer.connectionId,
              token.id,
              places.placesShownFor(token) ?? [],
              choice,
            ),
          );
          return;
        }
        const revealed = await rotateToken(token.issuer.connectionId, token.id, choice);
        list.replaced(tokenKey(token), revealed.token);
        // Its details follow it to the token that replaced it.
        setDetails((open) =>
          open?.key === tokenKey(token)
            ? { ...open, key: tokenKey(revealed.token), token: revealed.token }
            : open,
        );
        setPopup({ kind: 'reveal', revealed, rotated: true });
      } catch (error) {
        actionFailed(error);
      }
    },
    bulkRevoked(report: BulkRevokeReport | null) {
      // The report names ids alone: they are matched among the tokens chosen, so a token
      // of another source that has the same id stays in the list.
      const chosen = popup?.kind === 'bulk-revoke' ? popup.tokens : [];
      setPopup(null);
      if (!report) return;
      const ended = new Set([...report.revoked, ...report.notFound].map((ref) => ref.id));
      const gone = new Set(chosen.filter((t) => ended.has(t.id)).map(tokenKey));
      for (const key of gone) list.removed(key);
      if (details && gone.has(details.key)) {
        setDetails(null);
        setRefocus({ row: null });
      }
      view.clearSelection();
      setStatus(bulkRevokeSummary(report.revoked.length, report.notFound.length));
      void load();
    },
    rotationChanged,
    showRotation,
    revealClosed(tokenName: string) {
      setStatus(`“${tokenName}” is ready. Its secret is no longer shown.`);
      setPopup(null);
    },
    sessionChanged: onSessionChanged,
    setEndOldNow(on: boolean) {
      setPopup((open) => (open?.kind === 'send' ? { ...open, endOldNow: on } : open));
    },
    setRotationPick(pick) {
      setPopup((open) => (open?.kind === 'send' ? { ...open, rotation: pick } : open));
    },
    async rowSend(token, choice, overwrite) {
      // A vendor's rotation choices as the dialog shows them (its defaults until touched);
      // our own tokens and GitHub's guided rotation have none, so nothing is sent for them.
      const pick =
        (popup?.kind === 'send' ? popup.rotation : null) ??
        initialPick(
          token,
          sources?.find((s) => s.connectionId === token.issuer.connectionId),
        );
      const result = await rotateAndSend({
        connectionId: token.issuer.connectionId,
        tokenId: token.id,
        placeIds: places.placesShownFor(token) ?? [],
        choice,
        overwrite,
        endOldNow: popup?.kind === 'send' && popup.endOldNow,
        rotation: rotationChoice(pick.preset, pick.style, Date.now()),
      });
      rowRotation.current = result.report;
      if (result.sendProblem)
        throw new DeskFailure(result.sendProblem.code, result.sendProblem.message);
      if (result.oldKept) setStatus(result.oldKept);
      return result.sent!;
    },
    rowSendOutcome(outcome: SendOutcome) {
      setPopup((open) =>
        open?.kind === 'send' ? { ...open, outcomes: upsert(open.outcomes, outcome) } : open,
      );
      const report = rowRotation.current;
      if (outcome.state !== 'sending' && report) {
        rowRotation.current = null;
        showRotation(report, [outcome]);
      }
    },
  };

  useWindowCommands(onCommands, account, accounts, {
    newToken: () => setPopup({ kind: 'new' }),
    refresh: () => void load(),
    addAccount: () => setPopup({ kind: 'add-account' }),
    switchTo,
    signOut: () => void leave(signOut(), handleFailure),
    openToken: details && !details.gone ? details.token : null,
    send: (token) => setPopup(sendPopup(token)),
    rotate: (token) => setPopup({ kind: 'rotate', token }),
    revoke: (token) => setPopup({ kind: 'revoke', token }),
  });

  const notices = (
    <>
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
      {pending.rotations.length > 0 && popup?.kind !== 'reveal' && (
        <div className="pending-rotations" aria-label="Unfinished rotations" role="region">
          {pending.rotations.map((rotation) => (
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
    </>
  );

  const detailsHost = details && (
    <TokenDetailsHost
      form={wide ? 'pane' : 'dialog'}
      token={details.token}
      gone={details.gone}
      focusRequest={details.focusRequest}
      now={now}
      actions={actions}
      onClose={() => closeDetails(true)}
    />
  );

  return (
    <TokensScreen
      accountMenu={
        <AccountMenu
          account={account}
          accounts={accounts}
          onSwitch={switchTo}
          onAdd={() => setPopup({ kind: 'add-account' })}
          onSignOut={() => void leave(signOut(), handleFailure)}
        />
      }
      banner={banner}
      onOpenNetworkSettings={onOpenNetworkSettings}
      notices={notices}
      list={list}
      view={view}
      detail={wide && detailsHost}
      openId={openId}
      popup={
        <Suspense fallback={<Loading />}>
          {!wide && detailsHost}
          <PopupHost
            popup={popup}
            account={account}
            graceSeconds={graceSeconds}
            existingNames={view.names}
            sources={sources ?? []}
            places={places}
            actions={actions}
          />
        </Suspense>
      }
      popupOpen={popup !== null || (details !== null && !wide)}
      onNew={() => setPopup({ kind: 'new' })}
      onRevoke={(token) => setPopup({ kind: 'revoke', token })}
      onRotate={(token) => setPopup({ kind: 'rotate', token })}
      onSend={(token) => setPopup(sendPopup(token))}
      onDetails={openDetails}
      onReplace={(token) => setPopup({ kind: 'replace', token })}
      onBulkRevoke={(chosen) => setPopup({ kind: 'bulk-revoke', tokens: chosen })}
    />
  );
}
