import { Suspense } from 'react';
import type {
  BulkRevokeReport,
  DeskToken,
  InventorySource,
  ProviderAccountInfo,
  RevealedToken,
  RotationReport,
  RotationState,
  SendResult,
  SessionState,
  SignedInAccount,
} from '../../../shared/ipc-contract';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { lazyNamed, Loading } from '../components/Lazy';
import { RevealDialog } from '../features/reveal/components/RevealDialog';
import { PlacesToUpdate } from '../features/rotation/components/PlacesToUpdate';
import { RotationPanel } from '../features/rotation/components/RotationPanel';
import {
  initialPick,
  rotateDialogKind,
  type RotationChoice,
  type RotationPick,
} from '../features/rotation/vendor-rotation';
import type { PlacesShown } from '../features/rotation/hooks/use-places-shown';
import { SendFromReveal } from '../features/send-to-ci/components/SendFromReveal';
import type { SendOutcome } from '../features/send-to-ci/outcomes';
import type { SendChoice } from '../features/send-to-ci/send-form';
import { rotationWarning } from '../features/tokens/sources';
import { tokenKey } from '../features/tokens/view';
import { durationWords, placesWord } from '../lib/format';
import { sendPopup, type Popup } from './popups';

// The dialogs opened now and then load when first opened (the window wraps this host in
// Suspense); revealing and confirming are there from the start.
// The New token dialog carries every vendor's form and its rules, and the vendor rotate
// dialog its choices: both load when first opened, so the first screen stays small.
const NewTokenDialog = lazyNamed(() =>
  import('../features/tokens/components/NewTokenDialog').then((m) => m.NewTokenDialog),
);
const VendorRotateDialog = lazyNamed(() =>
  import('../features/rotation/components/VendorRotateDialog').then((m) => m.VendorRotateDialog),
);
const VendorSendChoices = lazyNamed(() =>
  import('../features/rotation/components/VendorSendChoices').then((m) => m.VendorSendChoices),
);
const AddAccountDialog = lazyNamed(() =>
  import('../features/accounts/components/AddAccountDialog').then((m) => m.AddAccountDialog),
);
const ProviderAccountForm = lazyNamed(() =>
  import('../features/accounts/components/ProviderAccountForm').then((m) => m.ProviderAccountForm),
);
const EventList = lazyNamed(() =>
  import('../features/activity/components/EventList').then((m) => m.EventList),
);
const SendToCiDialog = lazyNamed(() =>
  import('../features/send-to-ci/components/SendToCiDialog').then((m) => m.SendToCiDialog),
);
const BulkRevokeDialog = lazyNamed(() =>
  import('../features/tokens/components/BulkRevokeDialog').then((m) => m.BulkRevokeDialog),
);
const TokenDetailsDialog = lazyNamed(() =>
  import('../features/tokens/components/TokenDetailsDialog').then((m) => m.TokenDetailsDialog),
);
const TokenDetailsPane = lazyNamed(() =>
  import('../features/tokens/components/TokenDetailsPane').then((m) => m.TokenDetailsPane),
);

/** What the window does when a popup's work is done; `SignedInWindow` holds the state behind it. */
export interface PopupActions {
  open(popup: Popup): void;
  close(): void;
  handleFailure(error: unknown): string;
  reloadList(): void;
  created(revealed: RevealedToken): void;
  revoke(token: DeskToken): Promise<void>;
  /** `choice`: what a vendor's rotate dialog asked beyond the token (a new expiry, how the old value ends). */
  rotate(token: DeskToken, choice?: RotationChoice): Promise<void>;
  bulkRevoked(report: BulkRevokeReport | null): void;
  rotationChanged(next: RotationState): void;
  showRotation(report: RotationReport, outcomes?: SendOutcome[]): void;
  revealClosed(tokenName: string): void;
  sessionChanged(state: SessionState): void;
  /** A row's Send to CI…: the choice of stopping the old secret at once. */
  setEndOldNow(on: boolean): void;
  /** A row's Send to CI… of a vendor token: its rotation choices as picked. */
  setRotationPick(pick: RotationPick): void;
  rowSend(token: DeskToken, choice: SendChoice, overwrite: boolean): Promise<SendResult>;
  rowSendOutcome(outcome: SendOutcome): void;
}

interface Props {
  popup: Popup | null;
  account: SignedInAccount;
  /** Settings' grace period for "rotate and update", to say how long the old token lasts. */
  graceSeconds: number;
  existingNames: ReadonlySet<string>;
  /** The connected sources (for a bulk revoke across them). */
  sources: InventorySource[];
  places: PlacesShown;
  actions: PopupActions;
}

/** The GitHub or GitLab account form, for Send to CI… when no account fits yet. */
const addProviderAccount = (onAdded: (added: ProviderAccountInfo) => void) => (
  // Its own boundary: the open dialog around it stays while the form loads.
  <Suspense fallback={<Loading />}>
    <ProviderAccountForm autoFocus onAdded={onAdded} />
  </Suspense>
);

