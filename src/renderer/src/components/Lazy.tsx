import { lazy, type ComponentType } from 'react';

/**
 * A component whose module loads when it is first shown, not at start-up (React.lazy
 * wants a default export; the app's modules export by name).
 */
export function lazyNamed<P extends object>(load: () => Promise<ComponentType<P>>) {
  return lazy(async () => ({ default: await load() }));
}

/**
 * What a Suspense boundary shows while a screen or dialog loads for the first time:
 * a quiet "Loading…" that fades in only if the load takes a noticeable moment.
 */
export function Loading() {
  return (
    <p className="loading-later" role="status">
      Loading…
    </p>
  );
}
