import { useEffect, useState } from 'react';
import type { DestinationView } from '../../../../../shared/ipc-contract';
import { call, desk, messageOf } from '../../../lib/bridge';
import { providerSpec } from '../../../../../shared/ci-providers/registry';
import type { PlacesOf } from '../hooks/use-places-shown';

/**
 * Every place a rotation will feed, as main labels it (the host is named for anything
 * but github.com and gitlab.com), so a place on a server the person does not know
 * stands out before they confirm.
 */
export function PlacesToUpdate({
  tokenId,
  connectionId,
  tokenName,
  onListed,
}: {
  tokenId: string;
  /** The connection that issued the token: its places are kept with it. */
  connectionId: string;
  tokenName: string;
  /** The ids shown (null while loading): main pushes to these alone, to no place added later. */
  onListed: (of: PlacesOf, placeIds: string[] | null) => void;
}) {
  const [places, setPlaces] = useState<DestinationView[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const of = { tokenId, connectionId };
    onListed(of, null);
    call(desk().destinationsList({ tokenId, connectionId })).then(
      (list) => {
        if (!live) return;
        setPlaces(list);
        onListed(
          of,
          list.map((place) => place.id),
        );
      },
      (failure: unknown) => {
        if (!live) return;
        setError(messageOf(failure));
        onListed(of, []);
      },
    );
    return () => {
      live = false;
    };
  }, [tokenId, connectionId, onListed]);

  if (error)
    return (
      <p className="muted">
        The places could not be listed here ({error}), so none will be updated without a Retry.
      </p>
    );
  if (places === null) return <p className="muted">Listing the places…</p>;
  return (
    <ul className="update-places" aria-label={`Places that get the new ${tokenName}`}>
      {places.map((place) => (
        <li key={place.id}>
          <strong>{providerSpec(place.provider).displayName}</strong>{' '}
          <span className="place-label">{place.label}</span>
        </li>
      ))}
    </ul>
  );
}