/** The one place the signed-in window's dialogs are rendered; features meet here. */
export function PopupHost({
  popup,
  account,
  graceSeconds,
  existingNames,
  sources,
  places,
  actions,
}: Props) {
  if (popup === null) return null;
  const { placesListed, placesShownFor } = places;
  const sourceOf = (token: DeskToken) =>
    sources.find((s) => s.connectionId === token.issuer.connectionId);
  switch (popup.kind) {
    case 'new':
      return (
        <NewTokenDialog
          connectionId={account.connectionId}
          existingNames={existingNames}
          onCreated={actions.created}
          onCancel={actions.close}
          onFailure={actions.handleFailure}
        />
      );
    case 'reveal':
      return (
        <RevealDialog
          revealed={popup.revealed}
          rotated={popup.rotated}
          serviceUrl={account.serviceUrl}
          rotation={popup.rotation ?? null}
          onClosed={() => actions.revealClosed(popup.revealed.token.name)}
          sendSection={
            <SendFromReveal
              revealId={popup.revealed.revealId}
              tokenName={popup.revealed.token.name}
              initialOutcomes={popup.outcomes}
              onSent={actions.reloadList}
              addAccountForm={addProviderAccount}
            />
          }
          rotationPanel={
            popup.rotation && (
              <RotationPanel
                rotation={popup.rotation}
                onChange={actions.rotationChanged}
                onRevealed={(revealed, next) => actions.showRotation({ rotation: next, revealed })}
              />
            )
          }
        />
      );
    case 'revoke':
      return (
        <ConfirmDialog
          title={`Revoke “${popup.token.name}”?`}
          confirmLabel="Revoke token"
          danger
          onConfirm={() => actions.revoke(popup.token)}
          onCancel={actions.close}
        >
          <p>
            Every pipeline or script still using <strong>{popup.token.name}</strong>
            {popup.token.prefix && (
              <>
                {' '}
                (<code>{popup.token.prefix}…</code>)
              </>
            )}{' '}
            will get <strong>401 errors</strong> on its very next request. This cannot be undone.
          </p>
        </ConfirmDialog>
      );
    case 'rotate':
      if (rotateDialogKind(popup.token) !== 'ours')
        return (
          <VendorRotateDialog
            token={popup.token}
            source={sourceOf(popup.token)}
            warning={(style) => rotationWarning(style, durationWords(graceSeconds))}
            placesReady={placesShownFor(popup.token) !== null}
            onPlacesListed={placesListed}
            onConfirm={(choice) => actions.rotate(popup.token, choice)}
            onCancel={actions.close}
          />
        );
      return popup.token.destinationCount === 0 ? (
        <ConfirmDialog
          title={`Rotate “${popup.token.name}”?`}
          confirmLabel="Rotate token"
          onConfirm={() => actions.rotate(popup.token)}
          onCancel={actions.close}
        >
          <p>
            A new secret replaces{' '}
            {popup.token.prefix ? <code>{popup.token.prefix}…</code> : 'the current one'}, with the
            same name and lifetime. The old secret stops working immediately: update it wherever{' '}
            <strong>{popup.token.name}</strong> is used.
          </p>
        </ConfirmDialog>
      ) : (
        <ConfirmDialog
          title={`Rotate “${popup.token.name}” and update ${placesWord(popup.token.destinationCount)}?`}
          confirmLabel={`Rotate and update ${placesWord(popup.token.destinationCount)}`}
          confirmDisabled={placesShownFor(popup.token) === null}
          onConfirm={() => actions.rotate(popup.token)}
          onCancel={actions.close}
        >
          <p>
            A new secret replaces{' '}
            {popup.token.prefix ? <code>{popup.token.prefix}…</code> : 'the current one'}, with the
            same name and lifetime, and Token Desk puts it into each of the{' '}
            {placesWord(popup.token.destinationCount)} <strong>{popup.token.name}</strong> is
            recorded in. {rotationWarning(popup.token.facts.rotation, durationWords(graceSeconds))}
          </p>
          <PlacesToUpdate
            tokenId={popup.token.id}
            connectionId={popup.token.issuer.connectionId}
            tokenName={popup.token.name}
            onListed={placesListed}
          />
        </ConfirmDialog>
      );
    case 'replace':
      if (rotateDialogKind(popup.token) !== 'ours')
        return (
          <VendorRotateDialog
            token={popup.token}
            source={sourceOf(popup.token)}
            mode="replace"
            warning={(style) => rotationWarning(style, durationWords(graceSeconds))}
            placesReady={placesShownFor(popup.token) !== null}
            onPlacesListed={placesListed}
            onConfirm={(choice) => actions.rotate(popup.token, choice)}
            onCancel={actions.close}
          />
        );
      return (
        <ConfirmDialog
          title={`Replace “${popup.token.name}”?`}
          confirmLabel={
            popup.token.destinationCount > 0
              ? `Replace and update ${placesWord(popup.token.destinationCount)}`
              : 'Replace token'
          }
          confirmDisabled={placesShownFor(popup.token) === null}
          onConfirm={() => actions.rotate(popup.token)}
          onCancel={actions.close}
        >
          <p>
            <strong>{popup.token.name}</strong> has expired. Token Desk issues a new secret under
            the same name, with the same lifetime counted from today
            {popup.token.destinationCount > 0
              ? `, and puts it into the ${placesWord(popup.token.destinationCount)} it is recorded in`
              : ''}
            . The new secret is shown once.
          </p>
          {popup.token.destinationCount > 0 && (
            <PlacesToUpdate
              tokenId={popup.token.id}
              connectionId={popup.token.issuer.connectionId}
              tokenName={popup.token.name}
              onListed={placesListed}
            />
          )}
        </ConfirmDialog>
      );
    case 'add-account':
      return (
        <AddAccountDialog
          defaultServiceUrl={popup.serviceUrl ?? account.serviceUrl}
          email={popup.email}
          onAdded={(state) => {
            actions.close();
            actions.sessionChanged(state);
          }}
          onCancel={actions.close}
        />
      );
    case 'bulk-revoke':
      return (
        <BulkRevokeDialog
          tokens={popup.tokens}
          sources={sources}
          onDone={actions.bulkRevoked}
          onFailure={actions.handleFailure}
        />
      );
    case 'send':
      return (
        <SendToCiDialog
          title={`Send “${popup.token.name}” to CI`}
          intro={
            <>
              Token Desk keeps no secret of an existing token, so sending issues a replacement (a
              rotation) and puts it into the place you choose
              {popup.token.destinationCount > 0
                ? ` and into the ${placesWord(popup.token.destinationCount)} it is already used in`
                : ''}
              . The new secret is then shown once.
            </>
          }
          notice={
            popup.token.facts.rotation !== 'grace' ? (
              // Another vendor's rotation: its own words and choices, as its Rotate… has them.
              (busy: boolean) => (
                <Suspense fallback={<Loading />}>
                  <VendorSendChoices
                    token={popup.token}
                    source={sourceOf(popup.token)}
                    pick={popup.rotation ?? initialPick(popup.token, sourceOf(popup.token))}
                    onPick={actions.setRotationPick}
                    warning={(style) => rotationWarning(style, durationWords(graceSeconds))}
                    busy={busy}
                    onPlacesListed={placesListed}
                  />
                </Suspense>
              )
            ) : popup.token.destinationCount > 0 ? (
              <div className="banner banner-warning old-secret-choice">
                <p>
                  The current secret <code>{popup.token.prefix}…</code> keeps working until every
                  place has the new one, at most {durationWords(graceSeconds)}. The new one also
                  goes to:
                </p>
                <PlacesToUpdate
                  tokenId={popup.token.id}
                  connectionId={popup.token.issuer.connectionId}
                  tokenName={popup.token.name}
                  onListed={placesListed}
                />
              </div>
            ) : (
              <div className="banner banner-warning old-secret-choice">
                <p>
                  The current secret <code>{popup.token.prefix}…</code> may be in use where Token
                  Desk cannot see. It keeps working for {durationWords(graceSeconds)} after the new
                  one is sent (Settings › grace period), then stops.
                </p>
                <label className="choice">
                  <input
                    type="checkbox"
                    checked={popup.endOldNow}
                    onChange={(e) => actions.setEndOldNow(e.target.checked)}
                  />
                  Stop the current secret as soon as the new one is sent: nothing else uses it
                </label>
              </div>
            )
          }
          sendLabel="Rotate and send"
          ready={placesShownFor(popup.token) !== null}
          repeatable={false}
          outcomes={popup.outcomes}
          onOutcome={actions.rowSendOutcome}
          onClose={actions.close}
          deliver={(choice, overwrite) => actions.rowSend(popup.token, choice, overwrite)}
          addAccountForm={addProviderAccount}
        />
      );
  }
}

