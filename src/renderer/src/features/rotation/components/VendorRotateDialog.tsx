import { useState } from 'react';
import type { DeskToken, InventorySource } from '../../../../../shared/ipc-contract';
import type { RotationStyle } from '../../../../../shared/issuers/token-facts';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { Dialog } from '../../../components/Dialog';
import { placesWord } from '../../../lib/format';
import {
  effectiveStyle,
  initialPick,
  replaceRefusal,
  rotationChoice,
  rotateDialogKind,
  type RotateMode,
  type RotationChoice,
  type RotationPick,
} from '../vendor-rotation';
import type { PlacesOf } from '../hooks/use-places-shown';
import { PlacesToUpdate } from './PlacesToUpdate';
import { GuidedSteps, intoPlaces, VendorChoices } from './VendorChoices';

interface Props {
  token: DeskToken;
  /** The token's source as the list has it (its longest expiry, whether one is required). */
  source: InventorySource | undefined;
  /** Rotate… (the default), or Replace… for an expired token: the same rotation, other words. */
  mode?: RotateMode;
  /** What a rotation of this style does to the old value, in words (said before confirming). */
  warning: (style: RotationStyle) => string | null;
  /** The places listed in the dialog are known: a rotation updates only those. */
  placesReady: boolean;
  onPlacesListed: (of: PlacesOf, placeIds: string[] | null) => void;
  onConfirm: (choice: RotationChoice) => Promise<void>;
  onCancel: () => void;
}

/**
 * Rotate… (or Replace…, for an expired token) of another vendor's token: the choices
 * its vendor offers (a new expiry, how the old value ends), what happens to the old
 * value said before the person confirms, and the places that get the new one. GitHub's
 * rotation is guided: the person makes the new value on GitHub and types it in main's
 * own prompt, which this page never sees.
 */
export function VendorRotateDialog({
  token,
  source,
  mode = 'rotate',
  warning,
  placesReady,
  onPlacesListed,
  onConfirm,
  onCancel,
}: Props) {
  const guided = rotateDialogKind(token) === 'guided';
  const [pick, setPick] = useState<RotationPick>(() => initialPick(token, source, mode));
  const places = token.destinationCount;
  const replacing = mode === 'replace';
  const verb = replacing ? 'Replace' : 'Rotate';

  const refusal = replacing ? replaceRefusal(token) : null;
  if (refusal)
    return (
      <Dialog
        title={`Replace “${token.name}”?`}
        role="alertdialog"
        onDismiss={onCancel}
        footer={
          <button type="button" className="secondary" onClick={onCancel} data-autofocus>
            Close
          </button>
        }
      >
        <p>{refusal}</p>
      </Dialog>
    );

  const title = guided
    ? `${verb} “${token.name}” on GitHub?`
    : places > 0
      ? `${verb} “${token.name}” and update ${placesWord(places)}?`
      : `${verb} “${token.name}”?`;
  const confirmLabel = guided
    ? 'Open GitHub and continue'
    : places > 0
      ? `${verb} and update ${placesWord(places)}`
      : `${verb} token`;
  const expired = replacing ? `“${token.name}” has expired. ` : '';

  return (
    <ConfirmDialog
      title={title}
      confirmLabel={confirmLabel}
      busyLabel={guided ? 'Waiting for GitHub…' : 'Working…'}
      confirmDisabled={!placesReady}
      onConfirm={() => onConfirm(guided ? {} : rotationChoice(pick.preset, pick.style, Date.now()))}
      onCancel={onCancel}
    >
      {(busy) => (
        <>
          {guided ? (
            <>
              {expired && <p>{expired.trim()}</p>}
              <GuidedSteps token={token} />
            </>
          ) : (
            <p>
              {expired}
              {effectiveStyle(token, pick.style) === 'create-then-delete'
                ? places > 0
                  ? `A new token replaces “${token.name}”, with the same name and permissions, and Token Desk puts it into ${intoPlaces(places)}.`
                  : `A new token replaces “${token.name}”, with the same name and permissions, and the old one is deleted once it is made. Nothing records where it is used, so update it wherever it is used.`
                : places > 0
                  ? `A new value replaces the one “${token.name}” has now, and Token Desk puts it into ${intoPlaces(places)}.`
                  : `A new value replaces the one “${token.name}” has now. Nothing records where it is used, so update it wherever it is used.`}
            </p>
          )}

          {!guided && (
            <VendorChoices
              token={token}
              source={source}
              mode={mode}
              pick={pick}
              onPick={setPick}
              warning={warning}
              places={places}
              disabled={busy}
            />
          )}

          {places > 0 && (
            <PlacesToUpdate
              tokenId={token.id}
              connectionId={token.issuer.connectionId}
              tokenName={token.name}
              onListed={onPlacesListed}
            />
          )}
          {busy && guided && (
            <p role="status" className="muted">
              Waiting for you to regenerate the token on GitHub and paste its new value in Token
              Desk’s own window…
            </p>
          )}
        </>
      )}
    </ConfirmDialog>
  );
}
