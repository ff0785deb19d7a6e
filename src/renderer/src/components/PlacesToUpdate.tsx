import { useEffect, useState } from 'react';
import type { DestinationView } from '../../../shared/ipc-contract';
import { call, desk, messageOf } from '../bridge';
import { PROVIDER_NAMES } from './ProviderAccountForm';

/**
 * Every place a rotation will feed, as main labels it (the host is named for anything
 * but github.com and gitlab.com), so a place on a server the person does not know
 * stands out before they confirm.
 */
export function PlacesToUpdate({ tokenId, tokenName }: { tokenId: string; tokenName: string }) {
  const [places, setPlaces] = useState<DestinationView[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    call(desk().destinationsList({ tokenId })).then(
      (list) => live && setPlaces(list),
      (failure: unknown) => live && setError(messageOf(failure)),
    );
    return () => {
      live = false;
    };
  }, [tokenId]);

  if (error) return <p className="muted">The places could not be listed here: {error}</p>;
  if (places === null) return <p className="muted">Listing the places…</p>;
  return (
    <ul className="update-places" aria-label={`Places that get the new ${tokenName}`}>
      {places.map((place) => (
        <li key={place.id}>
          <strong>{PROVIDER_NAMES[place.provider]}</strong>{' '}
          <span className="place-label">{place.label}</span>
        </li>
      ))}
    </ul>
  );
}
