import { useCallback, useState } from 'react';
import type { DeskToken } from '../../../../../shared/ipc-contract';

export interface PlacesShown {
  /** `PlacesToUpdate` listed these place ids for a token (null while loading). */
  placesListed(tokenId: string, ids: string[] | null): void;
  /** The places the open confirmation listed, for that token: a rotation updates only these. */
  placesShownFor(token: DeskToken): string[] | null;
}

export function usePlacesShown(): PlacesShown {
  const [shown, setShown] = useState<{ tokenId: string; ids: string[] | null } | null>(null);
  const placesListed = useCallback(
    (tokenId: string, ids: string[] | null) => setShown({ tokenId, ids }),
    [],
  );
  const placesShownFor = (token: DeskToken): string[] | null =>
    token.destinationCount === 0 ? [] : shown?.tokenId === token.id ? shown.ids : null;
  return { placesListed, placesShownFor };
}