interface DetailsProps {
  /** Beside the list (a wide window) or a dialog (a narrow one). */
  form: 'pane' | 'dialog';
  token: DeskToken;
  gone: boolean;
  focusRequest: number;
  now: number;
  actions: PopupActions;
  onClose: () => void;
}

/**
 * A token's details, in the form the window's width asks for: the same content either
 * way, its actions opening the same confirmations over it, its history the activity
 * feature's list.
 */
export function TokenDetailsHost({
  form,
  token,
  gone,
  focusRequest,
  now,
  actions,
  onClose,
}: DetailsProps) {
  const details = {
    token,
    now,
    gone,
    onClose,
    onSend: () => actions.open(sendPopup(token)),
    onRotate: () => actions.open({ kind: 'rotate', token }),
    onRevoke: () => actions.open({ kind: 'revoke', token }),
    onChanged: actions.reloadList,
    onFailure: actions.handleFailure,
    history: (
      <Suspense fallback={<Loading />}>
        <EventList
          key={tokenKey(token)}
          filter={{ tokenId: token.id }}
          label={`History of ${token.name}`}
          showToken={false}
        />
      </Suspense>
    ),
  };
  return (
    <Suspense fallback={<Loading />}>
      {form === 'pane' ? (
        <TokenDetailsPane {...details} focusRequest={focusRequest} />
      ) : (
        <TokenDetailsDialog {...details} />
      )}
    </Suspense>
  );
}
