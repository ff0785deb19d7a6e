/** See layout-probe.mjs: what is wrong with the page's layout, as sentences. */
export function layoutProblemsInPage(): string[];
/** See layout-probe.mjs: the ancestors that clip the focused element's focus ring. */
export function focusRingClipsInPage(): string[];
/** See layout-probe.mjs: an element's computed colours (the specs have no DOM types). */
export function colorsOf(element: unknown): {
  color: string;
  background: string;
  outline: string;
  boxShadow: string;
  backdrop: string;
};
/** See layout-probe.mjs: whether an input's placeholder shows whole. */
export function placeholderFits(input: unknown): boolean;
