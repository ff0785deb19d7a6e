import type { DeskToken, InventorySource } from '../../../../../shared/ipc-contract';
import type { RotationStyle } from '../../../../../shared/issuers/token-facts';
import { rotateDialogKind, type RotationPick } from '../vendor-rotation';
import type { PlacesOf } from '../hooks/use-places-shown';
import { PlacesToUpdate } from './PlacesToUpdate';
import { GuidedSteps, VendorChoices } from './VendorChoices';

interface Props {
  token: DeskToken;
  source: InventorySource | undefined;
  pick: RotationPick;
  onPick: (pick: RotationPick) => void;
  warning: (style: RotationStyle) => string | null;
  /** A send is under way: the choices hold still. */
  busy: boolean;
  onPlacesListed: (of: PlacesOf, placeIds: string[] | null) => void;
}

/**
 * A row's Send to CI… of another vendor's token is that vendor's rotation: the same
 * words and choices as its Rotate… (what becomes of the old value first, then a new
 * expiry or how the old value ends), or GitHub's guided steps, and the recorded places
 * that get the new value beside the one chosen below.
 */
export function VendorSendChoices({
  token,
  source,
  pick,
  onPick,
  warning,
  busy,
  onPlacesListed,
}: Props) {
  const recorded = token.destinationCount;
  return (
    <div className="old-secret-choice">
      {rotateDialogKind(token) === 'guided' ? (
        <GuidedSteps token={token} sending />
      ) : (
        <VendorChoices
          token={token}
          source={source}
          pick={pick}
          onPick={onPick}
          warning={warning}
          // The place chosen below gets the new value too.
          places={recorded + 1}
          disabled={busy}
        />
      )}
      {recorded > 0 && (
        <>
          <p>The new value also goes to:</p>
          <PlacesToUpdate
            tokenId={token.id}
            connectionId={token.issuer.connectionId}
            tokenName={token.name}
            onListed={onPlacesListed}
          />
        </>
      )}
    </div>
  );
}
