import { useCallback, useState } from 'react';
import type { DeskToken } from '../../../../../shared/ipc-contract';

/** Whose places a confirmation listed: a token at its connection (ids alone may repeat across sources). */
export interface PlacesOf {
  connectionId: string;
  tokenId: string;
}

export interface PlacesShown {
  /** `PlacesToUpdate` listed these place ids for a token (null while loading). */
  placesListed(of: PlacesOf, ids: string[] | null): void;
  /** The places the open confirmation listed, for that token: a rotation updates only these. */
  placesShownFor(token: DeskToken): string[] | null;
}

export function usePlacesShown(): PlacesShown {
  const [shown, setShown] = useState<{ of: PlacesOf; ids: string[] | null } | null>(null);
  const placesListed = useCallback(
    (of: PlacesOf, ids: string[] | null) => setShown({ of, ids }),
    [],
  );
  const placesShownFor = (token: DeskToken): string[] | null =>
    token.destinationCount === 0
      ? []
      : shown?.of.tokenId === token.id && shown.of.connectionId === token.issuer.connectionId
        ? shown.ids
        : null;
  return { placesListed, placesShownFor };
}
