/**
 * The parts of a vendor rotation that every dialog rotating a vendor's token shows
 * alike (Rotate…, Replace…, a row's Send to CI…): what becomes of the old value, said
 * first; the choices the vendor offers (a new expiry, how the old value ends); and
 * GitHub's guided steps.
 */
import { useId, useState } from 'react';
import type { DeskToken, InventorySource } from '../../../../../shared/ipc-contract';
import type { RotationStyle } from '../../../../../shared/issuers/token-facts';
import { placesWord } from '../../../lib/format';
import {
  effectiveStyle,
  expiryPresets,
  styleChoices,
  styleLabel,
  type RotateMode,
  type RotationPick,
} from '../vendor-rotation';

const DAY_MS = 86_400_000;

/** The day a preset ends on: vendors end a token on a day (GitLab at midnight UTC), not at a minute. */
const dayWords = (at: number): string =>
  new Date(at).toLocaleDateString(undefined, { dateStyle: 'medium' });

interface Props {
  token: DeskToken;
  /** The token's source as the list has it (its longest expiry, whether one is required). */
  source: InventorySource | undefined;
  mode?: RotateMode;
  pick: RotationPick;
  onPick: (pick: RotationPick) => void;
  /** What a rotation of this style does to the old value, in words. */
  warning: (style: RotationStyle) => string | null;
  /** How many places get the new value: with none, a new token beside the old one needs no word. */
  places: number;
  /** The work runs: the choices hold still. */
  disabled: boolean;
}

/** What happens to the old value (first, so it is read before the choices), then the choices. */
export function VendorChoices({
  token,
  source,
  mode = 'rotate',
  pick,
  onPick,
  warning,
  places,
  disabled,
}: Props) {
  const presets = expiryPresets(token, source, mode);
  const styles = styleChoices(token, mode);
  // The dates beside the presets, as of when the choices appeared.
  const [now] = useState(() => Date.now());
  const expiryLabel = useId();
  const styleLegend = useId();
  const style = effectiveStyle(token, pick.style);
  const said = warning(style);

  return (
    <>
      {said && (places > 0 || style === 'at-once') && (
        <div className={`banner ${style === 'at-once' ? 'banner-warning' : 'banner-info'}`}>
          <p>{said}</p>
        </div>
      )}

      {/* A roll keeps the token's expiry: nothing to choose then. */}
      {presets.length > 0 && pick.style !== 'at-once' && (
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
                  checked={pick.preset?.label === option.label}
                  disabled={disabled}
                  onChange={() => onPick({ ...pick, preset: option })}
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

      {styles.length > 1 && (
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
                  checked={pick.style === option}
                  disabled={disabled}
                  onChange={() => onPick({ ...pick, style: option })}
                />
                {styleLabel(option)}
              </label>
            ))}
          </div>
        </div>
      )}
    </>
  );
}

/** "the place it is recorded in", or "each of the 3 places it is recorded in". */
export function intoPlaces(count: number): string {
  return count === 1
    ? 'the place it is recorded in'
    : `each of the ${placesWord(count)} it is recorded in`;
}

/**
 * GitHub has no API to rotate a token: what the person does there, and what Token Desk
 * does after. `sending`: a row's Send to CI…, whose new value also goes to the place chosen.
 */
export function GuidedSteps({ token, sending = false }: { token: DeskToken; sending?: boolean }) {
  const places = token.destinationCount;
  const after = sending
    ? places > 0
      ? `, then sends it to the place you choose below and puts it into ${intoPlaces(places)}.`
      : ', then sends it to the place you choose below.'
    : places > 0
      ? `, then puts it into ${intoPlaces(places)}.`
      : '.';
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
          {after}
        </li>
      </ol>
    </>
  );
}
