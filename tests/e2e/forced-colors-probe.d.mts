/** See forced-colors-probe.mjs: why the focused element's ring would not show, or null. */
export function focusRingProblem(): string | null;
/** See forced-colors-probe.mjs: the visible buttons with no drawn border. */
export function unframedButtons(): string[];
/** How an element stands out: each edge's colour (null when none shows), fill, text, outline. */
export interface Mark {
  left: string | null;
  bottom: string | null;
  top: string | null;
  background: string;
  color: string;
  outline: string | null;
}
/** See forced-colors-probe.mjs: the marks of each element. */
export function marksOf(elements: unknown[]): Mark[];
