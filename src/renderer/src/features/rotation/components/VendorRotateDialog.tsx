import { useId, useState } from 'react';
import type { DeskToken, InventorySource } from '../../../../../shared/ipc-contract';
import type { RotationStyleChoice } from '../../../../../shared/issuers/rotation-choices';
import type { RotationStyle } from '../../../../../shared/issuers/token-facts';
import { Dialog } from '../../../components/Dialog';
import { placesWord } from '../../../lib/format';
import {
  defaultPreset,
  effectiveStyle,
  expiryPresets,
  rotationChoice,
  rotateDialogKind,
  styleChoices,
  styleLabel,
  type ExpiryPreset,
  type RotationChoice,
} from '../vendor-rotation';
import type { PlacesOf } from '../hooks/use-places-shown';
import { PlacesToUpdate } from './PlacesToUpdate';

const DAY_MS = 86_400_000;

/** The day a preset ends on: vendors end a token on a day (GitLab at midnight UTC), not at a minute. */
const dayWords = (at: number): string =>
  new Date(at).toLocaleDateString(undefined, { dateStyle: 'medium' });

interface Props {
  token: DeskToken;
  /** The token's source as the list has it (its longest expiry, whether one is required). */
  source: InventorySource | undefined;
  /** What a rotation of this style does to the old value, in words (said before confirming). */
  warning: (style: RotationStyle) => string | null;
  /** The places listed in the dialog are known: a rotation updates only those. */
  placesReady: boolean;
  onPlacesListed: (of: PlacesOf, placeIds: string[] | null) => void;
  onConfirm: (choice: RotationChoice) => Promise<void>;
  onCancel: () => void;
}

/**
 * Rotate… for another vendor's token: the choices its vendor offers (a new expiry, how
 * the old value ends), what happens to the old value said before the person confirms,
 * and the places that get the new one. GitHub's rotation is guided: the person makes
 * the new value on GitHub and types it in main's own prompt, which this page never sees.
 */
export function VendorRotateDialog({
  token,
  source,
  warning,
  placesReady,
  onPlacesListed,
  onConfirm,
  onCancel,
}: Props) {
  const guided = rotateDialogKind(token) === 'guided';
  const presets = expiryPresets(token, source);
  const styles = styleChoices(token);
  const [preset, setPreset] = useState<ExpiryPreset | null>(() => defaultPreset(presets));
  const [style, setStyle] = useState<RotationStyleChoice | null>(styles[0] ?? null);
  const [busy, setBusy] = useState(false);
  // The dates beside the presets, as of when the dialog opened.
  const [now] = useState(() => Date.now());
  const expiryLabel = useId();
  const styleLegend = useId();
  const places = token.destinationCount;
  const said = warning(effectiveStyle(token, style));

  const title = guided
    ? `Rotate “${token.name}” on GitHub?`
    : places > 0
      ? `Rotate “${token.name}” and update ${placesWord(places)}?`
      : `Rotate “${token.name}”?`;
  const confirmLabel = guided
    ? 'Open GitHub and continue'
    : places > 0
      ? `Rotate and update ${placesWord(places)}`
      : 'Rotate token';

  function confirm() {
    setBusy(true);
    void onConfirm(guided ? {} : rotationChoice(preset, style, Date.now())).finally(() =>
      setBusy(false),
    );
  }

  return (
    <Dialog
      title={title}
      role="alertdialog"
      onDismiss={() => !busy && onCancel()}
      footer={
        <>
          <button
            type="button"
            className="secondary"
            onClick={onCancel}
            disabled={busy}
            data-autofocus
          >
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            disabled={busy || !placesReady}
            onClick={confirm}
          >
            {busy ? (guided ? 'Waiting for GitHub…' : 'Working…') : confirmLabel}
          </button>
        </>
      }
    >
      {guided ? (
        <GuidedSteps token={token} />
      ) : (
        <p>
          {effectiveStyle(token, style) === 'create-then-delete'
            ? places > 0
              ? `A new token replaces “${token.name}”, with the same name and permissions, and Token Desk puts it into ${intoPlaces(places)}.`
              : `A new token replaces “${token.name}”, with the same name and permissions, and the old one is deleted once it is made. Nothing records where it is used, so update it wherever it is used.`
            : places > 0
              ? `A new value replaces the one “${token.name}” has now, and Token Desk puts it into ${intoPlaces(places)}.`
              : `A new value replaces the one “${token.name}” has now. Nothing records where it is used, so update it wherever it is used.`}
        </p>
      )}

      {/* First, so it is read before the choices and the button, even in a small window. */}
      {said && (places > 0 || effectiveStyle(token, style) === 'at-once') && (
        <div
          className={`banner ${effectiveStyle(token, style) === 'at-once' ? 'banner-warning' : 'banner-info'}`}
        >
          <p>{said}</p>
        </div>
      )}

      {presets.length > 0 && (
        <div className="rotate-choice">
          <p id={expiryLabel} className="rotate-choice-label">
            New expiry
          </p>
          <div role="radiogroup" aria-labelledby={expiryLabel} className="rotate-choices">
            {presets.map((option) => (
              <label className="choice" key={option.label}>
                <input
                  type="radio"
                  name={`${expiryLabel}-expiry`}
                  checked={preset?.label === option.label}
                  disabled={busy}
                  onChange={() => setPreset(option)}
                />
                {option.label}
                {option.days !== null && (
                  <span className="muted"> (until {dayWords(now + option.days * DAY_MS)})</span>
                )}
              </label>
            ))}
          </div>
        </div>
      )}

      {styles.length > 0 && (
        <div className="rotate-choice">
          <p id={styleLegend} className="rotate-choice-label">
            How the old value ends
          </p>
          <div role="radiogroup" aria-labelledby={styleLegend} className="rotate-choices">
            {styles.map((option) => (
              <label className="choice" key={option}>
                <input
                  type="radio"
                  name={`${styleLegend}-style`}
                  checked={style === option}
                  disabled={busy}
                  onChange={() => setStyle(option)}
                />
                {styleLabel(option)}
              </label>
            ))}
          </div>
        </div>
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
          Waiting for you to regenerate the token on GitHub and paste its new value in Token Desk’s
          own window…
        </p>
      )}
    </Dialog>
  );
}

/** "the place it is recorded in", or "each of the 3 places it is recorded in". */
function intoPlaces(count: number): string {
  return count === 1
    ? 'the place it is recorded in'
    : `each of the ${placesWord(count)} it is recorded in`;
}

/** GitHub has no API to rotate a token: what the person does there, and what Token Desk does after. */
function GuidedSteps({ token }: { token: DeskToken }) {
  const places = token.destinationCount;
  return (
    <>
      <p>
        GitHub has no way for Token Desk to make a new value for “{token.name}”: you regenerate it
        on GitHub, and Token Desk takes it from there.
      </p>
      <ol className="guided-steps">
        <li>Token Desk opens the token’s page on GitHub in your browser.</li>
        <li>
          There, choose <strong>Regenerate token</strong>, pick its new expiry and copy the new
          value. GitHub stops the old value at once: pipelines running in between may fail.
        </li>
        <li>
          Paste the new value in the window Token Desk opens (this window never sees it). Token Desk
          checks it belongs to the same GitHub account
          {places > 0 ? `, then puts it into ${intoPlaces(places)}.` : '.'}
        </li>
      </ol>
    </>
  );
}
