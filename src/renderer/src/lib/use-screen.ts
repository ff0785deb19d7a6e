import { useEffect, useRef } from 'react';

/**
 * A screen being shown: the window title names it (so a screen reader announces the
 * change) and focus moves to its heading instead of falling to the page body. A screen
 * that focuses a field of its own passes `focusHeading: false`.
 */
export function useScreen(name: string, { focusHeading = true } = {}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${name} — Token Desk`;
    if (focusHeading) heading.current?.focus();
  }, [name, focusHeading]);
  return heading;
}
