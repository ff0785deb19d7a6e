import { useCallback, useEffect, useState } from 'react';
import type { NetworkStatus } from '../../../../../shared/ipc-contract';
import { call, desk, messageOf } from '../../../lib/bridge';

/** How requests leave, as main reports it; `replace` takes the status a change answered with. */
export function useCompanyNetwork() {
  const [status, setStatus] = useState<NetworkStatus | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  const reload = useCallback(
    () =>
      call(desk().networkStatus()).then(
        (next) => {
          setStatus(next);
          setLoadError(null);
        },
        (failure: unknown) => setLoadError(messageOf(failure)),
      ),
    [],
  );

  useEffect(() => {
    void reload();
  }, [reload]);

  return { status, loadError, reload, replace: setStatus };
}
