import { useSyncExternalStore } from 'react';

/**
 * From this width (CSS px) the token list shows a token's details in a pane beside it;
 * below, in a dialog. At 900 the list keeps about 550 px, enough for whole names.
 */
export const DETAIL_PANE_MIN_WIDTH = 900;

const query = `(min-width: ${DETAIL_PANE_MIN_WIDTH}px)`;

function subscribe(changed: () => void) {
  const list = window.matchMedia(query);
  list.addEventListener('change', changed);
  return () => list.removeEventListener('change', changed);
}

/** Whether the window is wide enough for the details pane, following every resize. */
export function useWideWindow(): boolean {
  return useSyncExternalStore(subscribe, () => window.matchMedia(query).matches);
}
