import { useCallback, useEffect, useState } from 'react';
import type { RotationState } from '../../../../../shared/ipc-contract';
import { listUnfinishedRotations } from '../api';

export interface Rotations {
  /** Unfinished rotations, shown above the list until every place has the new secret. */
  rotations: RotationState[];
  /** A rotation moved on (a retry, a push, Finish): replace it, or drop it once finished. */
  changed(next: RotationState): void;
  /** Main's list is the truth after Finish, which replaces the unfinished rotation with a new one. */
  reload(): Promise<void>;
}

export function useRotations(onLoadFailure: (error: unknown) => void): Rotations {
  const [rotations, setRotations] = useState<RotationState[]>([]);

  useEffect(() => {
    listUnfinishedRotations().then(setRotations, onLoadFailure);
  }, [onLoadFailure]);

  const changed = useCallback((next: RotationState) => {
    setRotations((before) => {
      const others = before.filter((r) => r.id !== next.id);
      return next.finished ? others : [...others, next];
    });
  }, []);

  const reload = useCallback(
    () =>
      listUnfinishedRotations().then(
        setRotations,
        () => undefined, // the list's own error banner says what is wrong with the service
      ),
    [],
  );

  return { rotations, changed, reload };
}
